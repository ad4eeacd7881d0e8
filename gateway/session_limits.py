"""Session limits: per-connection facts (peer, counts, clock) -> admit/refuse and bounded DATA reads.

Nothing here writes an SMTP reply: it raises or returns, and gateway.handler answers.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

from gateway.config import LimitsSettings

DATA_END = b"\r\n.\r\n"
READ_CHUNK = 256 * 1024


class SessionRefused(Exception):
    """A new connection is over a session limit; ``overall`` tells which one."""

    def __init__(self, overall: bool) -> None:
        super().__init__("too many sessions overall" if overall else "too many sessions from one client")
        self.overall = overall


class DataTimeout(Exception):
    """DATA did not finish before the deadline, or the client went quiet."""


class DataTooSlow(Exception):
    """DATA arrived below the minimum rate."""


class SessionCounter:
    """Open sessions overall and per client address in this process."""

    def __init__(self) -> None:
        self.total = 0
        self.per_client: Counter[str] = Counter()

    def admit(self, client: str, limits: LimitsSettings) -> None:
        if self.total >= limits.max_sessions:
            raise SessionRefused(overall=True)
        if self.per_client[client] >= limits.max_sessions_per_client:
            raise SessionRefused(overall=False)
        self.total += 1
        self.per_client[client] += 1

    def release(self, client: str) -> None:
        self.total -= 1
        self.per_client[client] -= 1
        if self.per_client[client] <= 0:
            del self.per_client[client]


class MemoryBudget:
    """Bytes of message data this process holds for its sessions (received, being scanned, handed on).

    Once the budget is spent, a message still arriving is read to its end and refused for now
    (452 4.3.1), so a crowd of large messages cannot exhaust memory. A message is always let in
    when nothing else is held, so none is shut out for good.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def claim(self) -> Claim:
        return Claim(self)


class Claim:
    """What one message holds of the budget, until its session releases it."""

    def __init__(self, budget: MemoryBudget) -> None:
        self.budget = budget
        self.held = 0

    def add(self, amount: int) -> bool:
        budget = self.budget
        if budget.held + amount > budget.limit and budget.held > self.held:
            return False
        budget.held += amount
        self.held += amount
        return True

    def release(self) -> None:
        self.budget.held -= self.held
        self.held = 0


@dataclass
class ReceivedData:
    """The message as received (dot-unstuffed) or, when over a limit, only its size.

    ``over_budget``: the process's memory budget was spent while it arrived (try again later).
    """

    content: bytes
    size: int
    too_big: bool
    over_budget: bool = False


def unstuff(data: bytes) -> bytes:
    """Undo SMTP dot-stuffing (RFC 5321 4.5.2): a line's leading period is removed."""
    if b"\r\n." in data:
        data = data.replace(b"\r\n.", b"\r\n")
    return data[1:] if data.startswith(b".") else data


def locate_end(tail: bytes, chunk: bytes) -> int:
    """Where the end-of-data line starts in ``tail + chunk`` (-1: not there), without joining them."""
    found = (tail + chunk[: len(DATA_END) - 1]).find(DATA_END)
    if found >= 0:
        return found
    inside = chunk.find(DATA_END)
    return inside + len(tail) if inside >= 0 else -1


def rate_ok(size: int, elapsed: float, limits: LimitsSettings) -> bool:
    if limits.min_data_rate <= 0 or elapsed <= limits.min_data_rate_grace:
        return True
    return size >= limits.min_data_rate * (elapsed - limits.min_data_rate_grace)


async def read_data(reader: asyncio.StreamReader, limits: LimitsSettings, claim: Claim) -> ReceivedData:
    """Read DATA up to the lone-dot line in large chunks, within the deadline, rate, size and memory limits.

    Over-size or over-budget data is read to its end and discarded, so the client gets a reply
    (552, or 452 to try later) and the session stays in step. What is kept is added to ``claim``,
    which the caller releases. Bytes after the terminator stay in the reader for the next command.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    chunks: list[bytes] = []
    size = 0
    too_big = over_budget = False
    tail = b"\r\n"  # the DATA command's line end: a message may start with the lone dot
    while True:
        elapsed = loop.time() - started
        wait = min(limits.command_timeout, limits.data_deadline - elapsed)
        if wait <= 0:
            raise DataTimeout
        try:
            chunk = await asyncio.wait_for(reader.read(READ_CHUNK), wait)
        except TimeoutError:
            raise DataTimeout from None
        if not chunk:
            raise ConnectionResetError("client closed the connection during DATA")
        found = locate_end(tail, chunk)
        if found >= 0:
            end = found + 2 - len(tail)  # keep the last line's CRLF
            rest = chunk[found + len(DATA_END) - len(tail) :]
            if rest:
                reader._buffer[0:0] = rest  # type: ignore[attr-defined]  # pipelined next command
            trim = max(-end, 0)
            last = chunk[: max(end, 0)]
            if not (too_big or over_budget) and not claim.add(len(last)):
                over_budget = True
                claim.release()
            chunks.append(last)
            size += end
            break
        size += len(chunk)
        if not (too_big or over_budget):
            if claim.add(len(chunk)):
                chunks.append(chunk)
            else:
                over_budget, chunks = True, []
                claim.release()
        if size > limits.max_message_bytes + len(DATA_END):
            too_big, chunks = True, chunks[-1:]
        tail = chunk[-4:] if len(chunk) >= 4 else (tail + chunk)[-4:]
        if not rate_ok(size, loop.time() - started, limits):
            raise DataTooSlow
    if too_big or size > limits.max_message_bytes:
        return ReceivedData(b"", size, too_big=True)
    if over_budget:
        return ReceivedData(b"", size, too_big=False, over_budget=True)
    content = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if trim:
        content = content[: len(content) - trim]
    return ReceivedData(unstuff(content), size, too_big=False)
