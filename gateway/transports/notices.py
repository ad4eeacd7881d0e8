"""Notices: every transport's outcomes for one message -> one explanation or receipt to its sender.

The dispatcher hands a message to each action's transport at once; each reports here, and when
every recipient of the verdict has an outcome, the sender gets exactly one mail: an explanation
when a copy was held or stopped, or a short receipt when a copy went by Sikker Mail or Digital
Post. Only an internal sender is ever told, by RFC 3464 report with an empty envelope sender.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from gateway.bounce import build_report
from gateway.explain import Explanation, explain_held, explain_rerouted, shown_subject
from gateway.routing.recipients import recipient_class
from gateway.routing.settings import RoutingSettings
from gateway.routing.subject_rewrite import with_subject, without_markers
from gateway.transports.base import Transport
from gateway.types import Action, Envelope, RecipientOutcome, Status, Verdict

log = logging.getLogger(__name__)

STALE_AFTER = 3600.0  # a message whose transports never all reported (the client went away)
REROUTES = (Action.SIKKER_MAIL, Action.DIGITAL_POST)


@dataclass
class Pending:
    expected: set[str]
    outcomes: list[RecipientOutcome] = field(default_factory=list)
    since: float = field(default_factory=time.monotonic)


class Notices:
    """Collects outcomes per message reference; sends the one notice through ``deliver``."""

    def __init__(self, settings: RoutingSettings, deliver: Transport) -> None:
        self.settings = settings
        self.deliver = deliver
        self.pending: dict[str, Pending] = {}

    async def report(
        self, envelope: Envelope, verdict: Verdict, outcomes: Sequence[RecipientOutcome], original: bytes
    ) -> None:
        self.forget_stale()
        entry = self.pending.setdefault(envelope.ref, Pending({d.recipient for d in verdict.decisions}))
        entry.outcomes.extend(outcomes)
        if not entry.expected <= {o.recipient for o in entry.outcomes}:
            return
        del self.pending[envelope.ref]
        order = {r: i for i, r in enumerate(envelope.rcpt_tos)}
        ordered = sorted(entry.outcomes, key=lambda o: order.get(o.recipient, len(order)))
        try:
            await self.notify(envelope, verdict, ordered, original)
        except Exception as exc:  # every copy is already handed on or held: a lost notice must not undo that
            log.error("ref=%s explanation to the sender failed: %s", envelope.ref, type(exc).__name__)

    def forget_stale(self) -> None:
        cutoff = time.monotonic() - STALE_AFTER
        for ref in [ref for ref, entry in self.pending.items() if entry.since < cutoff]:
            del self.pending[ref]

    def notice_for(
        self, envelope: Envelope, verdict: Verdict, outcomes: Sequence[RecipientOutcome]
    ) -> tuple[Explanation, list[RecipientOutcome], str] | None:
        """The notice to send (text, outcomes for the status part, RFC 3464 action), or None."""
        if not envelope.mail_from or recipient_class(envelope.mail_from, self.settings) != "internal":
            return None
        if any(o.status is Status.DEFERRED for o in outcomes):
            return None  # the client retries the whole message; the retry tells the sender
        stopped = [o for o in outcomes if o.status in (Status.HELD, Status.REFUSED)]
        refused_here = [o for o in stopped if o.status is Status.REFUSED and o.action is not Action.DELIVER]
        if len(stopped) == len(outcomes) and not any(o.status is Status.HELD for o in stopped):
            return None  # every copy refused: the client gets the 5xx and its own MTA bounces
        if any(o.status is Status.HELD for o in stopped) or refused_here:
            return explain_held(envelope, verdict, outcomes, self.settings), stopped, "failed"
        rerouted = [o for o in outcomes if o.action in REROUTES and o.status is Status.DELIVERED]
        if rerouted and self.settings.explain.receipts:
            return explain_rerouted(envelope, verdict, outcomes, self.settings), rerouted, "delivered"
        return None

    async def notify(
        self, envelope: Envelope, verdict: Verdict, outcomes: Sequence[RecipientOutcome], original: bytes
    ) -> None:
        notice = self.notice_for(envelope, verdict, outcomes)
        if notice is None:
            return
        explanation, listed, action = notice
        report = build_report(
            reporting_mta=self.settings.explain.reporting_mta,
            envelope=envelope,
            original=with_subject(original, shown_subject(verdict)),
            outcomes=listed,
            human_text=explanation.text,
            subject=explanation.subject,
            action=action,
        )
        sender = envelope.mail_from
        notice_envelope = Envelope(f"{envelope.ref}-notice", "127.0.0.1", "", (sender,), not sender.isascii())
        sent = await self.deliver.send(notice_envelope, [sender], report, verdict)
        if any(o.status is not Status.DELIVERED for o in sent):
            log.warning(
                "ref=%s explanation to the sender not delivered: %s", envelope.ref, sent[0].reply[:40]
            )


class Reported(Transport):
    """A transport whose outcomes are reported to Notices, and which sends the Subject without markers."""

    def __init__(self, inner: Transport, notices: Notices, rewrite: bool = True) -> None:
        self.inner = inner
        self.notices = notices
        self.rewrite = rewrite  # False for quarantine: a release re-reads the sender's markers

    async def send(
        self, envelope: Envelope, recipients: Sequence[str], message: bytes, verdict: Verdict
    ) -> list[RecipientOutcome]:
        rewrite = verdict.markers and self.rewrite
        onward = without_markers(message, self.notices.settings.markers) if rewrite else message
        outcomes = await self.inner.send(envelope, recipients, onward, verdict)
        await self.notices.report(envelope, verdict, outcomes, message)
        return outcomes

    async def close(self) -> None:
        await self.inner.close()
