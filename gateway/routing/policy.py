"""Routing stage: classification + envelope + extraction -> Verdict (one decision per recipient).

Pure: no network, no audit. The only I/O is reading the recipient directory file, cached per process.
"""

from __future__ import annotations

from gateway.routing.directory import lookup_cpr
from gateway.routing.markers import SubjectMarkers, read_markers
from gateway.routing.recipients import recipient_class
from gateway.routing.settings import PolicyRule, RoutingSettings
from gateway.types import Action, Classification, Envelope, Extraction, RecipientDecision, Verdict

NEVER_OVERRIDDEN = frozenset({"wellbeing_survey"})
"""Categories no marker and no setting can send onwards (the ministry allows statistical use only)."""

NOT_IN_DIRECTORY = "modtageren står ikke i modtagerkartoteket, så Digital Post kan ikke bruges"


def matching_rule(classification: Classification, settings: RoutingSettings) -> PolicyRule:
    for rule in settings.policy:
        if rule.matches(classification.level, classification.categories):
            return rule
    return settings.policy[-1]


def override_honoured(
    markers: SubjectMarkers, rule: PolicyRule, classification: Classification, settings: RoutingSettings
) -> bool:
    return bool(
        settings.markers.override_enabled
        and markers.override_justification
        and rule.override_allowed
        and not NEVER_OVERRIDDEN & set(classification.categories)
    )


def decide(
    address: str,
    rule: PolicyRule,
    markers: SubjectMarkers,
    override: bool,
    classification: Classification,
    settings: RoutingSettings,
) -> RecipientDecision:
    """The route for one recipient: the policy row, then the sender's markers, in that order."""
    kind = recipient_class(address, settings)
    action, rule_id, reason = rule.action_for(kind), rule.id, rule.reason
    if action is Action.REJECT:
        return RecipientDecision(address, kind, action, rule_id, reason)
    if override:
        action, rule_id, reason = (
            Action.DELIVER,
            "marker.override",
            "afsenderen har tilsidesat reglen med en begrundelse",
        )
    elif markers.public and not classification.findings:
        action, rule_id, reason = (
            Action.DELIVER,
            "marker.public",
            "afsenderen har markeret mailen som offentlig",
        )
    if markers.secure and kind != "internal":
        return RecipientDecision(
            address, kind, Action.SIKKER_MAIL, "marker.secure", "afsenderen bad om Sikker Mail"
        )
    if action is Action.DIGITAL_POST and lookup_cpr(settings.directory, address) is None:
        return RecipientDecision(
            address, kind, Action.QUARANTINE, f"{rule_id}.not_in_directory", NOT_IN_DIRECTORY
        )
    return RecipientDecision(address, kind, action, rule_id, reason)


BLANKED = "[…]"


def masked_subject(classification: Classification, extraction: Extraction, settings: RoutingSettings) -> str:
    """The Subject as the scan read it, each finding in it blanked out (a CPR by its mask), no markers."""
    text = next((p.text for p in extraction.parts if p.where == "subject"), "")
    found = sorted(
        (f for f in classification.findings if f.where == "subject"), key=lambda f: (f.start, f.end)
    )
    pieces, at = [], 0
    for finding in found:
        if finding.start < at or finding.end <= finding.start:
            continue  # overlaps a span already blanked
        pieces += [text[at : finding.start], finding.masked if finding.fingerprint else BLANKED]
        at = finding.end
    pieces.append(text[at:])
    return read_markers("".join(pieces), settings.markers).subject


def choose_routes(
    classification: Classification, envelope: Envelope, extraction: Extraction, settings: RoutingSettings
) -> Verdict:
    """One RecipientDecision per envelope recipient, with the Subject's markers handled and removed."""
    markers = read_markers(extraction.subject, settings.markers)
    rule = matching_rule(classification, settings)
    override = override_honoured(markers, rule, classification, settings)
    decisions = tuple(
        decide(address, rule, markers, override, classification, settings) for address in envelope.rcpt_tos
    )
    names = markers.names
    if markers.override_justification is not None and not override:
        names = (*(n for n in names if n != "override"), "override_refused")
    if markers.public and classification.findings:
        names = (*(n for n in names if n != "public"), "public_ignored")
    return Verdict(
        classification=classification,
        decisions=decisions,
        subject=markers.subject,
        masked_subject=masked_subject(classification, extraction, settings),
        message_id=extraction.message_id,
        markers=names,
        override_justification=markers.override_justification if override else None,
    )
