"""File reading: one attachment's bytes -> text parts, choosing the reader by content, not claimed type."""

from __future__ import annotations

import re
import warnings
import zipfile
from functools import partial

from striprtf.striprtf import rtf_to_text

from gateway.mime import archives, ocr, office, outlook, pdf, sheets
from gateway.mime.charsets import decode_text, utf16_without_bom
from gateway.mime.collector import Collector, Place
from gateway.mime.htmltext import html_to_text
from gateway.mime.limits import Budget, Unreadable

# Share of control characters above which bytes are not text in any charset.
BINARY_CONTROL_SHARE = 0.02
TEXT_SAMPLE = 8192
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<p>", b"<table", b"<meta")
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# A saved mail (.eml) starts with header lines, at least two of them with these names.
MAIL_HEADER = re.compile(
    rb"^(?:return-path|received|from|to|subject|date|message-id|mime-version|delivered-to):",
    re.IGNORECASE | re.MULTILINE,
)
HEADER_LINE = re.compile(rb"[\w-]+:[^\r\n]*\r?\n|[ \t][^\r\n]*\r?\n")
# Formats recognised but not read: named in the reason so staff know what to send instead.
UNSUPPORTED = (
    (b"\x78\x9f\x3e\x22", "Outlook winmail.dat (TNEF) not supported"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive not supported; send a ZIP"),
    (b"Rar!\x1a\x07", "RAR archive not supported; send a ZIP"),
    (b"\x1f\x8b", "gzip archive not supported; send a ZIP"),
    (b"BZh91AY&SY", "bzip2 archive not supported; send a ZIP"),
    (b"\xfd7zXZ\x00", "xz archive not supported; send a ZIP"),
)
ODF_TEXT_TYPES = (
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.presentation",
)
ODF_SHEET_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def looks_like_text(data: bytes) -> bool:
    sample = data[:TEXT_SAMPLE]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return utf16_without_bom(sample) is not None
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls <= BINARY_CONTROL_SHARE * max(len(sample), 1)


def looks_like_html(data: bytes, claimed: str) -> bool:
    head = data[:1024].lstrip().lower()
    return claimed == "text/html" or head.startswith(HTML_STARTS)


def looks_like_image(data: bytes) -> bool:
    if data.startswith(IMAGE_MAGIC):
        return True
    weak = data.startswith(b"BM") or (data.startswith(b"RIFF") and data[8:12] == b"WEBP")
    return weak and not looks_like_text(data)


def looks_like_pdf(data: bytes) -> bool:
    """Some writers put junk before the header; then the file is binary, not text mentioning %PDF."""
    return data.lstrip().startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and not looks_like_text(data))


def looks_like_mail(data: bytes) -> bool:
    """Header lines up to a blank line, two or more of them with names every mail has."""
    head = data.lstrip()[:4096]
    end = head.find(b"\n\r\n") if b"\n\r\n" in head else head.find(b"\n\n")
    if end < 0:
        return False
    block = head[: end + 1]
    lines_ok = all(HEADER_LINE.fullmatch(line) for line in block.splitlines(keepends=True))
    return lines_ok and len(MAIL_HEADER.findall(block)) >= 2


def text_cap(budget: Budget) -> int:
    """Bytes of a text file worth reading: text beyond the budget left cannot be kept."""
    return budget.text_room() * 2 + 4


def cut_text(data: bytes, cap: int) -> bytes:
    """``data`` cut at ``cap`` bytes, less a trailing partial UTF-8 sequence (which would
    spoil the charset guess)."""
    if len(data) <= cap:
        return data
    cut = data[:cap]
    for back in range(1, 4):
        if cut[-back] >= 0xC0:  # the lead byte of a sequence the cut broke
            return cut[:-back]
        if cut[-back] < 0x80:
            break
    return cut


