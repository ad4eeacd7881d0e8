"""Term lists: config/terms/*.yaml -> one Aho-Corasick automaton that finds term hits in lower-cased text.

A term is written as the admin reads it: ``astma`` (the word and its inflections), ``astma*``
(also compounds starting with it: astmaanfald), ``*diagnose`` (also compounds ending with it:
autismediagnose), ``*mobb*`` (anywhere inside a word); multi-word phrases are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

INFLECTIONS = frozenset(
    ["", "e", "n", "en", "et", "er", "r", "s", "es", "ns", "ts", "ne", "ene", "erne", "ers", "ets", "ens",
     "ernes", "enes", "t", "ede", "te", "ende", "es", "ede", "ne", "nes", "rne", "rnes", "ts", "ere", "est",
     "este"]
)  # fmt: skip
"""Danish endings a plain term may carry (astma -> astmaen, diagnose -> diagnoserne, syg -> syge)."""

BOUNDARIES = " \n\t\r\u00a0(-/\"'.,:;«»“”„*[>_|=+&"
SHIPPED_TERMS_DIR = Path(__file__).resolve().parent.parent / "config" / "terms"
LIST_FILES = ("person", "generic")
"""Term files that describe context rather than a category."""


ANCHOR = "anchor"
"""A tier whose words only mark where to look (grade context); they score nothing themselves."""


class LexiconError(Exception):
    """A term file is missing or malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Term:
    """One entry of a category's term list."""

    category: str
    tier: str
    text: str
    head_open: bool
    tail_open: bool

    @property
    def spelling(self) -> str:
        return ("*" if self.head_open else "") + self.text + ("*" if self.tail_open else "")


@dataclass(frozen=True)
class Hit:
    """A term found in the text: the span of the whole word(s) that hold it."""

    term: Term
    start: int
    end: int
    word: str


@dataclass(frozen=True)
class TermList:
    """One category's terms, the words that make a hit harmless, and its context words."""

    category: str
    terms: tuple[Term, ...]
    stoplist: frozenset[str] = frozenset()
    positive: frozenset[str] = frozenset()
    negative: frozenset[str] = frozenset()
    masks: frozenset[str] = frozenset()
    """Categories whose hits inside this list's phrases do not count (a survey question quoting 'mobbet')."""


@dataclass
class Lexicon:
    """Every category's term list compiled into one automaton (built once per process)."""

    lists: dict[str, TermList]
    person_words: frozenset[str] = frozenset()
    person_phrases: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()
    generic_words: frozenset[str] = frozenset()
    automaton: Any = None
    stop_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each category's stoplist as a tuple, for one ``str.startswith`` call per hit."""

    def compile(self) -> Lexicon:
        automaton = ahocorasick.Automaton()
        grouped: dict[str, list[Term]] = {}
        for term_list in self.lists.values():
            for term in term_list.terms:
                for boundary in ("",) if term.head_open else BOUNDARIES:
                    grouped.setdefault(boundary + term.text, []).append(term)
        for key, terms in grouped.items():
            automaton.add_word(key, tuple(terms))
        if grouped:
            automaton.make_automaton()
        self.automaton = automaton if grouped else None
        self.stop_prefixes = {name: tuple(sorted(tl.stoplist)) for name, tl in self.lists.items()}
        return self

    def hits(self, lower: str) -> Iterator[Hit]:
        """Every term occurrence in ``lower`` (the text lower-cased, same length) that respects its
        word boundaries and is not in its category's stoplist."""
        if self.automaton is None:
            return
        # Terms that start a word are keyed with each character that can precede a word, so the
        # automaton reports few matches inside other words (the hot path stays in C).
        padded = " " + lower
        for end_index, terms in self.automaton.iter(padded):
            end = end_index  # one less for the leading space, one more for an exclusive end
            for term in terms:
                hit = _bounded(lower, end - len(term.text), end, term)
                if hit is not None and not self.stopped(hit):
                    yield hit

    def stopped(self, hit: Hit) -> bool:
        return hit.word.startswith(self.stop_prefixes[hit.term.category])


