"""Grades: 7-point marks count only in grade context (words, subjects, table columns, averages)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.types import Classification, Finding
from tests.detectors.test_detectors_general_readings import explained

Find = Callable[[str], list[Finding]]


def marks(find: Find, text: str) -> list[str]:
    return [text[f.start : f.end] for f in find(text) if f.detector == "GradeRecognizer"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sofie fik 7 i dansk", ["7"]),
        ("Karakter: 02 i matematik", ["02"]),
        ("Standpunkt i engelsk: 12", ["12"]),
        ("Eksamen: -3", ["-3"]),
        ("Navn;Dansk;Matematik\nFreja Holm;7;10\nEmil Berg;02;4\n", ["7", "10", "02", "4"]),
        ("elev,klasse,karakter\nAya Hassan,10.X,10\nFrida Holck,10.X,7,\n", ["10", "7"]),
        ("standpunkt 4,2 i snit", ["4,2"]),
        ("Karaktergennemsnit: 7,3", ["7,3"]),
    ],
)
def test_marks_in_grade_context(find: Find, text: str, expected: list[str]) -> None:
    assert marks(find, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Vi mødes kl. 10 i lokale 12 til dansk.",
        "Dansk i 7. klasse starter i uge 12.",
        "Bussen kører 10 minutter senere.",
        "Hele årgangen: 4 elever mangler.",
        "Matematikbogen side 12.",
        "Navn;Lokale;Tid\nFreja;12;10\n",
    ],
)
def test_numbers_that_are_no_marks(find: Find, text: str) -> None:
    assert marks(find, text) == []


def test_grade_table_about_named_pupils_is_fortrolig(categories: Callable[..., object]) -> None:
    from gateway.types import Classification, Level

    result = categories(
        "Navn;Dansk;Matematik;Engelsk\nFreja Holm;7;10;12\nEmil Berg;02;4;7\n", "Terminsprøve"
    )
    assert isinstance(result, Classification)
    assert "grades" in result.categories and result.level == Level.FORTROLIG


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a reply quoting the teacher's listing
            "Tak, det tager jeg med.\n\n> Her er karaktererne fra årsprøven i fysik:\n>\n"
            "> Frederik Kure: 02\n> Ingrid Lauesen: 7\n",
            ["02", "7"],
        ),
        ("Standpunkter efter første termin:\n\nIngrid Lauesen: 10\nOtto Friis – 4\n", ["10", "4"]),
    ],
)
def test_marks_listed_per_pupil_under_a_grade_line(find: Find, text: str, expected: list[str]) -> None:
    assert marks(find, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Eksamensplan for fysik:\nFrederik Kure: 10\nIngrid Lauesen: 12\n",  # times of the day
        "Praktisk om prøven i morgen:\nLokale: 12\nMødetid: 10\n",  # no pupil's name
        "Holdene til idrætsprøven:\nFrederik Kure: 4\nIngrid Lauesen: 7\n",  # team numbers
        "Vi ses til sommerfesten!\nFrederik Kure: 7\n",  # no grade line above
    ],
)
def test_listings_that_are_no_marks(find: Find, text: str) -> None:
    assert [f for f in find(text) if "listed under" in f.reason] == []


def test_a_quoted_mark_listing_makes_the_reply_fortrolig(categories: Callable[..., object]) -> None:
    from gateway.types import Classification, Level

    body = "Hej Bo\n\nTak, jeg giver dem besked.\n\nPer\n\n> Resultater fra terminsprøven i tysk:\n"
    result = categories(body + "> Frederik Kure: 02\n> Ingrid Lauesen: 10\n", "SV: Tysk")
    assert isinstance(result, Classification)
    assert result.categories == ("grades",) and result.level == Level.FORTROLIG


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("SV: -3 i IØ skr. - Bo K. (3.c)", ("grades",)),
        ("02 i SA mdt. - Storm P. (2.x)", ("grades",)),
        ("-3 grader i morgen - Bo K. tager vanterne med", ()),
    ],
)
def test_a_mark_in_an_abbreviated_subject_beside_a_name_and_its_initial(
    categories: Callable[..., Classification], subject: str, expected: tuple[str, ...]
) -> None:
    """An upper-secondary subject's abbreviation before 'skr.'/'mdt.' makes the mark a grade; a word
    name before an initial ("Bo K.", "Storm P.") is the pupil's name."""
    result = categories("Jeg har talt med ham om det.\n\nHilsen Ahmed", subject=subject)
    assert result.categories == expected, explained(result)
