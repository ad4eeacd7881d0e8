"""Dispatch: verdict + message -> one RecipientOutcome per recipient, via the transport of each action."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from gateway.transports.base import Transport
from gateway.types import Action, Envelope, RecipientOutcome, Status, Verdict

NO_TRANSPORT_REPLY = "451 4.3.5 No transport configured for this route"


def group_by_action(envelope: Envelope, verdict: Verdict) -> dict[Action, list[str]]:
    """Recipients per action, in envelope order (recipients without a decision are left out)."""
    decided = {d.recipient: d.action for d in verdict.decisions}
    groups: dict[Action, list[str]] = {}
    for recipient in envelope.rcpt_tos:
        action = decided.get(recipient)
        if action is not None:
            groups.setdefault(action, []).append(recipient)
    return groups


def undecided(envelope: Envelope, verdict: Verdict) -> list[RecipientOutcome]:
    """A recipient without a decision is an internal error: keep the mail (deferred), never drop it."""
    decided = {d.recipient for d in verdict.decisions}
    return [
        RecipientOutcome(r, Action.DELIVER, Status.DEFERRED, "451 4.3.0 No routing decision")
        for r in envelope.rcpt_tos
        if r not in decided
    ]


async def dispatch(
    envelope: Envelope, message: bytes, verdict: Verdict, transports: Mapping[Action, Transport]
) -> list[RecipientOutcome]:
    """Hand the message to every action's transport at once; collect an outcome for each recipient."""
    groups = group_by_action(envelope, verdict)
    calls = []
    missing: list[RecipientOutcome] = undecided(envelope, verdict)
    for action, recipients in groups.items():
        transport = transports.get(action)
        if transport is None:
            missing.extend(
                RecipientOutcome(r, action, Status.DEFERRED, NO_TRANSPORT_REPLY) for r in recipients
            )
        else:
            calls.append(transport.send(envelope, recipients, message, verdict))
    results: Sequence[list[RecipientOutcome]] = await asyncio.gather(*calls)
    outcomes = [outcome for result in results for outcome in result]
    return ordered(envelope, [*outcomes, *missing])


def ordered(envelope: Envelope, outcomes: list[RecipientOutcome]) -> list[RecipientOutcome]:
    position = {r: i for i, r in enumerate(envelope.rcpt_tos)}
    return sorted(outcomes, key=lambda o: position.get(o.recipient, len(position)))
