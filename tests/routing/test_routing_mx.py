"""Sikker Mail to a domain's own mail servers (MX), against a DNS double and relays with a test CA."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.routing.settings import SikkerMailSettings
from gateway.sinks.certificates import LocalCA
from gateway.sinks.dns_server import DnsDouble
from gateway.sinks.secure_relay import SecureRelay
from gateway.transports.sikker_mail import SikkerMailTransport
from gateway.types import Classification, Envelope, Level, RecipientOutcome, Status, Verdict

MESSAGE = b"Subject: Sag\r\n\r\nFortroligt.\r\n"
RECIPIENT = "sagsbehandler@partner.example"
VERDICT = Verdict(Classification(Level.FORTROLIG, ("social",), ()), ())


async def send(dns: DnsDouble, port: int, ca: LocalCA, timeout: float = 5) -> RecipientOutcome:
    settings = SikkerMailSettings(
        dns_servers=(dns.server,), relay_port=port, ca_file=ca.ca_file, timeout=timeout
    )
    envelope = Envelope("mx1", "127.0.0.1", "a@skole.example", (RECIPIENT,))
    (outcome,) = await SikkerMailTransport(settings).send(envelope, [RECIPIENT], MESSAGE, VERDICT)
    return outcome


@pytest.fixture
def ca(tmp_path: Path) -> LocalCA:
    return LocalCA(tmp_path / "ca")


async def test_delivers_to_the_mx_host_verified_by_its_name(ca: LocalCA) -> None:
    records = {
        ("partner.example", "MX"): ["10 mx1.partner.example."],
        ("mx1.partner.example", "A"): ["127.0.0.1"],
    }
    async with SecureRelay(ca, cert_host="mx1.partner.example") as relay, DnsDouble(records) as dns:
        outcome = await send(dns, relay.port, ca)
        assert outcome.status is Status.DELIVERED and relay.received[0].rcpt_tos == (RECIPIENT,)


async def test_an_insecure_first_mx_is_skipped_for_a_secure_second(ca: LocalCA) -> None:
    async with (
        SecureRelay(ca, starttls=False, host="127.0.0.2") as plain,
        SecureRelay(ca, cert_host="mx2.partner.example", host="127.0.0.3", port=plain.port) as good,
    ):
        records = {
            ("partner.example", "MX"): ["20 mx2.partner.example.", "10 mx1.partner.example."],
            ("mx1.partner.example", "A"): ["127.0.0.2"],
            ("mx2.partner.example", "A"): ["127.0.0.3"],
        }
        async with DnsDouble(records) as dns:
            outcome = await send(dns, plain.port, ca)
        assert outcome.status is Status.DELIVERED
        assert plain.received == [] and len(good.received) == 1


async def test_a_domain_without_mx_is_its_own_mail_server(ca: LocalCA) -> None:
    async with SecureRelay(ca, cert_host="partner.example") as relay:
        async with DnsDouble({("partner.example", "A"): ["127.0.0.1"]}) as dns:
            outcome = await send(dns, relay.port, ca)
        assert outcome.status is Status.DELIVERED


async def test_a_domain_that_does_not_exist_is_refused(ca: LocalCA) -> None:
    async with DnsDouble({("other.example", "A"): ["127.0.0.1"]}) as dns:
        outcome = await send(dns, 25, ca)
    assert outcome.status is Status.REFUSED and outcome.reply.startswith("550 5.1.2")


async def test_a_dns_outage_is_temporary(ca: LocalCA) -> None:
    async with DnsDouble({}, silent=True) as dns:
        outcome = await send(dns, 25, ca, timeout=0.5)
    assert outcome.status is Status.DEFERRED and outcome.reply.startswith("451 4.4.3")
