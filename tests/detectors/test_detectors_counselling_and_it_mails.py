"""Cases from mails of student counsellors, an IT office, a school newspaper and a transport office:
a device's serial or a repair case is no CPR, a count is no mark, a book's character is no pupil
because a class stands on the line above, a meeting invitation about a named pupil is about her, and
a subject's abbreviation before a class is no pupil's initials."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.types import Classification, Finding
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]
Find = Callable[[str], list[Finding]]


@pytest.mark.parametrize(
    "text",
    [
        "Bus 610   Samsung Tab A9   SN 1102190873\nBus 612   Samsung Tab A9   SN 2707185921\n",
        "RMA 1803241126 – knækket skærmhængsel, 3 stk. elevmaskiner",
        "Enhed SN 3108191207 – tonerniveau 8 %.",
    ],
)
def test_a_serial_number_or_a_repair_case_is_no_cpr(find: Find, text: str) -> None:
    assert [f for f in find(text) if f.category == "cpr"] == []


@pytest.mark.parametrize(
    "text",
    [
        "Karakteren for indsatsen: 12 ud af 10, siger træner Kim Thorsen med et smil.",
        "Bogen fik 12 i vores klasse - altså 12 ud af 24 havde læst den før, skriver Liv Holm.",
    ],
)
def test_a_count_is_no_mark(categories: Classify, text: str) -> None:
    result = categories(f"SPORT\n\n{text}\n\nRedaktionen")
    assert "grades" not in result.categories, explained(result)


def test_a_class_on_the_line_above_does_not_make_a_books_character_a_pupil(categories: Classify) -> None:
    """The reviewers' class ('af Liv og Jamal, 8.A') stands above the review: Maja is the book's."""
    body = (
        'Anmeldelse: "Den dag Maja holdt op med at tale"\naf Liv og Jamal, 8.A\n\n'
        "Bogen handler om Maja på 15, som får en depression efter at hendes bedste veninde flytter. Hun får"
        " medicin og går til psykolog.\n\nVi giver bogen 5 ud af 6 stjerner."
    )
    result = categories(body, subject="Anmeldelse til skolebladet")
    assert "health" not in result.categories, explained(result)


def test_a_meeting_invitation_about_a_named_pupil_is_about_her(categories: Classify) -> None:
    """'Invitation:' opens a calendar invite's subject; 'Laura P. 1.c' is a pupil all the same."""
    result = categories(
        "Invitation vedhæftet.\n\n--\nLene Bach\nStudievejleder",
        subject="Invitation: Samtale m. Laura P. 1.c + mor – skolevægring/mistrivsel",
    )
    assert "wellbeing" in result.categories, explained(result)


@pytest.mark.parametrize(
    ("subject", "counts"),
    [
        ("Forløbsplan SA 2.a – køn og seksualitet", False),
        ("Samtale med MJ 2.a om seksualitet og hendes kæreste", True),
    ],
)
def test_a_subjects_abbreviation_before_a_class_is_no_pupils_initials(
    categories: Classify, subject: str, counts: bool
) -> None:
    result = categories("Hej faggruppe\n\nVedhæftet mit udkast.\n\nPeter", subject=subject)
    assert ("sexual_orientation" in result.categories) is counts, explained(result)


def test_a_candidate_on_campaign_is_no_campaign_newsletter(categories: Classify) -> None:
    """'på kampagne' is what a candidate does before an election; 'en kampagne' of a school is general."""
    body = (
        "Hej Claus\n\nAnja Petersen har spurgt, om hun kan få 3 dages ulønnet orlov. Hun er opstillet for"
        " Slesvigsk Parti til kommunalvalget og vil bruge dagene på kampagne.\n\nMette"
    )
    result = categories(body, subject="Anja - orlov nov.")
    assert "politics" in result.categories, explained(result)
