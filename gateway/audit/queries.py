"""Audit queries: the store + search criteria -> matching messages with their decisions, and statistics.

Sync functions over a Database, used by ``mailvagt audit``. Every person look-up is itself
recorded as an access record (who, when, what) by the caller, see ``log_access``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from gateway.audit.chain import append
from gateway.audit.database import Database
from gateway.audit.records import access_record, timestamp
from gateway.audit.schema import ACCESS, ADMIN_ACTION, DECISION, MESSAGE, OUTCOME, Table

BLOCKED_ACTIONS = ("quarantine", "reject")


@dataclass(frozen=True)
class Criteria:
    """What ``search`` matches; every given criterion must hold. Times are ISO-8601 UTC prefixes."""

    since: str | None = None
    until: str | None = None
    sender: str | None = None
    recipient: str | None = None
    level: str | None = None
    category: str | None = None
    action: str | None = None
    ref: str | None = None
    fingerprint: str | None = None
    limit: int = 1000

    def given(self) -> dict[str, Any]:
        """The criteria that were set, for the access record (a CPR is only ever a fingerprint here)."""
        return {k: v for k, v in asdict(self).items() if v is not None and k != "limit"}


def rows_as_dicts(
    db: Database, table: Table, where: str, params: Sequence[Any], limit: int | None = None
) -> list[dict[str, Any]]:
    columns = ("seq", *table.columns)
    sql = f"SELECT {', '.join(columns)} FROM {table.name} WHERE {where} ORDER BY seq"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [dict(zip(columns, row, strict=True)) for row in db.query(sql, params)]


def like_literal(text: str) -> str:
    """``text`` matched literally by LIKE ... ESCAPE '!' (``_`` in ``hr_confidential`` is no wildcard)."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def message_filter(criteria: Criteria) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    if criteria.since:
        add("at >= ?", criteria.since)
    if criteria.until:
        # An until of 2026-03-01 includes that whole day: compare against the next possible text.
        add("at <= ?", criteria.until + "\uffff")
    if criteria.sender:
        add("LOWER(sender) = ?", criteria.sender.lower())
    if criteria.level:
        add("level = ?", criteria.level)
    if criteria.category:
        add("categories LIKE ? ESCAPE '!'", f"% {like_literal(criteria.category)} %")
    if criteria.fingerprint:
        add("fingerprints LIKE ?", f"% {criteria.fingerprint.lower()} %")
    if criteria.ref:
        add("ref = ?", criteria.ref)
    if criteria.recipient:
        add("ref IN (SELECT ref FROM decision WHERE LOWER(recipient) = ?)", criteria.recipient.lower())
    if criteria.action:
        add("ref IN (SELECT ref FROM decision WHERE action = ?)", criteria.action)
    return " AND ".join(clauses) or "1 = 1", params


def message_history(db: Database, message: dict[str, Any]) -> dict[str, Any]:
    """One message record with its decisions, outcomes and admin actions, JSON columns decoded."""
    ref = message["ref"]
    found = dict(message)
    for key in ("recipients", "detail", "markers"):
        found[key] = json.loads(found[key]) if found[key] else None
    found["categories"] = found["categories"].split()
    found["fingerprints"] = found["fingerprints"].split()
    found["decisions"] = rows_as_dicts(db, DECISION, "ref = ?", (ref,))
    found["outcomes"] = rows_as_dicts(db, OUTCOME, "ref = ?", (ref,))
    found["admin_actions"] = rows_as_dicts(db, ADMIN_ACTION, "ref = ?", (ref,))
    return found


def search(db: Database, criteria: Criteria) -> list[dict[str, Any]]:
    """Messages matching ``criteria``, oldest first, each with its whole recorded history."""
    where, params = message_filter(criteria)
    messages = rows_as_dicts(db, MESSAGE, where, params, criteria.limit)
    return [message_history(db, m) for m in messages]


def summary_row(message: Mapping[str, Any]) -> dict[str, Any]:
    """A message as one line of a table or CSV."""
    outcomes = {o["recipient"]: f"/{o['status']}" for o in message["outcomes"]}
    routes = [
        f"{d['recipient']}:{d['action']}{outcomes.get(d['recipient'], '')}" for d in message["decisions"]
    ]
    return {
        "time": message["at"],
        "ref": message["ref"],
        "sender": message["sender"],
        "level": message["level"],
        "categories": " ".join(message["categories"]),
        "cprs": len(message["fingerprints"]),
        "routes": " ".join(routes),
        "subject": message["subject"],
    }


def stats(db: Database, since: str | None = None, until: str | None = None, top: int = 10) -> dict[str, Any]:
    """Counts per day, level, category and action, and the top senders of blocked mail."""
    where, params = message_filter(Criteria(since=since, until=until))
    messages = db.query(f"SELECT ref, at, level, categories, sender FROM message WHERE {where}", params)
    refs = {row[0]: row[4] for row in messages}
    per_day = Counter(row[1][:10] for row in messages)
    per_level = Counter(row[2] for row in messages)
    per_category = Counter(c for row in messages for c in row[3].split())
    decisions = db.query(f"SELECT ref, action FROM decision WHERE {where}", params)
    per_action = Counter(action for ref, action in decisions if ref in refs)
    blocked = Counter(refs[ref] for ref, action in decisions if ref in refs and action in BLOCKED_ACTIONS)
    return {
        "messages": len(messages),
        "per_day": dict(sorted(per_day.items())),
        "per_level": dict(per_level.most_common()),
        "per_category": dict(per_category.most_common()),
        "per_action": dict(per_action.most_common()),
        "top_blocked_senders": dict(blocked.most_common(top)),
    }


def log_access(
    db: Database, actor: str, command: str, criteria: Mapping[str, Any], result_count: int, ref: str = ""
) -> None:
    """Record a look-up of personal data as its own chained record."""
    append(db, [access_record(actor, command, criteria, result_count, timestamp(), ref)])


def access_log(db: Database, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
    """Who looked up what, and when."""
    where, params = message_filter(Criteria(since=since, until=until))
    return rows_as_dicts(db, ACCESS, where, params)
