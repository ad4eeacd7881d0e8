"""Audit test fixtures: a real PostgreSQL cluster for the session, and a fresh store of each kind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from gateway.audit.settings import AuditSettings
from gateway.audit.store import AuditLog, open_audit

from .postgres_server import PostgresServer, create_server, remove_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = create_server(durable=False)
    yield server
    remove_server(server)


@pytest.fixture(scope="session")
def postgres_database(postgres: PostgresServer) -> str:
    """One database for the session's store tests; each test starts it empty (see store_url)."""
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute("CREATE DATABASE audit_tests")
    return "audit_tests"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty audit store (SQLite file, or a new database on the test cluster)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.url(request.getfixturevalue("postgres_database"))
    with psycopg.connect(url, autocommit=True) as admin:  # far quicker than a database per test
        admin.execute("DROP SCHEMA public CASCADE")
        admin.execute("CREATE SCHEMA public")
    yield url


@pytest.fixture
def settings(store_url: str) -> AuditSettings:
    return AuditSettings(url=store_url, auto_purge=False, connect_timeout=1.0)


@pytest.fixture
async def audit(settings: AuditSettings) -> AsyncIterator[AuditLog]:
    log = await open_audit(settings, "cfg-1")
    yield log
    await log.close()
