"""Quarantine release: a held message -> sent by the route the policy chooses now, and audited.

The message is scanned again (the directory, the policy or a registration may have changed since
it was held). Recipients the policy would still hold or reject stay in quarantine; the others are
handed to their transports, and the held copy keeps only the recipients still waiting.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.config import Settings
from gateway.dispatch import dispatch
from gateway.quarantine_store import HeldMessage, QuarantineStore
from gateway.scan import scan_message
from gateway.transports.base import Transport
from gateway.transports.digital_post import DigitalPostTransport
from gateway.transports.notices import Reported
from gateway.transports.quarantine import QuarantineTransport
from gateway.transports.registry import build_transports
from gateway.types import Action, Envelope, RecipientOutcome, Status, Verdict

KEEP_HOLDING = (Action.QUARANTINE, Action.REJECT)


@dataclass(frozen=True)
class Release:
    """What a release did: the outcome per recipient sent, and who is still held."""

    outcomes: tuple[RecipientOutcome, ...]
    still_held: tuple[str, ...]

    def summary(self) -> str:
        sent = [f"{o.recipient}: {o.action.value} {o.status.value}" for o in self.outcomes]
        held = [f"{r}: still held" for r in self.still_held]
        return "; ".join(sent + held) or "nothing to do"


class StillHeld(QuarantineTransport):
    """During a release, a copy Digital Post still cannot take stays in the held file it came from."""

    async def hold(
        self,
        envelope: Envelope,
        recipients: Sequence[str],
        message: bytes,
        verdict: Verdict,
        action: Action,
        why: str = "",
    ) -> list[RecipientOutcome]:
        reply = f"250 2.0.0 Still held in quarantine as {envelope.ref}" + (f"; {why}" if why else "")
        return [RecipientOutcome(r, action, Status.HELD, reply) for r in recipients]


def release_transports(settings: Settings, store: QuarantineStore) -> dict[Action, Transport]:
    transports = build_transports(settings)
    deliver = transports[Action.DELIVER]
    assert isinstance(deliver, Reported)
    still_held = StillHeld(store, settings.routing, Action.QUARANTINE)
    transports[Action.DIGITAL_POST] = Reported(
        DigitalPostTransport(settings.routing, still_held), deliver.notices
    )
    return transports


async def release(item: HeldMessage, store: QuarantineStore, settings: Settings) -> Release:
    envelope = Envelope(item.id, item.client_address or "127.0.0.1", item.mail_from, item.recipients)
    verdict = await asyncio.to_thread(scan_message, item.message, envelope, settings)
    keep = tuple(d.recipient for d in verdict.decisions if d.action in KEEP_HOLDING)
    sending = dataclasses.replace(
        verdict, decisions=tuple(d for d in verdict.decisions if d.action not in KEEP_HOLDING)
    )
    outcomes: list[RecipientOutcome] = []
    if sending.decisions:
        send_envelope = dataclasses.replace(envelope, rcpt_tos=tuple(d.recipient for d in sending.decisions))
        transports = release_transports(settings, store)
        try:
            outcomes = await dispatch(send_envelope, item.message, sending, transports)
        finally:
            for transport in transports.values():
                await transport.close()
    waiting = keep + tuple(o.recipient for o in outcomes if o.status in (Status.DEFERRED, Status.HELD))
    if waiting:
        remaining = dataclasses.replace(item, recipients=waiting)
        await asyncio.to_thread(store.replace, remaining)
    else:
        await asyncio.to_thread(store.delete, item.id)
    still = keep + tuple(o.recipient for o in outcomes if o.status is Status.HELD)
    return Release(tuple(o for o in outcomes if o.status is not Status.HELD), still)
