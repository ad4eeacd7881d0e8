"""Shared types: the plain data every stage hands to the next (receive -> ... -> audit)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Level(enum.IntEnum):
    """Data-protection level; the highest level among a message's categories wins."""

    ALMINDELIG = 0
    FORTROLIG = 1
    SEMIFOELSOM = 2
    FOELSOM = 3

    @property
    def label(self) -> str:
        """The id used in config, JSON output and the audit store (e.g. ``foelsom``)."""
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Level:
        return cls[label.upper()]


class Action(enum.StrEnum):
    """What happens to one recipient's copy of a message."""

    DELIVER = "deliver"
    SIKKER_MAIL = "sikker_mail"
    DIGITAL_POST = "digital_post"
    QUARANTINE = "quarantine"
    REJECT = "reject"


@dataclass(frozen=True)
class Envelope:
    """The SMTP envelope of one received message, with the gateway's reference id."""

    ref: str
    client_address: str
    mail_from: str
    rcpt_tos: tuple[str, ...]
    smtputf8: bool = False
    body_8bit: bool = False
    authenticated_as: str | None = None
    # Copies an earlier attempt of this same message handed on (see gateway.handed_on): the
    # transports report these instead of sending them twice.
    earlier: tuple[RecipientOutcome, ...] = ()


FILE_NAME = "file name"
"""The ``detail`` of the part that holds an attachment's file name."""


@dataclass(frozen=True)
class TextPart:
    """A piece of readable text and where in the message it was found.

    ``where`` is ``subject``, ``body`` or ``attachment:<file name>`` (the top-level
    attachment's name as given in Content-Disposition, so a file inside a ZIP is
    reported by the archive's name); ``detail`` says more (``inner.csv in elever.zip``,
    ``sheet Ark1``) for explanations.
    """

    text: str
    where: str
    detail: str = ""


@dataclass(frozen=True)
class Finding:
    """One detected thing. Never holds a matched sensitive value in clear."""

    category: str
    where: str
    score: float
    masked: str
    fingerprint: str | None = None
    start: int = 0
    end: int = 0
    detector: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Extraction:
    """Everything readable in a message, plus what could not be read (as findings)."""

    parts: tuple[TextPart, ...]
    unscannable: tuple[Finding, ...] = ()
    subject: str = ""
    message_id: str = ""


@dataclass(frozen=True)
class CategoryScore:
    """How one category's findings added up against its threshold."""

    category: str
    score: float
    threshold: float
    count: int
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Classification:
    """Findings turned into categories and one level, with the explanation."""

    level: Level
    categories: tuple[str, ...]
    findings: tuple[Finding, ...]
    scores: tuple[CategoryScore, ...] = ()

    @property
    def cpr_fingerprints(self) -> tuple[str, ...]:
        return tuple(sorted({f.fingerprint for f in self.findings if f.fingerprint}))


@dataclass(frozen=True)
class RecipientDecision:
    """The route chosen for one recipient and the policy rule that chose it."""

    recipient: str
    recipient_class: str
    action: Action
    rule: str
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """The scan stage's answer for one message."""

    classification: Classification
    decisions: tuple[RecipientDecision, ...]
    subject: str = ""
    # The Subject with what was found in it blanked out ("Jonas' […]"), markers removed: what a
    # notice to the sender may quote so the sender knows which mail it is about.
    masked_subject: str = ""
    message_id: str = ""
    markers: tuple[str, ...] = field(default=())
    override_justification: str | None = None


class Status(enum.StrEnum):
    """How one recipient's copy ended at this gateway."""

    DELIVERED = "delivered"  # a next hop (or Digital Post) accepted it
    HELD = "held"  # safely stored in quarantine
    REFUSED = "refused"  # permanent: 5xx from a next hop, or rejected by policy
    DEFERRED = "deferred"  # temporary: the client must keep the message and retry


@dataclass(frozen=True)
class RecipientOutcome:
    """What became of one recipient's copy; ``reply`` is the next hop's SMTP reply or our reason."""

    recipient: str
    action: Action
    status: Status
    reply: str = ""
    tls_version: str | None = None


class AuditSink(Protocol):
    """Where the handler writes its decisions; implemented by gateway.audit.

    ``record_decision`` runs before anything is handed on: if it raises, the message gets 451
    and nothing is delivered (fail closed).
    """

    async def record_decision(self, envelope: Envelope, verdict: Verdict, size: int) -> None: ...

    async def record_outcomes(self, envelope: Envelope, outcomes: Sequence[RecipientOutcome]) -> None: ...

    async def close(self) -> None: ...
