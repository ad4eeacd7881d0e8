"""Scan stage: received message bytes + envelope -> Verdict (extract -> detect -> classify -> route).

This is the seam the gateway's worker processes run. It holds no SMTP and no I/O to the
network; everything CPU-bound about a message happens here, off the event loop.
"""

from __future__ import annotations

from gateway.config import Settings
from gateway.types import Action, Classification, Envelope, Level, RecipientDecision, Verdict


def deliver_all(envelope: Envelope, classification: Classification) -> Verdict:
    """The verdict of a scan that routes every recipient to the next hop."""
    decisions = tuple(
        RecipientDecision(r, "unclassified", Action.DELIVER, "scan.mode=noop") for r in envelope.rcpt_tos
    )
    return Verdict(classification=classification, decisions=decisions)


def scan_message(raw: bytes, envelope: Envelope, settings: Settings) -> Verdict:
    """Run the whole scan pipeline on one message, as configured."""
    if settings.scan.mode == "noop":
        return deliver_all(envelope, Classification(Level.ALMINDELIG, (), ()))
    from detectors.classify import classify
    from detectors.engine import shared_detector
    from gateway.mime.extract import extract_text
    from gateway.routing.policy import choose_routes

    extraction = extract_text(raw, settings.extraction)
    findings = shared_detector(settings.detectors).analyze(extraction.parts)
    classification = classify([*findings, *extraction.unscannable], settings.detectors)
    return choose_routes(classification, envelope, extraction, settings.routing)
