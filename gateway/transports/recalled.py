"""Recalled copies: envelope.earlier + a transport -> outcomes, sending only the copies not yet handed on.

A retry of a message that was deferred for some recipients carries the outcomes of the copies
that already went (gateway.handed_on); those are reported again as they ended, marked as from
the earlier attempt, and only the rest go to the transport.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from gateway.transports.base import Transport
from gateway.types import Envelope, RecipientOutcome, Verdict

EARLIER = "(earlier attempt) "


def as_earlier(outcome: RecipientOutcome) -> RecipientOutcome:
    if outcome.reply.startswith(EARLIER):
        return outcome
    return dataclasses.replace(outcome, reply=EARLIER + outcome.reply)


class Recalled(Transport):
    """Wraps a transport; copies an earlier attempt of the same message handed on are not sent again."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner

    async def send(
        self, envelope: Envelope, recipients: Sequence[str], message: bytes, verdict: Verdict
    ) -> list[RecipientOutcome]:
        earlier = {o.recipient: o for o in envelope.earlier}
        fresh = [r for r in recipients if r not in earlier]
        outcomes = await self.inner.send(envelope, fresh, message, verdict) if fresh else []
        return [*(as_earlier(earlier[r]) for r in recipients if r in earlier), *outcomes]

    async def close(self) -> None:
        await self.inner.close()
