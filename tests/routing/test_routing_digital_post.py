"""Digital Post against a real local HTTPS double with mutual TLS: MeMo 1.2, registration, every failure."""

from __future__ import annotations

import base64
import stat
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from gateway.quarantine_store import QuarantineStore
from gateway.routing.settings import RoutingSettings
from gateway.sinks.certificates import LocalCA
from gateway.sinks.digital_post import MEMO_NS, DigitalPostDouble
from gateway.transports.digital_post import DigitalPostTransport
from gateway.transports.quarantine import QuarantineTransport
from gateway.types import Action, Classification, Envelope, Level, RecipientDecision, Status, Verdict

REGISTERED = "karina.k@outlook.dk"
NOT_REGISTERED = "louise.v@privat.example"
EXEMPT = "c.krag@gmail.com"
UNKNOWN = "madsbak@gmail.com"
CPRS = {REGISTERED: "1203781432", NOT_REGISTERED: "0507831516", EXEMPT: "0111771845"}
NS = {"memo": MEMO_NS}


def mail() -> bytes:
    message = EmailMessage()
    message["From"] = "laerer@skole.example"
    message["To"] = REGISTERED
    message["Subject"] = "Freja 3.A diagnose ADHD, CPR 010507-4321"
    message.set_content("Kære Karina\n\nHer er lægens vurdering af Freja.\n")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="vurdering.pdf")
    return message.as_bytes()


@pytest.fixture
def ca(tmp_path: Path) -> LocalCA:
    return LocalCA(tmp_path / "ca")


@pytest.fixture
def double(ca: LocalCA) -> Iterator[DigitalPostDouble]:
    contacts = {CPRS[REGISTERED]: "registered", CPRS[EXEMPT]: "exempt"}
    with DigitalPostDouble(ca, contacts) as dp:
        yield dp


def settings(
    tmp_path: Path, dp: DigitalPostDouble, client: bool = True, timeout: float = 5
) -> RoutingSettings:
    directory = tmp_path / "recipients.csv"
    directory.write_text(
        "email;cpr;name\n" + "".join(f"{a};{c};X\n" for a, c in CPRS.items()), encoding="utf-8"
    )
    return RoutingSettings.model_validate(
        {
            "directory": directory,
            "digital_post": {
                "base_url": dp.base_url,
                "ca_file": dp.ca_file,
                "client_cert": dp.client.cert_file if client else None,
                "client_key": dp.client.key_file if client else None,
                "timeout": timeout,
            },
            "quarantine": {"directory": tmp_path / "quarantine"},
        }
    )


async def send(routing: RoutingSettings, *recipients: str) -> list:  # type: ignore[type-arg]
    store = QuarantineStore(routing.quarantine.directory)
    transport = DigitalPostTransport(routing, QuarantineTransport(store, routing, Action.QUARANTINE))
    envelope = Envelope("dpref1", "127.0.0.1", "laerer@skole.example", recipients)
    decisions = tuple(
        RecipientDecision(r, "external", Action.DIGITAL_POST, "fortrolig", "x") for r in recipients
    )
    verdict = Verdict(Classification(Level.FOELSOM, ("health", "cpr"), ()), decisions, subject="s")
    try:
        return await transport.send(envelope, recipients, mail(), verdict)
    finally:
        await transport.close()


