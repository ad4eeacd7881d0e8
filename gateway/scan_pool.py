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


def init_worker(settings: Settings, function: ScanFunction, niceness: int = 0) -> None:
    """Runs once in each worker process: keep the settings and the scan function for every message.

    ``niceness`` lowers the CPU priority of long scans, so the SMTP sessions and the express
    worker come first when the cores are busy.
    """
    global _worker_settings, _worker_function
    if niceness:
        os.nice(niceness)
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


MAIN_NICENESS = 5  # main-lane scans yield the CPU to SMTP sessions and the express worker


class Lane:
    """Worker processes with their own queue: ``slots`` bounds what is submitted, ``busy`` counts it."""

    def __init__(
        self, name: str, workers: int, settings: Settings, function: ScanFunction, niceness: int = 0
    ) -> None:
        self.name = name
        self.niceness = niceness
        self.workers = workers
        self.settings = settings
        self.function = function
        self.slots = asyncio.Semaphore(workers * 2)
        self.busy = 0
        self.executor = self.new_executor()

    def new_executor(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(self.settings, self.function, self.niceness),
        )
        for _ in range(self.workers):  # start every worker now (each warms up), not at the first messages
            executor.submit(ready)
        return executor

    def has_idle_worker(self) -> bool:
        return self.busy < self.workers

    async def scan(self, raw: bytes, envelope: Envelope) -> Verdict:
        self.busy += 1
        try:
            async with self.slots:
                executor = self.executor
                future = asyncio.get_running_loop().run_in_executor(executor, scan_in_worker, raw, envelope)
                try:
                    return await asyncio.wait_for(future, self.settings.scan.deadline)
                except TimeoutError:
                    log.warning(
                        "scan deadline exceeded; restarting scan workers",
                        extra={"fields": {"ref": envelope.ref, "lane": self.name}},
                    )
                    self.replace(executor)
                    raise ScanTimeout from None
                except BrokenProcessPool:
                    self.replace(executor)
                    raise
        finally:
            self.busy -= 1

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """Kill the workers of ``broken`` (a runaway scan holds one) and start a fresh pool."""
        if self.executor is not broken:
            return
        self.executor = self.new_executor()
        for process in list(getattr(broken, "_processes", {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class ScanPool:
    """Bounded pools of scan processes with a per-message deadline.

    The main lane has ``scan.workers`` processes. A small message (up to
    ``scan.express_max_bytes``) takes an idle main worker when there is one, else the express
    lane's own worker: it never waits behind the large attachments being read. ``scan.mode: noop``
    answers deliver-all in-process: there is nothing to compute.
    """

    def __init__(self, settings: Settings, function: ScanFunction = scan_message) -> None:
        self.settings = settings
        self.function = function
        self.workers = worker_count(settings)
        self.closed = False
        self.main: Lane | None = None
        self.express: Lane | None = None
        if settings.scan.mode != "noop":
            self.main = Lane("main", self.workers, settings, function, niceness=MAIN_NICENESS)
            if settings.scan.express_max_bytes:
                self.express = Lane("express", 1, settings, function)

    def lane_for(self, size: int) -> Lane:
        assert self.main is not None
        if self.express is None or size > self.settings.scan.express_max_bytes or self.main.has_idle_worker():
            return self.main
        return self.express

    async def scan(self, raw: bytes, envelope: Envelope) -> Verdict:
        if self.closed:
            raise RuntimeError("scan pool closed by a reload or shutdown")
        if self.main is None:
            return self.function(raw, envelope, self.settings)
        return await self.lane_for(len(raw)).scan(raw, envelope)

    async def close(self) -> None:
        self.closed = True
        lanes = [lane for lane in (self.main, self.express) if lane is not None]
        self.main = self.express = None
        for lane in lanes:
            await asyncio.to_thread(lane.close)
