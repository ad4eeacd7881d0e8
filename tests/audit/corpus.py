"""The Østervang corpus as the audit sees it: envelopes and verdicts from labels, and what must not leak."""

from __future__ import annotations

import email
import email.policy
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage

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
from tests.corpus import corpus_folder

CORPUS = corpus_folder()
# Distinctive sensitive words of the corpus (diagnoses, criminal matters, dropout risk).
SENSITIVE_WORDS = (
    "diabetes",
    "insulinpumpe",
    "epilepsi",
    "straffeattest",
    "fodlænke",
    "afsoning",
    "frafaldsrisiko",
    "lægeerklæring",
    "laegeerklaering",
    "sigtet",
)


@dataclass(frozen=True)
class CorpusMessage:
    label: dict[str, object]
    message: EmailMessage
    size: int

    @property
    def level(self) -> Level:
        return Level.from_label(str(self.label["level"]))

    @property
    def cprs(self) -> list[str]:
        return [str(c) for c in self.label["cprs"]]  # type: ignore[attr-defined]

    @property
    def where(self) -> list[str]:
        return [str(w) for w in self.label["where"]]  # type: ignore[attr-defined]

    @property
    def subject(self) -> str:
        return str(self.message["subject"] or "")


def corpus_messages() -> Iterator[CorpusMessage]:
    for line in (CORPUS / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        raw = (CORPUS / label["file"]).read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        yield CorpusMessage(label, message, len(raw))


def addresses(header: str | None) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w.+-]+@[\w.-]+", header or ""))


def corpus_envelope(ref: str, item: CorpusMessage) -> Envelope:
    msg = item.message
    rcpts = addresses(msg["to"]) + addresses(msg["cc"])
    return Envelope(ref, "192.0.2.10", addresses(msg["from"])[0], rcpts)


def corpus_verdict(env: Envelope, item: CorpusMessage, key: str) -> Verdict:
    """What perfect detection would decide: the labels' level, categories and CPRs; free texts that
    quote a CPR (as a careless routing reason or sender justification might)."""
    level = item.level
    categories = tuple(str(c) for c in item.label["categories"])  # type: ignore[attr-defined]
    findings = [
        Finding("cpr", "body", 1.0, f"{c[:6]}-****", fingerprint(c, key), detector="cpr") for c in item.cprs
    ]
    findings += [
        Finding(c, w, 0.9, "***", detector="lexicon") for c in categories if c != "cpr" for w in item.where
    ]
    scores = tuple(CategoryScore(c, 1.0, 0.5, 1, ("term",)) for c in categories)
    quoted = f"{item.cprs[0][:6]}-{item.cprs[0][6:]}" if item.cprs else ""
    sensitive = level is not Level.ALMINDELIG
    decisions = tuple(
        RecipientDecision(
            r,
            "partner" if r.endswith("kommune.example") else "external",
            (Action.SIKKER_MAIL if r.endswith("kommune.example") else Action.QUARANTINE)
            if sensitive
            else Action.DELIVER,
            f"{level.label}-rule",
            f"{level.label} to {r} {quoted}",
        )
        for r in env.rcpt_tos
    )
    return Verdict(
        Classification(level, categories, tuple(findings), scores),
        decisions,
        subject=item.subject,
        message_id=str(item.message["message-id"] or ""),
        override_justification=f"Aftalt med forælder, CPR {quoted}" if quoted else None,
    )


def route(recipient: str) -> Action:
    return Action.SIKKER_MAIL if recipient.endswith("kommune.example") else Action.QUARANTINE


def cpr_forms(cpr: str) -> list[str]:
    """Every way the corpus writes a CPR."""
    return [cpr] + [cpr[:6] + sep + cpr[6:] for sep in ("-", " ", "\u2013", "\u00a0")]


def forbidden_strings(items: list[CorpusMessage]) -> list[str]:
    """The CPRs in all their forms and the sensitive subjects, attachment names and words.

    A word is left out when the audit legitimately stores it elsewhere: in an ordinary message's
    subject, or in an e-mail address (``tandpleje@kommune.example``, ``louise.h@skole.example``).
    """
    ordinary_text = " ".join(
        [i.subject for i in items if i.level is Level.ALMINDELIG]
        + [w for i in items if i.level is Level.ALMINDELIG for w in i.where]
        + [a for i in items for a in (*corpus_envelope("", i).rcpt_tos, corpus_envelope("", i).mail_from)]
    ).lower()
    found = [form for i in items for c in i.cprs for form in cpr_forms(c)]
    for item in items:
        if item.level is Level.ALMINDELIG:
            continue
        texts = [item.subject] + [w.partition(":")[2] for w in item.where if w.startswith("attachment:")]
        found += [t for t in texts if t]
        words = {w for t in texts for w in re.findall(r"[^\W\d_]{6,}", t)}
        found += [w for w in words if w.lower() not in ordinary_text]
    return sorted(set(found + list(SENSITIVE_WORDS)))


def folded(text: str) -> str:
    """Lower case, composed characters, every run of whitespace (line folds too) as one space."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def leaks(data: bytes | str, forbidden: list[str]) -> list[str]:
    """The forbidden strings that occur in ``data``, whatever their case or how lines were folded."""
    text = folded(data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data)
    return [f for f in forbidden if folded(f) in text]
