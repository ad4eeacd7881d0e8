"""Audit schema: the chained tables, their columns, and the versioned migrations for both stores."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A chained record table: every row carries ``seq``, ``prev_hash`` and ``hash`` besides ``columns``."""

    name: str
    columns: tuple[str, ...]


# Integer columns; every other content column is TEXT (floats go inside JSON text, so the
# canonical form that is hashed is the same on SQLite and PostgreSQL).
INTEGER_COLUMNS = frozenset({"size", "result_count"})

MESSAGE = Table(
    "message",
    (
        "at",
        "ref",
        "message_id",
        "client_address",
        "sender",
        "authenticated_as",
        "recipients",
        "size",
        "level",
        "categories",
        "fingerprints",
        "detail",
        "subject",
        "markers",
        "config_version",
        "override_justification",
    ),
)
DECISION = Table("decision", ("at", "ref", "recipient", "recipient_class", "action", "rule", "reason"))
OUTCOME = Table("outcome", ("at", "ref", "recipient", "action", "status", "reply", "tls_version"))
ADMIN_ACTION = Table("admin_action", ("at", "ref", "action", "actor", "detail"))
ACCESS = Table("access", ("at", "ref", "actor", "command", "criteria", "result_count"))

TABLES = (MESSAGE, DECISION, OUTCOME, ADMIN_ACTION, ACCESS)
TABLES_BY_NAME = {t.name: t for t in TABLES}

GENESIS_HASH = "0" * 64


def create_table(table: Table) -> str:
    columns = ", ".join(f"{c} {'BIGINT' if c in INTEGER_COLUMNS else 'TEXT'}" for c in table.columns)
    return (
        f"CREATE TABLE {table.name} (seq BIGINT PRIMARY KEY, {columns}, "
        "prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
    )


def version_1() -> list[str]:
    statements = [create_table(t) for t in TABLES]
    statements += [f"CREATE INDEX {t.name}_at ON {t.name} (at)" for t in TABLES]
    statements += [f"CREATE INDEX {t.name}_ref ON {t.name} (ref)" for t in TABLES]
    statements += [
        "CREATE INDEX message_sender ON message (sender)",
        "CREATE INDEX decision_recipient ON decision (recipient)",
        # head: the last link of the chain; anchor: the last link removed by a purge.
        "CREATE TABLE chain_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
        "CREATE TABLE chain_anchor (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
        f"INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')",
        f"INSERT INTO chain_anchor (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')",
    ]
    return statements


MIGRATIONS: tuple[tuple[int, list[str]], ...] = ((1, version_1()),)
SCHEMA_VERSION = MIGRATIONS[-1][0]
