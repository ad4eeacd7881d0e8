"""``mailvagt audit search|stats|breach-report|verify|purge|access``: read and maintain the audit log.

Person look-ups (search, breach-report, access) are recorded in the audit log as access to
personal data: who ran them (``--actor``, default the login name), when, and with what criteria.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from gateway.audit.breach import breach_facts, render_breach_report
from gateway.audit.chain import verify
from gateway.audit.database import Database, StoreError, open_database
from gateway.audit.output import write_json, write_rows
from gateway.audit.queries import Criteria, access_log, log_access, search, stats, summary_row
from gateway.audit.records import timestamp
from gateway.audit.retention import purge
from gateway.audit.settings import AuditSettings
from gateway.config import ConfigError, Settings, default_config_path, load_settings
from gateway.types import Action, Level


class UsageError(Exception):
    """A command-line value is not usable; the message says which and why."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("audit", help="search, report on, verify and purge the audit log")
    commands = parser.add_subparsers(dest="audit_command", required=True, metavar="AUDIT_COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="config file (default: $MAILVAGT_CONFIG or config/mailvagt.yaml)")
    common.add_argument("--url", help="audit store URL, overriding audit.url of the configuration")
    common.add_argument("--actor", help="who is asking, for the access record (default: login name)")
    formats = argparse.ArgumentParser(add_help=False)
    group = formats.add_mutually_exclusive_group()
    group.add_argument(
        "--json", dest="format", action="store_const", const="json", default="table", help="JSON, every field"
    )
    group.add_argument("--csv", dest="format", action="store_const", const="csv", help="CSV, a row per line")
    span = argparse.ArgumentParser(add_help=False)
    span.add_argument("--since", type=parse_time, help="from this date or time (UTC), e.g. 2026-03-01")
    span.add_argument("--until", type=parse_time, help="up to and including this date or time (UTC)")

    found = commands.add_parser("search", parents=[common, formats, span], help="find messages")
    found.add_argument("--sender", help="envelope sender (any case)")
    found.add_argument("--recipient", help="a recipient of the message (any case)")
    found.add_argument("--level", choices=[level.label for level in Level])
    found.add_argument("--category", help="a category id, e.g. health, cpr, grades")
    found.add_argument("--action", choices=[action.value for action in Action])
    found.add_argument("--ref", help="the gateway's reference id of a message")
    found.add_argument(
        "--cpr",
        help="a CPR number: every message that held it (by fingerprint); '-' reads it from stdin, "
        "keeping it out of shell history and the process list",
    )
    found.add_argument("--limit", type=int, default=1000)
    found.set_defaults(func=run_search)

    counted = commands.add_parser("stats", parents=[common, formats, span], help="counts and top senders")
    counted.add_argument("--top", type=int, default=10, help="how many senders of blocked mail to list")
    counted.set_defaults(func=run_stats)

    report = commands.add_parser(
        "breach-report", parents=[common], help="draft notification to Datatilsynet (Danish)"
    )
    report.add_argument("refs", nargs="+", metavar="REF")
    report.add_argument("--json", dest="format", action="store_const", const="json", default="text")
    report.set_defaults(func=run_breach_report)

    checked = commands.add_parser("verify", parents=[common], help="check the hash chain; exit 1 if broken")
    checked.add_argument("--json", dest="format", action="store_const", const="json", default="text")
    checked.set_defaults(func=run_verify)

    purged = commands.add_parser("purge", parents=[common], help="remove records past the retention period")
    purged.add_argument("--retention-days", type=positive, help="override audit.retention_days")
    purged.set_defaults(func=run_purge)

    accessed = commands.add_parser("access", parents=[common, formats, span], help="who looked up what")
    accessed.set_defaults(func=run_access)


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, 1 or more, got {text!r}")
    return int(text)


def parse_time(text: str) -> str:
    """A date (the whole day) or an ISO-8601 time, as the store's UTC text."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date (2026-03-01) or time, got {text!r}") from None
    return timestamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def audit_settings(args: argparse.Namespace) -> AuditSettings:
    settings = load_settings(args.config) if args.config else configured_settings()
    if args.url:
        return settings.audit.model_copy(update={"url": AuditSettings(url=args.url).url})
    return settings.audit


def configured_settings() -> Settings:
    path = default_config_path()
    return load_settings(path) if path.exists() else Settings()


def actor(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    user = getpass.getuser()
    sudo = os.environ.get("SUDO_USER")
    return f"{sudo} (as {user})" if sudo and sudo != user else user


def cpr_fingerprint(cpr: str, args: argparse.Namespace) -> str:
    from detectors.cpr import effective_hash_key, fingerprint

    if cpr == "-":
        cpr = sys.stdin.readline()
    if not re.fullmatch(r"\d{6}[-\u2013 ]?\d{4}", cpr.strip()):
        raise UsageError("--cpr: expected 10 digits (DDMMYYSSSS or DDMMYY-SSSS)")
    settings = load_settings(args.config) if args.config else configured_settings()
    key, _ = effective_hash_key(settings.detectors)
    return fingerprint(cpr, key)


def run_search(args: argparse.Namespace) -> int:
    def work(db: Database) -> int:
        criteria = Criteria(
            since=args.since,
            until=args.until,
            sender=args.sender,
            recipient=args.recipient,
            level=args.level,
            category=args.category,
            action=args.action,
            ref=args.ref,
            fingerprint=cpr_fingerprint(args.cpr, args) if args.cpr else None,
            limit=args.limit,
        )
        found = search(db, criteria)
        log_access(db, actor(args), "search", criteria.given(), len(found))
        write_rows([summary_row(m) for m in found], args.format, sys.stdout, full=found)
        return 0

    return with_store(args, work)


def run_stats(args: argparse.Namespace) -> int:
    def work(db: Database) -> int:
        counts = stats(db, args.since, args.until, args.top)
        log_access(db, actor(args), "stats", span_of(args), counts["messages"])
        if args.format == "json":
            write_json(counts, sys.stdout)
            return 0
        groups = ("per_day", "per_level", "per_category", "per_action", "top_blocked_senders")
        rows = [{"group": g, "key": k, "count": n} for g in groups for k, n in counts[g].items()]
        write_rows(rows, args.format, sys.stdout)
        return 0

    return with_store(args, work)


def run_breach_report(args: argparse.Namespace) -> int:
    def work(db: Database) -> int:
        facts = breach_facts(db, args.refs)
        log_access(db, actor(args), "breach-report", {"refs": args.refs}, facts["messages"])
        if args.format == "json":
            write_json(facts, sys.stdout)
        else:
            sys.stdout.write(render_breach_report(facts, timestamp()))
        return 0 if not facts["missing_refs"] else 1

    return with_store(args, work)


def run_verify(args: argparse.Namespace) -> int:
    def work(db: Database) -> int:
        result = verify(db)
        if args.format == "json":
            write_json({"ok": result.ok, **result.__dict__}, sys.stdout)
        elif result.ok:
            span = f"from link {result.anchor_seq} to {result.head_seq}"
            print(f"OK: {result.checked} records, chain intact {span}")
        else:
            print(
                f"BROKEN at link {result.broken_seq} ({result.broken_table or 'missing'}): {result.problem}; "
                f"{result.checked} records before it are intact"
            )
        return 0 if result.ok else 1

    return with_store(args, work)


def run_purge(args: argparse.Namespace) -> int:
    def work(db: Database) -> int:
        settings = audit_settings(args)
        days = args.retention_days or settings.retention_days
        result = purge(db, days, actor(args))
        print(f"removed {result.removed} records older than {result.cutoff} ({days} days)")
        return 0

    return with_store(args, work)


def run_access(args: argparse.Namespace) -> int:
    def work(db: Database) -> int:
        rows = access_log(db, args.since, args.until)
        log_access(db, actor(args), "access", span_of(args), len(rows))
        write_rows(rows, args.format, sys.stdout)
        return 0

    return with_store(args, work)


def with_store(args: argparse.Namespace, work: Callable[[Database], int]) -> int:
    try:
        db = open_database(audit_settings(args))
    except (ConfigError, StoreError) as exc:
        print(f"mailvagt audit: {exc}", file=sys.stderr)
        return 2
    try:
        code: int = work(db)
    except (UsageError, StoreError) as exc:
        print(f"mailvagt audit: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()
    return code


def span_of(args: argparse.Namespace) -> dict[str, str]:
    return {k: v for k, v in (("since", args.since), ("until", args.until)) if v}
