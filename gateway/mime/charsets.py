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
    """Decode ``data``: BOM, then the candidates below, then detection (cp1252 cannot decode it)."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace")
    claimed = codec_name(declared) or utf16_without_bom(data)
    if data.isascii() and not is_wide(claimed):
        return data.decode("ascii")
    for codec in candidates(claimed):
        text = decode_strict(data, codec)
        if text is not None:
            return text
    return data.decode(detect(data), "replace")


def is_wide(codec: str | None) -> bool:
    return codec is not None and codec.startswith(("utf-16", "utf-32"))


def utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of Latin letters has a zero byte in every other place (a file saved without BOM)."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    for codec, letters, zeros in (
        ("utf-16-le", sample[0::2], sample[1::2]),
        ("utf-16-be", sample[1::2], sample[0::2]),
    ):
        if zeros.count(0) > 0.4 * len(zeros) and printable(letters):
            return codec
    return None


def printable(data: bytes) -> bool:
    controls = sum(1 for byte in data if (byte < 32 and byte not in (9, 10, 13)) or 0x7F <= byte < 0xA0)
    return controls <= 0.02 * len(data)


def candidates(claimed: str | None) -> list[str]:
    """Codecs to try strictly, in order.

    A label for a wide encoding (UTF-16) goes first; then UTF-8, since valid UTF-8 with
    non-ASCII bytes is almost never anything else; then the label; then windows-1252, which
    Danish mail that is neither is far more often than detection on a short text guesses.
    """
    wide = [claimed] if claimed and is_wide(claimed) else []
    label = [claimed] if claimed and claimed != "utf-8" and not wide else []
    return [*wide, "utf-8", *label, "cp1252"]
