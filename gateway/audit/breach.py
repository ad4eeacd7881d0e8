"""Audit breach report: reference ids -> a Danish draft notification to Datatilsynet (GDPR art. 33).

The audit knows what happened to each message; what it cannot know (discovery time, likely
consequences, the school's contact details) is left as ``[UDFYLDES: ...]`` for the admin.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from gateway.audit.database import Database
from gateway.audit.queries import Criteria, search

CATEGORY_NAMES = {
    "cpr": "CPR-numre",
    "grades": "karakterer og standpunkter",
    "social": "væsentlige sociale problemer og interne familieforhold",
    "wellbeing": "mistrivsel",
    "wellbeing_survey": "individuelle svar fra trivselsmålingen",
    "hr_confidential": "personaleforhold (MUS, tillæg, advarsler, afskedigelse)",
    "finances": "væsentlige økonomiske forhold",
    "education_readiness": "uddannelsesparathed og frafaldsrisiko",
    "criminal": "strafbare forhold (art. 10)",
    "health": "helbredsoplysninger (følsomme, art. 9)",
    "union": "fagforeningsmæssigt tilhørsforhold (følsomme, art. 9)",
    "religion": "religiøs overbevisning (følsomme, art. 9)",
    "politics": "politisk overbevisning (følsomme, art. 9)",
    "ethnicity": "race eller etnisk oprindelse (følsomme, art. 9)",
    "sexual_orientation": "seksuelle forhold eller seksuel orientering (følsomme, art. 9)",
    "unscannable": "indhold der ikke kunne læses (ukendt indhold)",
}
ACTION_NAMES = {
    "deliver": "leveret til næste server",
    "sikker_mail": "sendt som sikker mail",
    "digital_post": "sendt med Digital Post",
    "quarantine": "tilbageholdt i karantæne",
    "reject": "afvist",
}
STATUS_NAMES = {
    "delivered": "modtaget",
    "held": "tilbageholdt",
    "refused": "afvist",
    "deferred": "udsat",
}


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category)


def breach_facts(db: Database, refs: Sequence[str]) -> dict[str, Any]:
    """What the audit holds about the messages ``refs``, counted the way the report needs."""
    messages = [m for ref in refs for m in search(db, Criteria(ref=ref))]
    found = {m["ref"] for m in messages}
    categories = Counter(c for m in messages for c in m["categories"])
    fingerprints = {f for m in messages for f in m["fingerprints"]}
    recipients = []
    for message in messages:
        outcomes = {o["recipient"]: o for o in message["outcomes"]}
        for decision in message["decisions"]:
            outcome = outcomes.get(decision["recipient"], {})
            recipients.append(
                {
                    "ref": message["ref"],
                    "recipient": decision["recipient"],
                    "recipient_class": decision["recipient_class"],
                    "action": decision["action"],
                    "status": outcome.get("status"),
                    "tls_version": outcome.get("tls_version"),
                    "at": outcome.get("at") or decision["at"],
                }
            )
    admin = [a for m in messages for a in m["admin_actions"]]
    times = sorted(m["at"] for m in messages)
    return {
        "refs": list(refs),
        "missing_refs": [r for r in refs if r not in found],
        "messages": len(messages),
        "senders": sorted({m["sender"] for m in messages}),
        "levels": sorted({m["level"] for m in messages}),
        "categories": dict(categories.most_common()),
        "distinct_cpr_fingerprints": len(fingerprints),
        "recipients": recipients,
        "admin_actions": [
            {"ref": a["ref"], "action": a["action"], "actor": a["actor"], "at": a["at"]} for a in admin
        ],
        "first_at": times[0] if times else None,
        "last_at": times[-1] if times else None,
    }


def measures(facts: dict[str, Any]) -> list[str]:
    lines = [
        f"{r['recipient']}: {ACTION_NAMES.get(r['action'], r['action'])}"
        + (f", {STATUS_NAMES.get(r['status'], r['status'])}" if r["status"] else "")
        + (f" (krypteret forbindelse: {r['tls_version']})" if r["tls_version"] else "")
        for r in facts["recipients"]
    ]
    lines += [f"{a['at']}: {a['actor']}: {a['action']} ({a['ref']})" for a in facts["admin_actions"]]
    return lines


def render_breach_report(facts: dict[str, Any], now: str) -> str:
    """The draft notification as plain text in Danish."""
    subjects = facts["distinct_cpr_fingerprints"]
    external = sorted({r["recipient"] for r in facts["recipients"] if r["recipient_class"] != "internal"})
    lines = [
        "UDKAST: Anmeldelse af brud på persondatasikkerheden til Datatilsynet",
        f"Dannet af Mailvagt {now} ud fra revisionsloggen. Felter med [UDFYLDES: ...] udfyldes af skolen.",
        "Anmeldelsen skal ske senest 72 timer efter, at bruddet er opdaget "
        "(databeskyttelsesforordningen art. 33).",
        "",
        "1. Dataansvarlig og kontaktperson",
        "   [UDFYLDES: skolens navn, CVR-nr. og adresse]",
        "   [UDFYLDES: databeskyttelsesrådgiver (DPO): navn, e-mail og telefon]",
        "",
        "2. Bruddets karakter",
        f"   Fortrolighedsbrud: {facts['messages']} e-mail(s) med personoplysninger sendt af "
        f"{', '.join(facts['senders']) or '-'}.",
        f"   Mailvagt-referencer: {', '.join(facts['refs'])}",
    ]
    if facts["missing_refs"]:
        lines.append(f"   Ikke fundet i revisionsloggen: {', '.join(facts['missing_refs'])}")
    lines += [
        "   [UDFYLDES: hvordan bruddet skete og hvordan det blev opdaget]",
        "",
        "3. Tidspunkter (UTC)",
        f"   Første e-mail: {facts['first_at'] or '-'}",
        f"   Sidste e-mail: {facts['last_at'] or '-'}",
        "   [UDFYLDES: hvornår bruddet blev opdaget]",
        "",
        "4. Kategorier af personoplysninger",
    ]
    lines += [f"   - {category_name(c)}: {n} e-mail(s)" for c, n in facts["categories"].items()] or [
        "   - ingen kategorier registreret"
    ]
    lines += [
        "",
        "5. Berørte registrerede (omtrentligt antal)",
        f"   Mindst {subjects} forskellige personer identificeret ved CPR-nummer "
        "(antal forskellige CPR-fingeraftryk).",
        "   [UDFYLDES: øvrige berørte personer uden CPR-nummer, og hvilke grupper "
        "(elever, forældre, ansatte)]",
        "",
        "6. Berørte registreringer",
        f"   {facts['messages']} e-mail(s) til i alt {len(facts['recipients'])} modtager(e).",
        "",
        "7. Modtagere",
    ]
    lines += [f"   - {r}" for r in sorted({r["recipient"] for r in facts["recipients"]})] or ["   - ingen"]
    lines.append(f"   Heraf uden for skolen: {len(external)}")
    lines += ["", "8. Sandsynlige konsekvenser for de registrerede", "   [UDFYLDES]", ""]
    lines += ["9. Trufne foranstaltninger", "   Registreret af Mailvagt:"]
    lines += [f"   - {m}" for m in measures(facts)] or ["   - ingen"]
    lines += [
        "   [UDFYLDES: øvrige foranstaltninger, fx anmodning til modtageren om sletning]",
        "",
        "10. Underretning af de registrerede",
        "   [UDFYLDES: er de registrerede underrettet? Hvis ikke, hvorfor]",
    ]
    return "\n".join(lines) + "\n"
