"""Letter shape and test results: a contact named in an instruction, the you of a how-to, a pronoun's
antecedent early in a long paragraph, reading-test scores, dropout told as 'falder ud af skolen',
languages offered as lessons; each case is a sentence written for this test, with a hard negative."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.letter import names_the_contact
from detectors.nlp import tokenize
from gateway.types import Classification, Finding, Level
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]


@pytest.mark.parametrize(
    ("text", "name", "contact"),
    [
        ("Ring eller sms til Henning inden kl. 7.", "Henning", True),
        ("Kontakt Solvej på kontoret, hvis I har spørgsmål.", "Solvej", True),
        ("Skriv til Henning, så svarer han i morgen.", "Henning", True),
        ("Ring til Bertils mor, hun ved besked.", "Bertils", False),  # the pupil, through his mother
        ("Vi ringede til Henning mor i går.", "Henning", False),
        ("I går fik Henning ondt i maven i frikvarteret.", "Henning", False),
        ("Jeg har sendt Henning hjem.", "Henning", False),
        ("Send Henning hjem, hvis han får feber.", "Henning", False),  # sent, not contacted
    ],
)
def test_a_name_the_reader_should_contact_is_no_subject(text: str, name: str, contact: bool) -> None:
    texts = tokenize(text).texts
    assert names_the_contact(texts, texts.index(name)) is contact


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (  # the contact of a staff rule is no one who is ill
            "Regler for fravær",
            "Hej alle\n\nVed sygemelding: ring eller sms til Henning før kl. 7. Sygdom ud over tre uger "
            "fører til en samtale efter kommunens retningslinjer.",
        ),
        ("Sådan melder du dig syg", "Hej alle\n\nSe reglerne på intra under Personale."),
        (  # a timetable: darkness is no skin colour
            "Køreplan",
            "Kære forældre\n\nI vinterhalvåret kører bussen fra Tørsbøl 10 minutter før pga. mørke og glat "
            "føre.",
        ),
        (  # languages offered as lessons are no one's origin
            "Modersmål",
            "Kære forældre\n\nI år er der hold i somalisk, arabisk, kurdisk og ukrainsk for tosprogede "
            "børn. Holdene mødes på Rønshoved Skole.",
        ),
        (  # a reading test announced for a class, no pupil's result
            "Læseprøve",
            "Kære forældre i 2. klasse\n\nPå torsdag har klassen ordlæseprøve. Børnene skal ikke øve sig "
            "hjemme.",
        ),
        (  # the drop-out of a tile in a lesson, no pupil leaving school
            "Tema om uddannelse",
            "Hej 9. klasse\n\nI temaforløbet læser vi om, hvorfor unge falder fra en uddannelse, og hvad "
            "statistikken viser for hele landet.",
        ),
    ],
)
def test_rules_timetables_and_offers_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject)
    assert result.level == Level.ALMINDELIG, explained(result)


@pytest.mark.parametrize(
    ("body", "category"),
    [
        (  # the one who is ill is still found in a staff mail with a contact
            "Hej alle\n\nLisbeth er sygemeldt med lungebetændelse resten af ugen; ring til Henning om "
            "vikardækning.",
            "health",
        ),
        (
            "Hej Gitte\n\nTorben fik 11 rigtige ud af 40 i ordlæseprøven, og han er i gruppen 'usikker "
            "læser'.",
            "grades",
        ),
        ("Hej Gitte\n\nTorben ligger under 15. percentil i den nationale læsetest.", "grades"),
        (  # the pronoun's antecedent opens a long paragraph
            "Hej Bente\n\nAsta har haft 38 % fravær i 8. klasse, og efter jul har hun mest været i skole "
            "om tirsdagen. Vi har holdt fire møder med far og prøvet både en mødeplan, en kontaktbog og "
            "en fast voksen i frikvarteret, uden at det har hjulpet. Vi ser en klar "
            "risiko for, at hun falder helt ud af skolen i 9. klasse, og foreslår heltidsundervisning "
            "eller et kombineret forløb.",
            "education_readiness",
        ),
        (
            "Hej Integrationsteamet\n\nBror og søster Hrytsenko er nye i 3. og 5. klasse. Familien kom "
            "til Danmark i sommer og taler ukrainsk derhjemme.",
            "ethnicity",
        ),
        (
            "Hej\n\nFamilien til Bertil i 4.B skal sættes ud af lejligheden til marts, og mor er alene "
            "med børnene.",
            "social",
        ),
        (
            "Hej\n\nAlma har fortalt, at onkel kommer ind når hun er i bad og rører ved hende. Vi kontakter "
            "politiet i dag.",
            "criminal",
        ),
    ],
)
def test_results_dropout_origin_and_abuse_of_a_pupil_are_found(
    categories: Classify, body: str, category: str
) -> None:
    result = categories(body)
    assert category in result.categories, explained(result)
    assert result.level > Level.ALMINDELIG


@pytest.mark.parametrize(
    ("subject", "person"),
    [
        ("Sådan melder du dig syg", False),  # the you of an instruction
        ("Hvordan melder du dig syg?", False),
        ("Nu melder du dig syg igen", True),  # the reader
        ("Jeg hørte, at du meldte dig syg", True),
    ],
)
def test_the_you_of_a_how_to_is_no_reader(
    find: Callable[..., list[Finding]], subject: str, person: bool
) -> None:
    reasons = [f.reason for f in find(subject, "subject") if f.category == "health"]
    assert reasons and ("no person near" not in reasons[0]) is person, reasons
