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

PURGE_STEP = 20_000  # links removed per transaction


@dataclass(frozen=True)
class PurgeResult:
    cutoff: str
    removed: int
    anchor_seq: int


def purge(db: Database, retention_days: int, actor: str, now: datetime | None = None) -> PurgeResult:
    """Remove every record older than ``retention_days`` (and any link before it).

    In steps of at most PURGE_STEP links, each its own transaction, so a large backlog never
    holds the write lock long enough to make a gateway answer 451.
    """
    cutoff = timestamp((now or datetime.now(UTC)) - timedelta(days=retention_days))
    removed, last = 0, anchor(db)[0]
    while (step := purge_step(db, cutoff, actor, timestamp(now))) is not None:
        count, last, done = step
        removed += count
        if done:
            break
    return PurgeResult(cutoff, removed, last)


def purge_step(db: Database, cutoff: str, actor: str, at: str) -> tuple[int, int, bool] | None:
    """Remove the next links older than ``cutoff``: (records removed, new anchor, all done)."""
    with db.transaction():
        db.chain_head()  # taken first, as every writer does: the purge waits its turn
        newest = [db.query(f"SELECT MAX(seq) FROM {t.name} WHERE at < ?", (cutoff,))[0][0] for t in TABLES]
        target = max((seq for seq in newest if seq is not None), default=None)
        if target is None:
            return None
        last = min(target, anchor(db)[0] + PURGE_STEP)
        found = (db.query(f"SELECT hash FROM {t.name} WHERE seq = ?", (last,)) for t in TABLES)
        anchor_hash = next(rows[0][0] for rows in found if rows)
        removed = 0
        for table in TABLES:
            removed += db.query(f"SELECT COUNT(*) FROM {table.name} WHERE seq <= ?", (last,))[0][0]
            db.query(f"DELETE FROM {table.name} WHERE seq <= ?", (last,))
        db.query("UPDATE chain_anchor SET seq = ?, hash = ? WHERE id = 1", (last, anchor_hash))
        detail = {"cutoff": cutoff, "removed": removed, "anchor_seq": last, "anchor_hash": anchor_hash}
        # Written unmasked: the anchor hash is hex, not personal data, and verify reads it back.
        row = {"at": at, "ref": "", "action": PURGE_ACTION, "actor": actor, "detail": to_json(detail)}
        append_locked(db, [(ADMIN_ACTION, row)])
    return removed, last, last == target


def anchor(db: Database) -> tuple[int, str]:
    seq, hash_ = db.query("SELECT seq, hash FROM chain_anchor WHERE id = 1")[0]
    return int(seq), str(hash_)
