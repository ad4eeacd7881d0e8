"""Extraction output: text found and parts that could not be read, each with its place in the message."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.mime.limits import Budget, OverLimit, Unreadable
from gateway.types import Finding, TextPart

# A file name can itself hold a CPR; the finding's ``masked`` form must not.
CPR_SHAPED = re.compile(r"(?<!\d)(\d{6})[\s\-\u2010-\u2015]?\d{4}(?!\d)")


LINE_ENDS = re.compile(r"\r\n?")
"""A line end written CRLF (MIME's canonical form) or CR: the detectors read lines and paragraphs by "\n"."""


def mask_name(name: str) -> str:
    return CPR_SHAPED.sub(r"\1-****", name)


@dataclass(frozen=True)
class Place:
    """Where text sits: the ``where`` of TextPart, plus the inner names from that attachment inward."""

    where: str
    trail: tuple[str, ...] = ()

    def inside(self, name: str) -> Place:
        return Place(self.where, (*self.trail, name))

    def detail(self, what: str = "") -> str:
        inner = " in ".join(reversed(self.trail))
        if what and inner:
            return f"{what} in {inner}"
        return what or inner

    @property
    def name(self) -> str:
        """The file this place is about: the innermost name, else the top-level attachment's."""
        if self.trail:
            return self.trail[-1]
        return self.where.removeprefix("attachment:")


@dataclass
class Collector:
    """Accumulates one message's text parts and unscannable findings, against one budget."""

    budget: Budget
    bodies: list[TextPart] = field(default_factory=list)
    parts: list[TextPart] = field(default_factory=list)
    unscannable: list[Finding] = field(default_factory=list)
    stopped: bool = False

    def child(self) -> Collector:
        """A collector for a branch whose body texts the caller merges itself."""
        return Collector(self.budget)

    def add(self, text: str, place: Place, what: str = "", *, body: bool = False) -> None:
        if not text.strip():
            return
        if "\r" in text:  # MIME's canonical CRLF (a base64 body), an old Mac's CR: one "\n" per line end
            text = LINE_ENDS.sub("\n", text)
        fitted = self.budget.take_text(text)
        if fitted.strip():
            (self.bodies if body else self.parts).append(TextPart(fitted, place.where, place.detail(what)))
        if len(fitted) < len(text):
            raise self.budget.text_limit_reached()

    def fail(self, place: Place, reason: str) -> None:
        self.unscannable.append(
            Finding(
                category="unscannable",
                where=place.where,
                score=1.0,
                masked=mask_name(place.detail() or place.name),
                reason=reason,
                detector="extract",
            )
        )

    def guard(self, place: Place, read: Callable[[], None], kind: str = "file") -> None:
        """Run ``read``; whatever goes wrong becomes an unscannable finding for ``place``."""
        if self.stopped:
            return
        try:
            read()
        except OverLimit as exc:
            self.stopped = True
            self.fail(place, str(exc))
        except Unreadable as exc:
            self.fail(place, str(exc))
        except RecursionError:
            self.fail(place, f"{kind} nested too deep to read")
        except MemoryError:
            self.fail(place, f"{kind} too large to read")
        except Exception:  # every library fails differently on corrupt input; none may escape
            self.fail(place, f"corrupt or unreadable {kind}")

    def merge(self, other: Collector) -> None:
        self.bodies.extend(other.bodies)
        self.parts.extend(other.parts)
        self.unscannable.extend(other.unscannable)
        self.stopped = self.stopped or other.stopped
