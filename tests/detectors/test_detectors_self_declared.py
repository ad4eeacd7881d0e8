"""The writer's own belief or belonging ("Som praktiserende muslim ... finder jeg", "Vi er en
troende katolsk familie", "jeg sidder i bestyrelsen for Venstre") is about an identifiable person,
though the mail complains about a lesson topic whose general words stand near. A school's "vi" and
an invitation to all stay general."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.types import Classification
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]

COMPLAINT = "Til skolens ledelse\n\n{text}\n\nMed venlig hilsen\nKarim Haddad"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Jeg vil klage over, at Yasmin i 6.b skal med til julegudstjeneste i kristendomsundervisningen."
            " Som praktiserende muslim finder jeg det forkert, at hun ikke kan blive på skolen.",
            "religion",
        ),
        (
            "Vi er en troende katolsk familie, og vi ønsker ikke, at Sofie deltager i seksualundervisningen"
            " i næste uge.",
            "religion",
        ),
        (
            "Jeg har læst ugeplanen for temaugen om demokrati. Jeg sidder selv i bestyrelsen for"
            " Enhedslisten, og jeg synes ikke, at klassen skal høre én side af sagen.",
            "politics",
        ),
    ],
)
def test_the_writers_own_belief_counts_in_a_complaint_about_a_lesson(
    categories: Classify, text: str, category: str
) -> None:
    result = categories(COMPLAINT.format(text=text), subject="Klage over undervisningen")
    assert category in result.categories, explained(result)


@pytest.mark.parametrize(
    "text",
    [
        "Kære forældre\n\nVi er en kristen friskole, og i kristendomsundervisningen besøger vi kirken og"
        " moskéen i byen i uge 12.",
        "Kære alle forældre\n\nJeg er glad for at kunne invitere til temadag om islam og kristendom,"
        " hvor en imam og en præst fortæller om deres tro.",
        "Kære elever i 8. årgang\n\nSom en del af kristendomsundervisningen skal I skrive om, hvad det vil"
        " sige at være troende i dag.",
    ],
)
def test_a_schools_we_and_an_invitation_stay_general(categories: Classify, text: str) -> None:
    result = categories(text, subject="Kristendomskundskab i foråret")
    assert not result.categories, explained(result)
