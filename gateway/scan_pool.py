"""Scan pool: message bytes + envelope -> Verdict, computed in a bounded pool of worker processes.

The scan (extract, detect, classify, route) is CPU-bound, so it never runs on the event loop.
Each worker builds its state once (settings, and whatever the scan caches per process). A scan
that runs past the deadline raises ScanTimeout; the pool is then replaced so that the runaway
worker stops using a core.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from gateway.config import Settings
from gateway.scan import scan_message
from gateway.types import Envelope, Verdict

log = logging.getLogger(__name__)

ScanFunction = Callable[[bytes, Envelope, Settings], Verdict]

_worker_settings: Settings | None = None
_worker_function: ScanFunction = scan_message


class ScanTimeout(Exception):
    """The scan did not finish within scan.deadline."""


def init_worker(settings: Settings, function: ScanFunction) -> None:
    """Runs once in each worker process: keep the settings and the scan function for every message."""
    global _worker_settings, _worker_function
    _worker_settings = settings
    _worker_function = function
    warm_up(settings, function)


WARM_UP = b"From: a@skole.example\r\nSubject: warm-up\r\n\r\nHej.\r\n"


def warm_up(settings: Settings, function: ScanFunction) -> None:
    """Scan one tiny message so that models and term lists load now, not on the first real mail."""
    envelope = Envelope("warm-up", "127.0.0.1", "a@skole.example", ("b@skole.example",))
    try:
        function(WARM_UP, envelope, settings)
    except Exception:  # the real scans will report it, with a reference
        log.exception("scan warm-up failed")


def ready() -> bool:
    return _worker_settings is not None


def scan_in_worker(raw: bytes, envelope: Envelope) -> Verdict:
    assert _worker_settings is not None, "init_worker did not run"
    return _worker_function(raw, envelope, _worker_settings)


def worker_count(settings: Settings) -> int:
    """scan.workers, or (0) the CPUs shared out among the gateway processes, at least one each."""
    if settings.scan.workers:
        return settings.scan.workers
    cpus = os.cpu_count() or 1
    return max(1, cpus // (settings.server.processes or cpus))


class ScanPool:
    """A bounded pool of scan processes with a per-message deadline.

    ``scan.mode: noop`` answers deliver-all in-process: there is nothing to compute.
    """

    def __init__(self, settings: Settings, function: ScanFunction = scan_message) -> None:
        self.settings = settings
        self.function = function
        self.workers = worker_count(settings)
        self.slots = asyncio.Semaphore(self.workers * 2)
        self.executor: ProcessPoolExecutor | None = None
        self.closed = False
        if settings.scan.mode != "noop":
            self.executor = self.new_executor()
            self.start_workers(self.executor)

    def start_workers(self, executor: ProcessPoolExecutor) -> None:
        """Start every worker now (each warms up in its initializer), not at the first messages."""
        for _ in range(self.workers):
            executor.submit(ready)

    def new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(self.settings, self.function),
        )

    async def scan(self, raw: bytes, envelope: Envelope) -> Verdict:
        if self.closed:
            raise RuntimeError("scan pool closed by a reload or shutdown")
        if self.executor is None:
            return self.function(raw, envelope, self.settings)
        async with self.slots:
            executor = self.executor
            future = asyncio.get_running_loop().run_in_executor(executor, scan_in_worker, raw, envelope)
            try:
                return await asyncio.wait_for(future, self.settings.scan.deadline)
            except TimeoutError:
                log.warning(
                    "scan deadline exceeded; restarting scan workers", extra={"fields": {"ref": envelope.ref}}
                )
                self.replace(executor)
                raise ScanTimeout from None
            except BrokenProcessPool:
                self.replace(executor)
                raise

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """Kill the workers of ``broken`` (a runaway scan holds one) and start a fresh pool."""
        if self.executor is not broken:
            return
        self.executor = self.new_executor()
        self.start_workers(self.executor)
        for process in list(getattr(broken, "_processes", {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    async def close(self) -> None:
        self.closed = True
        if self.executor is not None:
            executor, self.executor = self.executor, None
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
