"""choose_routes: the shipped policy table, recipient classes, the directory and the Subject markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import load_settings
from gateway.routing.policy import choose_routes
from gateway.routing.settings import MarkerSettings, RoutingSettings
from gateway.types import Action, Classification, Envelope, Extraction, Finding, Level, Verdict

CONFIG = Path(__file__).resolve().parents[2] / "config" / "mailvagt.yaml"
TEACHER = "lærer@skole.example"
COLLEAGUE = "kollega@skole.example"
PARTNER = "ppr@kommune.example"
PARENT_KNOWN = "karina.k@outlook.dk"
PARENT_UNKNOWN = "madsbak@gmail.com"
COMPANY = "info@busselskab.example"


def shipped() -> RoutingSettings:
    return load_settings(CONFIG).routing


def classified(level: Level, *categories: str) -> Classification:
    findings = tuple(Finding(category=c, where="body", score=1.0, masked="***") for c in categories)
    return Classification(level, categories, findings)


def route(
    classification: Classification, *rcpts: str, subject: str = "Hej", settings: RoutingSettings | None = None
) -> Verdict:
    envelope = Envelope("ref1", "127.0.0.1", TEACHER, rcpts)
    extraction = Extraction(parts=(), subject=subject, message_id="<m@skole.example>")
    return choose_routes(classification, envelope, extraction, settings or shipped())


def actions(verdict: Verdict) -> dict[str, Action]:
    return {d.recipient: d.action for d in verdict.decisions}


ALL = (COLLEAGUE, PARTNER, PARENT_KNOWN, PARENT_UNKNOWN, COMPANY)


@pytest.mark.parametrize(
    ("classification", "expected"),
    [
        (classified(Level.ALMINDELIG), [Action.DELIVER] * 5),
        (
            classified(Level.FORTROLIG, "cpr"),
            [Action.DELIVER, Action.SIKKER_MAIL, Action.DIGITAL_POST, Action.QUARANTINE, Action.QUARANTINE],
        ),
        (
            classified(Level.SEMIFOELSOM, "criminal"),
            [Action.DELIVER, Action.SIKKER_MAIL, Action.DIGITAL_POST, Action.QUARANTINE, Action.QUARANTINE],
        ),
        (
            classified(Level.FOELSOM, "health", "grades"),
            [Action.DELIVER, Action.SIKKER_MAIL, Action.DIGITAL_POST, Action.QUARANTINE, Action.QUARANTINE],
        ),
        (classified(Level.FORTROLIG, "wellbeing_survey"), [Action.REJECT] * 5),
        (classified(Level.FOELSOM, "health", "wellbeing_survey"), [Action.REJECT] * 5),
    ],
)
def test_shipped_policy_table(classification: Classification, expected: list[Action]) -> None:
    verdict = route(classification, *ALL)
    assert [d.action for d in verdict.decisions] == expected
    assert [d.recipient_class for d in verdict.decisions] == [
        "internal",
        "partner",
        "external",
        "external",
        "external",
    ]
    assert all(d.rule and d.reason for d in verdict.decisions)


def test_unknown_parent_is_quarantined_with_the_reason() -> None:
    verdict = route(classified(Level.FORTROLIG, "cpr"), PARENT_UNKNOWN)
    (decision,) = verdict.decisions
    assert decision.rule == "fortrolig.not_in_directory"
    assert "modtagerkartoteket" in decision.reason


def test_secure_marker_sends_every_external_recipient_by_sikker_mail_and_is_removed() -> None:
    verdict = route(classified(Level.ALMINDELIG), *ALL, subject="[SIKKER] Referat fra mødet")
    assert actions(verdict) == {
        COLLEAGUE: Action.DELIVER,
        PARTNER: Action.SIKKER_MAIL,
        PARENT_KNOWN: Action.SIKKER_MAIL,
        PARENT_UNKNOWN: Action.SIKKER_MAIL,
        COMPANY: Action.SIKKER_MAIL,
    }
    assert verdict.subject == "Referat fra mødet"
    assert verdict.markers == ("secure",)


def test_secure_marker_does_not_lift_a_rejection() -> None:
    verdict = route(classified(Level.FORTROLIG, "wellbeing_survey"), PARTNER, subject="[sikker] svar")
    assert actions(verdict) == {PARTNER: Action.REJECT}


def test_public_marker_is_honoured_only_when_nothing_was_found() -> None:
    strict_table = shipped().model_copy(
        update={"policy": (shipped().policy[1].model_copy(update={"min_level": None}),)}
    )
    clean = route(
        classified(Level.ALMINDELIG), COMPANY, subject="[offentlig] Skolefest", settings=strict_table
    )
    assert actions(clean) == {COMPANY: Action.DELIVER}
    assert clean.decisions[0].rule == "marker.public"
    found = route(classified(Level.FORTROLIG, "cpr"), PARENT_UNKNOWN, subject="[offentlig] Elevliste")
    assert actions(found) == {PARENT_UNKNOWN: Action.QUARANTINE}
    assert "public_ignored" in found.markers
    assert found.subject == "Elevliste"


def with_override(enabled: bool) -> RoutingSettings:
    return shipped().model_copy(update={"markers": MarkerSettings(override_enabled=enabled)})


def test_override_delivers_with_the_justification_when_enabled() -> None:
    verdict = route(
        classified(Level.FOELSOM, "health"),
        PARENT_UNKNOWN,
        subject="[tilsidesæt: forælder har selv bedt om det] Medicin",
        settings=with_override(True),
    )
    assert actions(verdict) == {PARENT_UNKNOWN: Action.DELIVER}
    assert verdict.override_justification == "forælder har selv bedt om det"
    assert verdict.subject == "Medicin"
    assert verdict.decisions[0].rule == "marker.override"


def test_override_is_ignored_when_not_enabled() -> None:
    verdict = route(
        classified(Level.FOELSOM, "health"), PARENT_UNKNOWN, subject="[tilsidesæt: haster] Medicin"
    )
    assert actions(verdict) == {PARENT_UNKNOWN: Action.QUARANTINE}
    assert verdict.override_justification is None
    assert "override_refused" in verdict.markers


def test_override_never_lifts_wellbeing_survey() -> None:
    verdict = route(
        classified(Level.FORTROLIG, "wellbeing_survey"),
        COLLEAGUE,
        PARENT_KNOWN,
        subject="[tilsidesæt: skal bruges] Trivsel",
        settings=with_override(True),
    )
    assert set(actions(verdict).values()) == {Action.REJECT}
    assert verdict.override_justification is None


def test_empty_override_justification_is_not_honoured() -> None:
    verdict = route(
        classified(Level.FORTROLIG, "cpr"),
        PARENT_UNKNOWN,
        subject="[tilsidesæt: ] x",
        settings=with_override(True),
    )
    assert actions(verdict) == {PARENT_UNKNOWN: Action.QUARANTINE}


def test_subdomains_of_internal_domains_are_internal() -> None:
    verdict = route(classified(Level.FOELSOM, "health"), "a@elev.skole.example", "b@skole.example.evil.test")
    assert [d.recipient_class for d in verdict.decisions] == ["internal", "external"]


def test_directory_can_be_yaml(tmp_path: Path) -> None:
    directory = tmp_path / "recipients.yaml"
    directory.write_text("- {email: Far@Example.dk, cpr: '120378-1432', name: Far}\n", encoding="utf-8")
    settings = RoutingSettings.model_validate({"directory": directory})
    verdict = route(classified(Level.FORTROLIG, "cpr"), "far@example.dk", settings=settings)
    assert actions(verdict) == {"far@example.dk": Action.DIGITAL_POST}


@pytest.mark.parametrize(
    ("content", "message"),
    [("email;cpr\nfar@example.dk;12345\n", "row 2: expected"), ("- {email: x@y.dk}\n", "entry 1: expected")],
)
def test_a_broken_directory_is_a_config_error_that_shows_no_cpr(
    tmp_path: Path, content: str, message: str
) -> None:
    from gateway.config import ConfigError

    suffix = "yaml" if content.startswith("-") else "csv"
    (tmp_path / f"r.{suffix}").write_text(content, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(f"routing: {{directory: r.{suffix}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as error:
        load_settings(tmp_path / "m.yaml")
    assert "12345" not in str(error.value)


def test_digital_post_label_with_a_cpr_is_refused_at_load(tmp_path: Path) -> None:
    from gateway.config import ConfigError

    (tmp_path / "m.yaml").write_text(
        "routing: {digital_post: {label: 'Sag 140507-4312'}}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"routing\.digital_post\.label"):
        load_settings(tmp_path / "m.yaml")


def test_a_missing_certificate_file_is_a_config_error(tmp_path: Path) -> None:
    from gateway.config import ConfigError

    (tmp_path / "m.yaml").write_text("routing: {digital_post: {client_cert: school.pem}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"routing\.digital_post\.client_cert: .*file not found"):
        load_settings(tmp_path / "m.yaml")
