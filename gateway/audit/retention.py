"""Audit retention: the store + a retention period -> records older than it removed, chain kept verifiable.

A purge removes a prefix of the chain (every link up to the newest one older than the cutoff),
keeps the last removed hash as the anchor ``verify`` starts from, and records itself as a link
that names that anchor, so a forged anchor is caught too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gateway.audit.chain import PURGE_ACTION, append_locked
from gateway.audit.database import Database
from gateway.audit.records import timestamp, to_json
from gateway.audit.schema import ADMIN_ACTION, TABLES


@dataclass(frozen=True)
class PurgeResult:
    cutoff: str
    removed: int
    anchor_seq: int


def purge(db: Database, retention_days: int, actor: str, now: datetime | None = None) -> PurgeResult:
    """Remove every record older than ``retention_days`` (and any link before it)."""
    cutoff = timestamp((now or datetime.now(UTC)) - timedelta(days=retention_days))
    with db.transaction():
        lock = " FOR UPDATE" if db.dialect == "postgresql" else ""
        db.query(f"SELECT seq FROM chain_head WHERE id = 1{lock}")
        newest = [db.query(f"SELECT MAX(seq) FROM {t.name} WHERE at < ?", (cutoff,))[0][0] for t in TABLES]
        last = max((seq for seq in newest if seq is not None), default=None)
        if last is None:
            return PurgeResult(cutoff, 0, anchor(db)[0])
        found = (db.query(f"SELECT hash FROM {t.name} WHERE seq = ?", (last,)) for t in TABLES)
        anchor_hash = next(rows[0][0] for rows in found if rows)
        removed = 0
        for table in TABLES:
            removed += db.query(f"SELECT COUNT(*) FROM {table.name} WHERE seq <= ?", (last,))[0][0]
            db.query(f"DELETE FROM {table.name} WHERE seq <= ?", (last,))
        db.query("UPDATE chain_anchor SET seq = ?, hash = ? WHERE id = 1", (last, anchor_hash))
        detail = {"cutoff": cutoff, "removed": removed, "anchor_seq": last, "anchor_hash": anchor_hash}
        # Written unmasked: the anchor hash is hex, not personal data, and verify reads it back.
        row = {"at": timestamp(now), "ref": "", "action": PURGE_ACTION, "actor": actor}
        append_locked(db, [(ADMIN_ACTION, {**row, "detail": to_json(detail)})])
    return PurgeResult(cutoff, removed, last)


def anchor(db: Database) -> tuple[int, str]:
    seq, hash_ = db.query("SELECT seq, hash FROM chain_anchor WHERE id = 1")[0]
    return int(seq), str(hash_)
