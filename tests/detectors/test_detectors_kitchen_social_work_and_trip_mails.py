"""Cases from mails of a school kitchen, school social workers and a school's trips: an order number
named before "er" is no CPR, the social worker who offers to listen is no case, a duty to notify is no
notification, a forwarded newsletter's "barnet" is any child, a made-up case's girl is no one, a
plan for a meeting is no diagnosis, marks listed one per line without a colon are marks, and "Mit navn
er Hanne" introduces the writer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.engine import Detector
from detectors.settings import DetectorSettings
from gateway.types import Classification, Finding, TextPart
from tests.detectors.test_detectors_cpr import cprs
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]
Find = Callable[[str], list[Finding]]


def test_an_order_number_named_before_a_copula_is_no_cpr(find: Find) -> None:
    """'Bestillingsnummeret fra webshoppen er 0504241239': the clause's subject names the number."""
    text = "Hej Jonas\n\nBestillingsnummeret fra webshoppen er 0504241239, og varelisten ligger ved.\n"
    assert cprs(find, text) == []


def test_a_cpr_label_before_a_copula_still_labels_a_cpr(find: Find) -> None:
    """A guard: 'Elevens CPR-nummer fra Aula er ...' is a CPR."""
    text = "Hej Jonas\n\nElevens CPR-nummer fra Aula er 0504144239, hvis du skal bruge det.\n"
    assert cprs(find, text) == ["0504144239"]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Børn og forældre kan altid tale med mig om skilsmisse, sorg og bekymringer derhjemme.", False),
        ("Ida fra 5.a har talt med mig om forældrenes skilsmisse.", True),
    ],
)
def test_the_writer_who_offers_to_listen_is_no_case(categories: Classify, text: str, counts: bool) -> None:
    """'tale med mig om skilsmisse': the writer is whom one talks to; Ida, who talked, is a pupil."""
    result = categories(f"{text}\n\nMed venlig hilsen\nSkolesocialrådgiveren")
    assert ("social" in result.categories) is counts, explained(result)


def test_a_duty_to_notify_is_no_notification(categories: Classify) -> None:
    body = "Samtaler hos mig er fortrolige, men jeg har skærpet underretningspligt som alle ansatte."
    result = categories(body, subject="Skolens socialrådgiver")
    assert not result.categories, explained(result)


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Videresender nyhedsbrevet fra Familieafdelingen.\n\nTal: Kommunen havde ved årsskiftet 212"
         " anbragte børn og unge. Mange af dem går i almindelig folkeskole, og flere skoler har fået nye"
         " kontaktpersoner i år.\n\nBarnets lov: Husk at barnets egne perspektiver skal fremgå af"
         " underretningen.", False),
        ("Videresender nyhedsbrevet fra Familieafdelingen.\n\nEmil i 3.b har fået en underretning.", True),
    ],
)  # fmt: skip
def test_a_forwarded_newsletters_child_is_any_child(categories: Classify, body: str, counts: bool) -> None:
    """In a newsletter sent on, 'barnets' is any child; a pupil named with a class is still one."""
    result = categories(f"{body}\n\n/Hanne")
    assert ("social" in result.categories) is counts, explained(result)


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Lise er en opdigtet pige på 14 år. Hun har cøliaki og må ikke få gluten.\n\n"
         "Lav en madplan til hendes lejrskole.", False),
        ("Lise i 8.a har cøliaki og må ikke få gluten på lejrskolen.", True),
    ],
)  # fmt: skip
def test_a_made_up_case_names_no_one(categories: Classify, body: str, counts: bool) -> None:
    """'en opdigtet pige': the case's Lise is a character; Lise of 8.a is a pupil."""
    result = categories(body, subject="Madkundskab")
    assert ("health" in result.categories) is counts, explained(result)


def test_an_action_plan_meeting_is_no_health_matter(categories: Classify) -> None:
    """'handleplansmøde': a placed child's plan as often as an allergy's; alone, no diagnosis."""
    result = categories("Vi holder handleplansmøde om Emil i næste uge. Kan du torsdag kl. 10?")
    assert "health" not in result.categories, explained(result)


def test_an_allergy_action_plan_is_still_health(categories: Classify) -> None:
    """A guard: the diagnosis in the plan counts."""
    result = categories("Vedhæftet handleplanen for Emil i 2.b, som har svær nøddeallergi og en EpiPen.")
    assert "health" in result.categories, explained(result)


def test_marks_listed_without_a_colon_are_marks(detector: Detector, settings: DetectorSettings) -> None:
    """'Tobias 7 (var syg en uge)', 'Esther 12', 'Marius 4 - gider ikke' under a lead-in with
    'standpunkt' are pupils' marks, the lead-in being a sentence that ends in a colon."""
    body = (
        "hej fatima\n\nefter testen i hallen har jeg lavet standpunkt i idræt, så du har dem til"
        " samtalerne:\nTobias 7 (var syg en uge)\nEsther 12\nMarius 4 - han gider ikke\nJosefine 10\n\nk"
    )
    parts = [TextPart("idræt 9a", "subject"), TextPart(body, "body")]
    findings = [f for f in detector.analyze(parts) if f.category == "grades"]
    assert len(findings) >= 4
    assert "grades" in classify(findings, settings).categories


def test_numbers_listed_under_a_schedule_are_no_marks(find: Find) -> None:
    """A guard: under 'Mødetider til prøven' the numbers are times, no marks."""
    text = "Mødetider til prøven i fysik:\nTobias 9\nEsther 10\nMarius 11\n"
    assert [f for f in find(text) if f.category == "grades" and "listed" in f.reason] == []


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Mit navn er Hanne Lykke. Emner: skilsmisse, sorg og bekymringer derhjemme.", False),
        ("Jeg hedder Hanne Lykke. Emner: skilsmisse, sorg og bekymringer derhjemme.", False),
        ("Hanne Lykke har en skilsmisse bag sig og er sygemeldt.", True),
    ],
)
def test_the_writers_own_name_introduces_her(categories: Classify, body: str, counts: bool) -> None:
    """'Mit navn er Hanne Lykke': the writer, who counts as 'jeg' in her own clause only."""
    result = categories(body, subject="Præsentation")
    assert ("social" in result.categories) is counts, explained(result)
