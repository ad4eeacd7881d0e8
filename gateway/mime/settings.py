"""Extraction settings: limits that keep hostile messages from crashing or hanging a worker."""

from __future__ import annotations

from pydantic import BaseModel, PositiveInt

from gateway.config_paths import STRICT


class ExtractionSettings(BaseModel):
    model_config = STRICT

    max_depth: PositiveInt = 10
    max_parts: PositiveInt = 500
    max_text_bytes: PositiveInt = 20_000_000
    max_seconds: float = 20.0
