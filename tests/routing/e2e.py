"""The end-to-end world for routing tests: the real gateway with real doubles around it, on loopback."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import aiosmtplib

from gateway.audit.store import open_audit
from gateway.config import HostPort, Settings, load_settings, read_yaml
from gateway.server import Gateway, listening_socket
from gateway.sinks.certificates import LocalCA
from gateway.sinks.digital_post import DigitalPostDouble
from gateway.sinks.secure_relay import Received, SecureRelay

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


def write_config(folder: Path, world_ports: dict[str, Any], **routing_changes: Any) -> Path:
    data = read_yaml(REPO / "config" / "mailvagt.yaml")
    data["server"] = {"listen": {"host": "127.0.0.1", "port": 0}, "hostname": "mailvagt.test"}
    data["next_hop"] = {"host": "127.0.0.1", "port": world_ports["next_hop"], "timeout": 10}
    data["scan"] = {"mode": "full", "workers": 1, "deadline": 60}
    data["detectors"] = {**data.get("detectors", {}), "terms_dir": str(REPO / "config" / "terms")}
    data["audit"] = {"url": f"sqlite:///{folder / 'audit.sqlite3'}"}
    routing = data["routing"]
    routing["partner_domains"] = [*routing["partner_domains"], "wrong-name.example"]
    routing["directory"] = str(folder / "recipients.csv")
    routing["sikker_mail"] = {
        "ca_file": str(folder / "ca" / "ca.pem"),
        "timeout": 5,
        "bounce_after": 2,
        "state_file": str(folder / "sikker-state.json"),
        "routes": world_ports["routes"],
    }
    dp = world_ports["digital_post"]
    routing["digital_post"] = {**routing["digital_post"], **dp}
    routing["quarantine"] = {"directory": str(folder / "quarantine")}
    routing["explain"] = {**routing["explain"], "templates_dir": str(REPO / "config" / "templates")}
    for key, value in routing_changes.items():
        routing[key] = {**routing.get(key, {}), **value}
    path = folder / f"mailvagt-{len(list(folder.glob('mailvagt-*.yaml')))}.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


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
    ca = LocalCA(folder / "ca")
    write_directory(folder / "recipients.csv", CPRS)
    async with AsyncExitStack() as stack:
        next_hop = await stack.enter_async_context(SecureRelay(starttls=False))
        partner = await stack.enter_async_context(SecureRelay(ca, cert_host="relay.kommune.example"))
        insecure = {
            NO_STARTTLS: await stack.enter_async_context(SecureRelay(ca, starttls=False)),
            OLD_TLS: await stack.enter_async_context(
                SecureRelay(ca, tls_max="1.1", cert_host="mx.gymnasium.example")
            ),
            WRONG_NAME: await stack.enter_async_context(SecureRelay(ca, cert_host="someone-else.example")),
        }
        dp = stack.enter_context(
            DigitalPostDouble(ca, {CPRS[REGISTERED]: "registered", CPRS[EXEMPT]: "exempt"})
        )
        good = {"host": "127.0.0.1", "port": partner.port, "tls_name": "relay.kommune.example"}
        routes = {"kommune.example": good, "gmail.com": good, "outlook.dk": good, "privat.example": good}
        names = {
            NO_STARTTLS: "mx.uu-center.example",
            OLD_TLS: "mx.gymnasium.example",
            WRONG_NAME: "mx.wrong-name.example",
        }
        for address, relay in insecure.items():
            routes[address.partition("@")[2]] = {
                "host": "127.0.0.1",
                "port": relay.port,
                "tls_name": names[address],
            }
        ports = {
            "next_hop": next_hop.port,
            "routes": routes,
            "digital_post": {
                "base_url": dp.base_url,
                "ca_file": str(dp.ca_file),
                "client_cert": str(dp.client.cert_file),
                "client_key": str(dp.client.key_file),
                "timeout": 1,
            },
        }
        config = write_config(folder, ports, **routing_changes)
        settings, port = await stack.enter_async_context(running_gateway(config))
        yield World(folder, config, settings, port, next_hop, partner, insecure, dp)


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
