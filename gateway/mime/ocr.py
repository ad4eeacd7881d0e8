"""OCR: an image (attachment, inline picture or scanned PDF page) -> its text, via tesseract.

Tesseract runs as a child process with a timeout taken from the message's OCR budget, so a
slow image never holds the worker past its deadline.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import time

import pytesseract
from PIL import Image

from gateway.mime.limits import Budget, Unreadable

# Tesseract's OpenMP threads fight each other and the other scan workers: one thread per
# tesseract is ten times faster on a busy machine (45 s against 4.6 s for an A4 page, 2 cores).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Pixels above which an image is a decompression bomb rather than a scan (an A4 page at
# 600 dpi is 35 million).
MAX_PIXELS = 60_000_000
# Nothing narrower or lower than this can hold a readable line of text.
MIN_SIDE = 16
# Tesseract reads small text badly; scale small images up to about this width first.
TARGET_WIDTH = 2000
MAX_FRAMES = 50


@functools.cache
def installed_languages() -> frozenset[str]:
    """Tesseract's language data on this machine; empty when tesseract is not installed."""
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return frozenset()
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError, RuntimeError):
        return frozenset()


def languages(wanted: str) -> str:
    available = installed_languages()
    usable = [lang for lang in wanted.split("+") if lang in available]
    return "+".join(usable) or ("eng" if "eng" in available else "")


def ocr_possible(budget: Budget) -> str | None:
    """Why OCR cannot run for this message, or None when it can."""
    if not budget.settings.ocr:
        return "image not read: OCR is turned off"
    if not languages(budget.settings.ocr_languages):
        return "image not read: tesseract OCR is not installed"
    return None


def prepare(image: Image.Image) -> Image.Image:
    gray = image.convert("L")
    if gray.width < TARGET_WIDTH // 2:
        factor = min(4, TARGET_WIDTH // max(gray.width, 1))
        gray = gray.resize((gray.width * factor, gray.height * factor), Image.Resampling.LANCZOS)
    return gray


def ocr_image(image: Image.Image, budget: Budget) -> str:
    """The text tesseract reads in ``image``, within what is left of the message's OCR budget."""
    reason = ocr_possible(budget)
    if reason:
        raise Unreadable(reason)
    if image.width < MIN_SIDE or image.height < MIN_SIDE:
        return ""
    if image.width * image.height > MAX_PIXELS:
        raise Unreadable("image too large to read")
    remaining = budget.ocr_remaining()
    if remaining <= 0:
        raise Unreadable("image not read: OCR time budget used up")
    started = time.monotonic()
    try:
        text = pytesseract.image_to_string(
            prepare(image), lang=languages(budget.settings.ocr_languages), timeout=remaining
        )
    except RuntimeError:
        raise Unreadable("image not read: OCR time budget used up") from None
    finally:
        budget.ocr_seconds += time.monotonic() - started
    return str(text)


def open_image(data: bytes) -> Image.Image:
    """Open image bytes without decoding the pixels yet (the size is checked first)."""
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise Unreadable("image too large to read") from None
    except (OSError, ValueError):
        raise Unreadable("corrupt image") from None
    if image.width * image.height > MAX_PIXELS:
        raise Unreadable("image too large to read")
    return image


def image_frames(data: bytes) -> list[Image.Image]:
    """Every frame of an image file (a multi-page TIFF scan has several)."""
    image = open_image(data)
    frames = []
    for index in range(min(getattr(image, "n_frames", 1), MAX_FRAMES)):
        image.seek(index)
        frames.append(image.copy())
    return frames