async def test_registered_recipient_gets_a_valid_memo(tmp_path: Path, double: DigitalPostDouble) -> None:
    (outcome,) = await send(settings(tmp_path, double), REGISTERED)
    assert (outcome.status, outcome.action) == (Status.DELIVERED, Action.DIGITAL_POST)
    assert outcome.tls_version in ("TLSv1.2", "TLSv1.3")
    (memo,) = double.memos
    assert memo.client_subject == "skole.example"  # the school's client certificate was used
    root = ET.fromstring(memo.xml)  # noqa: S314 - our own output
    header = root.find("memo:MessageHeader", NS)
    assert header is not None
    assert header.findtext("memo:messageType", namespaces=NS) == "DIGITALPOST"
    assert header.findtext("memo:messageUUID", namespaces=NS) == memo.message_uuid
    assert header.findtext("memo:Sender/memo:senderID", namespaces=NS) == "12345678"
    assert header.findtext("memo:Recipient/memo:recipientID", namespaces=NS) == CPRS[REGISTERED]
    visible = [
        header.findtext("memo:label", namespaces=NS),
        header.findtext("memo:notification", namespaces=NS),
    ]
    for text in visible:
        assert text
        assert not any(ch.isdigit() for ch in text)
        assert "diagnose" not in text.lower() and "adhd" not in text.lower() and "freja" not in text.lower()
    main = root.findtext("memo:MessageBody/memo:MainDocument/memo:File/memo:content", namespaces=NS)
    assert "lægens vurdering" in base64.b64decode(main or "").decode("utf-8")
    extra = root.find("memo:MessageBody/memo:AdditionalDocument/memo:File", NS)
    assert extra is not None
    assert extra.findtext("memo:filename", namespaces=NS) == "vurdering.pdf"
    assert base64.b64decode(extra.findtext("memo:content", namespaces=NS) or "") == b"%PDF-1.4 fake"


@pytest.mark.parametrize(
    ("recipient", "reason"),
    [
        (NOT_REGISTERED, "ikke tilmeldt Digital Post"),
        (EXEMPT, "fritaget for Digital Post"),
        (UNKNOWN, "står ikke i modtagerkartoteket"),
    ],
)
async def test_unreachable_citizens_are_held_in_quarantine(
    tmp_path: Path, double: DigitalPostDouble, recipient: str, reason: str
) -> None:
    routing = settings(tmp_path, double)
    (outcome,) = await send(routing, recipient)
    assert outcome.status is Status.HELD
    assert reason in outcome.reply
    assert double.memos == []
    (held,) = QuarantineStore(routing.quarantine.directory).list()
    assert held.recipients == (recipient,)
    path = routing.quarantine.directory / f"{held.id}.held"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_rejected_memo_400_is_held(tmp_path: Path, double: DigitalPostDouble) -> None:
    double.behaviour.fail_with = 400
    (outcome,) = await send(settings(tmp_path, double), REGISTERED)
    assert outcome.status is Status.HELD
    assert "400" in outcome.reply


async def test_refused_certificate_403_is_deferred(tmp_path: Path, double: DigitalPostDouble) -> None:
    double.behaviour.fail_with = 403
    (outcome,) = await send(settings(tmp_path, double), REGISTERED)
    assert outcome.status is Status.DEFERRED
    assert outcome.reply.startswith("451 4.7.0")


async def test_timeout_is_deferred(tmp_path: Path, double: DigitalPostDouble) -> None:
    double.behaviour.delay = 1.5
    (outcome,) = await send(settings(tmp_path, double, timeout=0.3), REGISTERED)
    assert outcome.status is Status.DEFERRED
    assert outcome.reply.startswith("451 4.4.2")


async def test_without_the_school_certificate_nothing_is_sent(
    tmp_path: Path, double: DigitalPostDouble
) -> None:
    (outcome,) = await send(settings(tmp_path, double, client=False), REGISTERED)
    assert outcome.status is Status.DEFERRED
    assert double.memos == [] and double.behaviour.lookups == 0


async def test_double_rejects_a_memo_with_a_cpr_in_the_label(double: DigitalPostDouble) -> None:
    import uuid

    from gateway.sinks.digital_post import memo_problems
    from gateway.transports.memo import MemoLabels, build_memo

    message_uuid, xml = build_memo(mail(), "1203781432", MemoLabels("12345678", "Skole", "Sag 010507-4321"))
    assert "label or notification contains a CPR number" in memo_problems(xml, message_uuid)
    assert "messageUUID must equal memo-message-uuid" in memo_problems(xml, str(uuid.uuid4()))
    good_uuid, good = build_memo(mail(), "1203781432", MemoLabels("12345678", "Skole", "Besked"))
    assert memo_problems(good, good_uuid) == []
