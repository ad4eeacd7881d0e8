"""OCR of images and scanned PDF pages, within the message's OCR time budget (tesseract must be installed)."""

from __future__ import annotations

import io
import time

from fpdf import FPDF
from PIL import Image

from gateway.mime.ocr import installed_languages

from .build import attach, extract, message, reasons, text_at
from .documents import make_image

LINES = ["Elev Freja 3.A", "CPR 010209-4455", "underretning sendt"]


def scanned_pdf(image: bytes) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.open(io.BytesIO(image)), x=10, y=10, w=190)
    return bytes(pdf.output())


def test_tesseract_and_danish_language_data_are_installed() -> None:
    assert {"dan", "eng"} <= installed_languages()


def test_image_attachment_is_read_by_ocr() -> None:
    msg = message()
    attach(msg, make_image(LINES), "scan.png", "image/png")
    result = extract(msg)
    text = text_at(result, "attachment:scan.png")
    assert "010209-4455" in text and "underretning" in text
    assert [p.detail for p in result.parts if p.where == "attachment:scan.png"] == [
        "file name",
        "image (OCR)",
    ]
    assert not result.unscannable


def test_scanned_pdf_page_is_read_by_ocr() -> None:
    msg = message()
    attach(msg, scanned_pdf(make_image(LINES, "JPEG")), "scannet.pdf", "application/pdf")
    result = extract(msg)
    ocr_parts = [p.text for p in result.parts if p.detail == "page 1 (OCR)"]
    assert ocr_parts and "010209-4455" in ocr_parts[0] and "underretning" in ocr_parts[0]
    assert all(p.where == "attachment:scannet.pdf" for p in result.parts if "OCR" in p.detail)


def test_ocr_off_makes_images_unscannable() -> None:
    msg = message()
    attach(msg, make_image(LINES), "scan.png", "image/png")
    attach(msg, scanned_pdf(make_image(LINES)), "scannet.pdf", "application/pdf")
    assert reasons(extract(msg, ocr=False)) == {
        "attachment:scan.png": "image not read: OCR is turned off",
        "attachment:scannet.pdf": "scanned page 1 not read: OCR is turned off",
    }


def test_ocr_time_budget_is_kept() -> None:
    msg = message()
    for index in range(3):
        attach(msg, make_image([*LINES, f"side {index}"] * 4), f"scan{index}.png", "image/png")
    started = time.monotonic()
    result = extract(msg, ocr_seconds=0.3)
    assert time.monotonic() - started < 3.0
    found = reasons(result)
    assert "image not read: OCR time budget used up" in found.values()


def test_tiny_images_are_not_worth_reading() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(out, "PNG")
    msg = message()
    attach(msg, out.getvalue(), "pixel.png", "image/png")
    assert not extract(msg).unscannable
