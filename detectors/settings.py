"""Detector settings: term lists, CPR mask and fingerprint key, weights and thresholds."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gateway.config_paths import STRICT, ConfigPath


class DetectorSettings(BaseModel):
    model_config = STRICT

    hash_key: str | None = Field(
        default=None,
        description="Secret for CPR fingerprints (HMAC-SHA256); MAILVAGT_HASH_KEY overrides.",
    )
    cpr_mask: str = "******-****"
    terms_dir: ConfigPath = ConfigPath("terms")
    spacy_model: str | None = Field(
        default=None, description="A trained spaCy pipeline to use when installed."
    )
