"""German mail (schools of the German minority in Sønderjylland): German terms and person words find
what they find in Danish, German nouns and compounds are no names, German labels make a number no CPR,
and German general texts stay almindelig. Every sentence is written for this test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.engine import Detector
from gateway.types import Classification

Classify = Callable[..., Classification]


@pytest.mark.parametrize(
    ("body", "category"),
    [
        (
            "Hallo Gesa,\n\nJannik aus der 3b nimmt ab heute wieder Ritalin, der Arzt hat die Dosis erhöht.",
            "health",
        ),
        (
            "Liebe Frau Hansen,\n\nLeon aus der 6a wird seit Wochen gemobbt und weint jeden Morgen.",
            "wellbeing",
        ),
        (
            "Hallo Uwe,\n\nLaut Vermerk hat das Familiengericht der Mutter von Mia das Sorgerecht "
            "übertragen.",
            "social",
        ),
        (
            "Hallo Imke,\n\nNacktbilder von Sophie Lindemann (8a) werden in einer Snapchat-Gruppe "
            "verschickt.",
            "criminal",
        ),
        (
            "Lieber Herr Frandsen,\n\nwie Sie wissen, sind wir Zeugen Jehovas, und Noah feiert keine "
            "Weihnachten.",
            "religion",
        ),
    ],
)
def test_german_terms_about_a_person(categories: Classify, body: str, category: str) -> None:
    result = categories(body, subject="Mitteilung")
    assert category in result.categories, [(f.category, f.reason) for f in result.findings]


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Klassenfahrt 7a – Packliste",
            "Liebe Eltern der 7a,\n\nwenn Ihr Kind regelmäßig Medikamente nimmt, geben Sie diese bitte "
            "in einer beschrifteten Tüte ab. Allergien bitte im Anmeldeformular angeben.\n\n"
            "Viele Grüße\nUwe Hansen",
        ),
        (
            "Stellenanzeige: Lehrkraft Deutsch/Religion",
            "Wir begrüßen Bewerbungen unabhängig von Alter, Geschlecht, Religion, ethnischer Herkunft oder "
            "sexueller Orientierung. Vor der Anstellung holen wir eine Straffeattest ein.",
        ),
        (
            "Weihnachtsgottesdienst",
            "Liebe Eltern,\n\nam Freitag feiern wir den Schulgottesdienst in der Kirche mit Pastorin Meyer. "
            "Die Teilnahme ist freiwillig.",
        ),
    ],
)
def test_german_general_texts_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject=subject)
    assert result.categories == (), [(f.category, f.reason) for f in result.findings]


@pytest.mark.parametrize(
    "word", ["Arbeitsheft", "Deutschbuch", "Klassenfahrt", "Bestellnummer", "Regenjacke"]
)
def test_german_nouns_and_compounds_are_no_names(detector: Detector, word: str) -> None:
    assert not detector.person.is_name(word)


@pytest.mark.parametrize("word", ["Jannik", "Wiebke", "Hauke", "Imke", "Mette", "Vestergaard"])
def test_names_stay_names(detector: Detector, word: str) -> None:
    assert detector.person.is_name(word)


def test_german_order_numbers_are_no_cpr(categories: Classify) -> None:
    body = "Vielen Dank für Ihre Bestellung!\n\nBestellnummer: 120925-4471\nRechnungsnummer: 2710251186"
    assert "cpr" not in categories(body, subject="WG: Bestellbestätigung 120925-4471").categories


def test_a_german_personennummer_is_a_cpr(categories: Classify) -> None:
    body = "Anmeldung: Mia Hansen, Klasse 1a, Personennummer 120415-4128, Mutter Sandra Hansen."
    assert "cpr" in categories(body, subject="Anmeldung").categories
