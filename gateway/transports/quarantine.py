"""Quarantine transport: message + recipients -> HELD (stored 0600 first) or, in reject mode, 550 5.7.1.

Serves both the ``quarantine`` and the ``reject`` action: a rejected message is held too, so the
admin can see what was stopped, but the policy never lets a release send it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from gateway.explain import reject_reply
from gateway.quarantine_store import QuarantineError, QuarantineStore
from gateway.routing.settings import RoutingSettings
from gateway.transports.base import Transport
from gateway.types import Action, Envelope, RecipientOutcome, Status, Verdict

log = logging.getLogger(__name__)

CANNOT_STORE = "451 4.3.0 Mailvagt cannot store the message safely now, try again later"


class QuarantineTransport(Transport):
    """Stores the message durably before it reports HELD; never sends it anywhere."""

    def __init__(self, store: QuarantineStore, settings: RoutingSettings, action: Action) -> None:
        self.store = store
        self.settings = settings
        self.action = action

    async def send(
        self, envelope: Envelope, recipients: Sequence[str], message: bytes, verdict: Verdict
    ) -> list[RecipientOutcome]:
        return await self.hold(envelope, recipients, message, verdict, self.action)

    async def hold(
        self,
        envelope: Envelope,
        recipients: Sequence[str],
        message: bytes,
        verdict: Verdict,
        action: Action,
        why: str = "",
    ) -> list[RecipientOutcome]:
        """Store the message for ``recipients``; HELD once it is on disk, DEFERRED if it cannot be.

        In ``explain.mode: reject`` nothing is stored: the copy is refused with 550 5.7.1.
        """
        if self.settings.explain.mode == "reject":
            reply = reject_reply(envelope, verdict, self.settings)
            return [RecipientOutcome(r, action, Status.REFUSED, reply) for r in recipients]
        reasons = {d.recipient: f"{d.rule}: {why or d.reason}" for d in verdict.decisions}
        try:
            item = await asyncio.to_thread(
                self.store.put,
                envelope.ref,
                envelope.mail_from,
                tuple(recipients),
                tuple(f"{r}: {reasons.get(r, why)}" for r in recipients),
                verdict.subject,
                message,
                envelope.client_address,
            )
        except (OSError, QuarantineError) as exc:
            log.error("ref=%s cannot store in quarantine: %s", envelope.ref, type(exc).__name__)
            return [RecipientOutcome(r, action, Status.DEFERRED, CANNOT_STORE) for r in recipients]
        reply = f"250 2.0.0 Held in quarantine as {item.id}" + (f"; {why}" if why else "")
        return [RecipientOutcome(r, action, Status.HELD, reply) for r in recipients]
