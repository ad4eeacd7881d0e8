"""Signatures, organisations, intensified and possessive phrases, and religious practice by name: each
case is a mail written for this test, most with a hard negative beside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.letter import contact_line
from gateway.types import Classification, Finding
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]
Find = Callable[[str], list[Finding]]


@pytest.mark.parametrize(
    ("line", "contact"),
    [
        (["T", ":", "3344", "5566"], True),
        (["M", ":", "2233", "4455"], True),
        (["+45", "28", "44", "19", "06"], True),
        (["E-mail", ":", "bo@skole.example"], True),
        (["www.skole.example"], True),
        (["Viceskoleleder"], False),
        (["Hun", "har", "8", "fraværsdage"], False),
        (["3.b"], False),
    ],
)
def test_a_contact_line_of_a_signature(line: list[str], contact: bool) -> None:
    assert contact_line(line) is contact


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (  # the name under the statistics signs them ("T:" is a phone line)
            "Fravær på skolen",
            "Kære bestyrelse\n\nFraværet falder fra 5. klasse til 7. klasse, og trivslen stiger.\n\n"
            "Helga Brink\nSkoleleder\nT: 3344 5566",
        ),
        (  # a wish that ends the mail, then the writer
            "Julemarked",
            "Kære forældre\n\nOverskuddet går til en indsamling for flygtninge i Sydsudan.\n\n"
            "Glædelig jul\nMarianne",
        ),
        (  # an organisation in the genitive is no person
            "Indsamling",
            "Kære alle\n\nI år samler 6. årgang ind til Unicefs arbejde for flygtningebørn.",
        ),
        (  # a payment reference shaped like a CPR, with "barnets navn" after it
            "Betaling for lejrtur",
            "Kære forældre\n\nBetal 300 kr. på MobilePay og skriv betalingsreference 1203250417 og "
            "barnets navn.",
        ),
        (  # a loan called in at the bank is no dismissal
            "Ny bus",
            "Kære forældre\n\nBanken har opsagt lånet på den gamle skolebus, så vi lejer en i foråret.",
        ),
    ],
)
def test_signatures_organisations_and_references_name_no_one(
    categories: Classify, subject: str, body: str
) -> None:
    result = categories(body, subject=subject)
    assert result.categories == (), explained(result)


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Hej Lise\n\nOliver i 4.b har det rigtig dårligt og vil ikke ud i frikvarteret.", "wellbeing"),
        ("hej\nmalou har ik fået sine piller i morges, kan i give hende en kl 10?\nmvh Jens", "health"),
        ("Husk: TK (Mågen, 2. kl.) er ikke med til jul i klassen – familien er JV.", "religion"),
        ("Hej\n\nSiri i 7.c går til nadver i Indre Mission hver søndag, så hun kan ikke til stævnet.",
         "religion"),
        ("Hej Ole\n\nFamilien Haile er ortodokse kristne, så Selam faster frem til påske.", "religion"),
        ("Hej\n\nNahom i 3.a taler tigrinya derhjemme; familien er etiopiske.", "ethnicity"),
        ("Hej\n\nFar til Malte skriver, at de skylder over 200.000 kr. til banken.", "finances"),
        ("Hej Kim\n\nJonas i 10.b vil stoppe i 10 efter nytår og tage hyre.", "education_readiness"),
        ("Hej\n\nMor til Noa (1.b) har fået midlertidig forældremyndighed; far må ikke hente.", "social"),
        ("Hej\n\nMor til Lukas i 3.b er litauer og taler kun lidt dansk, så vi bestiller tolk.", "ethnicity"),
        ("Hej Per\n\nVi trækker tilbuddet tilbage til Kasper Lund efter samtalen med HR.", "hr_confidential"),
    ],
)  # fmt: skip
def test_intensified_possessive_and_everyday_phrasings(
    categories: Classify, body: str, category: str
) -> None:
    result = categories(body)
    assert category in result.categories, explained(result)


def test_a_secret_game_and_touching_told_by_a_child_are_sexual_matters(categories: Classify) -> None:
    body = (
        "Hej Anne\n\nEllen (0.b) fortalte i dag, at hun og onklen leger den hemmelige leg i sengen, og at "
        "hun ikke må sige det til nogen. Hun viste, hvor han rører hende."
    )
    assert "sexual_orientation" in categories(body).categories
    lesson = "Kære forældre\n\nI sundhedsugen leger 1. klasse lege om kroppen og om hemmeligheder."
    assert categories(lesson).categories == ()


def test_a_first_communion_list_with_names_is_religious_practice(categories: Classify) -> None:
    body = "Navn;Klasse;Førstekommunion;Skriftemål\nAdam Nowak;3.a;ja;ja\nRosa Cruz;3.b;ja;nej\n"
    assert "religion" in categories(body, subject="Liste til sognet").categories


def test_a_request_for_new_staffs_criminal_record_certificates_is_no_offence(categories: Classify) -> None:
    body = (
        "Hej Lone\n\nVi skal have indhentet børneattest og straffeattest på Mette Holm og Ali Nasser, "
        "inden de starter 1. marts. Samtykkeerklæringerne er underskrevet."
    )
    assert "criminal" not in categories(body).categories
    found = "Hej Lone\n\nStraffeattesten på Mette Holm viser en dom for vold fra 2022."
    assert "criminal" in categories(found).categories
