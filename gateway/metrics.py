"""Metrics: what happened to each message and session -> Prometheus counters, served over HTTP.

Labels are levels, categories, actions and statuses: never an address, a subject or a value found.
With several gateway processes the supervisor gives them one folder to write their figures to
(prometheus-client's multiprocess mode) and serves the sum; one process serves its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, multiprocess, start_http_server

from gateway.types import RecipientOutcome, Verdict

MULTIPROCESS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"

MESSAGES = Counter("mailvagt_messages", "Messages at end of data, by the class of our reply", ["reply"])
LEVELS = Counter("mailvagt_message_levels", "Scanned messages by the level found", ["level"])
CATEGORIES = Counter("mailvagt_message_categories", "Scanned messages carrying each category", ["category"])
RECIPIENTS = Counter(
    "mailvagt_recipients", "Recipient copies by the route chosen and how it ended", ["action", "status"]
)
SESSIONS_REFUSED = Counter(
    "mailvagt_sessions_refused", "Connections turned away before a session began", ["reason"]
)
SESSIONS_OPEN = Gauge("mailvagt_sessions_open", "SMTP sessions open now", multiprocess_mode="livesum")
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
SCAN_SECONDS = Histogram("mailvagt_scan_seconds", "Time to scan one message", buckets=SECONDS)
MESSAGE_SECONDS = Histogram(
    "mailvagt_message_seconds", "End of data to our reply, per message", buckets=SECONDS
)
MESSAGE_BYTES = Histogram(
    "mailvagt_message_bytes",
    "Size of received messages",
    buckets=(4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864),
)


def reply_class(reply: str) -> str:
    """``accepted`` (2xx), ``deferred`` (4xx) or ``refused`` (5xx)."""
    return {"2": "accepted", "4": "deferred", "5": "refused"}.get(reply[:1], "other")


def observe_message(
    reply: str,
    size: int,
    timings_ms: dict[str, float],
    verdict: Verdict | None,
    outcomes: Iterable[RecipientOutcome],
) -> None:
    """Count one message once its reply is known."""
    MESSAGES.labels(reply_class(reply)).inc()
    MESSAGE_BYTES.observe(size)
    if "total" in timings_ms:
        MESSAGE_SECONDS.observe(timings_ms["total"] / 1000)
    if "scan" in timings_ms:
        SCAN_SECONDS.observe(timings_ms["scan"] / 1000)
    if verdict is not None:
        LEVELS.labels(verdict.classification.level.label).inc()
        for category in verdict.classification.categories:
            CATEGORIES.labels(category).inc()
    for outcome in outcomes:
        RECIPIENTS.labels(outcome.action.value, outcome.status.value).inc()


def serve_own(host: str, port: int) -> None:
    """One gateway process: serve its own figures from a background thread."""
    start_http_server(port, addr=host)


def shared_folder() -> Path:
    """A fresh folder for the figures of several processes; set in the environment they inherit."""
    folder = Path(tempfile.mkdtemp(prefix="mailvagt-metrics-"))
    os.environ[MULTIPROCESS_FOLDER] = str(folder)
    return folder


def serve_shared(host: str, port: int, folder: Path) -> None:
    """The supervisor: serve the sum of what its worker processes wrote to ``folder``."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))  # type: ignore[no-untyped-call]
    start_http_server(port, addr=host, registry=registry)


def forget_process(pid: int) -> None:
    """A worker process ended: its open sessions no longer count."""
    if os.environ.get(MULTIPROCESS_FOLDER):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.pop(MULTIPROCESS_FOLDER, None)
