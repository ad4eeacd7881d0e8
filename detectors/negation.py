"""Negation: a term that the text says the person does not have ("ingen allergier", "Medicin: nej").

A camp sign-up or an intake form names its fields after the category's words and answers most of
them with a no; only the answer that names something is about the person. A category's term list
names its negations (health.yaml: ``negations``), so an admin can add a language's words.
"""

from __future__ import annotations

from collections.abc import Collection

from detectors.context import TokenWindow, token_texts

FIELD_MARKS = frozenset([":", "=", "–"])
"""What stands between a form's field and its answer ("Allergier: ingen", "Medicin – nej")."""
ANSWER_WORDS = 2
"""The most words an answer that says no may have ("ingen kendte", "not relevant")."""


def negation(window: TokenWindow, negations: Collection[str]) -> str | None:
    """The negation that says the person has none of the span's term, or None: the words right before
    it ("ingen allergier", "no known allergies") or the whole answer of the form's field it names
    ("Allergier: ingen", "Medicin: -", "Diagnoser: ingen kendte.")."""
    if not negations:
        return None
    texts = token_texts(window.artifacts)
    before = _words(texts, range(window.first - 1, max(-1, window.first - 1 - ANSWER_WORDS), -1))[::-1]
    for count in range(1, len(before) + 1):
        words = " ".join(before[-count:])
        if words in negations and any(ch.isalpha() for ch in words):  # "- astma" is a list's item
            return words
    line = _rest_of_line(texts, window.last + 1, 2 + ANSWER_WORDS)
    if len(line) < 2 or line[0] not in FIELD_MARKS:
        return None
    answer = [word for word in line[1:] if word not in ".,;"]
    words = " ".join(answer)
    return words if words in negations and len(answer) <= ANSWER_WORDS else None


def _words(texts: list[str], order: range) -> list[str]:
    """The lower-cased tokens at ``order`` up to a line's end, blanks left out."""
    words = []
    for i in order:
        if "\n" in texts[i]:
            break
        if not texts[i].isspace():
            words.append(texts[i].lower())
    return words


def _rest_of_line(texts: list[str], start: int, limit: int) -> list[str]:
    """The lower-cased tokens from ``start`` to the line's end, blanks left out; [] when there are more
    than ``limit`` (an answer that says no is short, and ends its line)."""
    words: list[str] = []
    for text in texts[start:]:
        if "\n" in text:
            break
        if not text.isspace():
            words.append(text.lower())
            if len(words) > limit:
                return []
    return words