def _bounded(lower: str, start: int, end: int, term: Term) -> Hit | None:
    word_start = start
    while word_start > 0 and lower[word_start - 1].isalnum():
        word_start -= 1
    if word_start != start and not term.head_open:
        return None
    word_end = end
    while word_end < len(lower) and lower[word_end].isalnum():
        word_end += 1
    if not term.tail_open and lower[end:word_end] not in INFLECTIONS:
        return None
    # a hyphenated compound (ADHD-udredning) is one word for the stoplist and the snippet
    left = word_start
    while left > 1 and lower[left - 1] == "-" and lower[left - 2].isalnum():
        left -= 2
        while left > 0 and lower[left - 1].isalnum():
            left -= 1
    right = word_end
    while right < len(lower) - 1 and lower[right] == "-" and lower[right + 1].isalnum():
        right += 2
        while right < len(lower) and lower[right].isalnum():
            right += 1
    return Hit(term, start, end, lower[left:right])


def parse_term(category: str, tier: str, spelling: str) -> Term:
    text = " ".join(spelling.lower().split())
    head_open, tail_open = text.startswith("*"), text.endswith("*")
    return Term(category, tier, text.strip("*"), head_open, tail_open)


def _words(data: Mapping[str, Any], key: str, path: Path) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{path}: '{key}' must be a list of words")
    return [" ".join(v.lower().split()) for v in value]


def read_term_file(path: Path, tiers: Sequence[str]) -> TermList:
    if not path.exists():
        raise LexiconError(f"{path}: no such term list")
    data = _read_plain(path)
    category = str(data.get("category") or path.stem)
    known = {"category", "stoplist", "context", "description", "masks", *tiers}
    unknown = sorted(set(data) - known)
    if unknown:
        raise LexiconError(f"{path}: unknown key(s) {unknown}; term tiers are {sorted(tiers)}")
    terms = [parse_term(category, tier, word) for tier in tiers for word in _words(data, tier, path)]
    context = data.get("context") or {}
    if not isinstance(context, dict):
        raise LexiconError(f"{path}: 'context' must have 'positive' and/or 'negative' lists")
    return TermList(
        category=category,
        terms=tuple(t for t in terms if t.text),
        stoplist=frozenset(_words(data, "stoplist", path)),
        positive=frozenset(_words(context, "positive", path)),
        negative=frozenset(_words(context, "negative", path)),
        masks=frozenset(_words(data, "masks", path)),
    )


def terms_dir(configured: Path) -> Path:
    """The configured folder, or the shipped one when the default relative path does not exist."""
    return configured if configured.is_dir() else SHIPPED_TERMS_DIR


def load_lexicon(folder: Path, tiers: Iterable[str]) -> Lexicon:
    """Read every term file of a folder (one per category, plus person.yaml and generic.yaml)."""
    tiers = [*tiers, ANCHOR]
    folder = terms_dir(folder)
    lists: dict[str, TermList] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem in LIST_FILES:
            continue
        term_list = read_term_file(path, tiers)
        lists[term_list.category] = term_list
    person = _read_plain(folder / "person.yaml")
    generic = _read_plain(folder / "generic.yaml")
    words = _words(person, "words", folder / "person.yaml")
    return Lexicon(
        lists=lists,
        person_words=frozenset(w for w in words if " " not in w),
        person_phrases=tuple(w for w in words if " " in w),
        not_names=frozenset(_words(person, "not_names", folder / "person.yaml")),
        generic_words=frozenset(_words(generic, "words", folder / "generic.yaml")),
    ).compile()


def _read_plain(path: Path) -> dict[str, Any]:
    """A YAML mapping, or {} when the (optional) file is missing; LexiconError names the file."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read ({exc})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping")
    return data
