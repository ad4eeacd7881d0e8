"""Audit settings: where the store lives and how long records are kept."""

from __future__ import annotations

from pydantic import BaseModel, PositiveInt

from gateway.config_paths import STRICT


class AuditSettings(BaseModel):
    model_config = STRICT

    url: str = "sqlite:///var/mailvagt-audit.sqlite3"
    retention_days: PositiveInt = 183
