"""Benchmark: audit write cost per message on SQLite and PostgreSQL, alone and under concurrent sessions.

A message costs two audit writes: record_decision (message + one row per recipient) before
delivery and record_outcomes after. Both are durable commits (SQLite WAL synchronous=FULL,
PostgreSQL fsync + synchronous_commit on). Prints ms per message sequentially, messages/s with
S concurrent sessions, and what that bounds for the relay.

Usage: python bench/audit_write.py [--messages N] [--sessions S] [--pg-url URL] [--relay-rate R]
Without --pg-url a throwaway PostgreSQL cluster is started (Debian's postgresql, as in the tests).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.audit.settings import AuditSettings  # noqa: E402
from gateway.audit.store import AuditLog, open_audit  # noqa: E402
from gateway.types import Action, RecipientOutcome, Status  # noqa: E402
from tests.audit.postgres_server import create_server, remove_server  # noqa: E402
from tests.audit.samples import envelope, sensitive_verdict  # noqa: E402


async def one_message(audit: AuditLog, ref: str) -> None:
    env = envelope(ref)
    await audit.record_decision(env, sensitive_verdict(env), 10_000)
    outcomes = [
        RecipientOutcome(r, Action.SIKKER_MAIL, Status.DELIVERED, "250 2.0.0 Ok", "TLSv1.3")
        for r in env.rcpt_tos
    ]
    await audit.record_outcomes(env, outcomes)


async def measure(url: str, messages: int, sessions: int) -> tuple[float, float]:
    """(ms per message, one session at a time; messages/s with ``sessions`` at once)."""
    audit = await open_audit(AuditSettings(url=url, auto_purge=False), "bench")
    try:
        for i in range(20):  # warm up: connection, page cache
            await one_message(audit, f"W{i}")
        started = time.perf_counter()
        for i in range(messages):
            await one_message(audit, f"S{i}")
        sequential_ms = (time.perf_counter() - started) * 1000 / messages

        queue = iter(range(messages))

        async def session() -> None:
            for i in queue:
                await one_message(audit, f"C{i}")

        started = time.perf_counter()
        await asyncio.gather(*(session() for _ in range(sessions)))
        rate = messages / (time.perf_counter() - started)
    finally:
        await audit.close()
    return sequential_ms, rate


def report(name: str, sequential_ms: float, rate: float, relay_rate: float | None) -> None:
    line = f"  {name:<11} {sequential_ms:6.2f} ms/message alone   {rate:8.1f} messages/s concurrent"
    if relay_rate:
        # The audit runs on its own thread: it caps the relay at ``rate``, and a relay that is
        # not at the cap pays the write time as latency, not throughput.
        line += f"   ({rate / relay_rate:.1f}x the relay's {relay_rate:.0f} msg/s)"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--pg-url", help="an existing PostgreSQL database to write into")
    parser.add_argument("--relay-rate", type=float, help="the relay's msg/s (bench/relay.py) to compare with")
    args = parser.parse_args()
    # As the gateway process does (gateway/server.py): hand the GIL to the audit thread quickly.
    sys.setswitchinterval(0.0005)
    print(
        f"audit write cost: {args.messages} messages, 2 recipients each, {args.sessions} concurrent sessions"
    )
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_ms, sqlite_rate = asyncio.run(
            measure(f"sqlite:///{tmp}/audit.sqlite3", args.messages, args.sessions)
        )
    report("SQLite", sqlite_ms, sqlite_rate, args.relay_rate)
    server = None if args.pg_url else create_server()
    try:
        url = server.url() if server is not None else str(args.pg_url)
        pg_ms, pg_rate = asyncio.run(measure(url, args.messages, args.sessions))
    finally:
        if server is not None:
            remove_server(server)
    report("PostgreSQL", pg_ms, pg_rate, args.relay_rate)


if __name__ == "__main__":
    main()
