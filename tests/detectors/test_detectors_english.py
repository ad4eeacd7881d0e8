"""English mail (an international line, parents who write English): English terms and pronouns find
what they find in Danish, English words are no names, and English general texts stay almindelig.
Every sentence is written for this test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.engine import Detector
from gateway.types import Classification

Classify = Callable[..., Classification]


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Hi Mia,\n\nLucas told me today that he is gay and has not told his parents.", "sexual_orientation"),
        (
            "Hi Tom,\n\nNoor has been diagnosed with epilepsy and will carry her medication on the trip.",
            "health",
        ),
        (
            "Dear Anne,\n\nOliver in 7B is being bullied at lunch and says he has no friends in the class.",
            "wellbeing",
        ),
        ("Hi,\n\nJakub was arrested on Friday and charged with shoplifting, his mother says.", "criminal"),
        ("Hi Bo,\n\nAya's parents are going through a divorce and custody is not settled yet.", "social"),
        ("Hi Ewa,\n\nKarim's family was evicted last month and they are in debt to the council.", "finances"),
        (
            "Dear Helle,\n\nPlease find attached the written warning for Daniel Levin after the incident.",
            "hr_confidential",
        ),
        (
            "Hi,\n\nWe are worried that Freya will drop out; she has missed most of the spring.",
            "education_readiness",
        ),
    ],
)
def test_english_terms_about_a_person(categories: Classify, body: str, category: str) -> None:
    assert category in categories(body, subject="Confidential").categories


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Outdoor camp - packing list",
            "Dear Grade 6 families,\n\nMedication: if your child takes any medicine (for example for "
            "allergies or asthma), hand it to me in a bag marked with the child's name.\n\n"
            "Best wishes,\nRachel",
        ),
        (
            "Anti-bullying week",
            "Dear parents,\n\nNext week all students work with friendship and how to stop bullying. "
            "Please talk with your child about being a good friend.",
        ),
    ],
)
def test_english_general_texts_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    assert categories(body, subject=subject).categories == ()


def test_english_words_are_no_names_and_danish_words_stay_danish(detector: Detector) -> None:
    person = detector.person
    assert not any(person.is_name(w) for w in ("Medication", "Please", "Sweets", "Thanks"))
    assert person.is_name("Rachel") and person.is_name("Lars")


@pytest.mark.parametrize(
    ("body", "category"),
    [
        (
            "Hi Sarah,\n\nVild Haugen has not settled at all; she cries herself to sleep, her mum says.",
            "wellbeing",
        ),
        ("Hi,\n\nFelix's dad is doing time in Horsens after the court case.", "criminal"),
        ("Hej Helle\n\nRask er startet på Medikinet efter udredningen i Skejby.", "health"),
    ],
)
def test_more_ways_to_say_it(categories: Classify, body: str, category: str) -> None:
    assert category in categories(body, subject="Info").categories


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Essay prompts",
            "Dear MYP 5,\n\nYusra, the narrator, arrives in Denmark as a Kurdish refugee from Syria. How "
            "does the author show her depression? When her brother Karim is arrested, the family changes.",
        ),
        (
            "Draft unit plan",
            "Hi all,\n\nThe unit plan covers Christianity, Judaism and Hinduism; we visit the mosque and "
            "the temple. Ingrid, could you check the bus?",
        ),
    ],
)
def test_english_lessons_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    assert categories(body, subject=subject).categories == ()


def test_english_order_numbers_are_no_cpr(categories: Classify) -> None:
    body = "Thank you for your order!\n\nOrder number: 1502254471\nCustomer number: 3011900147"
    assert categories(body, subject="Order confirmation no. 1502254471").categories == ()
