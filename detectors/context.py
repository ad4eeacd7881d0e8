"""Context: the tokens (and lemmas) around a result -> normalised words that recognizers look up cues in."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import ahocorasick
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc

from detectors.lexicon import spellings

WINDOW_BREAK = "\u00b6"
"""Separates analysed windows in the joined text; context never crosses it."""

_STRIP = ".:;,()[]\"'!?«»“”/*"


class TokenArtifacts(NlpArtifacts):
    """Presidio's NLP artifacts with the token texts, words and lemmas as plain lists (iterating a
    spaCy Doc is slow); the Doc itself is made only when something asks for ``tokens``."""

    def __init__(
        self,
        texts: list[str],
        starts: list[int],
        lemmas: list[str],
        language: str,
        make_doc: Callable[[], Doc],
    ) -> None:
        self.make_doc = make_doc
        self.doc: Doc | None = None
        super().__init__(
            entities=[],
            tokens=None,  # type: ignore[arg-type]  # the Doc is made on first use
            tokens_indices=starts,
            lemmas=lemmas,
            nlp_engine=None,  # Presidio's keyword list is not used and costs a vocab lookup per token
            language=language,
        )
        self.texts = texts
        self.words = [t.lower().strip(_STRIP) for t in texts]  # normalise(), without a call per token
        self.lemma_words = [
            word if lemma == text else normalise(lemma)
            for text, word, lemma in zip(texts, self.words, lemmas, strict=True)
        ]

    @property
    def tokens(self) -> Doc:
        doc = self.doc
        if doc is None:
            doc = self.doc = self.make_doc()
        return doc

    @tokens.setter
    def tokens(self, doc: Doc | None) -> None:
        self.doc = doc


def token_words(artifacts: NlpArtifacts) -> tuple[list[str], list[str]]:
    """Normalised token texts and lemmas, computed once per analysed text."""
    if isinstance(artifacts, TokenArtifacts):
        return artifacts.words, artifacts.lemma_words
    return [normalise(t.text) for t in artifacts.tokens], [normalise(lemma) for lemma in artifacts.lemmas]


def token_texts(artifacts: NlpArtifacts) -> list[str]:
    if isinstance(artifacts, TokenArtifacts):
        return artifacts.texts
    return [t.text for t in artifacts.tokens]


def normalise(word: str) -> str:
    return word.lower().strip(_STRIP)


def outward(first: int, lo: int, hi: int) -> Iterator[int]:
    """The indices lo..hi-1, nearest ``first`` first, the one before it on a tie (no sort per span)."""
    if lo <= first < hi:
        yield first
    for distance in range(1, max(first - lo, hi - first) + 1):
        if lo <= first - distance < hi:
            yield first - distance
        if lo <= first + distance < hi:
            yield first + distance


@dataclass(frozen=True)
class TokenWindow:
    """The tokens of an analysed text around one span: index of first and last token of the span."""

    artifacts: NlpArtifacts
    first: int
    last: int
    prefix: str

    @classmethod
    def around(cls, artifacts: NlpArtifacts, start: int, end: int) -> TokenWindow:
        starts = artifacts.tokens_indices
        first = max(0, bisect.bisect_right(starts, start) - 1)
        last = max(first, bisect.bisect_left(starts, end) - 1)
        token_start = starts[first] if starts else start
        prefix = token_texts(artifacts)[first][: max(0, start - token_start)] if starts else ""
        return cls(artifacts, first, last, prefix)

    def _words(self, start: int, stop: int, step: int) -> list[str]:
        """Words of tokens ``start`` up to ``stop`` (exclusive; -1 is before the first token), each
        followed by its lemma where that differs; a window break ends them."""
        if start < 0:
            return []
        normalised, lemmas = token_words(self.artifacts)
        picked = slice(start, None if stop < 0 else stop, step)
        words, word_lemmas = normalised[picked], lemmas[picked]
        if WINDOW_BREAK in words:
            cut = words.index(WINDOW_BREAK)
            words, word_lemmas = words[:cut], word_lemmas[:cut]
        if words == word_lemmas:  # the usual case: no token in reach has another lemma
            return words
        with_lemmas: list[str] = []
        for word, lemma in zip(words, word_lemmas, strict=True):
            with_lemmas.append(word)
            if lemma and lemma != word:
                with_lemmas.append(lemma)
        return with_lemmas

    def before(self, count: int) -> list[str]:
        """Up to ``count`` tokens before the span, nearest first (plus lemmas and a glued prefix)."""
        words = self._words(self.first - 1, max(-1, self.first - 1 - count), -1)
        return [normalise(self.prefix), *words] if self.prefix.strip(_STRIP) else words

    def after(self, count: int) -> list[str]:
        """Up to ``count`` tokens after the span, nearest first."""
        total = len(self.artifacts.tokens_indices)
        return self._words(self.last + 1, min(total, self.last + 1 + count), 1)

    def after_in_line(self, count: int) -> list[str]:
        """Up to ``count`` tokens after the span in its own line, nearest first: the next line's words
        label the next line's value ("Lønseddel nr. 3110250042" over "CPR-nr.: 110690-****")."""
        texts = token_texts(self.artifacts)
        stop, limit = self.last + 1, min(len(texts), self.last + 1 + count)
        while stop < limit and "\n" not in texts[stop]:
            stop += 1
        return self._words(self.last + 1, stop, 1)

    def around_tokens(self, count: int) -> list[str]:
        return self.before(count) + self.after(count)

    def text(self, count: int) -> str:
        """The normalised tokens within ``count`` of the span, in text order, joined by spaces."""
        normalised = token_words(self.artifacts)[0]
        span = self.token_range(count)
        return " ".join(filter(None, normalised[span.start : span.stop]))  # "elever, der": no gap for ","

    def token_range(self, count: int) -> range:
        total = len(self.artifacts.tokens_indices)
        return range(max(0, self.first - count), min(total, self.last + 1 + count))


