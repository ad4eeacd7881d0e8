"""Extraction limits: the per-message budget (time, parts, text, unpacked bytes) every reader draws on."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from gateway.mime.settings import ExtractionSettings


class Unreadable(Exception):
    """A part cannot be read; the message is the short reason shown to staff and auditors.

    The reason must never contain message content, only what kind of problem it is.
    """


class OverLimit(Unreadable):
    """A per-message limit is used up; later parts are reported unscannable without being read."""


@dataclass
class Budget:
    """What one message may still spend; shared by every reader of that message."""

    settings: ExtractionSettings
    started: float = field(default_factory=time.monotonic)
    parts: int = 0
    text_bytes: int = 0
    unpacked_bytes: int = 0
    ocr_seconds: float = 0.0

    @property
    def deadline(self) -> float:
        return self.started + self.settings.max_seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check_time(self) -> None:
        if self.remaining() <= 0:
            raise OverLimit(f"time limit per message ({self.settings.max_seconds:g} s)")

    def count_part(self) -> None:
        self.check_time()
        self.parts += 1
        if self.parts > self.settings.max_parts:
            raise OverLimit(f"too many parts (limit {self.settings.max_parts})")

    def check_depth(self, depth: int) -> None:
        if depth > self.settings.max_depth:
            raise Unreadable(f"nested too deep (limit {self.settings.max_depth})")

    def take_text(self, text: str) -> str:
        """Account for ``text`` and return the part of it that fits in the text limit."""
        encoded = text.encode("utf-8", "surrogatepass")
        room = self.text_room()
        if len(encoded) <= room:
            self.text_bytes += len(encoded)
            return text
        self.text_bytes = self.settings.max_text_bytes
        return encoded[: max(room, 0)].decode("utf-8", "ignore")

    def text_room(self) -> int:
        return max(self.settings.max_text_bytes - self.text_bytes, 0)

    def text_limit_reached(self) -> OverLimit:
        return OverLimit(f"over the text limit ({self.settings.max_text_bytes} bytes per message)")

    def unpack(self, size: int, compressed: int) -> None:
        """Account for ``size`` bytes about to be unpacked from ``compressed`` bytes."""
        settings = self.settings
        if size >= settings.ratio_floor_bytes and size > settings.max_compression_ratio * max(compressed, 1):
            raise Unreadable(f"zip bomb: ratio 1:{size // max(compressed, 1)}")
        self.unpacked_bytes += size
        if self.unpacked_bytes > settings.max_decompressed_bytes:
            raise OverLimit(f"over the unpacked size limit ({settings.max_decompressed_bytes} bytes)")

    def ocr_remaining(self) -> float:
        return min(self.settings.ocr_seconds - self.ocr_seconds, self.remaining())
