"""Classification: findings -> categories and one level (rspamd-like weights, caps, thresholds), explained."""

from __future__ import annotations

from collections.abc import Sequence

from detectors.settings import DetectorSettings
from gateway.types import CategoryScore, Classification, Finding, Level

UNSCANNABLE = "unscannable"


def symbol(finding: Finding) -> str:
    """What counts once per message: a CPR per fingerprint, a term per spelling, else the snippet."""
    if finding.fingerprint:
        return finding.fingerprint
    if finding.detector == "GradeRecognizer":
        return f"mark@{finding.where}:{finding.start}"  # each pupil's mark is its own symbol
    if finding.reason.endswith("]") and "[" in finding.reason:
        return finding.reason.rsplit("[", 1)[1][:-1]
    return finding.masked or finding.where


def score_category(category: str, findings: Sequence[Finding], settings: DetectorSettings) -> CategoryScore:
    """The best symbol counts fully, each further distinct symbol by ``further`` (when it scores at
    least ``further_from``); weighted and capped."""
    rule = settings.rule(category)
    best: dict[str, float] = {}
    for finding in findings:
        key = symbol(finding)
        best[key] = max(best.get(key, 0.0), finding.score)
    ranked = sorted(best.values(), reverse=True)
    raw = ranked[0] + rule.further * sum(r for r in ranked[1:] if r >= rule.further_from) if ranked else 0.0
    total = min(rule.cap, rule.weight * raw)
    if category == UNSCANNABLE and findings:
        total = max(total, rule.threshold)
    terms = tuple(sorted({f.masked for f in findings if f.masked}))
    return CategoryScore(category, round(total, 3), rule.threshold, len(findings), terms)


def classify(findings: Sequence[Finding], settings: DetectorSettings) -> Classification:
    """The categories whose score reaches their threshold, and the highest level among them."""
    by_category: dict[str, list[Finding]] = {}
    for finding in findings:
        by_category.setdefault(finding.category, []).append(finding)
    scores = tuple(score_category(c, fs, settings) for c, fs in sorted(by_category.items()))
    present = tuple(s.category for s in scores if s.score >= s.threshold)
    level = max((Level.from_label(settings.level_of(c)) for c in present), default=Level.ALMINDELIG)
    return Classification(level=level, categories=present, findings=tuple(findings), scores=scores)


def explain(classification: Classification) -> list[str]:
    """One line per category: score against threshold, the terms that fired, and the verdict."""
    lines = []
    for s in classification.scores:
        verdict = "counts" if s.category in classification.categories else "below threshold"
        terms = ", ".join(s.terms[:6])
        lines.append(
            f"{s.category}: {s.score:.2f} / {s.threshold:.2f} ({s.count} findings: {terms}) {verdict}"
        )
    return lines
