"""Audit database: an audit URL -> one blocking connection to SQLite (WAL) or PostgreSQL, migrated.

Used from one thread at a time (the store's own executor thread, or the CLI). Errors come out
as StoreError naming the store (password removed) and the cause, never any record content.
"""

from __future__ import annotations

import contextlib
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.pq import TransactionStatus

from gateway.audit.schema import MIGRATIONS
from gateway.audit.settings import SQLITE_PREFIX, AuditSettings

Row = tuple[Any, ...]
Statement = tuple[str, Sequence[Any]]
HEAD = "SELECT seq, hash FROM chain_head WHERE id = 1"
# One fixed key for PostgreSQL advisory locks taken while migrating.
MIGRATION_LOCK = 0x6D61696C76616774


class StoreError(Exception):
    """The audit store cannot be opened, read or written."""


def describe_url(url: str) -> str:
    """The URL without any password, for messages and logs."""
    if url.startswith(SQLITE_PREFIX):
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


class Database(ABC):
    """A connection to the audit store with the few operations the audit needs."""

    dialect = ""

    def __init__(self, settings: AuditSettings) -> None:
        self.settings = settings
        self.name = describe_url(settings.url)

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement (``?`` placeholders) and return its rows."""

    def execute_all(self, statements: Sequence[Statement]) -> None:
        """Run statements whose results are not needed, in order."""
        for sql, params in statements:
            self.query(sql, params)

    def chain_head(self) -> tuple[int, str]:
        """The last link (seq, hash), locked until the caller's write transaction ends."""
        lock = " FOR UPDATE" if self.dialect == "postgresql" else ""
        seq, hash_ = self.query(HEAD + lock)[0]
        return int(seq), str(hash_)

    def write_after_head(self, build: Callable[[int, str], Sequence[Statement]]) -> None:
        """One write transaction: lock and read the chain head, then run what ``build`` makes of it."""
        with self.transaction():
            self.execute_all(build(*self.chain_head()))

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction that holds the store's write lock (serialising the chain)."""

    @abstractmethod
    def close(self) -> None: ...

    def fail(self, action: str, exc: Exception) -> StoreError:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StoreError(f"audit store {self.name}: cannot {action}: {reason}")

    def migrate(self) -> None:
        with self.transaction():
            self.lock_migrations()
            self.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            rows = self.query("SELECT MAX(version) FROM schema_version")
            current = rows[0][0] or 0
            for version, statements in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    self.query(statement)
                self.query("INSERT INTO schema_version (version) VALUES (?)", (version,))

    def lock_migrations(self) -> None:
        """Serialise concurrent first starts; SQLite's write transaction already does."""
        return


class SQLiteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, settings: AuditSettings) -> None:
        super().__init__(settings)
        path = Path(settings.url.removeprefix(SQLITE_PREFIX))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Only the gateway's user may read the log (SQLite gives its -wal/-shm files the same mode).
            path.touch(mode=0o600, exist_ok=True)
            self.conn = sqlite3.connect(
                path, timeout=settings.connect_timeout, isolation_level=None, check_same_thread=False
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk before record_decision returns (the message is then handed on).
            self.conn.execute("PRAGMA synchronous=FULL")
            self.migrate()
        except (OSError, sqlite3.Error) as exc:
            raise self.fail("open", exc) from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return self.conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise self.fail("run a statement", exc) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.query("BEGIN IMMEDIATE")
        try:
            yield
            self.query("COMMIT")
        except BaseException:
            # Also after a failed COMMIT (disk full, I/O error): the next write must start clean.
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, settings: AuditSettings) -> None:
        super().__init__(settings)
        self.conn: psycopg.Connection[Row] | None = None
        self.connect()
        self.migrate()

    def connect(self) -> psycopg.Connection[Row]:
        """The open connection, reconnecting after the server went away and came back."""
        if self.conn is not None and not self.conn.closed and not self.conn.broken:
            return self.conn
        timeout = max(1, round(self.settings.connect_timeout))
        # lock_timeout: a write waits for another gateway's commit at most as long as SQLite's
        # busy timeout would; keepalives: a vanished server is noticed instead of waited on forever.
        wait = f"-c lock_timeout={round(self.settings.connect_timeout * 1000)}"
        try:
            self.conn = psycopg.connect(
                self.settings.url,
                autocommit=True,
                connect_timeout=timeout,
                options=wait,
                keepalives=1,
                keepalives_idle=10,
                keepalives_interval=5,
                keepalives_count=3,
            )
        except psycopg.Error as exc:
            raise self.fail("connect", exc) from None
        return self.conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        conn = self.connect()
        try:
            cursor = conn.execute(sql.replace("?", "%s"), tuple(params))
            return cursor.fetchall() if cursor.description else []
        except psycopg.Error as exc:
            raise self.fail("run a statement", exc) from None

    def execute_all(self, statements: Sequence[Statement]) -> None:
        """All in one pipeline: one round trip to the server instead of one per statement."""
        conn = self.connect()
        try:
            with conn.pipeline():
                for sql, params in statements:
                    conn.execute(sql.replace("?", "%s"), tuple(params))
        except psycopg.Error as exc:
            raise self.fail("write", exc) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.connect()
        try:
            with conn.transaction():
                yield
        except psycopg.Error as exc:
            raise self.fail("write", exc) from None

    def write_after_head(self, build: Callable[[int, str], Sequence[Statement]]) -> None:
        """Two round trips: BEGIN with the locked head read, then the writes and COMMIT pipelined."""
        conn = self.connect()
        try:
            cursor = conn.execute(f"BEGIN; {HEAD} FOR UPDATE")
            cursor.nextset()  # past BEGIN's empty result
            seq, hash_ = cursor.fetchall()[0]
            with conn.pipeline():
                for sql, params in build(int(seq), str(hash_)):
                    conn.execute(sql.replace("?", "%s"), tuple(params))
                conn.execute("COMMIT")
        except BaseException as exc:
            self.roll_back(conn)
            if isinstance(exc, psycopg.Error):
                raise self.fail("write", exc) from None
            raise

    def roll_back(self, conn: psycopg.Connection[Row]) -> None:
        if not conn.closed and not conn.broken and conn.info.transaction_status != TransactionStatus.IDLE:
            with contextlib.suppress(psycopg.Error):
                conn.execute("ROLLBACK")

    def lock_migrations(self) -> None:
        self.query("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def open_database(settings: AuditSettings) -> Database:
    """Connect to the configured store and bring its schema up to date (blocking)."""
    if settings.url.startswith(SQLITE_PREFIX):
        return SQLiteDatabase(settings)
    return PostgresDatabase(settings)
