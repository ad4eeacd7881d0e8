"""A store that cannot be written makes record_decision raise (the handler then answers 451)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from gateway.audit.database import StoreError
from gateway.audit.queries import Criteria, search
from gateway.audit.settings import AuditSettings
from gateway.audit.store import AuditLog, open_audit
from gateway.types import Action, RecipientOutcome, Status

from .postgres_server import PostgresServer
from .samples import envelope, sensitive_verdict


@contextmanager
def write_lock_held(url: str) -> Iterator[None]:
    """Another process holds the store's write lock (a long transaction, a stuck gateway)."""
    if url.startswith("sqlite:///"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with psycopg.connect(url) as holder:
        holder.execute("SELECT seq FROM chain_head FOR UPDATE")
        yield
        holder.rollback()


async def test_locked_store_refuses_without_blocking_the_loop(
    audit: AuditLog, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    env = envelope("LOCKED")
    with write_lock_held(store_url):
        ticker = asyncio.create_task(tick())
        started = time.monotonic()
        try:
            with pytest.raises(StoreError, match="cannot") as raised:
                await audit.record_decision(env, sensitive_verdict(env), 1)
        finally:
            ticker.cancel()
    assert time.monotonic() - started < 5
    assert ticks > 20  # the event loop kept running while the write waited
    assert "0308194797" not in str(raised.value) and "2901196632" not in str(raised.value)
    assert "audit record not written" in caplog.text
    await audit.record_decision(env, sensitive_verdict(env), 1)  # the lock is gone: writes again
    assert len(await audit.read(lambda: search(audit.db, Criteria(ref="LOCKED")))) == 1


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
    assert [m["ref"] for m in await audit.read(lambda: search(audit.db, Criteria(ref="PGDOWN")))] == [
        "PGDOWN"
    ]
    await audit.close()


async def test_password_is_not_in_the_error(postgres: PostgresServer) -> None:
    url = f"postgresql://mailvagt:hemmeligt-kodeord@/nosuchdb?host={postgres.root}&port={postgres.port}"
    with pytest.raises(StoreError) as raised:
        await open_audit(AuditSettings(url=url, auto_purge=False, connect_timeout=1.0))
    assert "hemmeligt-kodeord" not in str(raised.value)
    assert "postgresql://mailvagt@/nosuchdb" in str(raised.value)


async def test_outcomes_after_delivery_are_logged_not_raised_when_the_store_fails(
    audit: AuditLog, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The message is already handed on: a 451 now would only make the client send a duplicate."""
    env = envelope("AFTER")
    await audit.record_decision(env, sensitive_verdict(env), 1)
    outcome = RecipientOutcome("ppr@kommune.example", Action.SIKKER_MAIL, Status.DELIVERED, "250 Ok")
    with write_lock_held(store_url):
        await audit.record_outcomes(env, [outcome])  # returns at once, does not raise
        await audit.flush()
    assert "audit outcome records not written" in caplog.text
    [found] = await audit.read(lambda: search(audit.db, Criteria(ref="AFTER")))
    assert found["outcomes"] == [] and len(found["decisions"]) == 2
