"""Cases from mails of a class for deaf and hard-of-hearing pupils, a school's recruitment office and
the liaison for refugee families: a long label before a colon names its number by its first word, a
first name alone on the last line signs the mail, a word in another script is no name, a pupil's own
matter outweighs a campaign word near it, hearing loss and implants are health, an English refusal
is a staff matter, and a template's filled-in example is no one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.engine import Detector
from detectors.settings import DetectorSettings
from gateway.types import FILE_NAME, Classification, Finding, TextPart
from tests.detectors.test_detectors_cpr import cprs
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]
Find = Callable[[str], list[Finding]]


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("Serial number on the replacement unit you sent last week: 0511231764 - faulty keyboard.", []),
        ("Bestillingsnr. hos leverandøren: 1709241130", []),
        ("CPR-nummer på eleven fra Aula: 1709141130", ["1709141130"]),
    ],
)  # fmt: skip
def test_a_long_label_names_its_number_by_its_first_word(find: Find, line: str, found: list[str]) -> None:
    assert cprs(find, f"Hej\n\n{line}\n\nMvh Sanne") == found


def test_a_first_name_alone_over_the_footer_signs_the_mail(categories: Classify) -> None:
    """'Kenneth' alone on the last line before '--' is the writer, not the pupils who came to Denmark."""
    body = (
        "Hej Birgitte\n\nDer er 6 elever på 6. årgang, som ikke har bestået. Flere af dem har fortalt, at de"
        " ikke har haft adgang til en svømmehal, før de kom til Danmark.\n\nKenneth\n\n--\n"
        "Bøgebakken Skole · 4400 Kalundborg · tlf. 59 53 21 00\n"
    )
    result = categories(body, subject="Svømmeprøver - tal til bestyrelsen")
    assert not result.categories, explained(result)


def test_a_name_alone_on_a_line_above_the_text_is_still_its_subject(categories: Classify) -> None:
    """A guard: a name line followed by the mail's text is no signature."""
    result = categories("Hej\n\nDet drejer sig om:\n\nEmil\n\nHan har fået konstateret astma.")
    assert "health" in result.categories, explained(result)


def test_words_in_another_script_are_no_names(categories: Classify) -> None:
    """An announcement in Danish and Ukrainian: 'Шановні батьки' is no pupil who keeps Easter."""
    body = (
        "Kære forældre\n\nOrtodoks påske falder den 12. april. Skolen giver fri til børn i familier, der"
        " fejrer påske. Det gælder også andre religiøse højtider.\n\nШановні батьки! Православний"
        " Великдень у 2026 році.\n\nVenlig hilsen\nIryna"
    )
    result = categories(body, subject="Ortodoks påske")
    assert not result.categories, explained(result)


def test_a_pupils_asthma_counts_beside_his_vaccination_card(categories: Classify) -> None:
    """'vaccination' dampens a campaign's health words, not the matter of a pupil named with his class."""
    body = (
        "Hej\n\nVed undersøgelsen af Artem (8.A) fandt jeg, at han mangler en booster. Hans"
        " vaccinationskort er vedlagt. Han har astma og bruger Ventoline efter behov.\n\nLine"
    )
    result = categories(body, subject="Vaccinationsstatus")
    assert "health" in result.categories, explained(result)


def test_a_flu_vaccination_newsletter_stays_general(categories: Classify) -> None:
    """A guard: the campaign itself, with no pupil, stays ordinary."""
    body = (
        "Kære forældre\n\nInfluenzavaccination tilbydes igen i år. Børn med astma kan med fordel tale med"
        " egen læge om vaccinen.\n\nVenlig hilsen\nSundhedsplejen"
    )
    result = categories(body, subject="Influenzavaccination")
    assert not result.categories, explained(result)


@pytest.mark.parametrize(
    "text",
    [
        "Alma har problemer med sin højre CI-processor, og hun klager over hovedpine efter frikvarteret.",
        "Noah i H-mellem har fået konstateret et høretab på venstre øre.",
    ],
)
def test_hearing_loss_and_implants_are_health(categories: Classify, text: str) -> None:
    result = categories(f"Hej\n\n{text}\n\nMvh Sidsel")
    assert "health" in result.categories, explained(result)


def test_an_english_refusal_with_its_reasons_is_a_staff_matter(categories: Classify) -> None:
    body = (
        "Dear Aleksander\n\nI am sorry to tell you that we have chosen another candidate. The committee"
        " found that your references from your previous school were mixed.\n\nBest regards\nTorben"
    )
    result = categories(body, subject="Your application")
    assert "hr_confidential" in result.categories, explained(result)


def test_a_templates_filled_in_example_is_no_one(detector: Detector, settings: DetectorSettings) -> None:
    """'Eksempel på udfyldelse: Navn: Jens Jensen' under 'Evt. tillæg aftales lokalt' is no staff matter."""
    name = "kontraktskabelon.txt"
    text = (
        "ANSÆTTELSESBREV\nNavn: ______________\nCPR-nr.: ______-____\n"
        "Løn: Efter gældende overenskomst. Evt. tillæg aftales lokalt.\n"
        "Eksempel på udfyldelse: Navn: Jens Jensen, CPR-nr.: 120488-****\n"
    )
    parts = [
        TextPart("Ny kontraktskabelon", "subject"),
        TextPart("Hej Birgitte\n\nDen nye skabelon er vedhæftet.\n\nMvh Jesper", "body"),
        TextPart(name, f"attachment:{name}", FILE_NAME),
        TextPart(text, f"attachment:{name}"),
    ]
    result = classify(detector.analyze(parts), settings)
    assert not result.categories, explained(result)
