"""Audit settings: where the store lives (SQLite file or PostgreSQL URL) and how long records are kept."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, PositiveFloat, PositiveInt, ValidationInfo, field_validator

from gateway.config_paths import STRICT

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


class AuditSettings(BaseModel):
    """``url`` is ``sqlite:///PATH`` or ``postgresql://user@host/db``.

    A relative SQLite path (``sqlite:///var/audit.sqlite3``) is relative to the config file's
    folder, or to the working directory when no file is loaded; ``sqlite:////abs/path`` is absolute.
    """

    model_config = STRICT

    url: str = "sqlite:///var/mailvagt-audit.sqlite3"
    retention_days: PositiveInt = 183
    auto_purge: bool = True
    connect_timeout: PositiveFloat = 5.0

    @field_validator("url")
    @classmethod
    def resolve_url(cls, value: str, info: ValidationInfo) -> str:
        if value.startswith(POSTGRES_PREFIXES):
            return value
        if not value.startswith(SQLITE_PREFIX) or value == SQLITE_PREFIX:
            raise ValueError("expected sqlite:///PATH or postgresql://USER@HOST/DB")
        path = Path(value.removeprefix(SQLITE_PREFIX))
        base = (info.context or {}).get("base_dir")
        if path.is_absolute() or base is None:
            return value
        return SQLITE_PREFIX + str(Path(base) / path)
