"""Handed-on ledger: a deferred message's identity -> the copies already handed on, so a retry skips them.

With no queue of its own the gateway answers 451 when some recipients' copies could not be
handed on yet; the client then sends the whole message again. The copies that did go (delivered
or held) are remembered here by the message's identity (a digest of sender and bytes as
received, which a retry repeats exactly), and the retry reports them as they ended instead of
sending a second copy. An entry ends when an attempt leaves nothing deferred, or after
``KEEP_SECONDS`` (longer than any MTA keeps retrying).

Kept in a folder (one 0600 file per message) when one is configured, so that every gateway
process sharing the port and a restart see the same ledger; else in this process's memory. Never
both: a copy in memory that another process has already ended would make a later, new sending
of the same bytes look like a retry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from gateway.types import Action, RecipientOutcome, Status

KEEP_SECONDS = 6 * 86_400  # Postfix gives up after 5 days (maximal_queue_lifetime)
SETTLED = (Status.DELIVERED, Status.HELD)


def identity(mail_from: str, rcpt_tos: Sequence[str], raw: bytes) -> str:
    """The same message sent again: same sender, recipients and bytes (our trace header comes later)."""
    digest = hashlib.sha256()
    for field in (mail_from, *sorted(rcpt_tos)):
        digest.update(field.lower().encode("utf-8", "replace") + b"\0")
    digest.update(raw)
    return digest.hexdigest()


class HandedOn:
    """Copies already handed on, per message identity."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.memory: dict[str, tuple[float, tuple[RecipientOutcome, ...]]] = {}

    def empty(self) -> bool:
        """No message is waiting for a retry (checked before hashing a message at all)."""
        if self.folder is None:
            return not self.memory
        try:
            with os.scandir(self.folder) as entries:
                return next(entries, None) is None
        except FileNotFoundError:
            return True

    def recall(self, key: str) -> tuple[RecipientOutcome, ...]:
        """The copies of this message handed on by an earlier attempt (none for a new message)."""
        entry = self.read(key) if self.folder is not None else self.memory.get(key)
        if entry is None:
            return ()
        stored, outcomes = entry
        if time.time() - stored > KEEP_SECONDS:
            self.forget(key)
            return ()
        return outcomes

    def remember(self, key: str, outcomes: Iterable[RecipientOutcome]) -> None:
        settled = tuple(o for o in outcomes if o.status in SETTLED)
        if not settled:
            self.forget(key)
            return
        entry = (time.time(), settled)
        if self.folder is not None:
            self.write(key, entry)
        else:
            self.memory[key] = entry
        self.sweep()

    def forget(self, key: str) -> None:
        self.memory.pop(key, None)
        if self.folder is not None:
            with contextlib.suppress(FileNotFoundError):
                (self.folder / key).unlink()

    def read(self, key: str) -> tuple[float, tuple[RecipientOutcome, ...]] | None:
        assert self.folder is not None
        try:
            data = json.loads((self.folder / key).read_text(encoding="utf-8"))
            outcomes = tuple(
                RecipientOutcome(
                    o["recipient"], Action(o["action"]), Status(o["status"]), o["reply"], o["tls"]
                )
                for o in data["outcomes"]
            )
            return float(data["time"]), outcomes
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            # Unreadable: the retry sends every copy again. A duplicate, never a lost copy.
            return None

    def write(self, key: str, entry: tuple[float, tuple[RecipientOutcome, ...]]) -> None:
        assert self.folder is not None
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stored, outcomes = entry
        data = {
            "time": stored,
            "outcomes": [
                {
                    "recipient": o.recipient,
                    "action": o.action.value,
                    "status": o.status.value,
                    "reply": o.reply,
                    "tls": o.tls_version,
                }
                for o in outcomes
            ],
        }
        temporary = self.folder / f".{key}.{os.getpid()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file)
        temporary.replace(self.folder / key)

    def sweep(self) -> None:
        """Drop entries no client will retry any more (in memory, and their files)."""
        cutoff = time.time() - KEEP_SECONDS
        for key in [k for k, (stored, _) in self.memory.items() if stored < cutoff]:
            del self.memory[key]
        if self.folder is None:
            return
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
