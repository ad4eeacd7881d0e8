"""Cases from mails of religious-education teachers, a crisis team and a school's politics: a number
dated this year whose 7th digit reads as a birth 100 years ago needs a label or a name to be a CPR,
a course certificate's number is none, a mental-health charity is no one's psychiatry, and a first
name that signs a mail over CRLF line ends is the writer."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.engine import Detector
from detectors.settings import DetectorSettings
from gateway.mime.extract import extract_text
from gateway.mime.settings import ExtractionSettings
from gateway.types import Classification, Finding
from tests.detectors.test_detectors_cpr import cprs
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]
Find = Callable[[str], list[Finding]]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ordren fra webshoppen\nvar 0311241586 – den blev vist afbrudt.", []),
        ("Oldemors CPR-nr.: 0311241586", ["0311241586"]),
        ("Sofie Holm 0311241586", ["0311241586"]),
        ("Ordren fra webshoppen\nvar 0311144586 – den blev vist afbrudt.", ["0311144586"]),
    ],
)
def test_a_birth_a_century_ago_needs_a_label_or_a_name(find: Find, text: str, found: list[str]) -> None:
    """'0311241586' reads 3.11.1924 by the century table: most likely an order dated 3.11.24. A label or
    a name still makes it a CPR; the same shape with a pupil's century (2014) stays one alone."""
    assert cprs(find, text) == found


def test_a_course_certificates_number_is_no_cpr(find: Find) -> None:
    text = (
        "Navn;Funktion;Kursus;Dato;Kursusbevis nr.\n"
        "Signe Damgaard;AKT-lærer;Psykisk førstehjælp;10.05.2022;1005226413\n"
        "Lone Bech;Sundhedsplejerske;Psykisk førstehjælp;10.05.2022;1005226414\n"
    )
    assert cprs(find, text) == []


def test_a_run_for_a_mental_health_charity_is_no_ones_psychiatry(categories: Classify) -> None:
    body = (
        "Hej elevråd\n\nSuper flot initiativ med støtteløbet for Psykiatrifonden! Fordelingen:\n\n"
        "  Yasmin Farah (8.B): plakater\n  Mikala Storm (7.A): startnumre\n\nAmira"
    )
    result = categories(body, subject="Støtteløb")
    assert not result.categories, explained(result)


def test_a_first_name_signing_over_crlf_line_ends_is_the_writer(
    detector: Detector, settings: DetectorSettings
) -> None:
    """A base64 body keeps MIME's CRLF line ends: its blank line still sets 'Kenneth' apart as the
    writer's sign-off, so the pupils who came to Denmark stay unnamed."""
    body = (
        "Hej Birgitte\r\n\r\nDer er 6 elever på 6. årgang, som ikke har bestået. Flere af dem har"
        " fortalt, at de ikke har haft adgang til en svømmehal, før de kom til Danmark.\r\n\r\nKenneth\r\n"
    )
    raw = (
        "From: k@skole.example\r\nSubject: =?utf-8?q?Sv=C3=B8mmepr=C3=B8ver?=\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.b64encode(body.encode()).decode()}\r\n"
    ).encode()
    parts = extract_text(raw, ExtractionSettings()).parts
    result = classify(detector.analyze(parts), settings)
    assert not result.categories, explained(result)
