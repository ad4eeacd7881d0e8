"""End to end: a real SMTP client -> the gateway -> a real aiosmtpd next hop that succeeds or fails."""

from __future__ import annotations

import email
import smtplib
import sqlite3
from email.message import Message
from typing import Any

import pytest

from tests.gateway.conftest import StartGateway
from tests.gateway.harness import Sink, SinkHandler, sample_message, unused_port, without_trace

SENDER = "laerer@skole.example"


def send(gateway_client: smtplib.SMTP, recipients: list[str], message: bytes, sender: str = SENDER) -> None:
    with gateway_client as client:
        client.sendmail(sender, recipients, message)


def data_reply(gateway_client: smtplib.SMTP, recipients: list[str], message: bytes) -> tuple[int, str]:
    """Send one message step by step; the reply to end-of-data."""
    with gateway_client as client:
        client.ehlo()
        client.mail(SENDER)
        for recipient in recipients:
            code, _ = client.rcpt(recipient)
            assert code == 250
        code, text = client.data(message)
        return code, text.decode()


def test_message_reaches_next_hop_unchanged_but_for_one_trace_header(
    sink: Sink, start_gateway: StartGateway
) -> None:
    gateway = start_gateway(sink.port)
    message = sample_message(body="Linje et\r\n.linje med punktum\r\n..to punktummer\r\n")
    code, text = data_reply(gateway.client(), ["a@example.dk", "b@example.dk"], message)
    assert code == 250 and text.startswith("2.0.0 Ok: queued as ")
    (received,) = sink.messages
    trace, rest = without_trace(received.data)
    assert rest == message
    assert trace.startswith(b"X-Mailvagt-Trace: mailvagt.test; ref=" + text.split()[-1].encode())
    assert received.mail_from == SENDER and received.rcpt_tos == ["a@example.dk", "b@example.dk"]


def test_outbound_connections_are_reused(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port)
    for number in range(5):
        send(gateway.client(), ["a@example.dk"], sample_message(subject=f"Nr {number}"))
    assert len(sink.messages) == 5
    assert sink.handler.connections == 1


def test_next_hop_unreachable_is_451(start_gateway: StartGateway) -> None:
    gateway = start_gateway(unused_port())
    code, text = data_reply(gateway.client(), ["a@example.dk"], sample_message())
    assert code == 451 and text.startswith("4.4.1 ")


def test_next_hop_timeout_is_451(start_gateway: StartGateway) -> None:
    slow = Sink(SinkHandler(delay=3))
    try:
        gateway = start_gateway(slow.port, next_hop={"timeout": 0.5})
        code, text = data_reply(gateway.client(), ["a@example.dk"], sample_message())
        assert code == 451 and text.startswith("4.4.2 ")
    finally:
        slow.close()


@pytest.mark.parametrize(
    "handler",
    [
        SinkHandler(mail_reply="421 4.3.2 busy"),
        SinkHandler(rcpt_replies={"a@example.dk": "450 4.2.1 mailbox busy"}),
        SinkHandler(data_reply="451 4.3.0 try later"),
    ],
    ids=["mail", "rcpt", "data"],
)
def test_next_hop_4xx_is_451(handler: SinkHandler, start_gateway: StartGateway) -> None:
    hop = Sink(handler)
    try:
        gateway = start_gateway(hop.port)
        code, text = data_reply(gateway.client(), ["a@example.dk"], sample_message())
        assert code == 451 and text.startswith("4.")
        assert hop.messages == []
    finally:
        hop.close()


def test_5xx_for_every_recipient_is_passed_on(start_gateway: StartGateway) -> None:
    hop = Sink(
        SinkHandler(rcpt_replies={"a@example.dk": "550 5.1.1 no such user", "b@example.dk": "550 5.1.1 gone"})
    )
    try:
        gateway = start_gateway(hop.port)
        with gateway.client() as client:
            client.ehlo()
            client.mail(SENDER)
            client.rcpt("a@example.dk")
            client.rcpt("b@example.dk")
            code, text = client.data(sample_message())
        assert code == 550 and text.decode().startswith("5.1.1 no such user (ref ")
        assert hop.messages == []
    finally:
        hop.close()


