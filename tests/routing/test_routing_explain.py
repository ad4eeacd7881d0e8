"""Explanations and receipts: wording from template files, receipts that can be turned off."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import NextHopSettings
from gateway.explain import explain_held, reject_reply
from gateway.routing.settings import RoutingSettings
from gateway.sinks.secure_relay import SecureRelay
from gateway.transports.next_hop import NextHopTransport
from gateway.transports.notices import Notices
from gateway.types import (
    Action,
    Classification,
    Envelope,
    Finding,
    Level,
    RecipientDecision,
    RecipientOutcome,
    Status,
    Verdict,
)

SENDER = "lise@skole.example"
FINDINGS = (
    Finding("cpr", "body", 1.0, "140507-****"),
    Finding("health", "attachment:journal.pdf", 1.0, "diagnose"),
)
VERDICT = Verdict(
    Classification(Level.FOELSOM, ("cpr", "health"), FINDINGS),
    (
        RecipientDecision(
            "a@gmail.com", "external", Action.SIKKER_MAIL, "marker.secure", "afsenderen bad om det"
        ),
    ),
    subject="Om Freja",
)
ENVELOPE = Envelope("ref42", "127.0.0.1", SENDER, ("a@gmail.com",))
HELD = [
    RecipientOutcome("a@gmail.com", Action.QUARANTINE, Status.HELD, "250 2.0.0 Held in quarantine as ref42")
]


def test_the_school_can_change_the_wording(tmp_path: Path) -> None:
    (tmp_path / "explanation.txt").write_text("Kære kollega, se $ref. $categories.\n", encoding="utf-8")
    settings = RoutingSettings.model_validate({"explain": {"templates_dir": tmp_path}})
    assert (
        explain_held(ENVELOPE, VERDICT, HELD, settings).text
        == "Kære kollega, se ref42. CPR-numre, helbredsoplysninger.\n"
    )


def test_shipped_explanation_masks_every_digit_of_a_snippet() -> None:
    text = explain_held(ENVELOPE, VERDICT, HELD, RoutingSettings()).text
    assert "••••••-****" in text and "140507" not in text
    assert "i den vedhæftede fil «journal.pdf»" in text and "i selve mailteksten" in text


def test_reject_reply_is_one_ascii_line_with_the_reference() -> None:
    reply = reject_reply(ENVELOPE, VERDICT, RoutingSettings())
    assert reply.startswith("550 5.7.1 Mailvagt ref ref42:") and reply.isascii() and "\n" not in reply
    assert "helbredsoplysninger".replace("ø", "oe") in reply


async def receipts(enabled: bool) -> list[bytes]:
    async with SecureRelay(starttls=False) as sink:
        deliver = NextHopTransport(NextHopSettings(host=sink.host, port=sink.port))
        settings = RoutingSettings.model_validate({"explain": {"receipts": enabled}})
        sent = [RecipientOutcome("a@gmail.com", Action.SIKKER_MAIL, Status.DELIVERED, "250 ok", "TLSv1.3")]
        await Notices(settings, deliver).report(ENVELOPE, VERDICT, sent, b"Subject: Om Freja\r\n\r\nx\r\n")
        await deliver.close()
        return [item.content for item in sink.received]


async def test_reroute_receipt_is_sent_and_can_be_turned_off() -> None:
    (receipt,) = await receipts(True)
    assert b"sendt sikkert" in receipt or b"sendt =" in receipt or b"Sikker Mail" in receipt
    assert await receipts(False) == []


def test_an_unused_override_or_public_marker_is_explained() -> None:
    from dataclasses import replace

    verdict = replace(VERDICT, markers=("override_refused", "public_ignored"))
    text = explain_held(ENVELOPE, verdict, HELD, RoutingSettings()).text
    assert "[tilsidesæt: ...] er ikke brugt" in text and "[offentlig] er ikke brugt" in text
    assert "er ikke brugt" not in explain_held(ENVELOPE, VERDICT, HELD, RoutingSettings()).text


async def test_an_explanation_that_cannot_be_sent_does_not_fail_the_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    relay = await SecureRelay(starttls=False).start()
    await relay.stop()  # nothing listens there any more
    deliver = NextHopTransport(NextHopSettings(host=relay.host, port=relay.port, timeout=2))
    await Notices(RoutingSettings(), deliver).report(ENVELOPE, VERDICT, HELD, b"Subject: x\r\n\r\nx\r\n")
    assert "explanation to the sender not delivered" in caplog.text
