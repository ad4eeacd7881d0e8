"""The end-to-end world for routing tests: the real gateway with real doubles around it, on loopback."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import aiosmtplib

from gateway.audit.store import open_audit
from gateway.config import HostPort, Settings, load_settings
from gateway.server import Gateway, listening_socket
from gateway.sinks.digital_post import DigitalPostDouble
from gateway.sinks.secure_relay import Received, SecureRelay
from gateway.sinks.world import local_world

REPO = Path(__file__).resolve().parents[2]
TEACHER = "lise.holm@skole.example"
COLLEAGUE = "akt@skole.example"
PARTNER = "ppr@kommune.example"
REGISTERED = "karina.k@outlook.dk"
NOT_REGISTERED = "louise.v@privat.example"
EXEMPT = "c.krag@gmail.com"
UNKNOWN = "madsbak@gmail.com"
COMPANY = "info@busselskab.example"
NO_STARTTLS = "vejleder@uu-center.example"
OLD_TLS = "studievejleder@gymnasium.example"
WRONG_NAME = "sag@wrong-name.example"
CPRS = {REGISTERED: "1203781432", NOT_REGISTERED: "0507831516", EXEMPT: "0111771845"}

SIGNED = "\n\nVenlig hilsen Lise"
TEXTS = {
    "almindelig": "Hej\n\nPå torsdag tager 3.A i zoologisk have. Husk madpakke og regntøj." + SIGNED,
    "fortrolig": "Hej\n\nFreja Holm i 3.A har CPR-nr.: 140507-4312. Vi mangler hendes underskrift." + SIGNED,
    "semifoelsom": "Hej\n\nMikkel Jensen i 6.A er blevet sigtet for tyveri, og politiet har afhørt ham."
    + SIGNED,
    "foelsom": "Hej\n\nFreja Holm i 3.A har fået diagnosen ADHD og får medicin (Ritalin) hver morgen."
    + SIGNED,
    "wellbeing_survey": (
        "Hej\n\nHer er Williams svar i trivselsmålingen: William Berg i 5.B svarede 'Jeg føler mig ensom' og "
        "'Jeg bliver mobbet'. Elevens individuelle svar fra den nationale trivselsmåling.\n\nHilsen Lise"
    ),
}


@dataclass
class World:
    """Everything a routing end-to-end test talks to or looks at."""

    folder: Path
    config: Path
    settings: Settings
    port: int
    next_hop: SecureRelay
    partner: SecureRelay
    insecure: dict[str, SecureRelay]
    digital_post: DigitalPostDouble

    def held(self) -> list[Path]:
        return sorted((self.folder / "quarantine").glob("*.held"))

    def audit_rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.folder / "audit.sqlite3") as db:
            return db.execute(sql, args).fetchall()


def write_directory(path: Path, entries: dict[str, str]) -> None:
    path.write_text("email;cpr;name\n" + "".join(f"{a};{c};Forælder\n" for a, c in entries.items()), "utf-8")


@asynccontextmanager
async def running_gateway(config: Path) -> AsyncIterator[tuple[Settings, int]]:
    settings = load_settings(config)
    audit = await open_audit(settings.audit)
    gateway = Gateway(settings, audit)
    await gateway.start(listening_socket(HostPort(host="127.0.0.1", port=0)))
    try:
        yield settings, gateway.port
    finally:
        await gateway.stop()
        await audit.close()


@asynccontextmanager
async def world(folder: Path, **routing_changes: Any) -> AsyncIterator[World]:
    write_directory(folder / "recipients.csv", CPRS)
    contacts = {CPRS[REGISTERED]: "registered", CPRS[EXEMPT]: "exempt"}
    async with local_world(folder, contacts) as doubles:
        config = doubles.write_config(
            REPO / "config" / "mailvagt.yaml",
            folder / "recipients.csv",
            REPO / "config" / "templates",
            REPO / "config" / "terms",
            **routing_changes,
        )
        async with running_gateway(config) as (settings, port):
            insecure = {
                NO_STARTTLS: doubles.insecure["uu-center.example"],
                OLD_TLS: doubles.insecure["gymnasium.example"],
                WRONG_NAME: doubles.insecure["wrong-name.example"],
            }
            yield World(
                folder,
                config,
                settings,
                port,
                doubles.next_hop,
                doubles.partner,
                insecure,
                doubles.digital_post,
            )


def compose(
    subject: str, text: str, *, message_id: str | None = None, attachment: bytes | None = None
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Lise Holm <{TEACHER}>"
    message["To"] = "modtagere@skole.example"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(text)
    if attachment is not None:
        message.add_attachment(attachment, maintype="text", subtype="csv", filename="liste.csv")
    return message.as_bytes()


async def submit(
    port: int, recipients: tuple[str, ...], raw: bytes, sender: str = TEACHER
) -> tuple[int, str]:
    """One SMTP transaction with a real client; the reply to DATA (or the first refusal)."""
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=60)
    await client.connect()
    try:
        await client.mail(sender)
        for recipient in recipients:
            await client.rcpt(recipient)
        response = await client.data(raw)
        return response.code, response.message
    except aiosmtplib.SMTPResponseException as exc:
        return exc.code, exc.message
    finally:
        client.close()


def notices_to(received: list[Received], sender: str = TEACHER) -> list[EmailMessage]:
    """Explanation and receipt mails (empty envelope sender) the next hop got for ``sender``."""
    found = []
    for item in received:
        if item.mail_from in ("", "<>") and item.rcpt_tos == (sender,):
            parsed = BytesParser(policy=policy.default).parsebytes(item.content)
            assert isinstance(parsed, EmailMessage)
            found.append(parsed)
    return found


def human_text(report: EmailMessage) -> str:
    body = report.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def parsed(item: Received) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(item.content)
    assert isinstance(message, EmailMessage)
    return message