def read_text_file(data: bytes, place: Place, depth: int, out: Collector, claimed: str) -> None:
    if looks_like_mail(data):
        from gateway.mime.message import Scope, parse, read_message  # a saved mail holds files too

        read_message(parse(data), Scope(place, "subject", place, "", place), depth, out)
        return
    cap = text_cap(out.budget)
    text = decode_text(cut_text(data, cap))
    out.add(html_to_text(text) if looks_like_html(data, claimed) else text, place)
    if len(data) > cap:
        raise out.budget.text_limit_reached()


def read_rtf(data: bytes, place: Place, out: Collector) -> None:
    text = rtf_to_text(data.decode("latin-1"), encoding="cp1252", errors="replace")  # type: ignore[no-untyped-call]
    out.add(str(text), place)


def read_zip_family(data: bytes, place: Place, depth: int, out: Collector) -> None:
    """A ZIP container: DOCX, XLSX, PPTX, ODT/ODS/ODP, or a plain archive read member by member."""
    archive = archives.open_zip(data)
    names = set(archive.namelist())
    if "word/document.xml" in names:
        office.read_docx(archive, place, out)
    elif "xl/workbook.xml" in names:
        sheets.read_xlsx(archive, data, place, out)
    elif "ppt/presentation.xml" in names:
        office.read_pptx(archive, place, out)
    elif "mimetype" in names and "content.xml" in names:
        read_odf(archive, place, out)
    else:
        read_archive(data, place, depth, out)


def read_odf(archive: zipfile.ZipFile, place: Place, out: Collector) -> None:
    kind = archives.member_bytes(archive, "mimetype", out.budget) or b""
    if kind.startswith(ODF_SHEET_TYPE):
        sheets.read_ods(archive, place, out)
    elif kind.startswith(ODF_TEXT_TYPES):
        office.read_odf_text(archive, place, out)
    else:
        raise Unreadable("unknown OpenDocument file type")


def read_archive(data: bytes, place: Place, depth: int, out: Collector) -> None:
    """A ZIP archive: every member read as a file of its own, named inside the archive's place."""
    for name, info, archive in archives.members(data, out.budget):
        inner = place.inside(name)
        out.add(name, place, f"name of a file in {place.name}")

        out.guard(inner, partial(read_member_file, archive, info, inner, depth + 1, out))


def read_member_file(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, place: Place, depth: int, out: Collector
) -> None:
    """Read one archive member; a text member only as far as the text budget reaches."""
    head = archives.read_member(archive, info, out.budget, limit=TEXT_SAMPLE)
    cap = text_cap(out.budget) if looks_like_text(head) else None
    read_file(archives.read_member(archive, info, out.budget, checked=True, limit=cap), place, depth, out)
    if cap is not None and info.file_size > cap:
        raise out.budget.text_limit_reached()


def read_image(data: bytes, place: Place, out: Collector) -> None:
    for number, frame in enumerate(ocr.image_frames(data), 1):
        what = f"image page {number} (OCR)" if number > 1 else "image (OCR)"
        out.add(ocr.ocr_image(frame, out.budget), place, what)


def read_file(data: bytes, place: Place, depth: int, out: Collector, claimed: str = "") -> None:
    """Read one file into ``out``; raise Unreadable when it cannot be read."""
    out.budget.check_depth(depth)
    out.budget.check_time()
    if not data:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libraries warn about defects; failures are what we report
        read_by_content(data, place, depth, out, claimed)


def read_by_content(data: bytes, place: Place, depth: int, out: Collector, claimed: str) -> None:
    if looks_like_pdf(data):
        pdf.read_pdf(data, place, out)
    elif data.startswith(ZIP_MAGIC):
        read_zip_family(data, place, depth, out)
    elif data.startswith(OLE_MAGIC):
        outlook.read_ole(data, place, depth, out, partial(read_file, claimed=""))
    elif data.lstrip().startswith(b"{\\rtf"):
        read_rtf(data, place, out)
    elif looks_like_image(data):
        read_image(data, place, out)
    elif unsupported := next((why for magic, why in UNSUPPORTED if data.startswith(magic)), None):
        raise Unreadable(unsupported)
    elif looks_like_text(data):
        read_text_file(data, place, depth, out, claimed)
    else:
        raise Unreadable("unknown binary format")
