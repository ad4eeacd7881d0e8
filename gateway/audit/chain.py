"""Audit chain: rows to append -> hash-linked rows in the store; the store -> the first broken link.

Every row of every record table gets the next ``seq`` and ``hash = SHA-256(prev_hash + row)``,
so changing, removing or reordering a row breaks the chain from there on. A purge removes a
prefix and keeps its last hash as the anchor, so what remains still verifies.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from gateway.audit.database import Database, Row, Statement
from gateway.audit.schema import TABLES, Table

Record = tuple[Table, Mapping[str, Any]]
PURGE_ACTION = "purge"
INSERT_BATCH = 200  # rows per INSERT, well under SQLite's limit of bound parameters


def link_hash(prev_hash: str, table: Table, seq: int, values: Sequence[Any]) -> str:
    canonical = json.dumps([table.name, seq, list(values)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def append(db: Database, records: Sequence[Record]) -> None:
    """Write ``records`` as the next links of the chain, all or nothing, durably."""
    db.write_after_head(partial(link_statements, records))


def append_locked(db: Database, records: Sequence[Record]) -> None:
    """``append`` inside a write transaction the caller holds."""
    db.execute_all(link_statements(records, *db.chain_head()))


def link_statements(records: Sequence[Record], seq: int, prev: str) -> list[Statement]:
    """The inserts that add ``records`` after the link (``seq``, ``prev``), and the new head."""
    rows: dict[Table, list[list[Any]]] = {}
    for table, row in records:
        seq += 1
        values = [row.get(c) for c in table.columns]
        link = link_hash(prev, table, seq, values)
        rows.setdefault(table, []).append([seq, *values, prev, link])
        prev = link
    statements = [insert for table, table_rows in rows.items() for insert in inserts(table, table_rows)]
    statements.append(("UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", [seq, prev]))
    return statements


def inserts(table: Table, rows: list[list[Any]]) -> Iterator[Statement]:
    """One multi-row INSERT per table and batch, not one per row."""
    one = "(" + ", ".join("?" * (len(table.columns) + 3)) + ")"
    for start in range(0, len(rows), INSERT_BATCH):
        chunk = rows[start : start + INSERT_BATCH]
        sql = (
            f"INSERT INTO {table.name} (seq, {', '.join(table.columns)}, prev_hash, hash) "
            f"VALUES {', '.join([one] * len(chunk))}"
        )
        yield sql, [value for row in chunk for value in row]


@dataclass(frozen=True)
class Verification:
    """The result of ``verify``: how many links were checked and the first broken one, if any."""

    checked: int
    anchor_seq: int
    head_seq: int
    broken_seq: int | None = None
    broken_table: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def chain_rows(db: Database) -> Iterator[tuple[int, Table, Row]]:
    """Every record row of every table, in chain order."""

    def rows(table: Table) -> Iterator[tuple[int, Table, Row]]:
        columns = ", ".join(table.columns)
        for row in db.query(f"SELECT seq, {columns}, prev_hash, hash FROM {table.name} ORDER BY seq"):
            yield row[0], table, row

    return heapq.merge(*(rows(t) for t in TABLES), key=lambda item: item[0])


def verify(db: Database) -> Verification:
    """Walk the chain from the purge anchor to the head; report the first link that does not hold."""
    anchor_seq, anchor_hash = db.query("SELECT seq, hash FROM chain_anchor WHERE id = 1")[0]
    head_seq, head_hash = db.query("SELECT seq, hash FROM chain_head WHERE id = 1")[0]
    if anchor_seq > 0 and recorded_anchor(db) != (anchor_seq, anchor_hash):
        problem = "the purge anchor differs from the one the last purge recorded"
        return Verification(0, anchor_seq, head_seq, anchor_seq, "chain_anchor", problem)
    prev, checked = anchor_hash, 0
    expected_seq = anchor_seq + 1
    for seq, table, row in chain_rows(db):
        values, row_prev, row_hash = row[1:-2], row[-2], row[-1]
        problem = ""
        if seq != expected_seq:
            problem = f"link {expected_seq} is missing (the next present is {seq})"
        elif row_prev != prev:
            problem = "does not link to the record before it (removed, reordered or altered)"
        elif link_hash(prev, table, seq, values) != row_hash:
            problem = "content does not match its hash (altered)"
        if problem:
            return Verification(checked, anchor_seq, head_seq, min(seq, expected_seq), table.name, problem)
        prev, checked, expected_seq = row_hash, checked + 1, seq + 1
    if expected_seq - 1 != head_seq or prev != head_hash:
        return Verification(
            checked, anchor_seq, head_seq, expected_seq, "", f"the chain ends before its head {head_seq}"
        )
    return Verification(checked, anchor_seq, head_seq)


def recorded_anchor(db: Database) -> tuple[int, str] | None:
    """The anchor named by the newest purge record, or None when nothing was ever purged."""
    rows = db.query(
        "SELECT detail FROM admin_action WHERE action = ? ORDER BY seq DESC LIMIT 1", (PURGE_ACTION,)
    )
    if not rows:
        return None
    detail = json.loads(rows[0][0])
    return int(detail["anchor_seq"]), str(detail["anchor_hash"])
