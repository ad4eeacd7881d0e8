"""Audit masking: free text from a message or a next hop -> text safe to store (no CPR, no subject leak)."""

from __future__ import annotations

import re

from gateway.types import Level

# Six or more digits, optionally split by single spaces, hyphens, dashes or no-break spaces:
# covers every way a CPR is written (DDMMYYSSSS, DDMMYY-SSSS, DDMMYY SSSS, en dash, NBSP).
NUMBER_RUN = re.compile(r"\d(?:[ \-\u2010-\u2015\u00a0\u202f]?\d){5,}")
DIGIT = re.compile(r"\d")


def mask_numbers(text: str) -> str:
    """Replace each digit of every long number run (CPR-shaped or longer) with ``*``."""
    return NUMBER_RUN.sub(lambda m: DIGIT.sub("*", m.group()), text)


def mask_subject(subject: str, level: Level) -> str:
    """Keep an ordinary message's subject with every digit masked; hide any other subject.

    The detectors can say a message is sensitive but not that its subject alone is harmless,
    so a subject is stored only when the whole message is ``almindelig``.
    """
    if level is not Level.ALMINDELIG:
        return f"[emne skjult: {level.label}]"
    return DIGIT.sub("*", subject)
