"""Audit records: envelope + verdict / outcomes / admin actions -> rows for the chained tables.

This is where the "nothing sensitive in clear" rule is applied: no body, no matched value,
no term; subjects, attachment names and free text only after masking; CPRs only as the keyed
fingerprints the detectors computed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from gateway.audit.chain import Record
from gateway.audit.masking import mask_numbers, mask_subject
from gateway.audit.schema import ACCESS, ADMIN_ACTION, DECISION, MESSAGE, OUTCOME
from gateway.types import Classification, Envelope, Finding, Level, RecipientOutcome, Verdict

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def timestamp(moment: datetime | None = None) -> str:
    """UTC time as fixed-width text, so it sorts and compares the same in both stores."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime(TIME_FORMAT)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def word_list(words: Sequence[str]) -> str:
    """Space-delimited with spaces at both ends, so ``LIKE '% word %'`` matches whole words."""
    return f" {' '.join(words)} " if words else ""


def mask_location(where: str, level: Level) -> str:
    """``subject``/``body`` as they are; an attachment's name only for an ordinary message."""
    kind, sep, name = where.partition(":")
    if not sep:
        return where
    if level is Level.ALMINDELIG:
        return f"{kind}:{mask_numbers(name)}"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return f"{kind}:[skjult].{extension}" if extension.isalnum() else f"{kind}:[skjult]"


def category_detail(classification: Classification) -> list[dict[str, Any]]:
    scores = {s.category: s for s in classification.scores}
    names = sorted({*classification.categories, *scores, *(f.category for f in classification.findings)})
    detail = []
    for name in names:
        findings = [f for f in classification.findings if f.category == name]
        score = scores.get(name)
        detail.append(
            {
                "category": name,
                "decided": name in classification.categories,
                "count": score.count if score else len(findings),
                "score": score.score if score else sum(f.score for f in findings),
                "threshold": score.threshold if score else None,
                "locations": sorted({mask_location(f.where, classification.level) for f in findings}),
            }
        )
    return detail


def finding_detail(finding: Finding, level: Level) -> dict[str, Any]:
    return {
        "category": finding.category,
        "where": mask_location(finding.where, level),
        "detector": finding.detector,
        "score": finding.score,
        "fingerprinted": finding.fingerprint is not None,
    }


def decision_records(
    envelope: Envelope, verdict: Verdict, size: int, config_version: str, at: str
) -> list[Record]:
    """One message row and one row per recipient decision."""
    classification = verdict.classification
    level = classification.level
    detail = {
        "categories": category_detail(classification),
        "findings": [finding_detail(f, level) for f in classification.findings],
    }
    justification = verdict.override_justification
    message: dict[str, Any] = {
        "at": at,
        "ref": envelope.ref,
        "message_id": verdict.message_id,
        "client_address": envelope.client_address,
        "sender": envelope.mail_from,
        "authenticated_as": envelope.authenticated_as,
        "recipients": to_json(list(envelope.rcpt_tos)),
        "size": size,
        "level": level.label,
        "categories": word_list(sorted(classification.categories)),
        "fingerprints": word_list(classification.cpr_fingerprints),
        "detail": to_json(detail),
        "subject": mask_subject(verdict.subject, level),
        "markers": to_json(list(verdict.markers)),
        "config_version": config_version,
        "override_justification": mask_numbers(justification) if justification is not None else None,
    }
    records: list[Record] = [(MESSAGE, message)]
    for decision in verdict.decisions:
        row = {
            "at": at,
            "ref": envelope.ref,
            "recipient": decision.recipient,
            "recipient_class": decision.recipient_class,
            "action": decision.action.value,
            "rule": decision.rule,
            "reason": mask_numbers(decision.reason),
        }
        records.append((DECISION, row))
    return records


def outcome_records(envelope: Envelope, outcomes: Sequence[RecipientOutcome], at: str) -> list[Record]:
    return [
        (
            OUTCOME,
            {
                "at": at,
                "ref": envelope.ref,
                "recipient": o.recipient,
                "action": o.action.value,
                "status": o.status.value,
                "reply": mask_numbers(o.reply),
                "tls_version": o.tls_version,
            },
        )
        for o in outcomes
    ]


def admin_record(ref: str, action: str, actor: str, detail: str, at: str) -> Record:
    row = {"at": at, "ref": ref, "action": action, "actor": actor, "detail": mask_numbers(detail)}
    return (ADMIN_ACTION, row)


def access_record(
    actor: str, command: str, criteria: Mapping[str, Any], result_count: int, at: str, ref: str = ""
) -> Record:
    """A look-up of personal data: who, when, which command with which (fingerprinted) criteria."""
    row = {
        "at": at,
        "ref": ref,
        "actor": actor,
        "command": command,
        "criteria": to_json(dict(criteria)),
        "result_count": result_count,
    }
    return (ACCESS, row)
