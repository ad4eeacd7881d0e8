"""Audit store: decisions, outcomes and admin actions from the handler -> durable chained records.

``AuditLog`` implements gateway.types.AuditSink. A decision (and an admin action) is committed
to disk before its coroutine returns; a decision that cannot be written raises StoreError, so
the handler answers 451 and hands nothing on (fail closed). Outcomes, recorded after hand-off,
ride the next commit without holding up the reply. Writes arriving together share one commit;
the blocking database work runs on the log's own thread, so the event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from gateway.audit.chain import Record, append
from gateway.audit.database import Database, StoreError, open_database
from gateway.audit.records import admin_record, decision_records, outcome_records, timestamp
from gateway.audit.retention import PurgeResult, purge
from gateway.audit.settings import AuditSettings
from gateway.types import Envelope, RecipientOutcome, Verdict

__all__ = ["AuditLog", "StoreError", "config_version", "open_audit"]

log = logging.getLogger("mailvagt.audit")
T = TypeVar("T")
PURGE_INTERVAL = 24 * 3600.0


def now() -> datetime:
    return datetime.now(UTC)


def config_version(source: str | Path) -> str:
    """A short digest of the configuration file's bytes, stored with every decision it made."""
    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()[:12]
    except OSError:
        return "defaults"


class AuditLog:
    """The gateway's audit sink (see gateway.types.AuditSink)."""

    def __init__(
        self,
        db: Database,
        settings: AuditSettings,
        executor: ThreadPoolExecutor,
        version: str,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.db = db
        self.settings = settings
        self.executor = executor
        self.config_version = version
        self.clock = clock
        self.purge_task: asyncio.Task[None] | None = None
        self.writer: asyncio.Task[None] | None = None
        self.pending: list[tuple[Sequence[Record], asyncio.Future[None] | None]] = []

    async def run(self, work: Callable[[], T]) -> T:
        """Run blocking store work on the log's thread (writes go through ``write``)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    async def read(self, work: Callable[[], T]) -> T:
        """Run a query once everything recorded so far is committed."""
        await self.flush()
        return await self.run(work)

    def queue(self, records: Sequence[Record], waiter: asyncio.Future[None] | None) -> None:
        self.pending.append((records, waiter))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.create_task(self.commit_pending(), name="mailvagt-audit-commit")

    async def write(self, records: Sequence[Record]) -> None:
        """Append ``records`` durably; returns once they are committed, raises StoreError if not.

        Writes that arrive while a commit is running are committed together in the next one
        (group commit): one disk sync serves many sessions, and each still waits for its own.
        """
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue(records, waiter)
        try:
            await waiter
        except StoreError as exc:
            log.error("audit record not written, message refused: %s", exc)
            raise

    async def commit_pending(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            records = [record for written, _ in batch for record in written]
            try:
                await self.run(partial(append, self.db, records))
            except StoreError as exc:
                if any(waiter is None for _, waiter in batch):
                    log.error("audit outcome records not written: %s", exc)
                for _, waiter in batch:
                    if waiter is not None and not waiter.done():
                        waiter.set_exception(StoreError(str(exc)))
            else:
                for _, waiter in batch:
                    if waiter is not None and not waiter.done():
                        waiter.set_result(None)

    async def flush(self) -> None:
        """Wait until every queued record is committed (or has failed)."""
        while self.writer is not None and not self.writer.done():
            await asyncio.shield(self.writer)

    async def record_decision(self, envelope: Envelope, verdict: Verdict, size: int) -> None:
        """One message record and one per recipient decision, durable before this returns."""
        await self.write(decision_records(envelope, verdict, size, self.config_version, timestamp()))

    async def record_outcomes(self, envelope: Envelope, outcomes: Sequence[RecipientOutcome]) -> None:
        """Per recipient: action, status, the next hop's reply and the TLS version used.

        Queued for the next group commit without holding up the reply: the message has been
        handed on already, so a failure here cannot be answered with 451 (the client would send
        a duplicate); it is logged instead, and a crash in the few milliseconds before the commit
        loses the outcome rows, never the decision.
        """
        self.queue(outcome_records(envelope, outcomes, timestamp()), None)

    async def record_admin_action(self, ref: str, action: str, actor: str, detail: str) -> None:
        """An admin's release or deletion of a quarantined message (or any other admin act)."""
        await self.write([admin_record(ref, action, actor, detail, timestamp())])

    async def purge(self, actor: str = "mailvagt") -> PurgeResult:
        """Remove records older than the retention period now."""
        moment = self.clock()
        return await self.run(lambda: purge(self.db, self.settings.retention_days, actor, moment))

    async def purge_daily(self) -> None:
        while True:
            try:
                result = await self.purge()
                if result.removed:
                    log.info("audit retention: removed %d records before %s", result.removed, result.cutoff)
            except StoreError as exc:
                log.error("audit retention purge failed, will retry in a day: %s", exc)
            await asyncio.sleep(PURGE_INTERVAL)

    async def close(self) -> None:
        await self.flush()
        if self.purge_task is not None:
            self.purge_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.purge_task
        await self.run(self.db.close)
        self.executor.shutdown(wait=True)


async def open_audit(
    settings: AuditSettings, version: str = "", clock: Callable[[], datetime] = now
) -> AuditLog:
    """Open (creating and migrating) the configured store; start the daily purge if enabled.

    ``version`` is the configuration version recorded with each decision (see ``config_version``);
    ``clock`` tells the retention purge what time it is. Raises StoreError when the store cannot
    be opened.
    """
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailvagt-audit")
    try:
        db = await asyncio.get_running_loop().run_in_executor(executor, open_database, settings)
    except BaseException:
        executor.shutdown(wait=False)
        raise
    audit = AuditLog(db, settings, executor, version, clock)
    if settings.auto_purge:
        audit.purge_task = asyncio.create_task(audit.purge_daily(), name="mailvagt-audit-purge")
    return audit
