"""PDF: a PDF file -> the text of each page; pages without a text layer (scans) go through OCR."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from gateway.mime.collector import Collector, Place
from gateway.mime.limits import Unreadable
from gateway.mime.ocr import ocr_image, ocr_possible

# A page with less text than this and with pictures is taken for a scan.
SCAN_TEXT_CHARS = 20
MAX_IMAGES_PER_PAGE = 20

# pypdf warns about every small defect in the file's structure; those are not our findings.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def open_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
    except (PdfReadError, ValueError, OSError, KeyError, TypeError):
        raise Unreadable("corrupt PDF") from None
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (FileNotDecryptedError, PdfReadError, NotImplementedError, ValueError):
            raise Unreadable("password-protected PDF") from None
        if not opened:
            raise Unreadable("password-protected PDF")
    return reader


def read_pdf(data: bytes, place: Place, out: Collector) -> None:
    """Read up to ``max_pages`` pages; more pages than that makes the file unscannable after reading."""
    reader = open_pdf(data)
    limit = out.budget.settings.max_pages
    try:
        count = len(reader.pages)
    except FileNotDecryptedError:
        raise Unreadable("password-protected PDF") from None
    for number in range(min(count, limit)):
        out.budget.check_time()
        page = reader.pages[number]
        text = page.extract_text() or ""
        out.add(text, place, f"page {number + 1}")
        if len(text.strip()) < SCAN_TEXT_CHARS:
            read_page_images(page, number + 1, place, out)
    if count > limit:
        raise Unreadable(f"over page limit ({count} pages, limit {limit})")


def read_page_images(page: object, number: int, place: Place, out: Collector) -> None:
    """OCR the pictures of a page that has (almost) no text layer: a scanned page."""
    images = list(getattr(page, "images", []))[:MAX_IMAGES_PER_PAGE]
    if not images:
        return
    reason = ocr_possible(out.budget)
    if reason:
        raise Unreadable(f"scanned page {number} not read: {reason.split(': ', 1)[-1]}")
    for picture in images:
        image = picture.image
        if image is not None:
            out.add(ocr_image(image, out.budget), place, f"page {number} (OCR)")
