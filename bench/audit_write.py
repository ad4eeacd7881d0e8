"""Benchmark: audit write cost per message on SQLite and PostgreSQL, alone and under concurrent sessions.

A message costs two audit writes: record_decision (message + one row per recipient) before
delivery and record_outcomes after. Both are durable commits (SQLite WAL synchronous=FULL,
PostgreSQL fsync + synchronous_commit on). Prints ms per message sequentially, messages/s with
S concurrent sessions, and what that bounds for the relay.

With --relay it also measures what the relay does with each store: the real Gateway (one
process, scan noop) driven by Postfix's smtp-source into smtp-sink, as bench/relay.py does, once
with the audit left out and once per store, so the ratio is the audit's whole cost.

Usage: python bench/audit_write.py [--messages N] [--sessions S] [--pg-url URL] [--relay [--rounds R]]
Without --pg-url a throwaway PostgreSQL cluster is started (Debian's postgresql, as in the tests).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.audit.settings import AuditSettings  # noqa: E402
from gateway.audit.store import AuditLog, open_audit  # noqa: E402
from gateway.config import Settings  # noqa: E402
from gateway.server import Gateway  # noqa: E402
from gateway.types import (  # noqa: E402
    Action,
    AuditSink,
    Envelope,
    RecipientOutcome,
    Status,
    Verdict,
)
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


def report(name: str, sequential_ms: float, rate: float) -> None:
    print(f"  {name:<11} {sequential_ms:6.2f} ms/message alone   {rate:8.1f} messages/s concurrent")


class NoAudit:
    """The baseline: the relay with the audit left out."""

    async def record_decision(self, envelope: Envelope, verdict: Verdict, size: int) -> None:
        return None

    async def record_outcomes(self, envelope: Envelope, outcomes: Sequence[RecipientOutcome]) -> None:
        return None

    async def close(self) -> None:
        return None


def relay_bench() -> ModuleType:
    """bench/relay.py's helpers (smtp-sink/smtp-source runners), not copied."""
    spec = importlib.util.spec_from_file_location("relay_bench", ROOT / "bench" / "relay.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def in_loop_thread(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run_coroutine_threadsafe(coro, loop).result(60)


def relay_rate(
    relay: ModuleType,
    work: Path,
    name: str,
    open_sink: Callable[[], Coroutine[Any, Any, AuditSink]],
    args: Any,
) -> float:
    """messages/s through the real Gateway (in this process) with the given audit sink."""
    sink_port, gateway_port = relay.free_port(), relay.free_port()
    settings = Settings.model_validate(
        {
            "server": {"listen": {"host": "127.0.0.1", "port": gateway_port}, "processes": 1},
            "next_hop": {"host": "127.0.0.1", "port": sink_port},
            "scan": {"mode": "noop", "workers": 1},
        }
    )
    dump = Path(tempfile.mkdtemp(prefix=name.replace(" ", "-"), dir=work))
    dump.chmod(0o777)  # smtp-sink runs as nobody and writes here
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    sink_command = ["smtp-sink", "-u", "nobody", "-d", f"{dump}/%H%M%S.", f"127.0.0.1:{sink_port}", "256"]
    try:
        audit = in_loop_thread(loop, open_sink())
        gateway = Gateway(settings, audit)
        in_loop_thread(loop, gateway.start())
        with relay.running(sink_command, sink_port, work / "sink.log"):
            result = relay.drive(name, gateway_port, dump, args.messages, args.sessions)
        in_loop_thread(loop, gateway.stop())
        in_loop_thread(loop, audit.close())
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
    if result.unique != args.messages:
        raise RuntimeError(f"{name}: {args.messages - result.unique} messages lost")
    rate: float = result.rate
    return rate


def relay_comparison(args: Any, pg_url: str) -> None:
    relay = relay_bench()
    shm = Path("/dev/shm")
    with (
        tempfile.TemporaryDirectory(prefix="mailvagt-bench-", dir=shm if shm.is_dir() else None) as tmpfs,
        tempfile.TemporaryDirectory(prefix="mailvagt-bench-") as disk,
    ):
        Path(tmpfs).chmod(0o777)
        setups: list[tuple[str, Callable[[], Coroutine[Any, Any, AuditSink]]]] = [
            ("no audit", lambda: none()),
            (
                "SQLite disk",
                lambda: open_audit(AuditSettings(url=f"sqlite:///{disk}/audit.sqlite3", auto_purge=False)),
            ),
            (
                "SQLite tmpfs",
                lambda: open_audit(AuditSettings(url=f"sqlite:///{tmpfs}/audit.sqlite3", auto_purge=False)),
            ),
            ("PostgreSQL", lambda: open_audit(AuditSettings(url=pg_url, auto_purge=False))),
        ]
        # Interleaved rounds: on a shared machine the load drifts; each round compares like with like.
        rounds = [
            {name: relay_rate(relay, Path(tmpfs), name, opener, args) for name, opener in setups}
            for _ in range(args.rounds)
        ]
    print(
        f"relay (1 process, scan noop, ~10 KB messages, {args.sessions} sessions, smtp-source -> smtp-sink), "
        f"median of {args.rounds} interleaved rounds:"
    )
    for name, _ in setups:
        rate = statistics.median(r[name] for r in rounds)
        ratios = [r[name] / r["no audit"] for r in rounds]
        print(
            f"  {name:<13} {rate:8.1f} msg/s   {statistics.median(ratios):5.2f} of the relay without audit "
            f"(rounds: {' '.join(f'{x:.2f}' for x in ratios)})"
        )


async def none() -> AuditSink:
    return NoAudit()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--pg-url", help="an existing PostgreSQL database to write into")
    parser.add_argument("--relay", action="store_true", help="also measure the relay with each store")
    parser.add_argument("--rounds", type=int, default=3, help="relay rounds (interleaved)")
    args = parser.parse_args()
    # As the gateway process does (gateway/server.py): hand the GIL to the audit thread quickly.
    sys.setswitchinterval(0.0005)
    print(f"audit writes: {args.messages} messages, 2 recipients each, {args.sessions} concurrent sessions")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{tmp}/audit.sqlite3"
        report("SQLite", *asyncio.run(measure(sqlite_url, args.messages, args.sessions)))
    server = None if args.pg_url else create_server()
    try:
        url = server.url() if server is not None else str(args.pg_url)
        report("PostgreSQL", *asyncio.run(measure(url, args.messages, args.sessions)))
        if args.relay:
            relay_comparison(args, url)
    finally:
        if server is not None:
            remove_server(server)


if __name__ == "__main__":
    main()
