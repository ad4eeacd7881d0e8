"""Audit settings and masking rules: where the store is, and what a stored text may still show."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.audit.masking import mask_numbers, mask_subject
from gateway.audit.records import mask_location
from gateway.config import ConfigError, load_settings
from gateway.types import Level


def test_relative_sqlite_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "etc" / "mailvagt.yaml"
    config.parent.mkdir()
    config.write_text("audit:\n  url: sqlite:///../var/audit.sqlite3\n  retention_days: 30\n")
    settings = load_settings(config).audit
    assert settings.url == f"sqlite:///{tmp_path / 'etc' / '..' / 'var' / 'audit.sqlite3'}"
    assert settings.retention_days == 30 and settings.auto_purge is True


def test_absolute_sqlite_and_postgres_urls_are_kept(tmp_path: Path) -> None:
    config = tmp_path / "mailvagt.yaml"
    config.write_text("audit:\n  url: sqlite:////srv/audit.sqlite3\n")
    assert load_settings(config).audit.url == "sqlite:////srv/audit.sqlite3"
    config.write_text("audit:\n  url: postgresql://mailvagt@db.skole.example/audit\n")
    assert load_settings(config).audit.url == "postgresql://mailvagt@db.skole.example/audit"


@pytest.mark.parametrize("bad", ["mysql://x/y", "sqlite:///", "audit.sqlite3", "audit:\n  retention_days: 0"])
def test_unusable_audit_settings_are_refused(tmp_path: Path, bad: str) -> None:
    config = tmp_path / "mailvagt.yaml"
    config.write_text(bad if bad.startswith("audit:") else f"audit:\n  url: {bad}\n")
    with pytest.raises(ConfigError, match="audit"):
        load_settings(config)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("CPR 0308194797", "CPR **********"),
        ("CPR 030819-4797", "CPR ******-****"),
        ("CPR 030819 4797", "CPR ****** ****"),
        ("CPR 030819\u20134797", "CPR ******\u2013****"),
        ("CPR 030819\u00a04797", "CPR ******\u00a0****"),
        ("250 2.0.0 Ok: queued as 4Fq", "250 2.0.0 Ok: queued as 4Fq"),
        ("tlf. 12 34 56 78", "tlf. ** ** ** **"),
        ("lokale 12, 3.A", "lokale 12, 3.A"),
    ],
)
def test_mask_numbers(text: str, masked: str) -> None:
    assert mask_numbers(text) == masked


def test_subject_is_kept_only_for_ordinary_mail() -> None:
    assert mask_subject("Tur 14/10 kl. 8", Level.ALMINDELIG) == "Tur **/** kl. *"
    assert mask_subject("Straffeattest 310195-3466", Level.SEMIFOELSOM) == "[emne skjult: semifoelsom]"
    assert mask_subject("Karakterer", Level.FORTROLIG) == "[emne skjult: fortrolig]"


def test_attachment_names_are_hidden_for_sensitive_mail() -> None:
    assert mask_location("attachment:Handleplan diabetes.docx", Level.FOELSOM) == "attachment:[skjult].docx"
    assert mask_location("attachment:Madplan uge 42.pdf", Level.ALMINDELIG) == "attachment:Madplan uge 42.pdf"
    assert mask_location("body", Level.FOELSOM) == "body"
