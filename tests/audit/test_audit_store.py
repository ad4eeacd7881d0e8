"""The audit store records every field of a decision, its outcomes and admin actions, on both stores."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from detectors.cpr import fingerprint
from gateway.audit.chain import verify
from gateway.audit.queries import Criteria, search
from gateway.audit.settings import AuditSettings
from gateway.audit.store import AuditLog, open_audit
from gateway.types import Action, RecipientOutcome, Status

from .samples import CPR_A, CPR_B, KEY, envelope, ordinary_verdict, sensitive_verdict


async def history(audit: AuditLog, ref: str) -> dict[str, object]:
    [found] = await audit.read(lambda: search(audit.db, Criteria(ref=ref)))
    return found


async def test_decision_records_every_field(audit: AuditLog) -> None:
    env = envelope("REF1")
    before = time.strftime("%Y-%m-%dT", time.gmtime())
    await audit.record_decision(env, sensitive_verdict(env), 48213)
    found = await history(audit, "REF1")

    assert str(found["at"]).startswith(before)
    assert found["message_id"] == "<REF1@skole.example>"
    assert found["client_address"] == "192.0.2.7"
    assert found["sender"] == "laerer@skole.example"
    assert found["authenticated_as"] == "laerer"
    assert found["recipients"] == ["ppr@kommune.example", "mor@gmail.com"]
    assert found["size"] == 48213
    assert found["level"] == "foelsom"
    assert found["categories"] == ["cpr", "health"]
    assert found["fingerprints"] == sorted([fingerprint(CPR_A, KEY), fingerprint(CPR_B, KEY)])
    assert found["config_version"] == "cfg-1"
    assert found["markers"] == ["[sikker]"]
    assert found["override_justification"] == "Mor har bedt om det, CPR **********"
    assert found["subject"] == "[emne skjult: foelsom]"
    detail = found["detail"]
    assert isinstance(detail, dict)
    cpr, health = detail["categories"]
    assert cpr == {
        "category": "cpr",
        "decided": True,
        "count": 2,
        "score": 2.0,
        "threshold": 1.0,
        "locations": ["attachment:[skjult].docx", "body"],
    }
    assert health["count"] == 1 and health["score"] == 0.8 and health["threshold"] == 0.6
    assert {
        "category": "health",
        "where": "body",
        "detector": "lexicon",
        "score": 0.8,
        "fingerprinted": False,
    } in (detail["findings"])
    decisions = found["decisions"]
    assert isinstance(decisions, list)
    assert [(d["recipient"], d["recipient_class"], d["action"], d["rule"]) for d in decisions] == [
        ("ppr@kommune.example", "partner", "sikker_mail", "foelsom-external"),
        ("mor@gmail.com", "external", "quarantine", "foelsom-external"),
    ]
    assert decisions[0]["reason"] == "health for ppr@kommune.example; CPR ******-****"


async def test_outcomes_and_admin_actions_are_recorded(audit: AuditLog) -> None:
    env = envelope("REF2")
    await audit.record_decision(env, sensitive_verdict(env), 100)
    await audit.record_outcomes(
        env,
        [
            RecipientOutcome(
                "ppr@kommune.example", Action.SIKKER_MAIL, Status.DELIVERED, "250 2.0.0 Ok", "TLSv1.3"
            ),
            RecipientOutcome("mor@gmail.com", Action.QUARANTINE, Status.HELD, "held as Q-17"),
        ],
    )
    await audit.record_admin_action("REF2", "release", "admin@skole.example", "frigivet efter samtale")
    found = await history(audit, "REF2")
    outcomes = found["outcomes"]
    assert isinstance(outcomes, list)
    assert [(o["recipient"], o["action"], o["status"], o["reply"], o["tls_version"]) for o in outcomes] == [
        ("ppr@kommune.example", "sikker_mail", "delivered", "250 2.0.0 Ok", "TLSv1.3"),
        ("mor@gmail.com", "quarantine", "held", "held as Q-17", None),
    ]
    admin = found["admin_actions"]
    assert isinstance(admin, list)
    assert [(a["action"], a["actor"], a["detail"]) for a in admin] == [
        ("release", "admin@skole.example", "frigivet efter samtale")
    ]


async def test_ordinary_subject_is_kept_with_digits_masked(audit: AuditLog) -> None:
    env = envelope("REF3")
    await audit.record_decision(env, ordinary_verdict(env), 10)
    found = await history(audit, "REF3")
    assert found["subject"] == "Tur i uge **, bus *"
    assert found["level"] == "almindelig" and found["categories"] == [] and found["fingerprints"] == []


async def test_concurrent_writers_keep_one_intact_chain(audit: AuditLog, settings: AuditSettings) -> None:
    second = await open_audit(settings, "cfg-2")  # a second gateway process on the same store
    try:
        writes = [
            log.record_decision(env, sensitive_verdict(env), 1)
            for i in range(20)
            for log, env in [(audit if i % 2 else second, envelope(f"C{i}"))]
        ]
        await asyncio.gather(*writes)
    finally:
        await second.close()
    result = await audit.read(lambda: verify(audit.db))
    assert result.ok and result.checked == 20 * 3
    found = await audit.read(lambda: search(audit.db, Criteria()))
    assert sorted(m["ref"] for m in found) == sorted(f"C{i}" for i in range(20))


async def test_reopening_keeps_records_and_schema(settings: AuditSettings) -> None:
    first = await open_audit(settings, "cfg-1")
    env = envelope("KEEP")
    await first.record_decision(env, ordinary_verdict(env), 5)
    await first.close()
    second = await open_audit(settings, "cfg-1")
    try:
        assert await second.read(lambda: second.db.query("SELECT MAX(version) FROM schema_version")) == [(1,)]
        assert (await history(second, "KEEP"))["size"] == 5
    finally:
        await second.close()


async def test_sqlite_store_is_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    audit = await open_audit(AuditSettings(url=f"sqlite:///{tmp_path}/new/audit.sqlite3", auto_purge=False))
    try:
        assert await audit.read(lambda: audit.db.query("PRAGMA journal_mode")) == [("wal",)]
        assert await audit.read(lambda: audit.db.query("PRAGMA synchronous")) == [(2,)]  # FULL
    finally:
        await audit.close()
    assert (tmp_path / "new" / "audit.sqlite3").exists()  # folder and file created on first start


async def test_sqlite_files_are_readable_by_the_gateway_user_only(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    audit = await open_audit(AuditSettings(url=f"sqlite:///{path}", auto_purge=False))
    try:
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert {oct(f.stat().st_mode & 0o777) for f in files} == {"0o600"}
    finally:
        await audit.close()
