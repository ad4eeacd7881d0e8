"""Explanations to staff: verdict + per-recipient outcomes -> Danish text (with an English summary).

Texts come from template files (``routing.explain.templates_dir``) so a school can change the
wording. Nothing here prints a matched value: snippets are the detectors' masked forms with every
digit blanked out as well, so not even the birth date of a CPR number is shown.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gateway.routing.settings import ExplainSettings, PolicyRule, RoutingSettings
from gateway.types import Action, Classification, Envelope, Finding, RecipientOutcome, Status, Verdict

SHIPPED_TEMPLATES = Path(__file__).resolve().parents[1] / "config" / "templates"
MAX_SNIPPETS = 6

CATEGORY_WORDS: dict[str, tuple[str, str]] = {
    "cpr": ("CPR-numre", "CPR numbers"),
    "grades": ("karakterer", "grades"),
    "social": ("sociale forhold og familieforhold", "social and family matters"),
    "wellbeing": ("oplysninger om mistrivsel", "poor wellbeing"),
    "wellbeing_survey": ("individuelle svar fra trivselsmålingen", "individual wellbeing-survey answers"),
    "hr_confidential": ("fortrolige personaleforhold", "confidential staff matters"),
    "finances": ("økonomiske forhold", "financial circumstances"),
    "education_readiness": ("uddannelsesparathed eller frafald", "education readiness or dropout"),
    "criminal": ("strafbare forhold", "criminal offences"),
    "health": ("helbredsoplysninger", "health data"),
    "union": ("fagforeningsmedlemskab", "trade-union membership"),
    "religion": ("religiøs overbevisning", "religious belief"),
    "politics": ("politisk overbevisning", "political belief"),
    "ethnicity": ("etnisk oprindelse", "ethnic origin"),
    "sexual_orientation": ("seksuelle forhold", "sexual matters"),
    "unscannable": ("en fil, der ikke kunne læses", "a file that could not be read"),
}

DONE_DA: dict[tuple[Action, Status], str] = {
    (Action.DELIVER, Status.DELIVERED): "sendt som almindelig mail (modtageren er på skolen)",
    (Action.SIKKER_MAIL, Status.DELIVERED): "sendt krypteret med Sikker Mail",
    (Action.DIGITAL_POST, Status.DELIVERED): "sendt med Digital Post (e-Boks / mit.dk)",
    (Action.QUARANTINE, Status.HELD): "holdt tilbage i karantæne, ikke sendt",
    (Action.DIGITAL_POST, Status.HELD): "holdt tilbage i karantæne, ikke sendt",
    (Action.REJECT, Status.HELD): "stoppet, ikke sendt",
}
DONE_EN: dict[Status, str] = {
    Status.DELIVERED: "delivered",
    Status.HELD: "held, not sent",
    Status.REFUSED: "refused",
    Status.DEFERRED: "not yet sent, will be retried",
}
ROUTE_EN = {Action.SIKKER_MAIL: " by Sikker Mail", Action.DIGITAL_POST: " by Digital Post"}


@dataclass(frozen=True)
class Explanation:
    """A rendered text for one sender: its Subject line and body."""

    subject: str
    text: str


def category_words(categories: Sequence[str], english: bool = False) -> str:
    words = [CATEGORY_WORDS.get(c, (c, c))[1 if english else 0] for c in categories]
    return ", ".join(words) or ("personal data" if english else "personoplysninger")


def where_words(where: str) -> str:
    if where == "subject":
        return "i emnefeltet"
    if where.startswith("attachment:"):
        return f"i den vedhæftede fil «{where.removeprefix('attachment:')}»"
    return "i selve mailteksten"


def safe_snippet(masked: str) -> str:
    """The detector's masked form with every digit blanked, cut short."""
    return re.sub(r"\d", "•", " ".join(masked.split()))[:60]


def findings_lines(classification: Classification) -> str:
    lines = []
    for category in classification.categories:
        found = [f for f in classification.findings if f.category == category]
        places = sorted({where_words(f.where) for f in found}) or ["i mailen"]
        lines.append(f"  - {category_words([category])} ({len(found)} fund) {', '.join(places)}")
        lines.extend(snippet_lines(found))
    return "\n".join(lines) or "  - personoplysninger"


def snippet_lines(found: Sequence[Finding]) -> list[str]:
    snippets = sorted({safe_snippet(f.masked) for f in found if f.masked})[:MAX_SNIPPETS]
    return [f"      fx: {s}" for s in snippets]


def outcome_line(outcome: RecipientOutcome, reasons: dict[str, str]) -> str:
    done = DONE_DA.get((outcome.action, outcome.status))
    if done is None:
        done = "kunne ikke sendes endnu og prøves igen" if outcome.status is Status.DEFERRED else "afvist"
    reason = reasons.get(outcome.recipient, "")
    if outcome.status is Status.HELD and "; " in outcome.reply:
        reason = outcome.reply.partition("; ")[2]  # the transport's own reason, e.g. not registered
    elif outcome.status is Status.REFUSED and outcome.action is Action.SIKKER_MAIL:
        reason = "modtagerens server kunne ikke modtage sikkert i den fastsatte tid"
    return f"  - {outcome.recipient}: {done}" + (
        f" ({reason})" if reason and outcome.status is not Status.DELIVERED else ""
    )


