"""``mailvagt quarantine list | show REF | release REF | delete REF | new-key FILE``: manage held mail."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from gateway.config import ConfigError, Settings, default_config_path, load_settings
from gateway.quarantine_store import QuarantineError, QuarantineStore
from gateway.transports.registry import open_quarantine


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("quarantine", help="list, show, release or delete held messages")
    parser.add_argument("--config", default=None, help="YAML configuration (default: config/mailvagt.yaml)")
    parser.add_argument(
        "--actor", default=None, help="who does this, for the audit log (default: login name)"
    )
    commands = parser.add_subparsers(dest="quarantine_command", required=True, metavar="ACTION")
    commands.add_parser("list", help="one line per held message")
    for name, text in (
        ("show", "the held message with why it was held"),
        ("release", "send it by the route the policy chooses now (audited)"),
        ("delete", "delete it for good (audited)"),
    ):
        commands.add_parser(name, help=text).add_argument("ref", help="reference, as in 'list'")
    commands.add_parser("new-key", help="write a new encryption key for quarantine.key_file").add_argument(
        "file", help="where to write the key (mode 0600)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.quarantine_command == "new-key":
        return new_key(Path(args.file))
    try:
        settings = load_settings(args.config or default_config_path())
        store = open_quarantine(settings.routing.quarantine)
        actor = args.actor or os.environ.get("SUDO_USER") or getpass.getuser()
        return ACTIONS[args.quarantine_command](store, settings, args, actor)
    except (ConfigError, QuarantineError) as exc:
        print(f"mailvagt quarantine: {exc}", file=sys.stderr)
        return 1


def new_key(path: Path) -> int:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(
            f"mailvagt quarantine: {path} exists; a new key would make held messages unreadable",
            file=sys.stderr,
        )
        return 1
    with os.fdopen(fd, "wb") as out:
        out.write(Fernet.generate_key() + b"\n")
    print(f"{path}: new key written; set routing.quarantine.key_file to it")
    return 0


def list_held(store: QuarantineStore, settings: Settings, args: argparse.Namespace, actor: str) -> int:
    items = store.list()
    for item in items:
        held_at = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.held_at))
        rules = sorted({reason.split(": ")[1] for reason in item.reasons if reason.count(": ") >= 1})
        print(f"{item.id}\t{held_at}\t{item.mail_from}\t{', '.join(item.recipients)}\t{', '.join(rules)}")
    print(f"{len(items)} held", file=sys.stderr)
    return 0


def show(store: QuarantineStore, settings: Settings, args: argparse.Namespace, actor: str) -> int:
    item = store.get(args.ref)
    asyncio.run(audited(settings, item.ref, "quarantine.show", actor, f"{item.id}: shown"))
    mail = BytesParser(policy=policy.default).parsebytes(item.message)
    print(f"Reference: {item.id}\nFrom: {item.mail_from}\nHeld: {time.ctime(item.held_at)}")
    for reason in item.reasons:
        print(f"Held for: {reason}")
    print(f"Subject: {mail.get('Subject', '')}\n")
    body = mail.get_body(preferencelist=("plain", "html"))
    print(body.get_content() if body is not None else "(no text part)")
    for part in mail.iter_attachments():
        print(f"[attachment: {part.get_filename() or part.get_content_type()}]")
    return 0


async def audited(settings: Settings, ref: str, action: str, actor: str, detail: str) -> None:
    from gateway.audit.store import config_version, open_audit

    audit = await open_audit(settings.audit, config_version(settings.source))
    try:
        await audit.record_admin_action(ref, action, actor, detail)
    finally:
        await audit.close()


def release(store: QuarantineStore, settings: Settings, args: argparse.Namespace, actor: str) -> int:
    from gateway.quarantine_release import release as release_held

    item = store.get(args.ref)

    async def go() -> str:
        result = await release_held(item, store, settings)
        await audited(settings, item.ref, "quarantine.release", actor, f"{item.id}: {result.summary()}")
        return result.summary()

    print(f"{item.id}: {asyncio.run(go())}")
    return 0


def delete(store: QuarantineStore, settings: Settings, args: argparse.Namespace, actor: str) -> int:
    item = store.get(args.ref)
    asyncio.run(audited(settings, item.ref, "quarantine.delete", actor, f"{item.id}: deleted"))
    store.delete(item.id)
    print(f"{item.id}: deleted")
    return 0


ACTIONS = {"list": list_held, "show": show, "release": release, "delete": delete}
