"""Audit test fixtures: a real PostgreSQL cluster for the session, and a fresh store of each kind."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from gateway.audit.settings import AuditSettings
from gateway.audit.store import AuditLog, open_audit

from .postgres_server import PostgresServer, create_server, remove_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = create_server()
    yield server
    remove_server(server)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty audit store (SQLite file, or a new database on the test cluster)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"audit_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield server.url(name)
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def settings(store_url: str) -> AuditSettings:
    return AuditSettings(url=store_url, auto_purge=False, connect_timeout=1.0)


@pytest.fixture
async def audit(settings: AuditSettings) -> AsyncIterator[AuditLog]:
    log = await open_audit(settings, "cfg-1")
    yield log
    await log.close()
