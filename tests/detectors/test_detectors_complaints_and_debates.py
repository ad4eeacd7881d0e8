"""A school leader's complaints, a guidance centre's debate and a staff room's planning: a complaint
about a mark is no staff matter, a debate announced to a group names presenters, one staff word in a
lesson plan makes no staff text, a semicolon in a sentence is no table; each case is written for
this test, with a positive beside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.engine import Detector
from detectors.settings import DetectorSettings
from gateway.types import Classification, TextPart
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]


@pytest.mark.parametrize(
    ("subject", "body", "absent"),
    [
        (
            "Klage over karakter – Ida 9.A",
            "Hej Ulla\n\nIdas far vil klage over karakteren i matematik; hun fik 4 til afgangsprøven.",
            "hr_confidential",
        ),
        (
            "Valgdebat for 9. klasse",
            "Kære samfundsfagslærere\n\nVi holder valgdebat for alle 9. klasser.\n\nPanelet:\n"
            "- Sara Holm (SF), byrådsmedlem\n- Jens Berg (DF), byrådsmedlem\n\n"
            "Ida og Bo fra elevrådet er ordstyrere.",
            "politics",
        ),
        (  # "begrundelse" is one staff word: the text is a lesson plan, its Karla a character
            "Dansk i 8.C",
            "Kære forældre i 8.C\n\nI de næste uger læser vi ungdomsromanen Sneglen af Lone Krag.\n\n"
            "Romanen handler om Karla på 14 år. Hendes far bliver idømt fængsel for røveri, og hun "
            "bliver til sidst anbragt hos sin faster.\n\nVi arbejder med personkarakteristik af Karla. "
            "Til sidst skriver eleverne en anmeldelse, som indgår i standpunktskarakteren.\n\n"
            "Hvis jeres barn skal læse en anden bog, så skriv til mig i Aula – I behøver ikke at give "
            "en begrundelse.",
            "social",
        ),
    ],
)
def test_words_of_another_kind_of_mail_stay_out(
    categories: Classify, subject: str, body: str, absent: str
) -> None:
    result = categories(body, subject=subject)
    assert absent not in result.categories, explained(result)


@pytest.mark.parametrize(
    ("subject", "body", "category"),
    [
        (
            "Klage over en kollega",
            "Hej Henrik\n\nPædagog Lars Due har indgivet en klage over en kollega, der har kommenteret hans "
            "udseende over for børnene.",
            "hr_confidential",
        ),
        (
            "Lønændring – Mette Bak",
            "Hej Lønservice\n\nMette Bak får et tillæg på 1.500 kr. om måneden. Begrundelsen er, at hun "
            "varetager opgaven som læsevejleder.",
            "hr_confidential",
        ),
    ],
)
def test_a_staff_matter_still_counts(categories: Classify, subject: str, body: str, category: str) -> None:
    result = categories(body, subject=subject)
    assert category in result.categories, explained(result)


def test_a_semicolon_in_a_sentence_is_no_table_row(detector: Detector, settings: DetectorSettings) -> None:
    body = (
        "Hej alle\n\nSå er det tid til MUS. Efter samtalen skriver jeg et kort referat, som vi begge "
        "godkender; det lægges i din personalesag og deles ikke med andre."
    )
    sheet = "navn,dato,tid\nLise Ottosen,2025-11-17,08:15\nSøren Bang,2025-11-17,09:15\n"
    parts = [
        TextPart("MUS-tider", "subject"),
        TextPart(body, "body"),
        TextPart(sheet, "attachment:tider.csv"),
    ]
    result = classify(detector.analyze(parts), settings)
    assert result.categories == (), explained(result)
