"""Cases from mails of an SFO, a school leader's office and a 10th grade: dotted initials with a class
are a pupil ("6.B (A.K. og S.Y.)"), a broken arm in a cast is health and painkillers on a packing list
are not, an inspection report's number is no CPR, a school's genitive name is no person, and the
name after 'Kontaktperson:' is whom to call."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.types import Classification, Finding
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]
Find = Callable[[str], list[Finding]]


def test_dotted_initials_with_a_class_are_a_pupil(categories: Classify) -> None:
    """'To piger fra 6.B (A.K. og S.Y.)' who want to pray their midday prayer at school."""
    body = (
        "Hej Birgitte\n\nTo piger fra 6.B (A.K. og S.Y.) vil gerne bede middagsbøn i frikvarteret.\n\nTariq"
    )
    result = categories(body, subject="Spørgsmål")
    assert "religion" in result.categories, explained(result)


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Lærke har brækket underarmen efter faldet fra klatrestativet og har fået gips på i 5 uger.", True),
        ("Pakkeliste til skituren for 2.g: skistøvler, hue, smertestillende og plaster.", False),
    ],
)
def test_a_fracture_is_health_painkillers_on_a_list_are_not(
    categories: Classify, body: str, counts: bool
) -> None:
    result = categories(f"Hej\n\n{body}\n\nMvh Bilal")
    assert ("health" in result.categories) is counts, explained(result)


def test_an_inspection_reports_number_is_no_cpr(find: Find) -> None:
    text = "Resultat: glad smiley. Kontrolrapport nr. 0211244417 kommer på findsmiley om et par dage."
    assert [f for f in find(text) if f.category == "cpr"] == []


def test_a_schools_genitive_name_is_no_person(categories: Classify) -> None:
    """'Her er Kongsbro Skoles tal': the school's figures, not a Kongsbro's bullying."""
    body = (
        "Hej Skoleafdelingen\n\nHer er Kongsbro Skoles tal til kvartalsrapporten: 4 sager om mobning,"
        " alle afsluttet.\n\nMvh Hanne"
    )
    result = categories(body, subject="Tal til kvartalsrapporten")
    assert not result.categories, explained(result)


def test_the_contact_person_of_a_trip_is_no_subject(categories: Classify) -> None:
    """'Kontaktperson på turen: Rasmus Egelund, 2091 4473' is whom to call; the wheelchair user is
    unnamed."""
    body = (
        "Hej\n\nAntal: 3 klasser, 71 elever + 6 voksne\nKontaktperson på turen: Rasmus Egelund, 2091 4473\n"
        "En elev bruger kørestol, så vi skal have én bus med lift.\n\nVenlig hilsen\nHanne"
    )
    result = categories(body, subject="Bus til Møns Klint")
    assert not result.categories, explained(result)


@pytest.mark.parametrize(
    "body",
    [
        "En elev fra 8.A (M.H.) har indrømmet, at han tog kassen. Bestyrelsen har besluttet at anmelde"
        " forholdet til politiet.",
        "Your foreman has identified him as Tomasz Wisniewski. We have reported the theft and ask that he"
        " does not enter the school grounds.",
    ],
)
def test_reporting_a_named_persons_deed_to_the_police_is_criminal(categories: Classify, body: str) -> None:
    result = categories(f"Hej\n\n{body}\n\nBirgitte")
    assert "criminal" in result.categories, explained(result)
