"""Extraction settings: limits that keep hostile messages from crashing or hanging a worker."""

from __future__ import annotations

from pydantic import BaseModel, Field, PositiveFloat, PositiveInt

from gateway.config_paths import STRICT


class ExtractionSettings(BaseModel):
    """Limits on reading one message; anything over a limit becomes an ``unscannable`` finding."""

    model_config = STRICT

    max_depth: PositiveInt = Field(default=10, description="nesting of multiparts, attached mails, archives")
    max_parts: PositiveInt = Field(default=500, description="MIME parts plus archive members per message")
    max_text_bytes: PositiveInt = Field(default=20_000_000, description="extracted text per message (UTF-8)")
    max_decompressed_bytes: PositiveInt = Field(
        default=100_000_000, description="bytes unpacked from archives and Office/ODF files per message"
    )
    max_compression_ratio: PositiveInt = Field(
        default=200, description="uncompressed:compressed ratio above which an archive member is a bomb"
    )
    ratio_floor_bytes: PositiveInt = Field(
        default=1_000_000, description="members smaller than this are never judged by their ratio"
    )
    max_pages: PositiveInt = Field(default=500, description="PDF pages read per file")
    max_seconds: PositiveFloat = Field(default=40.0, description="wall-clock time per message")
    ocr: bool = Field(default=True, description="read images and scanned PDFs with tesseract, if installed")
    ocr_seconds: PositiveFloat = Field(default=20.0, description="OCR time per message (within max_seconds)")
    ocr_languages: str = Field(default="dan+eng", description="tesseract language data to use")
