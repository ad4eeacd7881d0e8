"""Identifiable person: the tokens around a term -> the cue that says it is about a person (or None).

A person is identifiable by a name (a capitalised word that is no Danish dictionary word nor a
compound of one), a person word ("eleven", "din søn"), class plus initials ("8.B ... MH"), or a CPR.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from detectors.context import WINDOW_BREAK, CueSet, TokenWindow, normalise, token_texts, token_words

CLASS_RE = re.compile(r"^\d{1,2}\.?[a-zæøåA-ZÆØÅ]$")
INITIALS_RE = re.compile(r"^[A-ZÆØÅ]{2,4}$")
GREETINGS = frozenset(["fra", "cc", "mvh", "kh", "vh", "hilsen", "hilsner", "venlig", "sendt"])
"""A name right after these (same line, or the line after a closing) signs or quotes the mail."""
PLACE_WORDS = frozenset(["i", "på", "fra", "til", "ved", "hos", "om", "af"])
ORGANISATION_WORDS = frozenset(
    ["skole", "skolen", "kommune", "kommunes", "gymnasium", "byg", "auto", "autoteknik", "aps", "a/s", "as",
     "kirke", "hospital", "sygehus", "klinik", "bibliotek", "sfo", "center", "centret", "forlag", "kantine",
     "busselskab", "region", "efterskole", "friskole", "privatskole", "hallen", "stadion", "park", "vej"]
)  # fmt: skip
ORGANISATION_ENDINGS = ("skole", "skolen", "kommune", "centret", "center", "gymnasium", "vej", "gade")
NO_MARK = ("", "")
"""A token that says nothing about a person."""
CLOSINGS = frozenset(["mvh", "kh", "vh", "hilsen", "hilsner", "vh.", "mvh."])


@dataclass(frozen=True)
class PersonCues:
    """What counts as a person near a term; ``vocabulary`` is the lemma table (its words are no names)."""

    words: CueSet
    phrases: tuple[str, ...]
    not_names: frozenset[str]
    vocabulary: Container[str]
    name_cache: dict[str, bool] = field(default_factory=dict, compare=False)
    marks: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)

    def is_word(self, lower: str) -> bool:
        return lower in self.vocabulary or lower in self.not_names

    def is_compound(self, lower: str) -> bool:
        """Danish compounds are rarely in the lemma table: two known words (with a linking s or e)."""
        vocabulary = self.vocabulary
        for i in range(3, len(lower) - 2):
            head, tail = lower[:i], lower[i:]
            if tail in vocabulary and (
                head in vocabulary or (head[-1] in "se" and len(head) > 3 and head[:-1] in vocabulary)
            ):
                return True
        return False

    def is_name(self, text: str) -> bool:
        known = self.name_cache.get(text)
        if known is None:
            known = self.name_cache[text] = self.looks_like_name(text)
            if len(self.name_cache) > 50_000:
                self.name_cache.clear()
        return known

    def looks_like_name(self, text: str) -> bool:
        if len(text) < 2 or not text[0].isupper() or not text.isalpha() or text.isupper():
            return False
        lower = text.lower()
        base = lower[:-1] if lower.endswith("s") and len(lower) > 3 else lower
        if self.is_word(lower) or self.is_word(base):
            return False
        return not (self.is_compound(lower) or self.is_compound(base))

    def mark(self, text: str) -> tuple[str, str]:
        """What a token alone may say about a person: ("word", cue), ("class", ""), ("name", ""), or
        NO_MARK; remembered per token text (the same words recur in every window of a worker's mail)."""
        try:
            return self.marks[text]
        except KeyError:
            pass
        cue = self.words.cue_of(normalise(text))
        if cue:
            mark = ("word", cue)
        elif CLASS_RE.match(text):
            mark = ("class", "")
        elif self.is_name(text):
            mark = ("name", "")
        else:
            mark = NO_MARK
        if len(self.marks) > 100_000:
            self.marks.clear()
        self.marks[text] = mark
        return mark

    def find(self, window: TokenWindow, count: int) -> str | None:
        """A short description of the nearest person cue within ``count`` tokens, or None."""
        span = window.token_range(count)
        texts = token_texts(window.artifacts)[span.start : span.stop]
        lo, hi = _limits(texts, window.first - span.start, window.last - span.start)
        centre = window.first - span.start
        in_reach = texts[lo:hi]
        marks = list(map(self.marks.get, in_reach))  # known already, in most windows every token
        if None in marks:
            marks = [self.mark(text) for text in in_reach]
        marked = [(abs(i - centre), i, mark) for i, mark in enumerate(marks, lo) if mark and mark[0]]
        for _, offset, (kind, cue) in sorted(marked):  # nearest first; before the span on a tie
            if kind == "word":
                return f"person word '{cue}'"
            if kind == "class":
                if any(INITIALS_RE.match(t) for t in texts[offset + 1 : offset + 4]):
                    return "class and initials"
            elif not _followed_by_organisation(texts, offset, self) and not _greets_or_signs(texts, offset):
                return "name"
        words = token_words(window.artifacts)[0][span.start + lo : span.start + hi]
        joined = " ".join(words)
        for phrase in self.phrases:
            if phrase in joined:
                return f"person phrase '{phrase}'"
        return None


def subject_names(cues: PersonCues, subject: str) -> list[str]:
    """Names in a subject line ("Freja 3.A - handleplan"); not places or bodies ("i Østjysk Lærerkreds")."""
    words = [w.strip(".,:;()!?-") for w in subject.split()]
    names = []
    for i, word in enumerate(words):
        before = words[i - 1].lower() if i else ""
        if not cues.is_name(word) or before in PLACE_WORDS:
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        if following[:1].isupper() and not cues.is_name(following):
            continue  # "Østervang Skole", "Kragh Byg"
        names.append(word)
    return names


TABLE_ROW = re.compile(r"^([A-ZÆØÅ][a-zæøåé]+)(?: [A-ZÆØÅ][a-zæøåé.]+)*[\t;,]", re.MULTILINE)


def names_in_table(cues: PersonCues, text: str, needed: int = 2) -> bool:
    """A sheet or CSV whose rows start with people's names (a class list, a screening)."""
    found = 0
    for match in TABLE_ROW.finditer(text):
        found += cues.is_name(match.group(1))
        if found >= needed:
            return True
    return False


def _limits(texts: list[str], first: int, last: int) -> tuple[int, int]:
    """Context never crosses a window break."""
    before, after = texts[:first], texts[last + 1 :]
    lo = first - before[::-1].index(WINDOW_BREAK) if WINDOW_BREAK in before else 0
    hi = last + 1 + after.index(WINDOW_BREAK) if WINDOW_BREAK in after else len(texts)
    return lo, hi


def _followed_by_organisation(texts: list[str], offset: int, cues: PersonCues) -> bool:
    """'Østervang Skole', 'Kragh Byg': an organisation word after it marks a place or firm ('Freja Holm'
    is still a person, though 'holm' is a word)."""
    following = texts[offset + 1].lower() if offset + 1 < len(texts) else ""
    return following in ORGANISATION_WORDS or following.endswith(ORGANISATION_ENDINGS)


def _greets_or_signs(texts: list[str], offset: int) -> bool:
    """'Hej Maja', 'Fra: Lene Holm', or a name line under 'Venlig hilsen' is no subject of the mail."""
    i = offset - 1
    while i >= 0 and (texts[i] == ":" or (texts[i][:1].isupper() and texts[i].isalpha())):
        i -= 1  # the rest of the name, or the colon of "Fra:"
    if i >= 0 and normalise(texts[i]) in GREETINGS:
        return True
    while i >= 0 and "\n" not in texts[i]:
        i -= 1
    if i < 0 or "\n\n" in texts[i]:
        return False
    j = i - 1
    while j >= 0 and "\n" not in texts[j]:
        j -= 1
    previous_line = [normalise(t) for t in texts[j + 1 : i] if t.strip()]
    return bool(previous_line) and previous_line[-1] in CLOSINGS
