"""Sikker Mail against real aiosmtpd doubles with a CA the test makes: verified TLS or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.routing.settings import SikkerMailSettings
from gateway.sinks.certificates import LocalCA
from gateway.sinks.secure_relay import SecureRelay
from gateway.transports.sikker_mail import SikkerMailTransport
from gateway.types import Action, Classification, Envelope, Level, Status, Verdict

MESSAGE = b"From: a@skole.example\r\nTo: ppr@kommune.example\r\nSubject: Sag\r\n\r\nCPR 010507-4321\r\n"
ENVELOPE = Envelope("r1", "127.0.0.1", "a@skole.example", ("ppr@kommune.example",))
VERDICT = Verdict(Classification(Level.FORTROLIG, ("cpr",), ()), ())


@pytest.fixture
def ca(tmp_path: Path) -> LocalCA:
    return LocalCA(tmp_path / "ca")


@pytest.fixture
async def good_relay(ca: LocalCA) -> AsyncIterator[SecureRelay]:
    async with SecureRelay(ca) as relay:
        yield relay


def transport(relay: SecureRelay, ca_file: Path | str | None, **extra: object) -> SikkerMailTransport:
    settings = SikkerMailSettings.model_validate(
        {
            "relay_host": relay.host,
            "relay_port": relay.port,
            "tls_server_name": "relay.kommune.example",
            "ca_file": ca_file,
            "timeout": 5,
            **extra,
        }
    )
    return SikkerMailTransport(settings)


async def test_delivers_over_verified_tls_1_2_or_newer(good_relay: SecureRelay, ca: LocalCA) -> None:
    outcomes = await transport(good_relay, ca.ca_file).send(
        ENVELOPE, ["ppr@kommune.example"], MESSAGE, VERDICT
    )
    assert [(o.status, o.action) for o in outcomes] == [(Status.DELIVERED, Action.SIKKER_MAIL)]
    assert outcomes[0].tls_version in ("TLSv1.2", "TLSv1.3")
    (received,) = good_relay.received
    assert received.tls == outcomes[0].tls_version
    assert received.rcpt_tos == ("ppr@kommune.example",)
    assert b"CPR 010507-4321" in received.content


@pytest.mark.parametrize(
    ("relay_options", "why"),
    [
        ({"starttls": False}, "no STARTTLS"),
        ({"tls_max": "1.1"}, "no TLS 1.2"),
        ({"cert_host": "wrong-host.example"}, "certificate not trusted"),
    ],
)
async def test_refuses_insecure_relays_and_never_sends_in_plaintext(
    ca: LocalCA, relay_options: dict[str, object], why: str
) -> None:
    async with SecureRelay(ca, **relay_options) as relay:  # type: ignore[arg-type]
        outcomes = await transport(relay, ca.ca_file).send(
            ENVELOPE, ["ppr@kommune.example"], MESSAGE, VERDICT
        )
        assert relay.received == []
    (outcome,) = outcomes
    assert outcome.status is Status.DEFERRED
    assert outcome.reply.startswith("451 4.7.5")
    assert why in outcome.reply
    assert "010507" not in outcome.reply


async def test_old_tls_relay_really_speaks_tls_1_1(ca: LocalCA) -> None:
    """The TLS 1.0/1.1 double delivers to a client that allows old TLS: the refusal is about the version."""
    import ssl
    import warnings

    import aiosmtplib

    async with SecureRelay(ca, tls_max="1.1") as relay:
        context = ssl.create_default_context(cafile=str(ca.ca_file))
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
        client = aiosmtplib.SMTP(hostname=relay.host, port=relay.port, start_tls=False, timeout=5)
        await client.connect()
        await client.starttls(server_hostname="relay.kommune.example", tls_context=context)
        await client.sendmail("a@skole.example", ["b@kommune.example"], MESSAGE)
        await client.quit()
        assert relay.received[0].tls in ("TLSv1", "TLSv1.1")


async def test_unknown_ca_is_refused(good_relay: SecureRelay, tmp_path: Path) -> None:
    other = LocalCA(tmp_path / "other")
    outcomes = await transport(good_relay, other.ca_file).send(
        ENVELOPE, ["ppr@kommune.example"], MESSAGE, VERDICT
    )
    assert outcomes[0].status is Status.DEFERRED
    assert good_relay.received == []


async def test_bounces_after_the_configured_time(ca: LocalCA, tmp_path: Path) -> None:
    async with SecureRelay(ca, starttls=False) as relay:
        sikker = transport(relay, ca.ca_file, bounce_after=0.2, state_file=tmp_path / "state.json")
        first = await sikker.send(ENVELOPE, ["ppr@kommune.example"], MESSAGE, VERDICT)
        await asyncio.sleep(0.3)
        again = await transport(relay, ca.ca_file, bounce_after=0.2, state_file=tmp_path / "state.json").send(
            ENVELOPE, ["ppr@kommune.example"], MESSAGE, VERDICT
        )
    assert first[0].status is Status.DEFERRED
    assert again[0].status is Status.REFUSED
    assert again[0].reply.startswith("554 5.7.5")
    assert relay.received == []


async def test_unreachable_relay_is_deferred(ca: LocalCA) -> None:
    relay = await SecureRelay(ca).start()
    await relay.stop()
    outcomes = await transport(relay, ca.ca_file).send(ENVELOPE, ["ppr@kommune.example"], MESSAGE, VERDICT)
    assert outcomes[0].status is Status.DEFERRED
    assert outcomes[0].reply.startswith("451 4.4.1")


async def test_a_permanent_refusal_from_the_relay_is_refused_not_retried(ca: LocalCA) -> None:
    async with SecureRelay(ca, reply="550 5.1.1 No such mailbox") as relay:
        outcomes = await transport(relay, ca.ca_file).send(
            ENVELOPE, ["ppr@kommune.example"], MESSAGE, VERDICT
        )
    assert outcomes[0].status is Status.REFUSED
    assert outcomes[0].reply.startswith("550 5.1.1")
