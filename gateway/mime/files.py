"""File reading: one attachment's bytes -> text parts, choosing the reader by content, not claimed type."""

from __future__ import annotations

from gateway.mime.charsets import decode_text
from gateway.mime.collector import Collector, Place
from gateway.mime.htmltext import html_to_text
from gateway.mime.limits import Unreadable

# Share of control characters above which bytes are not text in any charset.
BINARY_CONTROL_SHARE = 0.02
TEXT_SAMPLE = 8192
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<p>", b"<table", b"<meta")


def looks_like_text(data: bytes) -> bool:
    sample = data[:TEXT_SAMPLE]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls <= BINARY_CONTROL_SHARE * max(len(sample), 1)


def looks_like_html(data: bytes, claimed: str) -> bool:
    head = data[:1024].lstrip().lower()
    return claimed == "text/html" or head.startswith(HTML_STARTS)


def read_text_file(data: bytes, place: Place, out: Collector, claimed: str) -> None:
    text = decode_text(data)
    if looks_like_html(data, claimed):
        text = html_to_text(text)
    out.add(text, place)


def read_file(data: bytes, place: Place, depth: int, out: Collector, claimed: str = "") -> None:
    """Read one file into ``out``; raise Unreadable when it cannot be read."""
    out.budget.check_depth(depth)
    out.budget.check_time()
    if not data:
        return
    if looks_like_text(data):
        read_text_file(data, place, out, claimed)
        return
    raise Unreadable("unknown binary format")
