"""A retry after 451 for some recipients: the copies that went are not sent twice, and nothing is lost."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from tests.gateway.conftest import StartGateway
from tests.gateway.harness import RunningGateway, Sink, SinkHandler, sample_message
from tests.gateway.test_gateway_relay import SENDER, data_reply

FULL = "452 4.2.2 mailbox full"
RECIPIENTS = ["a@example.dk", "later@example.dk"]


def copies(hop: Sink) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in hop.messages:
        for recipient in message.rcpt_tos:
            counts[recipient] = counts.get(recipient, 0) + 1
    return counts


def audited_replies(gateway: RunningGateway) -> list[tuple[str, str]]:
    """(recipient, reply) of every outcome in the gateway's audit store, oldest first."""
    database = sqlite3.connect(gateway.settings.audit.url.removeprefix("sqlite:///"))
    try:
        return list(database.execute("select recipient, reply from outcome order by seq"))
    finally:
        database.close()


def test_a_retry_sends_only_the_copies_that_were_deferred(start_gateway: StartGateway) -> None:
    hop = Sink(SinkHandler(rcpt_replies={"later@example.dk": FULL}))
    try:
        gateway = start_gateway(hop.port)
        message = sample_message(subject="Referat")
        code, _ = data_reply(gateway.client(), RECIPIENTS, message)
        assert code == 451
        assert copies(hop) == {"a@example.dk": 1}
        hop.handler.rcpt_replies.clear()  # the mailbox has room again
        code, _ = data_reply(gateway.client(), RECIPIENTS, message)  # the client's retry
        assert code == 250
        assert copies(hop) == {"a@example.dk": 1, "later@example.dk": 1}
        deadline = time.monotonic() + 10  # outcome rows go in with the next group commit
        while len(replies := audited_replies(gateway)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        recalled = [r for r, reply in replies[2:] if reply.startswith("(earlier attempt) 250")]
        assert recalled == ["a@example.dk"]
    finally:
        hop.close()


def test_after_a_complete_attempt_the_same_message_is_sent_again(start_gateway: StartGateway) -> None:
    """Only a deferred message is remembered: sending it again on purpose later is a new sending."""
    hop = Sink(SinkHandler(rcpt_replies={"later@example.dk": FULL}))
    try:
        gateway = start_gateway(hop.port)
        message = sample_message(subject="Referat")
        assert data_reply(gateway.client(), RECIPIENTS, message)[0] == 451
        hop.handler.rcpt_replies.clear()
        assert data_reply(gateway.client(), RECIPIENTS, message)[0] == 250
        assert data_reply(gateway.client(), RECIPIENTS, message)[0] == 250
        assert copies(hop) == {"a@example.dk": 2, "later@example.dk": 2}
    finally:
        hop.close()


def test_other_bytes_or_recipients_are_another_message(start_gateway: StartGateway) -> None:
    hop = Sink(SinkHandler(rcpt_replies={"later@example.dk": FULL}))
    try:
        gateway = start_gateway(hop.port)
        assert data_reply(gateway.client(), RECIPIENTS, sample_message(subject="Første"))[0] == 451
        hop.handler.rcpt_replies.clear()
        with gateway.client() as client:
            client.sendmail(SENDER, RECIPIENTS, sample_message(subject="Anden"))
            client.sendmail(SENDER, ["a@example.dk"], sample_message(subject="Første"))
        assert copies(hop) == {"a@example.dk": 3, "later@example.dk": 1}
    finally:
        hop.close()


def test_the_ledger_is_shared_through_its_folder(start_gateway: StartGateway, tmp_path: Path) -> None:
    """Another gateway process (or a restart) sees what the first one handed on."""
    folder = tmp_path / "handed-on"
    hop = Sink(SinkHandler(rcpt_replies={"later@example.dk": FULL}))
    try:
        first = start_gateway(hop.port, server={"handed_on_dir": str(folder)})
        message = sample_message(subject="Referat")
        assert data_reply(first.client(), RECIPIENTS, message)[0] == 451
        (entry,) = list(folder.iterdir())
        assert entry.stat().st_mode & 0o777 == 0o600
        assert [o["recipient"] for o in json.loads(entry.read_text())["outcomes"]] == ["a@example.dk"]
        hop.handler.rcpt_replies.clear()
        second = start_gateway(hop.port, server={"handed_on_dir": str(folder)})
        assert data_reply(second.client(), RECIPIENTS, message)[0] == 250
        assert copies(hop) == {"a@example.dk": 1, "later@example.dk": 1}
        assert list(folder.iterdir()) == []  # the message is complete: nothing left to skip
    finally:
        hop.close()


def test_an_unreadable_entry_sends_every_copy_again(start_gateway: StartGateway, tmp_path: Path) -> None:
    """A damaged ledger costs a duplicate, never a copy."""
    folder = tmp_path / "handed-on"
    hop = Sink(SinkHandler(rcpt_replies={"later@example.dk": FULL}))
    try:
        gateway = start_gateway(hop.port, server={"handed_on_dir": str(folder)})
        message = sample_message(subject="Referat")
        assert data_reply(gateway.client(), RECIPIENTS, message)[0] == 451
        for entry in folder.iterdir():
            entry.write_text("{not json")
        hop.handler.rcpt_replies.clear()
        assert data_reply(gateway.client(), RECIPIENTS, message)[0] == 250
        assert copies(hop) == {"a@example.dk": 2, "later@example.dk": 1}
    finally:
        hop.close()
