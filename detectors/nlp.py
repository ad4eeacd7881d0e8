"""NLP pipeline: config -> Danish spaCy pipeline (blank + lookup lemmatizer, or a trained one), vocabulary.

The Danish lookup table of spacy-lookups-data has 553,000 forms; loaded whole into spaCy's
lemmatizer it costs ~225 MB per worker. Only the lemmas our recognizers compare against matter
(terms, context and person words), so the lemmatizer is initialised explicitly with those entries,
and "is this a dictionary word?" (used to tell names from words) is answered from a sorted array of
hashes (~5 MB). The table is read entry by entry, never held whole: as a dict it cost ~125 MB at
the worker's peak.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import spacy
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.tokens import Doc

LANGUAGE = "da"


SECOND_LANGUAGE = "en"
"""Staff write English too (an international line, a partner school): its words are no names either."""


class Vocabulary:
    """Membership of lower-case Danish (and English) word forms and lemmas, as a sorted array of hashes."""

    def __init__(self, words: Iterable[str], more: npt.NDArray[np.int64] | None = None) -> None:
        hashes = np.fromiter((hash(w) for w in words), dtype=np.int64)
        self.hashes = np.unique(hashes if more is None else np.concatenate([hashes, more]))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not len(self.hashes):
            return False
        key = hash(word)
        i = int(np.searchsorted(self.hashes, key))
        return i < len(self.hashes) and int(self.hashes[i]) == key

    def __len__(self) -> int:
        return len(self.hashes)


def lookup_table_path(language: str = LANGUAGE) -> Path:
    import spacy_lookups_data  # type: ignore[import-untyped]

    path = Path(str(getattr(spacy_lookups_data, language)["lemma_lookup"]))
    gz = path.with_name(path.name + ".gz")
    return gz if gz.exists() else path


ENTRY_LINE = re.compile(r'\s*"([^"\\]*)"\s*:\s*"([^"\\]*)",?\s*')
"""One ``"form": "lemma",`` line of a lookup table, without escapes (all but a few dozen lines)."""


def lookup_entries(language: str = LANGUAGE) -> Iterator[tuple[str, str]]:
    """The (form, lemma) pairs of a lookup table, read from the file line by line."""
    path = lookup_table_path(language)
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        yield from table_entries(fh)


def table_entries(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """The (form, lemma) pairs in the lines of a JSON object of strings: a plain ``"form": "lemma",``
    line by a regular expression, any other line (escapes, several entries, the braces) as JSON."""
    for line in lines:
        entry = ENTRY_LINE.fullmatch(line)
        if entry:
            yield entry[1], entry[2]
            continue
        body = line.strip().removeprefix("{").removesuffix("}").strip().rstrip(",")
        if body:
            pairs: dict[str, str] = json.loads("{" + body + "}")
            yield from pairs.items()


TOKEN = re.compile(r"-(?<![\w-]-)\d+|\d+,\d+|\w+(?:[-.'\u2019\u2013]\w+)*|[^\w\s]")
"""Words (with inner hyphens, dots, apostrophes: CPR-nr, 3.A, 150315-8114), -3, decimals, punctuation."""
PIECES = re.compile(rf"({TOKEN.pattern})( ?)|(\s+)")
"""A token and the one space it may own, or a run of other whitespace (a token of its own, as in
spaCy). TOKEN matches at every character that is no whitespace, so the pieces cover the text."""


@dataclass(frozen=True)
class Tokens:
    """A text cut into tokens as spaCy cuts it: one space after a token is the token's trailing space,
    any other whitespace is a token of its own, so the offsets match the text exactly."""

    texts: list[str]
    starts: list[int]
    spaces: list[bool]


def tokenize(text: str) -> Tokens:
    """Tokenise with one regular expression: ~10x faster than spaCy's rule-based tokenizer."""
    pieces = PIECES.findall(text)
    ends = list(accumulate(len(token) + len(space) + len(other) for token, space, other in pieces))
    return Tokens(
        [token or other for token, _, other in pieces],
        [0, *ends[:-1]] if pieces else [],
        [space == " " for _, space, _ in pieces],
    )


def quick_doc(nlp: Language, text: str) -> Doc:
    """Our tokens as a spaCy Doc, through the pipeline's components (for a trained pipeline)."""
    tokens = tokenize(text)
    doc = Doc(nlp.vocab, words=tokens.texts, spaces=tokens.spaces)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def lemmatize(tokens: Tokens, table: Mapping[str, str]) -> list[str]:
    """What spaCy's lookup lemmatizer gives each token (the table's lemma, else the text), without
    building a Doc: on the short windows the Doc cost more than the lookups."""
    return [table.get(text, text) for text in tokens.texts]


@dataclass(frozen=True)
class Pipeline:
    """The spaCy pipeline, the vocabulary of known words, and, for blank Danish, the lemmatizer's
    table as a plain dict (``None`` for a trained pipeline, whose components must run)."""

    nlp: Language
    vocabulary: Vocabulary
    lemmas: dict[str, str] | None


def build_nlp(model: str | None, lemmas_of_interest: Iterable[str]) -> Pipeline:
    """The configured trained pipeline when installed, else blank Danish with the lookup lemmatizer
    (added and initialised explicitly, nothing downloaded); and the vocabulary of known words."""
    english_words = Vocabulary(chain.from_iterable(lookup_entries(SECOND_LANGUAGE))).hashes
    wanted = {w.lower() for w in lemmas_of_interest}
    kept: dict[str, str] = {}

    def danish_words() -> Iterator[str]:
        for form, lemma in lookup_entries():
            yield form
            yield lemma
            if form != lemma and lemma.lower() in wanted:
                kept[form] = lemma

    vocabulary = Vocabulary(danish_words(), english_words)
    if model and spacy.util.is_package(model):
        return Pipeline(spacy.load(model, disable=["ner", "parser"]), vocabulary, None)
    kept.update({form[:1].upper() + form[1:]: lemma for form, lemma in list(kept.items())})
    lookups = Lookups()
    lookups.add_table("lemma_lookup", kept)
    nlp = spacy.blank(LANGUAGE)
    lemmatizer: Any = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lemmatizer.initialize(lookups=lookups)
    return Pipeline(nlp, vocabulary, kept)