PHRASE_ENDING = 4
"""Letters a phrase's last word may go on by: an ending ("alle forældrene"), not a compound ("alle
forældresamtalerne")."""


def _bounded(text: str, end: int, phrase: str) -> bool:
    """The phrase ending at ``end`` in space-joined words starts at a word and ends at most an
    inflection's letters before the word does."""
    start = end - len(phrase) + 1
    if start > 0 and text[start - 1] != " ":
        return False
    word_end = text.find(" ", end + 1)
    return (len(text) if word_end < 0 else word_end) - end - 1 <= PHRASE_ENDING


@dataclass(frozen=True)
class CueSet:
    """Context words: exact words (also matching the head of ``cpr-nr``/``bookingnr.``) and ``prefix*``."""

    exact: frozenset[str]
    prefixes: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    seen: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Answers already given ("" for no cue): words repeat across the windows of a worker's mail."""
    phrase_automaton: Any = field(default=None, compare=False, repr=False)
    """The phrases in one automaton: one pass over a window's text finds every phrase in it."""

    def __post_init__(self) -> None:
        if self.phrases:
            automaton = ahocorasick.Automaton()
            for phrase in self.phrases:
                automaton.add_word(phrase, phrase)
            automaton.make_automaton()
            object.__setattr__(self, "phrase_automaton", automaton)

    @classmethod
    def of(cls, words: Iterable[str]) -> CueSet:
        words = [s for w in words for s in spellings(w.lower())]
        single = [w for w in words if " " not in w]

        # Longest first, then by letter: the most specific cue is the one an explanation names,
        # the same in every process (term lists may come as sets, whose order varies per process).
        def specific_first(items: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted(set(items), key=lambda item: (-len(item), item)))

        return cls(
            frozenset(w for w in single if not w.endswith("*")),
            specific_first(w[:-1] for w in single if w.endswith("*")),
            # a phrase is matched against normalised words: "elever, der" reads "elever der"
            specific_first(
                " ".join(filter(None, map(normalise, w.rstrip("*").split()))) for w in words if " " in w
            ),
        )

    def match(self, word: str) -> bool:
        return bool(self.cue_of(word))

    def cue_of(self, word: str) -> str:
        """The configured cue that ``word`` matches ("" if none); only configured words are ever shown,
        never the token itself (it may carry a number glued to it)."""
        known = self.seen.get(word)
        if known is None:
            known = self.seen[word] = self._cue_of(word)
            if len(self.seen) > 100_000:
                self.seen.clear()
        return known

    def _cue_of(self, word: str) -> str:
        if not word:
            return ""
        if word in self.exact:
            return word
        parts = [word, word.rsplit("-", 1)[1]] if "-" in word else [word]  # "ssp-oplæg" is an "oplæg"
        for part in parts:
            if part in self.exact:
                return part
            for prefix in self.prefixes:
                if part.startswith(prefix):
                    return prefix + "*"
        for sep in ("-", ".", "nr"):
            head = word.split(sep, 1)[0] if sep in word else ""
            if head in self.exact:
                return head
        return ""

    def find(self, words: Sequence[str], text: str = "") -> str | None:
        """The first cue among ``words`` (or a phrase found in ``text``), or None."""
        cues = list(map(self.seen.get, words))  # answered before, in most windows every word
        if None in cues:
            cues = [self.cue_of(word) for word in words]
        cue = next(filter(None, cues), None)
        if cue:
            return cue
        if self.phrase_automaton is None or not text:
            return None
        present = {phrase for end, phrase in self.phrase_automaton.iter(text) if _bounded(text, end, phrase)}
        return next((phrase for phrase in self.phrases if phrase in present), None)  # the most specific
