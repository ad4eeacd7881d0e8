"""Term lists: config/terms/*.yaml -> one Aho-Corasick automaton that finds term hits in lower-cased text.

A term is written as the admin reads it: ``astma`` (the word and its inflections), ``astma*``
(also compounds starting with it: astmaanfald), ``*diagnose`` (also compounds ending with it:
autismediagnose), ``*mobb*`` (anywhere inside a word); multi-word phrases are allowed. A term written
in capitals (``TR``, ``DLF``) is an abbreviation: only the word itself, no endings ("tr" is no "tre").
Every term, stoplist entry and cue also matches its ASCII spelling (``trivselsmaaling``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
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
LIST_FILES = ("person", "generic", "first_names", "places", "english_words", "german_words", "cpr_context")
"""Term files that describe context rather than a category."""


ASCII_SPELLINGS = str.maketrans({"å": "aa", "æ": "ae", "ø": "oe"})
"""How Danish letters are written on keyboards and systems without them."""


def spellings(text: str) -> tuple[str, ...]:
    """The text and, if it differs, its ASCII spelling (trivselsmåling, trivselsmaaling)."""
    ascii_text = text.translate(ASCII_SPELLINGS)
    return (text,) if ascii_text == text else (text, ascii_text)


GENERAL = "general"
LESSON = "lesson"
EVENT = "event"
"""The kinds of text-wide cues (generic.yaml's message_words, lesson_words and event_words)."""

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
    exact: bool = False
    """An abbreviation: the whole word only, no endings."""
    needs_context: bool = False
    """A phrase that is also everyday speech ("bliver mobbet"): it counts for its category only with
    one of the category's positive cues, in the subject or in a table row."""
    said_of_person: bool = False
    """A word that counts only said of a person by a copula ("hun er jo polsk"): as often a language."""

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
    in_signature: bool = True
    """False: a term in a signature block under "Venlig hilsen" is a role, not a disclosure (a TR)."""
    negations: tuple[str, ...] = ()
    """Words that say the person has none of it: right before a term ("ingen allergier") or as the
    answer to a form's field named by it ("Medicin: nej")."""


@dataclass
class Lexicon:
    """Every category's term list compiled into one automaton (built once per process)."""

    lists: dict[str, TermList]
    person_words: frozenset[str] = frozenset()
    person_phrases: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()
    german_words: frozenset[str] = frozenset()
    """Frequent German words (german_words.yaml): the parts of German compounds ("Deutschbuch")."""
    first_names: frozenset[str] = frozenset()
    """Given names that are names whatever the lemma table says (first_names.yaml's names)."""
    word_names: frozenset[str] = frozenset()
    """Given names that are everyday words too: names inside a sentence only (its word_names)."""
    generic_words: frozenset[str] = frozenset()
    message_words: tuple[str, ...] = ()
    """Cues that mark a whole text as general (a greeting to many, a lesson plan, a policy)."""
    lesson_words: tuple[str, ...] = ()
    """Cues that mark a whole text as a lesson on a book or an announcement of an event: its names are
    characters or presenters unless tied to a pupil."""
    event_words: tuple[str, ...] = ()
    """Cues of a public event ("valgdebat"): read as lesson cues only in a text to many (an
    invitation), since a note to one colleague about what a pupil said there is about the pupil."""
    automaton: Any = None
    message_automaton: Any = None
    term_words: frozenset[str] = frozenset()
    """Every single-word term in its plain spelling: a capitalised term is no person's name."""
    stop_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each category's stoplist as a tuple, for one ``str.startswith`` call per hit."""
    stop_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each category's stoplisted phrases ("ramadan kareem"): a hit that opens one is harmless."""
    cpr_context: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The lists of cpr_context.yaml by key (CPR_CONTEXT_KEYS)."""

    def compile(self) -> Lexicon:
        self.automaton = build_automaton(t for tl in self.lists.values() for t in tl.terms)
        self.stop_prefixes = {
            name: tuple(sorted({s for stop in tl.stoplist for s in spellings(stop)}))
            for name, tl in self.lists.items()
        }
        self.stop_phrases = {
            name: tuple(p for p in stops if " " in p) for name, stops in self.stop_prefixes.items()
        }
        self.message_automaton = build_automaton(
            [parse_term(GENERAL, "", cue) for cue in self.message_words]
            + [parse_term(LESSON, "", cue) for cue in self.lesson_words]
            + [parse_term(EVENT, "", cue) for cue in self.event_words]
        )
        self.term_words = frozenset(
            t.text for tl in self.lists.values() for t in tl.terms if " " not in t.text and not t.head_open
        )
        return self

    def message_cue(self, lower: str) -> str | None:
        """The first cue in ``lower`` (lower-cased) that marks the whole text as general, or None."""
        return self.text_cues(lower).get(GENERAL)

    def text_cues(self, lower: str) -> dict[str, str]:
        """The first cue of each kind in ``lower`` (lower-cased), in one pass: GENERAL marks a text to
        many or about no one, LESSON a lesson on a book or an event's announcement, EVENT a public
        event (it counts as a LESSON cue in a text to many, see ``event_as_lesson``)."""
        found: dict[str, str] = {}
        for hit in _hits(self.message_automaton, lower):
            found.setdefault(hit.term.category, hit.term.spelling)
            if len(found) == 3:
                break
        return found

    def hits(self, lower: str) -> Iterator[Hit]:
        """Every term occurrence in ``lower`` (the text lower-cased, same length) that respects its
        word boundaries and is not in its category's stoplist."""
        for hit in _hits(self.automaton, lower):
            if not self.stopped(hit, lower):
                yield hit

    def stopped(self, hit: Hit, lower: str = "") -> bool:
        """The hit's word starts a stoplisted word, or the text ``lower`` has a stoplisted phrase at the
        hit ("Ramadan Kareem til alle familier": a greeting, whoever Kareem is)."""
        category = hit.term.category
        if hit.word.startswith(self.stop_prefixes[category]):
            return True
        return any(lower.startswith(phrase, hit.start) for phrase in self.stop_phrases[category])


def build_automaton(terms: Iterable[Term]) -> Any:
    """An automaton over every spelling of the terms, or None when there are none.

    Terms that start a word are keyed with each character that can precede a word, so the
    automaton reports few matches inside other words (the hot path stays in C)."""
    grouped: dict[str, list[tuple[Term, int]]] = {}
    for term in terms:
        for spelling in spellings(term.text):
            for boundary in ("",) if term.head_open else BOUNDARIES:
                grouped.setdefault(boundary + spelling, []).append((term, len(spelling)))
    if not grouped:
        return None
    automaton = ahocorasick.Automaton()
    for key, found in grouped.items():
        automaton.add_word(key, tuple(found))
    automaton.make_automaton()
    return automaton


LONG_WRAP = re.compile(r"\n(?:[ \t]*>)+[ \t]*(?=[^\s>])|\n[ \t]+(?=[^\s>])")
"""A line break inside a paragraph with the quote marks or spaces that open the next line ("jeg er\\n> bi"):
a phrase goes on over it. A blank line (a new paragraph) is no wrap."""
SPACED_WRAP = re.compile(rf"[ \t\r]+\n(?:[ \t]*>)*[ \t]*(?=[^\s>])|{LONG_WRAP.pattern}")
"""The same with spaces before the break too ("ondt i \\nmaven", format=flowed); slower, as it may start
at any space, so used only when the text has such a line end."""
SHORT_WRAP = re.compile(r"\n(?=[^\s>])")
"""A bare line break inside a paragraph: one space, the same length (the common case, done in C)."""


@dataclass(frozen=True)
class Unwrapped:
    """A text with each line wrap made one space, and the way back to the text's own offsets."""

    text: str
    spaces: list[int]  # where each long wrap's space is in ``text``
    shifts: list[int]  # how far the text after each long wrap has moved left

    @classmethod
    def of(cls, lower: str) -> Unwrapped:
        spaces: list[int] = []
        shifts: list[int] = []
        if "\n" not in lower:
            return cls(lower, spaces, shifts)
        pieces: list[str] = []
        last = shift = 0
        spaced = " \n" in lower or "\t\n" in lower or "\r\n" in lower
        for wrap in (SPACED_WRAP if spaced else LONG_WRAP).finditer(lower):
            pieces += (lower[last : wrap.start()], " ")
            spaces.append(wrap.start() - shift)
            shift += wrap.end() - wrap.start() - 1
            shifts.append(shift)
            last = wrap.end()
        text = "".join([*pieces, lower[last:]]) if spaces else lower
        return cls(SHORT_WRAP.sub(" ", text), spaces, shifts)

    def original(self, offset: int) -> int:
        """The offset in the text of ``offset`` here (an end right before a wrap stays before it)."""
        wraps = bisect_left(self.spaces, offset)
        return offset + self.shifts[wraps - 1] if wraps else offset


def _hits(automaton: Any, lower: str) -> Iterator[Hit]:
    """Every occurrence of the automaton's terms in ``lower`` that respects their word boundaries;
    a phrase may run over a line wrap."""
    if automaton is None:
        return
    unwrapped = Unwrapped.of(lower.replace("_", " "))  # a column "jeg_foeler_mig_ensom" reads as words
    flat = unwrapped.text
    for end_index, terms in automaton.iter(" " + flat):
        end = end_index  # one less for the leading space, one more for an exclusive end
        for term, length in terms:
            hit = _bounded(flat, end - length, end, term)
            if hit is not None and unwrapped.shifts:
                hit = Hit(term, unwrapped.original(hit.start), unwrapped.original(hit.end), hit.word)
            if hit is not None:
                yield hit


def _bounded(lower: str, start: int, end: int, term: Term) -> Hit | None:
    word_start = start
    while word_start > 0 and lower[word_start - 1].isalnum():
        word_start -= 1
    if word_start != start and not term.head_open:
        return None
    word_end = end
    while word_end < len(lower) and lower[word_end].isalnum():
        word_end += 1
    ending = lower[end:word_end]
    if not term.tail_open and (ending not in INFLECTIONS or (term.exact and ending)):
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


CPR_CONTEXT_KEYS = (
    "positive",
    "negative",
    "identifier_nouns",
    "identifier_endings",
    "label_stems",
    "examples",
    "person_columns",
)
"""The lists of cpr_context.yaml (see that file)."""

OPTIONS = ("needs_context", "said_of_person", "in_signature")
"""Keys of a term file besides its tiers and context (see health.yaml)."""


def parse_term(
    category: str, tier: str, spelling: str, needs_context: bool = False, said_of_person: bool = False
) -> Term:
    text = " ".join(spelling.lower().split())
    head_open, tail_open = text.startswith("*"), text.endswith("*")
    exact = " " not in text and spelling.strip("*").isupper()
    return Term(category, tier, text.strip("*"), head_open, tail_open, exact, needs_context, said_of_person)


def _raw_words(data: Mapping[str, Any], key: str, path: Path) -> list[str]:
    """A list of words as written (capitals mark an abbreviation)."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{path}: '{key}' must be a list of words")
    return value


def _words(data: Mapping[str, Any], key: str, path: Path) -> list[str]:
    return [" ".join(v.lower().split()) for v in _raw_words(data, key, path)]


def read_term_file(path: Path, tiers: Sequence[str]) -> TermList:
    if not path.exists():
        raise LexiconError(f"{path}: no such term list")
    data = _read_plain(path)
    category = str(data.get("category") or path.stem)
    known = {"category", "stoplist", "context", "description", "masks", "negations", *OPTIONS, *tiers}
    unknown = sorted(set(data) - known)
    if unknown:
        raise LexiconError(f"{path}: unknown key(s) {unknown}; term tiers are {sorted(tiers)}")
    terms = [parse_term(category, tier, word) for tier in tiers for word in _raw_words(data, tier, path)]
    # context-dependent phrases score as strong terms once their context is there
    terms += [parse_term(category, "strong", word, True) for word in _raw_words(data, "needs_context", path)]
    terms += [
        parse_term(category, "strong", word, True, True) for word in _raw_words(data, "said_of_person", path)
    ]
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
        in_signature=bool(data.get("in_signature", True)),
        negations=tuple(_words(data, "negations", path)),
    )


def terms_dir(configured: Path) -> Path:
    """The configured folder, or the shipped one when the default relative path does not exist."""
    return configured if configured.is_dir() else SHIPPED_TERMS_DIR


def load_lexicon(folder: Path, tiers: Iterable[str]) -> Lexicon:
    """Read every term file of a folder (one per category, plus person.yaml, generic.yaml,
    first_names.yaml, and places.yaml, english_words.yaml and german_words.yaml, whose words are no
    names)."""
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
    first_names = _read_plain(folder / "first_names.yaml")
    english = _words(_read_plain(folder / "english_words.yaml"), "words", folder / "english_words.yaml")
    german = _words(_read_plain(folder / "german_words.yaml"), "words", folder / "german_words.yaml")
    place_file = _read_plain(folder / "places.yaml")
    places = [
        *_words(place_file, "places", folder / "places.yaml"),
        *_words(place_file, "figures", folder / "places.yaml"),
        *_words(place_file, "organisations", folder / "places.yaml"),
    ]
    return Lexicon(
        lists=lists,
        person_words=frozenset(w for w in words if " " not in w),
        person_phrases=tuple(w for w in words if " " in w),
        not_names=frozenset(
            [*_words(person, "not_names", folder / "person.yaml"), *places, *english, *german]
        ),
        german_words=frozenset(german),
        first_names=frozenset(_words(first_names, "names", folder / "first_names.yaml")),
        word_names=frozenset(_words(first_names, "word_names", folder / "first_names.yaml")),
        generic_words=frozenset(_words(generic, "words", folder / "generic.yaml")),
        message_words=tuple(_words(generic, "message_words", folder / "generic.yaml")),
        lesson_words=tuple(_words(generic, "lesson_words", folder / "generic.yaml")),
        event_words=tuple(_words(generic, "event_words", folder / "generic.yaml")),
        cpr_context=read_cpr_context(folder),
    ).compile()


def read_cpr_context(folder: Path) -> dict[str, tuple[str, ...]]:
    """cpr_context.yaml of the folder, or the shipped one when the folder has none: a CPR-shaped
    number is never scored without the words that tell an order number from a pupil's."""
    path = folder / "cpr_context.yaml"
    if not path.exists():
        path = SHIPPED_TERMS_DIR / "cpr_context.yaml"
    data = _read_plain(path)
    unknown = sorted(set(data) - set(CPR_CONTEXT_KEYS))
    if unknown:
        raise LexiconError(f"{path}: unknown key(s) {unknown}; the lists are {list(CPR_CONTEXT_KEYS)}")
    return {key: tuple(_words(data, key, path)) for key in CPR_CONTEXT_KEYS}


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


def event_as_lesson(cues: dict[str, str]) -> dict[str, str]:
    """``cues`` without the EVENT cue, which becomes the LESSON cue when the text is written to many
    (an election debate announced to all: its panel's names with parties are presenters)."""
    found = {kind: cue for kind, cue in cues.items() if kind != EVENT}
    if EVENT in cues and GENERAL in found:
        found.setdefault(LESSON, cues[EVENT])
    return found
