"""A reply whose subject names the pupil, a book's characters and their kin, phrase cues that end at a
word, an applicant refused and a colleague's origin; each case is a mail written for this test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.context import CueSet
from detectors.engine import Detector
from detectors.settings import DetectorSettings
from gateway.types import Classification, TextPart
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]


def test_a_pronoun_in_a_reply_is_the_pupil_the_subject_names_though_the_reply_speaks_of_chapters(
    categories: Classify,
) -> None:
    body = (
        "Hej Jens\n\nHun kan læse kapitel 3 og 4 i sin læsebog, hvis hun er frisk nok.\n\nMvh Lise\n\n"
        "> Den 3. marts skrev Jens:\n> Hun har fået konstateret lungebetændelse og er på penicillin.\n"
    )
    result = categories(body, subject="Re: Lektier til Sol?")
    assert "health" in result.categories, explained(result)


def test_a_characters_kin_in_a_lesson_is_a_character_too(categories: Classify) -> None:
    body = (
        "Hej 8.b\n\nSpørgsmål til romanen:\n1. Hovedpersonen Mira mister sin far i kapitel 2.\n"
        "2. Miras bror Oskar er homoseksuel og skjuler det for moren. Hvordan skildrer fortælleren det?\n"
    )
    result = categories(body, subject="Opgave til romanen")
    assert result.categories == (), explained(result)


def test_a_phrase_cue_ends_at_an_ending_not_inside_a_compound() -> None:
    cues = CueSet.of(["alle forældre"])
    assert cues.find([], "hun har taget alle forældrene med") == "alle forældre"
    assert cues.find([], "hun har taget alle forældresamtalerne alene") is None
    assert cues.find([], "til nyalle forældre") is None


@pytest.mark.parametrize(
    ("body", "category"),
    [
        (
            "Kære Ali Demir\n\nTak for din ansøgning. Vi har valgt at ansætte en anden kandidat.",
            "hr_confidential",
        ),
        ("Hej Løn\n\nKaali Berthelsen er grønlænder og har grønlandsk som modersmål.", "ethnicity"),
        (
            "Hej\n\nHanne Bro fortalte, at hun og manden må sælge huset, fordi de ikke kan betale renterne.",
            "finances",
        ),
    ],
)
def test_a_refusal_an_origin_and_a_forced_sale(categories: Classify, body: str, category: str) -> None:
    result = categories(body)
    assert category in result.categories, explained(result)


def test_a_mother_tongue_class_is_no_ones_origin(categories: Classify) -> None:
    body = "Kære forældre\n\nModersmålsundervisning i grønlandsk og arabisk tilbydes tirsdag på Vestbyskolen."
    result = categories(body, subject="Modersmålsundervisning")
    assert result.categories == (), explained(result)


def test_a_text_table_with_bars_and_named_rows_holds_its_pupils_survey_answers(
    detector: Detector, settings: DetectorSettings
) -> None:
    table = (
        "Udtræk fra trivselsmålingen, 6.b\n\n"
        "Elev          | Glad for skolen | Føler sig ensom\n"
        "--------------+-----------------+----------------\n"
        "Ida Krogh     | Sjældent        | Tit\n"
        "Emil Vestergaard | Tit          | Aldrig\n"
    )
    parts = [TextPart("Til mødet", "subject"), TextPart(table, "attachment:trivsel_6b.txt")]
    result = classify(detector.analyze(parts), settings)
    assert "wellbeing_survey" in result.categories, explained(result)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (  # the school nurse named by her title, and a platform that is no one
            "Fra sundhedsplejen",
            "Kære forældre\n\nSundhedsplejersken Jette Bak er her hver tirsdag. Har jeres barn en diagnose "
            "eller fast medicin, så udfyld medicinskemaet på Intra.",
        ),
        (  # books for dyslexic readers bought by a school
            "Ordrebekræftelse",
            "Hej\n\nTak for din bestilling, att. Bo Kirkegaard:\n10 x ordblindematerialet, elevbog 5",
        ),
    ],
)
def test_titles_platforms_and_products_name_no_one(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject=subject)
    assert result.categories == (), explained(result)
