"""Windows: candidate spans in a text -> the few stretches around them that the NLP pipeline analyses.

Tokenising and lemmatising a whole 100 KB message costs ~100 ms; the stretches around the cheap
candidates are usually a few hundred characters each. They are joined into one text (separated
by a break that context never crosses) so Presidio runs once per part.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from detectors.context import WINDOW_BREAK

SEPARATOR = f"\n{WINDOW_BREAK}\n"
SNAP = 40
"""How far a window edge moves to reach whitespace, so no word or number is cut."""


@dataclass(frozen=True)
class Windows:
    """The joined text and, per window, where it starts in the joined text and in the original."""

    text: str
    joined_starts: tuple[int, ...]
    original_starts: tuple[int, ...]

    def to_original(self, offset: int) -> int:
        i = max(0, bisect.bisect_right(self.joined_starts, offset) - 1)
        return self.original_starts[i] + offset - self.joined_starts[i]

    def to_joined(self, original: int) -> int | None:
        """Where the text's ``original`` offset is in the joined text, or None outside every window."""
        i = bisect.bisect_right(self.original_starts, original) - 1
        if i < 0:
            return None
        at = self.joined_starts[i] + original - self.original_starts[i]
        next_start = (
            self.joined_starts[i + 1] - len(SEPARATOR) if i + 1 < len(self.joined_starts) else len(self.text)
        )
        return at if at < next_start else None


def _snap_left(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    limit = max(0, pos - SNAP)
    while pos > limit and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _snap_right(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    limit = min(len(text), pos + SNAP)
    while pos < limit and not text[pos].isspace():
        pos += 1
    return pos


def merge(text: str, spans: Iterable[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Spans (start, end, margin) -> sorted, non-overlapping windows snapped to whitespace."""
    ranges = sorted(
        (_snap_left(text, start - margin), _snap_right(text, end + margin)) for start, end, margin in spans
    )
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def join(text: str, windows: list[tuple[int, int]]) -> Windows:
    pieces: list[str] = []
    joined_starts: list[int] = []
    position = 0
    for start, end in windows:
        if pieces:
            pieces.append(SEPARATOR)
            position += len(SEPARATOR)
        joined_starts.append(position)
        pieces.append(text[start:end])
        position += end - start
    if windows and windows[-1][1] < len(text):
        pieces.append(SEPARATOR)  # the text goes on: what the last window ends with is no text's end
    return Windows("".join(pieces), tuple(joined_starts), tuple(s for s, _ in windows))
