"""``mailvagt demo``: the gateway with the shipped config and local sinks; five sample mails through it.

Everything runs on loopback in this process: the next hop, a partner's Sikker Mail relay with a
certificate from a local CA, the Digital Post REST double, and the gateway itself with its scan
worker. Each sample is sent with a real SMTP client; the printout shows per message the reply the
client got and, per recipient, the action and outcome the audit log recorded, then the explanation
mails a teacher receives.
"""

from __future__ import annotations

import argparse
import asyncio
import smtplib
import sys
import tempfile
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, TextIO

from gateway.audit.database import open_database
from gateway.audit.queries import Criteria, search
from gateway.audit.settings import AuditSettings
from gateway.audit.store import open_audit
from gateway.config import HostPort, default_config_path, load_settings
from gateway.server import Gateway, listening_socket
from gateway.sinks.secure_relay import Received
from gateway.sinks.world import LocalWorld, local_world

TEACHER = "Lise Holm <lise.holm@skole.example>"
TEACHER_ADDRESS = "lise.holm@skole.example"
REGISTERED_PARENT = ("karina.k@outlook.dk", "1203781432")
UNKNOWN_PARENT = "madsbak@gmail.com"
OUTCOME_WAIT = 10.0


@dataclass(frozen=True)
class Sample:
    title: str
    recipients: tuple[str, ...]
    subject: str
    text: str


SAMPLES = (
    Sample(
        "Ordinary mail: delivered",
        ("akt@skole.example", REGISTERED_PARENT[0]),
        "Tur til skoven fredag",
        "Kære forældre\n\nPå fredag går 4.B i skoven. Husk madpakke, drikkedunk og tøj efter vejret."
        "\n\nVenlig hilsen Lise",
    ),
    Sample(
        "CPR number to the municipality: Sikker Mail",
        ("ppr@kommune.example",),
        "Henvisning til PPR",
        "Hej PPR\n\nVi henviser Oliver Dahl i 2.A, cpr-nr. 230615-4127, til en samtale om hans læsning."
        "\n\nVenlig hilsen Lise",
    ),
    Sample(
        "Health data to a parent registered for Digital Post",
        (REGISTERED_PARENT[0],),
        "Om Emmas allergi",
        "Kære Karina\n\nEmma Krag i 4.B fik et allergisk anfald i dag og fik sin adrenalinpen af "
        "skolesygeplejersken. Hun er på skadestuen til observation nu.\n\nVenlig hilsen Lise",
    ),
    Sample(
        "Health data to an address not in the directory: quarantined",
        (UNKNOWN_PARENT,),
        "Jonas' diagnose",
        "Hej Mads\n\nJonas Bak i 4.B er udredt for ADHD, og lægen har startet medicin. Vi tager hensyn "
        "til det i timerne.\n\nVenlig hilsen Lise",
    ),
    Sample(
        "A pupil's wellbeing-survey answers: rejected for everyone",
        ("akt@skole.example", UNKNOWN_PARENT),
        "Trivselsmåling 4.B",
        "Hej\n\nHer er Sofie Lunds egne svar fra den nationale trivselsmåling: hun svarede 'Jeg føler mig "
        "ensom' og 'Jeg bliver drillet'. Elevens individuelle svar.\n\nVenlig hilsen Lise",
    ),
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the gateway with local sinks, send sample mails through, show what happened"
    )
    parser.add_argument("--config", type=Path, help="base config (default: the shipped config/mailvagt.yaml)")
    parser.add_argument(
        "--folder",
        type=Path,
        help="where the demo keeps its audit log and quarantine (default: a new temp folder)",
    )
    parser.set_defaults(func=run)


def shipped_config() -> Path:
    configured = default_config_path()
    if configured.is_file():
        return configured
    return Path(__file__).resolve().parents[2] / "config" / "mailvagt.yaml"