def outcome_english(outcome: RecipientOutcome) -> str:
    route = ROUTE_EN.get(outcome.action, "") if outcome.status is Status.DELIVERED else ""
    done = "stopped, not sent" if outcome.action is Action.REJECT else DONE_EN[outcome.status]
    return f"{outcome.recipient}: {done}{route}"


def rule_text(verdict: Verdict, settings: RoutingSettings) -> str:
    used = {d.rule for d in verdict.decisions}
    rules: list[PolicyRule] = [
        r for r in settings.policy if r.id in used or any(u.startswith(r.id + ".") for u in used)
    ]
    texts = [f"  {r.handbook or r.reason}" for r in rules if r.handbook or r.reason]
    return "\n".join(texts) or "  Skolens regler for personoplysninger i e-mail."


def load_template(name: str, settings: ExplainSettings) -> string.Template:
    for folder in (settings.templates_dir, SHIPPED_TEMPLATES):
        if folder is not None and (folder / name).is_file():
            return string.Template((folder / name).read_text(encoding="utf-8"))
    raise FileNotFoundError(f"template {name} not found in {settings.templates_dir} or {SHIPPED_TEMPLATES}")


CPR_SHAPED = re.compile(r"\d{6}[-\s\u2013]?\d{4}")
HIDDEN_SUBJECT = "(emnet er skjult, fordi det indeholder personoplysninger)"


def shown_subject(verdict: Verdict) -> str:
    """The Subject as an explanation may quote it: what was found in it blanked out, no CPR digits."""
    found_in_subject = any(f.where == "subject" for f in verdict.classification.findings)
    subject = verdict.masked_subject if found_in_subject else verdict.subject
    if found_in_subject and not subject.strip(" […]*-"):
        return HIDDEN_SUBJECT  # nothing would be left to recognise the mail by
    return CPR_SHAPED.sub("******-****", subject) or "(uden emne)"


MARKER_NOTES = {
    "override_refused": (
        "Din begrundelse i [tilsidesæt: ...] er ikke brugt: tilsidesættelse er ikke slået til,\n"
        "eller reglen kan ikke tilsidesættes."
    ),
    "public_ignored": "Markeringen [offentlig] er ikke brugt, fordi mailen indeholder personoplysninger.",
}


def marker_notes(verdict: Verdict) -> str:
    notes = [MARKER_NOTES[m] for m in verdict.markers if m in MARKER_NOTES]
    return "\n\n" + "\n".join(notes) if notes else ""


def values(
    envelope: Envelope, verdict: Verdict, outcomes: Sequence[RecipientOutcome], settings: RoutingSettings
) -> dict[str, str]:
    reasons = {d.recipient: d.reason for d in verdict.decisions}
    classification = verdict.classification
    return {
        "subject": shown_subject(verdict),
        "count": str(len(classification.findings)),
        "findings": findings_lines(classification),
        "categories": category_words(classification.categories),
        "categories_en": category_words(classification.categories, english=True),
        "rule": rule_text(verdict, settings),
        "recipients": "\n".join(outcome_line(o, reasons) for o in outcomes),
        "recipients_en": "; ".join(outcome_english(o) for o in outcomes),
        "notes": marker_notes(verdict),
        "ref": envelope.ref,
        "dpo": settings.explain.dpo_contact,
    }


def explain_held(
    envelope: Envelope, verdict: Verdict, outcomes: Sequence[RecipientOutcome], settings: RoutingSettings
) -> Explanation:
    """The mail a sender gets when some copy was held or stopped."""
    stopped = any(o.action is Action.REJECT for o in outcomes)
    template = load_template("rejected.txt" if stopped else "explanation.txt", settings.explain)
    text = template.safe_substitute(values(envelope, verdict, outcomes, settings))
    subject = "Mailvagt: din mail er stoppet" if stopped else "Mailvagt: din mail er ikke sendt til alle"
    return Explanation(f"{subject} (ref {envelope.ref})", text)


def explain_rerouted(
    envelope: Envelope, verdict: Verdict, outcomes: Sequence[RecipientOutcome], settings: RoutingSettings
) -> Explanation:
    """The short receipt a sender gets when a copy went by Sikker Mail or Digital Post."""
    text = load_template("receipt.txt", settings.explain).safe_substitute(
        values(envelope, verdict, outcomes, settings)
    )
    return Explanation(f"Mailvagt: din mail er sendt sikkert (ref {envelope.ref})", text)


def ascii_only(text: str) -> str:
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = text.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def reject_reply(envelope: Envelope, verdict: Verdict, settings: RoutingSettings) -> str:
    """``550 5.7.1 ...``: the reference id and a short Danish reason, in ASCII, on one line."""
    text = load_template("reject_reply.txt", settings.explain).safe_substitute(
        values(envelope, verdict, [], settings)
    )
    return "550 5.7.1 " + " ".join(ascii_only(text).split())[:400]