def test_5xx_at_data_is_passed_on(start_gateway: StartGateway) -> None:
    hop = Sink(SinkHandler(data_reply="554 5.7.1 spam"))
    try:
        gateway = start_gateway(hop.port)
        code, text = data_reply(gateway.client(), ["a@example.dk"], sample_message())
        assert code == 554 and "5.7.1 spam" in text
    finally:
        hop.close()


def report_parts(data: bytes) -> dict[str, Any]:
    report = email.message_from_bytes(data)
    assert report.get_content_type() == "multipart/report"
    assert report.get_param("report-type") == "delivery-status"
    payload: list[Message] = report.get_payload()  # type: ignore[assignment]
    return {part.get_content_type(): part for part in payload}


def test_5xx_for_some_recipients_is_250_and_a_bounce_to_the_sender(start_gateway: StartGateway) -> None:
    hop = Sink(SinkHandler(rcpt_replies={"gone@example.dk": "550 5.1.1 no such user"}))
    try:
        gateway = start_gateway(hop.port)
        message = sample_message(subject="Til forældrene")
        code, _ = data_reply(gateway.client(), ["a@example.dk", "gone@example.dk"], message)
        assert code == 250
        delivered, bounce = hop.messages
        assert delivered.rcpt_tos == ["a@example.dk"]
        assert bounce.mail_from == "<>" and bounce.rcpt_tos == [SENDER]  # aiosmtpd's null sender
        parts = report_parts(without_trace(bounce.data)[1])
        assert set(parts) == {"text/plain", "message/delivery-status", "text/rfc822-headers"}
        recipient_block = parts["message/delivery-status"].get_payload()[1]
        assert recipient_block["Final-Recipient"] == "rfc822; gone@example.dk"
        assert recipient_block["Action"] == "failed" and recipient_block["Status"] == "5.1.1"
        assert "no such user" in recipient_block["Diagnostic-Code"]
        headers = parts["text/rfc822-headers"].get_payload(decode=True).decode()
        assert "Subject: Til forældrene" in headers and "Mødet" not in headers
    finally:
        hop.close()


def test_no_bounce_to_an_empty_sender(start_gateway: StartGateway) -> None:
    hop = Sink(SinkHandler(rcpt_replies={"gone@example.dk": "550 5.1.1 no such user"}))
    try:
        gateway = start_gateway(hop.port)
        with gateway.client() as client:
            client.sendmail("<>", ["a@example.dk", "gone@example.dk"], sample_message())
        (delivered,) = hop.messages
        assert delivered.mail_from == "<>"
    finally:
        hop.close()


def test_mixed_delivered_and_deferred_is_451(start_gateway: StartGateway) -> None:
    hop = Sink(SinkHandler(rcpt_replies={"later@example.dk": "452 4.2.2 mailbox full"}))
    try:
        gateway = start_gateway(hop.port)
        code, text = data_reply(gateway.client(), ["a@example.dk", "later@example.dk"], sample_message())
        assert code == 451 and text.startswith("4.2.2 ")
    finally:
        hop.close()


def test_audit_failure_is_451_and_nothing_is_delivered(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port)
    gateway.thread.call(gateway.audit.run(gateway.audit.db.close))  # the store breaks underneath
    code, text = data_reply(gateway.client(), ["a@example.dk"], sample_message())
    assert code == 451 and text.startswith("4.3.0 ") and "(ref " in text
    assert sink.messages == []


def test_decisions_and_outcomes_are_audited(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port)
    code, text = data_reply(gateway.client(), ["a@example.dk"], sample_message())
    ref = text.split()[-1]
    database = sqlite3.connect(gateway.settings.audit.url.removeprefix("sqlite:///"))
    try:
        tables = [row[0] for row in database.execute("select name from sqlite_master where type='table'")]
        found = [
            table
            for table in tables
            if "ref" in [c[1] for c in database.execute(f"pragma table_info({table})")]
            and database.execute(f"select count(*) from {table} where ref = ?", (ref,)).fetchone()[0]  # noqa: S608
        ]
    finally:
        database.close()
    assert code == 250 and len(found) >= 2
