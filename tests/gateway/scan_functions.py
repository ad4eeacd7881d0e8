"""Scan functions for tests: module-level so worker processes can import them by name."""

from __future__ import annotations

import os
import time
from pathlib import Path

from gateway.config import Settings
from gateway.scan import deliver_all
from gateway.types import Classification, Envelope, Level, Verdict


def explode(raw: bytes, envelope: Envelope, settings: Settings) -> Verdict:
    raise ValueError("CPR 010203-1234 could not be parsed at byte 17")


def sleepy(raw: bytes, envelope: Envelope, settings: Settings) -> Verdict:
    """Stalls on messages whose subject asks for it (a runaway scan), else delivers."""
    if b"Subject: slow" in raw:
        time.sleep(30)
    return deliver_all(envelope, Classification(Level.ALMINDELIG, (), ()))


def checksum(raw: bytes, envelope: Envelope, settings: Settings) -> Verdict:
    """Reads every byte (as a real scan would) and delivers."""
    sum(raw[::64])
    raw.count(b"CPR")
    return deliver_all(envelope, Classification(Level.ALMINDELIG, (), ()))


LARGE_SCAN_SECONDS = 5.0
SCAN_MARKS = "MAILVAGT_TEST_SCAN_MARKS"  # a folder where slow_when_large marks the scans it starts


def slow_when_large(raw: bytes, envelope: Envelope, settings: Settings) -> Verdict:
    """A long read of a large message (5 s), an instant one of a small message.

    It marks each large scan it starts in the folder $MAILVAGT_TEST_SCAN_MARKS (when set), so a
    test knows the worker is taken without guessing from the clock.
    """
    if len(raw) > 100_000:
        if marks := os.environ.get(SCAN_MARKS):
            (Path(marks) / envelope.ref).touch()
        time.sleep(LARGE_SCAN_SECONDS)
    return deliver_all(envelope, Classification(Level.ALMINDELIG, (), ()))
