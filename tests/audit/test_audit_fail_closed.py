"""A store that cannot be written makes record_decision raise (the handler then answers 451)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from gateway.audit.database import StoreError
from gateway.audit.queries import Criteria, search
from gateway.audit.settings import AuditSettings
from gateway.audit.store import open_audit

from .postgres_server import PostgresServer
from .samples import envelope, sensitive_verdict


async def test_locked_sqlite_store_refuses_without_blocking_the_loop(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "audit.sqlite3"
    audit = await open_audit(AuditSettings(url=f"sqlite:///{path}", auto_purge=False, connect_timeout=1.0))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the store
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    env = envelope("LOCKED")
    started = time.monotonic()
    try:
        with pytest.raises(StoreError, match="cannot") as raised:
            await audit.record_decision(env, sensitive_verdict(env), 1)
    finally:
        ticker.cancel()
        other.execute("ROLLBACK")
        other.close()
    assert time.monotonic() - started < 5
    assert ticks > 20  # the event loop kept running while the write waited
    assert "0308194797" not in str(raised.value) and "2901196632" not in str(raised.value)
    assert "audit record not written" in caplog.text
    await audit.record_decision(env, sensitive_verdict(env), 1)  # the lock is gone: writes again
    assert len(await audit.run(lambda: search(audit.db, Criteria(ref="LOCKED")))) == 1
    await audit.close()


async def test_sqlite_path_that_cannot_be_created_fails_at_open(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    settings = AuditSettings(url=f"sqlite:///{blocker}/audit.sqlite3", auto_purge=False)
    with pytest.raises(StoreError, match="cannot open"):
        await open_audit(settings)


async def test_stopped_postgres_refuses_then_recovers(postgres: PostgresServer) -> None:
    settings = AuditSettings(url=postgres.url(), auto_purge=False, connect_timeout=1.0)
    audit = await open_audit(settings)
    env = envelope("PGDOWN")
    postgres.stop()
    try:
        with pytest.raises(StoreError) as raised:
            await audit.record_decision(env, sensitive_verdict(env), 1)
        assert "0308194797" not in str(raised.value)
        with pytest.raises(StoreError, match="cannot connect"):
            await open_audit(settings)
    finally:
        postgres.start()
    await audit.record_decision(env, sensitive_verdict(env), 1)  # reconnects to the restarted server
    assert [m["ref"] for m in await audit.run(lambda: search(audit.db, Criteria(ref="PGDOWN")))] == ["PGDOWN"]
    await audit.close()


async def test_password_is_not_in_the_error(postgres: PostgresServer) -> None:
    url = f"postgresql://mailvagt:hemmeligt-kodeord@/nosuchdb?host={postgres.root}&port={postgres.port}"
    with pytest.raises(StoreError) as raised:
        await open_audit(AuditSettings(url=url, auto_purge=False, connect_timeout=1.0))
    assert "hemmeligt-kodeord" not in str(raised.value)
    assert "postgresql://mailvagt@/nosuchdb" in str(raised.value)
