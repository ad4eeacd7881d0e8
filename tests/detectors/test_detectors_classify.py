"""Classification: weighted, capped symbols against thresholds; the highest level wins; explained."""

from __future__ import annotations

from detectors.classify import classify, explain
from detectors.settings import CategoryRule, DetectorSettings
from gateway.types import Finding, Level


def term(category: str, score: float, spelling: str, where: str = "body") -> Finding:
    return Finding(category, where, score, spelling, reason=f"term '{spelling}' [{spelling}]")


def test_one_strong_finding_reaches_the_threshold() -> None:
    result = classify([term("health", 1.0, "astma*")], DetectorSettings())
    assert result.categories == ("health",) and result.level == Level.FOELSOM


def test_weak_findings_below_threshold_stay_almindelig() -> None:
    result = classify([term("health", 0.3, "syg"), term("health", 0.3, "læge")], DetectorSettings())
    assert result.categories == () and result.level == Level.ALMINDELIG
    (score,) = result.scores
    assert score.score < score.threshold and score.count == 2


def test_repeats_of_one_term_count_once_and_further_terms_add_a_share() -> None:
    settings = DetectorSettings()
    repeated = classify([term("wellbeing", 0.7, "mobbet")] * 5, settings)
    assert repeated.scores[0].score == 0.7
    varied = classify([term("wellbeing", 0.7, t) for t in ("mobbet", "ensom", "græder")], settings)
    assert varied.scores[0].score == round(0.7 + settings.rule("wellbeing").further * 1.4, 3)
    assert "wellbeing" in varied.categories


def test_further_terms_about_no_one_add_nothing() -> None:
    """A parents' evening on hash, theft and violence: many terms, none near a person."""
    settings = DetectorSettings()
    topics = [
        term("criminal", 0.7, "politi"),
        *(term("criminal", 0.3, t) for t in ("hash", "vold", "hærværk")),
    ]
    assert classify(topics, settings).scores[0].score == 0.7
    about = [term("criminal", 0.7, "politi"), *(term("criminal", 0.7, t) for t in ("sigtet", "anholdt"))]
    assert classify(about, settings).categories == ("criminal",)
    lenient = DetectorSettings(categories={"criminal": CategoryRule(further_from=0.0)})
    assert classify(topics, lenient).scores[0].score == round(0.7 + 0.25 * 0.9, 3)


def test_level_is_the_highest_among_categories() -> None:
    findings = [
        term("grades", 1.0, "standpunktskarakter*"),
        term("criminal", 1.0, "sigtet"),
        Finding("cpr", "body", 0.95, "******-****", fingerprint="ab"),
    ]
    result = classify(findings, DetectorSettings())
    assert set(result.categories) == {"grades", "criminal", "cpr"}
    assert result.level == Level.SEMIFOELSOM
    assert result.cpr_fingerprints == ("ab",)


def test_config_overrides_weight_threshold_and_level() -> None:
    settings = DetectorSettings(
        categories={
            "health": CategoryRule(weight=0.5),
            "grades": CategoryRule(threshold=0.2, level="foelsom"),
        }
    )
    result = classify([term("health", 1.0, "astma*"), term("grades", 0.3, "karakteren")], settings)
    assert result.categories == ("grades",) and result.level == Level.FOELSOM


def test_unscannable_is_its_own_category_at_the_configured_level() -> None:
    unreadable = Finding("unscannable", "attachment:scan.pdf", 0.0, "", reason="encrypted PDF")
    assert classify([unreadable], DetectorSettings()).level == Level.FORTROLIG
    result = classify([unreadable], DetectorSettings(unscannable_level="foelsom"))
    assert result.categories == ("unscannable",) and result.level == Level.FOELSOM


def test_explanation_names_score_threshold_and_terms() -> None:
    result = classify([term("health", 1.0, "astma*"), term("social", 0.2, "konflikt*")], DetectorSettings())
    lines = explain(result)
    assert any(
        line.startswith("health: 1.00 / 1.00") and "astma*" in line and "counts" in line for line in lines
    )
    assert any(line.startswith("social:") and "below threshold" in line for line in lines)


def test_the_embedded_rules_are_the_shipped_configs() -> None:
    from pathlib import Path

    from gateway.config import load_settings

    shipped = load_settings(Path(__file__).resolve().parents[2] / "config" / "mailvagt.yaml").detectors
    embedded = DetectorSettings()
    for category in ("cpr", "unscannable", "wellbeing", "health", "grades", "social"):
        assert shipped.rule(category) == embedded.rule(category), category
