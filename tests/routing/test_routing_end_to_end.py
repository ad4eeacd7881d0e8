"""End to end: real SMTP client -> the gateway (real detectors, scan worker) -> every route's real double.

Covers every cell of the shipped policy table and every failure path of the routing issue.
"""

from __future__ import annotations

import asyncio
import re
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.leaks import shows_digits

from .e2e import (
    COLLEAGUE,
    COMPANY,
    CPRS,
    EXEMPT,
    NO_STARTTLS,
    NOT_REGISTERED,
    OLD_TLS,
    PARTNER,
    REGISTERED,
    TEACHER,
    TEXTS,
    UNKNOWN,
    WRONG_NAME,
    World,
    compose,
    human_text,
    notices_to,
    parsed,
    submit,
    world,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
QUEUED = re.compile(r"queued as (\S+)")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def w(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with world(tmp_path_factory.mktemp("e2e")) as running:
        yield running


def ref_of(reply: str) -> str:
    found = QUEUED.search(reply)
    assert found, reply
    return found.group(1)


async def test_almindelig_is_delivered_to_every_class(w: World) -> None:
    mark = len(w.next_hop.received)
    recipients = (COLLEAGUE, PARTNER, REGISTERED, UNKNOWN, COMPANY)
    code, reply = await submit(w.port, recipients, compose("Tur i zoologisk have", TEXTS["almindelig"]))
    assert code == 250, reply
    new = w.next_hop.received[mark:]
    assert [item.rcpt_tos for item in new] == [recipients]
    assert notices_to(new) == []


@pytest.mark.parametrize("level", ["fortrolig", "semifoelsom", "foelsom"])
async def test_fortrolig_and_above_split_by_recipient_class(w: World, level: str) -> None:
    hop, partner, memos, held = (
        len(w.next_hop.received),
        len(w.partner.received),
        len(w.digital_post.memos),
        w.held(),
    )
    recipients = (COLLEAGUE, PARTNER, REGISTERED, UNKNOWN, NOT_REGISTERED)
    code, reply = await submit(w.port, recipients, compose(f"Om en elev ({level})", TEXTS[level]))
    assert code == 250, reply
    ref = ref_of(reply)
    # internal: deliver
    delivered = [item for item in w.next_hop.received[hop:] if item.mail_from == TEACHER]
    assert [item.rcpt_tos for item in delivered] == [(COLLEAGUE,)]
    # partner: Sikker Mail over verified TLS
    (secure,) = w.partner.received[partner:]
    assert secure.rcpt_tos == (PARTNER,) and secure.tls in ("TLSv1.2", "TLSv1.3")
    # external in the directory and registered: Digital Post
    (memo,) = w.digital_post.memos[memos:]
    assert CPRS[REGISTERED].encode() in memo.xml
    # external not in the directory, or not registered: quarantine, stored 0600
    new_held = [p for p in w.held() if p not in held]
    assert len(new_held) == 2
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in new_held)
    # one explanation to the sender, in Danish with an English summary, with no CPR digits
    (report,) = notices_to(w.next_hop.received[hop:])
    assert report.get_content_type() == "multipart/report"
    text = human_text(report)
    assert ref in text and ref in str(report["Subject"])
    assert f"{PARTNER}: sendt krypteret med Sikker Mail" in text
    assert f"{REGISTERED}: sendt med Digital Post" in text
    assert f"{UNKNOWN}: holdt tilbage i karantæne" in text and "modtagerkartoteket" in text
    assert f"{NOT_REGISTERED}: holdt tilbage i karantæne" in text and "ikke tilmeldt Digital Post" in text
    assert "[sikker]" in text and "English summary" in text and "dpo@kommune.example" in text
    assert not shows_digits("140507", text) and not shows_digits("4312", text)
    assert b"140507" not in b"".join(
        item.content for item in w.next_hop.received[hop:] if item.mail_from in ("", "<>")
    )


async def test_wellbeing_survey_is_stopped_for_everyone_with_the_reason(w: World) -> None:
    hop, partner, held = len(w.next_hop.received), len(w.partner.received), w.held()
    recipients = (COLLEAGUE, PARTNER, REGISTERED, UNKNOWN)
    code, reply = await submit(w.port, recipients, compose("Trivselsmåling 5.B", TEXTS["wellbeing_survey"]))
    assert code == 250, reply
    assert [i for i in w.next_hop.received[hop:] if i.mail_from == TEACHER] == []
    assert w.partner.received[partner:] == []
    assert len([p for p in w.held() if p not in held]) == 1
    (report,) = notices_to(w.next_hop.received[hop:])
    text = human_text(report)
    assert "stoppet" in text and "trivselsmålingen må kun bruges statistisk" in text


async def test_secure_marker_sends_externals_by_sikker_mail_without_the_marker(w: World) -> None:
    hop, partner = len(w.next_hop.received), len(w.partner.received)
    raw = compose("[sikker] Referat fra mødet", TEXTS["almindelig"])
    code, reply = await submit(
        w.port, (COLLEAGUE, UNKNOWN, COMPANY.replace("busselskab.example", "gmail.com")), raw
    )
    assert code == 250, reply
    (secure,) = w.partner.received[partner:]
    assert secure.rcpt_tos == (UNKNOWN, "info@gmail.com")
    assert parsed(secure)["Subject"] == "Referat fra mødet"
    (colleague,) = [i for i in w.next_hop.received[hop:] if i.mail_from == TEACHER]
    assert parsed(colleague)["Subject"] == "Referat fra mødet"
    (receipt,) = notices_to(w.next_hop.received[hop:])
    assert "sendt sikkert" in str(receipt["Subject"])
    assert f"{UNKNOWN}: sendt krypteret med Sikker Mail" in human_text(receipt)


@pytest.mark.parametrize("recipient", [NO_STARTTLS, OLD_TLS, WRONG_NAME])
async def test_insecure_partner_servers_get_451_and_nothing_in_plaintext(w: World, recipient: str) -> None:
    code, reply = await submit(w.port, (COLLEAGUE, recipient), compose("Sag", TEXTS["fortrolig"]))
    assert code == 451, reply
    assert w.insecure[recipient].received == []


async def test_sikker_mail_bounces_after_the_configured_time(w: World) -> None:
    raw = compose("Sag om elev", TEXTS["foelsom"], message_id="<bounce-test@skole.example>")
    first = await submit(w.port, (NO_STARTTLS,), raw)
    await asyncio.sleep(2.2)
    second = await submit(w.port, (NO_STARTTLS,), raw)
    assert first[0] == 451
    assert second[0] == 554 and "5.7.5" in second[1], second
    assert w.insecure[NO_STARTTLS].received == []


async def test_a_retry_does_not_send_a_second_digital_post_letter(w: World) -> None:
    """Digital Post took its copy, Sikker Mail could not: 451; the retry only retries Sikker Mail."""
    raw = compose("Sag om elev", TEXTS["foelsom"], message_id="<retry-dp@skole.example>")
    memos = len(w.digital_post.memos)
    hop = len(w.next_hop.received)
    first = await submit(w.port, (REGISTERED, NO_STARTTLS), raw)
    assert first[0] == 451, first
    assert len(w.digital_post.memos) == memos + 1
    await asyncio.sleep(2.2)  # past sikker_mail.bounce_after: the retry gives up on the insecure partner
    second = await submit(w.port, (REGISTERED, NO_STARTTLS), raw)
    assert second[0] == 250, second
    assert len(w.digital_post.memos) == memos + 1  # still one letter in the parent's e-Boks
    assert w.insecure[NO_STARTTLS].received == []
    (report,) = notices_to(w.next_hop.received[hop:])  # one explanation, naming both recipients
    text = human_text(report)
    assert REGISTERED in text and NO_STARTTLS in text


async def test_exempt_recipient_is_held_with_the_reason(w: World) -> None:
    hop = len(w.next_hop.received)
    code, reply = await submit(w.port, (EXEMPT,), compose("Freja", TEXTS["foelsom"]))
    assert code == 250, reply
    (report,) = notices_to(w.next_hop.received[hop:])
    assert "fritaget for Digital Post" in human_text(report)


async def test_digital_post_400_holds_the_message(w: World) -> None:
    w.digital_post.behaviour.fail_with = 400
    held = w.held()
    try:
        code, reply = await submit(w.port, (REGISTERED,), compose("Freja", TEXTS["foelsom"]))
    finally:
        w.digital_post.behaviour.fail_with = None
    assert code == 250, reply
    assert len([p for p in w.held() if p not in held]) == 1


@pytest.mark.parametrize(("fail_with", "delay"), [(403, 0.0), (None, 2.0)])
async def test_digital_post_403_and_timeout_keep_the_mail_at_the_client(
    w: World, fail_with: int | None, delay: float
) -> None:
    memos, held = len(w.digital_post.memos), w.held()
    w.digital_post.behaviour.fail_with, w.digital_post.behaviour.delay = fail_with, delay
    try:
        code, reply = await submit(w.port, (COLLEAGUE, REGISTERED), compose("Freja", TEXTS["foelsom"]))
    finally:
        w.digital_post.behaviour.fail_with, w.digital_post.behaviour.delay = None, 0.0
    assert code == 451, reply
    assert len(w.digital_post.memos) == memos and w.held() == held


async def test_reject_mode_answers_550_with_reference_and_override_is_audited(tmp_path: Path) -> None:
    changes = {"explain": {"mode": "reject"}, "markers": {"override_enabled": True}}
    async with world(tmp_path, **changes) as other:
        code, reply = await submit(
            other.port, (COLLEAGUE, UNKNOWN), compose("Trivsel", TEXTS["wellbeing_survey"])
        )
        assert code == 550 and reply.startswith("5.7.1 Mailvagt ref "), reply
        assert "trivsel" in reply.lower() and reply.isascii()
        code, reply = await submit(other.port, (UNKNOWN,), compose("Freja", TEXTS["foelsom"]))
        assert code == 550 and "5.7.1" in reply and "helbred" in reply
        assert other.held() == []
        code, reply = await submit(other.port, (NOT_REGISTERED,), compose("Freja", TEXTS["foelsom"]))
        assert code == 550 and "5.7.1" in reply, reply  # Digital Post's fallback is refused too
        assert other.held() == []
        subject = "[tilsidesæt: mor har selv bedt om det] Freja"
        code, reply = await submit(other.port, (UNKNOWN,), compose(subject, TEXTS["foelsom"]))
        assert code == 250, reply
        (delivered,) = other.next_hop.received
        assert parsed(delivered)["Subject"] == "Freja"
        rows = other.audit_rows("SELECT override_justification FROM message WHERE ref = ?", ref_of(reply))
        assert rows == [("mor har selv bedt om det",)]
        # Folded where an encoded word meets plain text: the Subject must keep every space.
        long = "[sikker] Klassekonferencen: Aftale om Freja: mor har selv bedt om det på mail"
        code, reply = await submit(other.port, (COLLEAGUE,), compose(long, TEXTS["almindelig"]))
        assert code == 250, reply
        assert parsed(other.next_hop.received[-1])["Subject"] == long.removeprefix("[sikker] ")
        code, reply = await submit(
            other.port, (COLLEAGUE,), compose("[tilsidesæt: skal bruges] Trivsel", TEXTS["wellbeing_survey"])
        )
        assert code == 550, reply


async def test_explanation_hides_a_cpr_in_subject_and_names_the_attachment(w: World) -> None:
    hop = len(w.next_hop.received)
    raw = compose(
        "Freja 140507-4312", "Hej\n\nSe vedhæftede liste.\n", attachment=b"navn;cpr\nFreja;140507-4312\n"
    )
    code, reply = await submit(w.port, (UNKNOWN,), raw)
    assert code == 250, reply
    notices = [item for item in w.next_hop.received[hop:] if item.mail_from in ("", "<>")]
    (report,) = notices_to(notices)
    text = human_text(report)
    assert "i den vedhæftede fil «liste.csv»" in text and "i emnefeltet" in text
    assert 'Din mail "Freja ******-****"' in text  # the sender can tell which mail; no digit of the CPR
    assert not shows_digits("140507", notices[0].content) and not shows_digits("4312", notices[0].content)


async def test_explanation_blanks_what_was_found_in_the_subject(w: World) -> None:
    hop = len(w.next_hop.received)
    raw = compose("Jonas' diagnose og medicin [offentlig]", TEXTS["foelsom"])
    code, reply = await submit(w.port, (UNKNOWN,), raw)
    assert code == 250, reply
    (report,) = notices_to(w.next_hop.received[hop:])
    text = human_text(report)
    assert "Jonas' […] og […]" in text
    assert "diagnose og medicin" not in text and '[offentlig]"' not in text


@pytest.mark.parametrize("sender", ["forælder@gmail.com".replace("æ", "ae"), ""])
async def test_no_explanation_to_an_external_or_empty_sender(w: World, sender: str) -> None:
    hop, held = len(w.next_hop.received), w.held()
    code, reply = await submit(w.port, (UNKNOWN,), compose("Freja", TEXTS["foelsom"]), sender=sender)
    assert code == 250, reply
    assert len([p for p in w.held() if p not in held]) == 1
    assert [item for item in w.next_hop.received[hop:] if item.mail_from in ("", "<>")] == []