def run(args: argparse.Namespace) -> int:
    base: Path = args.config or shipped_config()
    folder: Path = args.folder or Path(tempfile.mkdtemp(prefix="mailvagt-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    return asyncio.run(demo(base, folder, sys.stdout))


def compose(sample: Sample) -> bytes:
    message = EmailMessage()
    message["From"] = TEACHER
    message["To"] = ", ".join(sample.recipients)
    message["Subject"] = sample.subject
    message.set_content(sample.text)
    return message.as_bytes()


def send_with_reply(port: int, sample: Sample) -> str:
    """The full end-of-data reply text, read from the client's own transaction."""
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        client.ehlo()
        code, text = client.mail(TEACHER_ADDRESS)
        if code != 250:
            return f"{code} {text.decode(errors='replace')}"
        for recipient in sample.recipients:
            code, text = client.rcpt(recipient)
            if code not in (250, 251):
                return f"{code} {text.decode(errors='replace')}"
        code, text = client.data(compose(sample))
        return f"{code} {text.decode(errors='replace')}"


def reference(reply: str) -> str | None:
    marker = "queued as "
    return reply.rsplit(marker, 1)[1].split()[0] if marker in reply else None


def recorded(audit: AuditSettings, ref: str, recipients: int) -> dict[str, Any] | None:
    """The audit log's record of one message, once every recipient has an outcome (or after a wait)."""
    deadline = time.monotonic() + OUTCOME_WAIT
    db = open_database(audit)
    try:
        while True:
            found = search(db, Criteria(ref=ref))
            if found and (len(found[0]["outcomes"]) >= recipients or time.monotonic() > deadline):
                return found[0]
            if not found and time.monotonic() > deadline:
                return None
            time.sleep(0.1)
    finally:
        db.close()


def human_text(content: bytes) -> tuple[str, str]:
    message = BytesParser(policy=policy.default).parsebytes(content)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    return str(message["Subject"]), "" if body is None else str(body.get_content()).strip()


def notices(world: LocalWorld) -> list[Received]:
    return [item for item in world.next_hop.received if item.mail_from in ("", "<>")]


def print_message(
    out: TextIO, number: int, sample: Sample, reply: str, record: dict[str, Any] | None
) -> None:
    print(f"\n{number}. {sample.title}", file=out)
    print(f"   Subject: {sample.subject}   To: {', '.join(sample.recipients)}", file=out)
    print(f"   SMTP reply: {reply}", file=out)
    if record is None:
        print("   (no audit record: the message was refused before it was scanned)", file=out)
        return
    categories = ", ".join(record["categories"]) or "none"
    print(f"   Level: {record['level']}   categories: {categories}", file=out)
    outcomes = {o["recipient"]: o for o in record["outcomes"]}
    for decision in record["decisions"]:
        outcome = outcomes.get(decision["recipient"])
        status = "(pending)" if outcome is None else outcome["status"]
        tls = f" over {outcome['tls_version']}" if outcome and outcome["tls_version"] else ""
        print(
            f"   -> {decision['recipient']:<26} {decision['recipient_class']:<9} "
            f"{decision['action']:<13} {status}{tls}",
            file=out,
        )


async def demo(base: Path, folder: Path, out: TextIO) -> int:
    directory = folder / "recipients.csv"
    directory.write_text(
        f"email;cpr;name\n{REGISTERED_PARENT[0]};{REGISTERED_PARENT[1]};Karina Krag\n", "utf-8"
    )
    contacts = {REGISTERED_PARENT[1]: "registered"}
    async with local_world(folder, contacts) as world:
        config = world.write_config(base, directory, base.parent / "templates", base.parent / "terms")
        settings = load_settings(config)
        audit = await open_audit(settings.audit)
        gateway = Gateway(settings, audit)
        await gateway.start(listening_socket(HostPort(host="127.0.0.1", port=0)))
        print(f"Mailvagt demo: gateway on 127.0.0.1:{gateway.port}, config {base}", file=out)
        print(f"Audit log, quarantine and certificates in {folder}", file=out)
        try:
            for number, sample in enumerate(SAMPLES, 1):
                reply = await asyncio.to_thread(send_with_reply, gateway.port, sample)
                ref = reference(reply)
                record = None
                if ref is not None:
                    record = await asyncio.to_thread(recorded, settings.audit, ref, len(sample.recipients))
                print_message(out, number, sample, reply, record)
        finally:
            await gateway.stop()
            await audit.close()
        print(
            f"\nNext hop got {len(world.next_hop.received)} mails, the partner's Sikker Mail relay "
            f"{len(world.partner.received)}, Digital Post {len(world.digital_post.memos)} MeMo messages; "
            f"{len(list((folder / 'quarantine').glob('*.held')))} held in quarantine.",
            file=out,
        )
        for item in notices(world):
            subject, text = human_text(item.content)
            print(f"\n===== Mail to {', '.join(item.rcpt_tos)}: {subject} =====\n{text}", file=out)
    print(
        f"\nLook up the record: mailvagt audit search --url sqlite:///{folder / 'audit.sqlite3'}",
        file=out,
    )
    return 0
