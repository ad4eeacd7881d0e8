"""Given names from config/terms/first_names.yaml: names that the lemma table knows or that look like
compounds ("Rasmus", "Jens", "Morten") identify a person; names that are everyday words ("Storm",
"Bo", "Per") do so inside a sentence, before a surname or after "din søn", never as a sentence's
first word. Every sentence is written for this test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from detectors.engine import Detector
from detectors.lexicon import SHIPPED_TERMS_DIR, load_lexicon
from detectors.titles import subject_names
from gateway.types import Classification

Classify = Callable[..., Classification]


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Rasmus har fået diagnosen ADHD og starter på medicin efter ferien.", "health"),
        ("Jens fra 4.b har været sygemeldt med lungebetændelse i to uger.", "health"),
        ("Vi er bekymrede for Morten, som er begyndt at skære i sig selv.", "health"),
        ("Jeg kan fortælle, at Storm har fået konstateret epilepsi.", "health"),
        ("Kan du huske, at Bo har fået en bøde for butikstyveri?", "criminal"),
        ("Bo Jensen er sygemeldt med stress resten af måneden.", "health"),
        ("Vi har talt med din søn Ask om, at han bliver mobbet i frikvartererne.", "wellbeing"),
        ("Mads' forældre er gået fra hinanden, og han bor nu skiftevis hos dem.", "social"),
        ("Malthe fik 02 i matematik til terminsprøven.", "grades"),
        ("Birk havde et krampeanfald i taxaen i morges.", "health"),  # a word name before a verb
    ],
)
def test_a_given_name_identifies_the_person(categories: Classify, body: str, category: str) -> None:
    assert category in categories(body, subject="Til orientering").categories


@pytest.mark.parametrize(
    "body",
    [
        "Storm og regn: turen er aflyst. Hvis dit barn har astma, så husk medicinen til næste gang.",
        "Per 1. august gælder skolens nye politik for elever med diabetes.",
        "Sol og varme på lejrskolen! Husk solcreme, og giv besked, hvis jeres barn har allergi.",
        "Liv og glade dage i SFO'en: vi taler om, hvordan man passer på hinanden, når nogen er syg.",
    ],
)
def test_a_word_name_opening_a_sentence_is_the_word(categories: Classify, body: str) -> None:
    assert categories(body, subject="Nyt fra skolen").categories == ()


def test_a_word_name_before_a_verb_opens_a_subject(detector: Detector) -> None:
    assert subject_names(detector.person, "Birk havde krampeanfald i taxaen") == ["Birk"]
    assert subject_names(detector.person, "Storm og regn i weekenden") == []


def test_word_names_need_a_place_in_a_sentence(detector: Detector) -> None:
    person = detector.person
    assert person.is_name("Rasmus") and person.is_name("Noah")
    assert not person.is_name("Storm") and person.is_word_name("Storm") and person.is_word_name("Bos")
    assert not person.is_word_name("storm") and not person.is_word_name("STORM")


def test_an_admin_adds_names_in_yaml(tmp_path: Path) -> None:
    for source in SHIPPED_TERMS_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "first_names.yaml").write_text("names: [Xiomara]\nword_names: [Hav]\n", encoding="utf-8")
    lexicon = load_lexicon(tmp_path, ["strong", "medium", "weak"])
    assert lexicon.first_names == frozenset({"xiomara"}) and lexicon.word_names == frozenset({"hav"})


def test_a_quoted_title_in_a_subject_names_no_one(detector: Detector) -> None:
    assert subject_names(detector.person, "Nyt danskforløb: vi læser 'Lyset bag Linnea'") == []
    assert subject_names(detector.person, "Linnea 8.A - samtale") == ["Linnea"]


def test_a_genitive_and_a_name_that_calls_on_the_reader(categories: Classify) -> None:
    assert "criminal" in categories("Hi,\n\nFelix's dad is in prison after the court case.").categories
    body = "Hi all,\n\nThe unit covers Hinduism and we visit the mosque. Ingrid, could you check the bus?"
    assert categories(body, subject="Unit plan").categories == ()
