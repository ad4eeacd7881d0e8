"""Extract stage: raw message bytes -> Extraction (every readable text with its place, plus what was not).

Runs in the scan workers, never on the event loop. It never raises: a part that cannot be
read becomes an ``unscannable`` finding for that part, a message that cannot be parsed at
all one such finding for the message.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from gateway.mime.collector import Collector, Place
from gateway.mime.limits import Budget, OverLimit
from gateway.mime.message import TOP, header, parse, read_message
from gateway.mime.settings import ExtractionSettings
from gateway.types import Extraction, Finding, TextPart

# The cooperative checks between parts and pages normally stop a slow message; the alarm is
# the backstop for a single library call that does not return, a little after the deadline.
ALARM_GRACE_SECONDS = 2.0
# A part has an opening boundary line, and signatures ("-- ") add a few more lines like it.
BOUNDARIES_PER_PART = 4


def expire(signum: int, frame: FrameType | None) -> None:
    raise OverLimit("time limit per message")


@contextmanager
def hard_deadline(seconds: float) -> Iterator[None]:
    """Interrupt the extraction with OverLimit after ``seconds``, where a signal can do so.

    Only in the main thread, and only if nobody else uses SIGALRM; elsewhere the
    cooperative checks are all there is.
    """
    usable = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return
    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def too_many_parts(raw: bytes, settings: ExtractionSettings) -> bool:
    """Whether the message has far more boundary-like lines than the parts limit allows.

    The parser's time grows faster than the number of parts, so a message with 100,000
    parts is refused from a cheap count before it is parsed.
    """
    return raw.count(b"\n--") > BOUNDARIES_PER_PART * settings.max_parts + 100


def whole_message_unreadable(reason: str) -> Finding:
    return Finding("unscannable", "body", 1.0, "message", detector="extract", reason=reason)


def extract_text(raw: bytes, settings: ExtractionSettings) -> Extraction:
    """Every readable text of the message in ``raw``, with its place, and what could not be read."""
    out = Collector(Budget(settings))
    subject = message_id = ""
    try:
        with hard_deadline(settings.max_seconds + ALARM_GRACE_SECONDS):
            crowded = too_many_parts(raw, settings)
            message = parse(raw, headers_only=crowded)
            subject = header(message, "subject")
            message_id = header(message, "message-id").strip()
            if crowded:
                out.add(subject, Place("subject"))
                out.fail(Place("body"), f"too many parts (limit {settings.max_parts})")
            else:
                out.guard(Place("body"), lambda: read_message(message, TOP, 0, out), "message")
    except OverLimit as exc:
        out.fail(Place("body"), str(exc))
    except Exception:  # the parser itself gave up; the whole message is unscannable
        out.unscannable.append(whole_message_unreadable("message cannot be parsed"))
    subjects = [p for p in out.parts if p.where == "subject"]
    rest = [p for p in out.parts if p.where != "subject"]
    parts: tuple[TextPart, ...] = (*subjects, *out.bodies, *rest)
    return Extraction(parts=parts, unscannable=tuple(out.unscannable), subject=subject, message_id=message_id)
