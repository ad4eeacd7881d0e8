"""Charset decoding: bytes + the charset a sender claimed -> text, falling back by detection."""

from __future__ import annotations

import codecs

import charset_normalizer

# Senders label windows-1252 text as latin-1 all the time; decode it the way mail clients do.
WINDOWS_SUPERSETS = {"iso8859-1": "cp1252", "ascii": "cp1252"}
# Byte-order marks say more than any label.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Detection reads a bounded sample; the rest of a long text follows the same encoding.
DETECTION_SAMPLE = 200_000


def codec_name(label: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None for an unknown or missing label."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip('"').lower()).name
    except (LookupError, ValueError):
        return None
    return WINDOWS_SUPERSETS.get(name, name)


def decode_strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def detect(data: bytes) -> str:
    """The codec charset-normalizer finds most plausible, cp1252 when it finds none."""
    best = charset_normalizer.from_bytes(data[:DETECTION_SAMPLE]).best()
    found = codec_name(best.encoding) if best is not None else None
    return found or "cp1252"


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``: BOM, valid UTF-8, the declared charset, windows-1252, then detection.

    Valid UTF-8 with non-ASCII bytes is almost never anything else, so it wins over a
    latin-1 label (a common mislabel); a label for a wide encoding (UTF-16) is tried first.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace")
    if data.isascii():
        return data.decode("ascii")
    claimed = codec_name(declared)
    if claimed and claimed.startswith(("utf-16", "utf-32")):
        text = decode_strict(data, claimed)
        if text is not None:
            return text
    text = decode_strict(data, "utf-8")
    if text is not None:
        return text
    if claimed and claimed != "utf-8":
        text = decode_strict(data, claimed)
        if text is not None:
            return text
    # Danish mail that is neither UTF-8 nor what it claims is windows-1252 far more often than
    # detection on a short text guesses right; detection decides only when cp1252 cannot decode.
    text = decode_strict(data, "cp1252")
    if text is not None:
        return text
    return data.decode(detect(data), "replace")
