"""Looking for a sensitive value's digits in text that also holds random numbers and tokens."""

import re


def shows_digits(digits: str, text: str | bytes) -> bool:
    """Whether `digits` stand in `text` as a number of their own.

    Timestamps, MIME boundaries, message ids and references are runs of random digits and hex
    letters; a part of a CPR number found inside one of them is chance, not a leak.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(digits)}(?![0-9A-Za-z])", text) is not None
