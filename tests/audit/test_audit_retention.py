"""Retention: records past the period are purged (by command and daily), the chain still verifies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from gateway.audit.chain import verify
from gateway.audit.queries import Criteria, search
from gateway.audit.retention import purge
from gateway.audit.settings import AuditSettings
from gateway.audit.store import AuditLog, open_audit
from gateway.cli import main

from .samples import envelope, ordinary_verdict


async def write(audit: AuditLog, *refs: str) -> None:
    for ref in refs:
        env = envelope(ref)
        await audit.record_decision(env, ordinary_verdict(env), 1)


async def refs(audit: AuditLog) -> list[str]:
    return [m["ref"] for m in await audit.read(lambda: search(audit.db, Criteria()))]


async def test_purge_removes_only_old_records_and_chain_verifies(audit: AuditLog) -> None:
    await write(audit, "OLD1", "OLD2")
    between = datetime.now(UTC)
    await write(audit, "NEW1")
    later = between + timedelta(days=183)
    result = await audit.read(lambda: purge(audit.db, 183, "test", later))
    assert result.removed == 6 and result.anchor_seq == 6
    assert await refs(audit) == ["NEW1"]
    check = await audit.read(lambda: verify(audit.db))
    assert check.ok and check.anchor_seq == 6 and check.checked == 4  # NEW1 (3 links) + the purge record
    await write(audit, "NEW2")
    assert (await audit.read(lambda: verify(audit.db))).ok


async def test_nothing_young_enough_is_purged(audit: AuditLog) -> None:
    await write(audit, "A", "B")
    result = await audit.purge()
    assert result.removed == 0 and await refs(audit) == ["A", "B"]


async def test_forged_anchor_is_caught(audit: AuditLog) -> None:
    await write(audit, "OLD")
    between = datetime.now(UTC)
    await write(audit, "NEW")
    await audit.read(lambda: purge(audit.db, 1, "test", between + timedelta(days=1)))
    await audit.read(lambda: audit.db.query("UPDATE chain_anchor SET seq = 4, hash = hash WHERE id = 1"))
    result = await audit.read(lambda: verify(audit.db))
    assert result.broken_table == "chain_anchor"


async def test_daily_purge_runs_on_open(settings: AuditSettings) -> None:
    writer = await open_audit(settings)
    await write(writer, "OLD")
    await writer.close()
    future = datetime.now(UTC) + timedelta(days=settings.retention_days + 1)
    audit = await open_audit(settings.model_copy(update={"auto_purge": True}), clock=lambda: future)
    try:
        for _ in range(100):
            if not await refs(audit):
                break
            await asyncio.sleep(0.05)
        assert await refs(audit) == []
        actions = await audit.read(lambda: audit.db.query("SELECT action, actor FROM admin_action"))
        assert actions == [("purge", "mailvagt")]
    finally:
        await audit.close()


async def test_purge_command(audit: AuditLog, store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    await write(audit, "A")
    assert main(["audit", "purge", "--url", store_url, "--retention-days", "30"]) == 0
    assert "removed 0 records older than" in capsys.readouterr().out
    assert await refs(audit) == ["A"]


async def test_a_large_backlog_is_purged_in_steps_that_each_verify(
    audit: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gateway.audit.retention

    monkeypatch.setattr(gateway.audit.retention, "PURGE_STEP", 4)
    await write(audit, "OLD1", "OLD2", "OLD3")  # links 1-9
    between = datetime.now(UTC)
    await write(audit, "NEW")
    result = await audit.read(lambda: purge(audit.db, 1, "test", between + timedelta(days=1)))
    assert result.removed == 9 and result.anchor_seq == 9
    steps = await audit.read(
        lambda: audit.db.query("SELECT COUNT(*) FROM admin_action WHERE action = 'purge'")
    )
    assert steps == [(3,)]  # links 1-4, 5-8 (with the first purge record kept), then 9
    assert await refs(audit) == ["NEW"]
    assert (await audit.read(lambda: verify(audit.db))).ok
