"""Quarantine store: a held message + why -> one file (mode 0600, optionally encrypted) and back.

Every call does blocking file I/O; async callers run it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,80}$")


class QuarantineError(Exception):
    """A held message cannot be stored or read; the message says which and what to do."""


@dataclass(frozen=True)
class HeldMessage:
    """One held copy of a message: who it was for, why, and the original bytes."""

    id: str
    ref: str
    mail_from: str
    recipients: tuple[str, ...]
    reasons: tuple[str, ...]
    subject: str
    message: bytes = field(repr=False)
    held_at: float = 0.0
    client_address: str = ""

    def to_json(self) -> bytes:
        data = asdict(self)
        data["message"] = base64.b64encode(self.message).decode("ascii")
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> HeldMessage:
        data = json.loads(raw)
        data["message"] = base64.b64decode(data["message"])
        data["recipients"] = tuple(data["recipients"])
        data["reasons"] = tuple(data["reasons"])
        return cls(**data)


def read_key(path: Path | None) -> bytes | None:
    """The Fernet key (urlsafe base64 of 32 bytes) from ``quarantine.key_file``, or None."""
    if path is None:
        return None
    try:
        key = path.read_bytes().strip()
        Fernet(key)
    except OSError as exc:
        raise QuarantineError(f"{path}: cannot read the quarantine key ({exc.strerror})") from None
    except ValueError:
        raise QuarantineError(
            f"{path}: not a quarantine key; make one with 'mailvagt quarantine new-key'"
        ) from None
    return key


class QuarantineStore:
    """Held messages as files named by their id in one directory (created 0700)."""

    def __init__(self, directory: Path, key: bytes | None = None) -> None:
        self.directory = directory
        self.fernet = Fernet(key) if key else None

    def path_of(self, held_id: str) -> Path:
        if not SAFE_ID.match(held_id):
            raise QuarantineError(f"{held_id!r} is not a quarantine reference")
        return self.directory / f"{held_id}.held"

    def encode(self, item: HeldMessage) -> bytes:
        raw = item.to_json()
        return self.fernet.encrypt(raw) if self.fernet else raw

    def decode(self, blob: bytes, path: Path) -> HeldMessage:
        if self.fernet:
            try:
                blob = self.fernet.decrypt(blob)
            except InvalidToken:
                raise QuarantineError(
                    f"{path}: cannot decrypt; is quarantine.key_file the right key?"
                ) from None
        try:
            return HeldMessage.from_json(blob)
        except (ValueError, KeyError, TypeError):
            raise QuarantineError(
                f"{path}: not a quarantine file (encrypted with a key not configured?)"
            ) from None

    def put(
        self,
        ref: str,
        mail_from: str,
        recipients: tuple[str, ...],
        reasons: tuple[str, ...],
        subject: str,
        message: bytes,
        client_address: str = "",
    ) -> HeldMessage:
        """Store durably (fsync) under a fresh id (``ref``, then ``ref-2``, ...); return the item."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for n in range(1, 1000):
            held_id = ref if n == 1 else f"{ref}-{n}"
            item = HeldMessage(
                held_id, ref, mail_from, recipients, reasons, subject, message, time.time(), client_address
            )
            try:
                self.write_new(self.path_of(held_id), self.encode(item))
            except FileExistsError:
                continue
            return item
        raise QuarantineError(f"too many held copies of {ref}")

    def write_new(self, path: Path, blob: bytes) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, blob)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        os.close(fd)
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def replace(self, item: HeldMessage) -> None:
        """Rewrite an item (after a partial release) atomically, keeping mode 0600."""
        path = self.path_of(item.id)
        temporary = path.with_suffix(".tmp")
        temporary.unlink(missing_ok=True)
        self.write_new(temporary, self.encode(item))
        temporary.replace(path)

    def get(self, held_id: str) -> HeldMessage:
        path = self.path_of(held_id)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise QuarantineError(f"no held message {held_id!r} (see 'mailvagt quarantine list')") from None
        return self.decode(blob, path)

    def list(self) -> list[HeldMessage]:
        if not self.directory.is_dir():
            return []
        items = [self.decode(p.read_bytes(), p) for p in self.directory.glob("*.held")]
        return sorted(items, key=lambda item: item.held_at)

    def delete(self, held_id: str) -> None:
        path = self.path_of(held_id)
        if not path.exists():
            raise QuarantineError(f"no held message {held_id!r} (see 'mailvagt quarantine list')")
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
