"""Routing stage: a Subject line -> the sender's requests in it (secure send, public, override).

Markers are matched without regard to case and removed from the Subject before the mail leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.routing.settings import MarkerSettings


@dataclass(frozen=True)
class SubjectMarkers:
    """What the sender asked for in the Subject, and the Subject without the markers."""

    subject: str
    secure: bool = False
    public: bool = False
    override_justification: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        found = (("secure", self.secure), ("public", self.public))
        named = tuple(name for name, present in found if present)
        return (*named, "override") if self.override_justification is not None else named


def remove_word(subject: str, marker: str) -> tuple[str, bool]:
    if not marker:
        return subject, False
    pattern = re.compile(re.escape(marker), re.IGNORECASE)
    cleaned, count = pattern.subn("", subject)
    return cleaned, count > 0


def read_markers(subject: str, settings: MarkerSettings) -> SubjectMarkers:
    """Find and remove the configured markers; ``[tilsidesæt: begrundelse]`` carries a justification."""
    justification: str | None = None
    if settings.override:
        pattern = re.compile(r"\[\s*" + re.escape(settings.override) + r"\s*:\s*([^\]]*)\]", re.IGNORECASE)
        match = pattern.search(subject)
        if match:
            justification = match.group(1).strip()
            subject = subject[: match.start()] + subject[match.end() :]
    subject, secure = remove_word(subject, settings.secure)
    subject, public = remove_word(subject, settings.public)
    cleaned = re.sub(r"\s{2,}", " ", subject).strip()
    return SubjectMarkers(cleaned, secure, public, justification)
