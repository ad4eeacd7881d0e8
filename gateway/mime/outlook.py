"""Outlook and other OLE files: .msg -> subject, body and attachments; encrypted Office -> unreadable."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from functools import partial

import extract_msg
import olefile

from gateway.mime.collector import Collector, Place
from gateway.mime.htmltext import html_to_text
from gateway.mime.limits import Unreadable

# extract-msg logs every property it does not understand.
logging.getLogger("extract_msg").setLevel(logging.ERROR)

ReadFile = Callable[[bytes, Place, int, Collector], None]


def ole_streams(data: bytes) -> set[str]:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, TypeError):
        raise Unreadable("corrupt OLE file") from None


def read_ole(data: bytes, place: Place, depth: int, out: Collector, read_file: ReadFile) -> None:
    """An OLE compound file: an Outlook .msg, or an Office file we cannot read (say which)."""
    streams = ole_streams(data)
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise Unreadable("password-protected Office file")
    if any(name.startswith("__substg1.0_") for name in streams):
        read_msg(data, place, depth, out, read_file)
        return
    if "WordDocument" in streams:
        raise Unreadable("old Word .doc format not supported; save as .docx")
    if "Workbook" in streams or "Book" in streams:
        raise Unreadable("old Excel .xls format not supported; save as .xlsx")
    raise Unreadable("unknown OLE file")


def read_msg(data: bytes, place: Place, depth: int, out: Collector, read_file: ReadFile) -> None:
    try:
        message = extract_msg.openMsg(data, delayAttachments=False)
    except Exception:  # extract-msg raises its own and many library errors on corrupt input
        raise Unreadable("corrupt Outlook message") from None
    try:
        read_msg_object(message, place, depth, out, read_file)
    finally:
        message.close()


def read_msg_object(message: object, place: Place, depth: int, out: Collector, read_file: ReadFile) -> None:
    out.budget.check_depth(depth)
    out.add(str(getattr(message, "subject", "") or ""), place, "subject")
    out.add(str(getattr(message, "sender", "") or ""), place, "sender")
    body = getattr(message, "body", None)
    if not body:
        html = getattr(message, "htmlBody", None)
        body = html_to_text(html.decode("utf-8", "replace")) if isinstance(html, bytes) else ""
    out.add(str(body), place, "body")
    for attachment in getattr(message, "attachments", []):
        out.budget.count_part()
        name = str(
            getattr(attachment, "longFilename", None) or getattr(attachment, "shortFilename", None) or ""
        )
        name = name or str(getattr(attachment, "displayName", "") or "(unnamed attachment)")
        inner = place.inside(name)
        out.add(name, place, f"name of a file in {place.name}")
        payload = getattr(attachment, "data", None)
        if isinstance(payload, bytes):
            out.guard(inner, partial(read_file, payload, inner, depth + 1, out))
        elif payload is not None:
            out.guard(inner, partial(read_msg_object, payload, inner, depth + 1, out, read_file))
