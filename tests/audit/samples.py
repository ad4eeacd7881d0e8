"""Audit test data: envelopes and verdicts like the scan stage produces, with known CPRs."""

from __future__ import annotations

from detectors.cpr import fingerprint
from gateway.types import (
    Action,
    CategoryScore,
    Classification,
    Envelope,
    Finding,
    Level,
    RecipientDecision,
    Verdict,
)

KEY = "audit-test-key"
CPR_A = "0308194797"
CPR_B = "2901196632"


def envelope(ref: str = "REF1", sender: str = "laerer@skole.example", *rcpts: str) -> Envelope:
    recipients = rcpts or ("ppr@kommune.example", "mor@gmail.com")
    return Envelope(ref, "192.0.2.7", sender, recipients, authenticated_as="laerer")


def cpr_finding(cpr: str, where: str = "body") -> Finding:
    masked = f"{cpr[:6]}-****"
    return Finding("cpr", where, 1.0, masked, fingerprint(cpr, KEY), 10, 21, "cpr", "valid CPR")


def sensitive_verdict(env: Envelope, subject: str = "Indskrivning 0308194797") -> Verdict:
    """A fortrolig+foelsom message with two CPRs, routed per recipient."""
    findings = (
        cpr_finding(CPR_A),
        cpr_finding(CPR_B, "attachment:Handleplan diabetes - Freja 3.A.docx"),
        Finding("health", "body", 0.8, "d******s", None, 40, 48, "lexicon", "term"),
    )
    classification = Classification(
        Level.FOELSOM,
        ("cpr", "health"),
        findings,
        (CategoryScore("cpr", 2.0, 1.0, 2), CategoryScore("health", 0.8, 0.6, 1, ("diabetes",))),
    )
    actions = {"ppr@kommune.example": Action.SIKKER_MAIL, "mor@gmail.com": Action.QUARANTINE}
    decisions = tuple(
        RecipientDecision(
            r,
            "partner" if "kommune" in r else "external",
            actions.get(r, Action.DELIVER),
            "foelsom-external",
            f"health for {r}; CPR 290119-6632",
        )
        for r in env.rcpt_tos
    )
    return Verdict(
        classification,
        decisions,
        subject=subject,
        message_id=f"<{env.ref}@skole.example>",
        markers=("[sikker]",),
        override_justification="Mor har bedt om det, CPR 2901196632",
    )


def ordinary_verdict(env: Envelope, subject: str = "Tur i uge 42, bus 7") -> Verdict:
    decisions = tuple(RecipientDecision(r, "external", Action.DELIVER, "almindelig") for r in env.rcpt_tos)
    return Verdict(Classification(Level.ALMINDELIG, (), ()), decisions, subject, f"<{env.ref}@skole.example>")


def cpr_verdict(env: Envelope, cpr: str, action: Action) -> Verdict:
    """A fortrolig message holding one CPR, every recipient routed with ``action``."""
    classification = Classification(
        Level.FORTROLIG, ("cpr",), (cpr_finding(cpr),), (CategoryScore("cpr", 1, 1, 1),)
    )
    decisions = tuple(RecipientDecision(r, "external", action, "cpr-external") for r in env.rcpt_tos)
    return Verdict(classification, decisions, "Elevoplysninger", f"<{env.ref}@skole.example>")
