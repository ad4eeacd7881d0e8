"""``mailvagt scan FILE.eml ...``: the gateway's scan pipeline on message files -> a report; sends nothing."""

from __future__ import annotations

import argparse
import json
import sys
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from detectors.classify import explain
from detectors.cpr import effective_hash_key
from gateway.config import ConfigError, Settings, default_config_path, load_settings
from gateway.scan import scan_message
from gateway.types import Envelope, Verdict

DEV_KEY_WARNING = (
    "mailvagt scan: warning: no MAILVAGT_HASH_KEY or detectors.hash_key set; CPR fingerprints use the "
    "public development key and cannot be matched with the audit log"
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "scan", help="scan .eml files like the gateway does (parse, detect, classify, route) and report"
    )
    parser.add_argument(
        "--config", help="configuration file (default: MAILVAGT_CONFIG or config/mailvagt.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.add_argument("files", nargs="+", metavar="FILE.eml", help="RFC 5322 message files")
    parser.set_defaults(func=run)


def read_settings(path: str | None) -> Settings:
    """The named config, else the default config file if there is one, else built-in defaults."""
    if path:
        return load_settings(path)
    default = default_config_path()
    return load_settings(default) if default.exists() else Settings()


def envelope_of(raw: bytes, name: str) -> Envelope:
    """The envelope the gateway would have seen, rebuilt from the From/To/Cc headers."""
    message = message_from_bytes(raw, policy=policy.compat32)
    senders = getaddresses([str(v) for v in message.get_all("From", [])])
    recipients = getaddresses([str(v) for k in ("To", "Cc") for v in message.get_all(k, [])])
    return Envelope(
        ref=name,
        client_address="127.0.0.1",
        mail_from=senders[0][1] if senders else "",
        rcpt_tos=tuple(dict.fromkeys(addr for _, addr in recipients if addr)),
    )


def as_json(name: str, verdict: Verdict) -> dict[str, Any]:
    c = verdict.classification
    return {
        "file": name,
        "level": c.level.label,
        "categories": sorted(c.categories),
        "findings": [
            {
                "category": f.category,
                "where": f.where,
                "score": f.score,
                "masked": f.masked,
                "fingerprint": f.fingerprint if f.category == "cpr" else None,
            }
            for f in c.findings
        ],
        "decision": {
            "recipients": [
                {
                    "recipient": d.recipient,
                    "class": d.recipient_class,
                    "action": str(d.action),
                    "rule": d.rule,
                    "reason": d.reason,
                }
                for d in verdict.decisions
            ],
            "markers": list(verdict.markers),
        }
        if verdict.decisions
        else None,
    }


def as_text(name: str, verdict: Verdict) -> str:
    c = verdict.classification
    lines = [f"{name}: {c.level.label}" + (f" ({', '.join(sorted(c.categories))})" if c.categories else "")]
    for f in c.findings:
        lines.append(f"  {f.category:20s} {f.where:30s} {f.score:4.2f}  {f.masked}  - {f.reason}")
    lines.extend(f"  = {line}" for line in explain(c))
    lines.extend(f"  -> {d.recipient}: {d.action} ({d.rule})" for d in verdict.decisions)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        settings = read_settings(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if effective_hash_key(settings.detectors)[1]:
        print(DEV_KEY_WARNING, file=sys.stderr)
    status = 0
    for name in args.files:
        try:
            raw = Path(name).read_bytes()
        except OSError as exc:
            print(f"mailvagt scan: {name}: cannot read ({exc.strerror})", file=sys.stderr)
            status = 1
            continue
        verdict = scan_message(raw, envelope_of(raw, name), settings)
        if args.json:
            print(json.dumps(as_json(name, verdict), ensure_ascii=False), flush=True)
        else:
            print(as_text(name, verdict), flush=True)
    return status
