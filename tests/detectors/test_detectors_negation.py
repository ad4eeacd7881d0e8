"""Negation: a form's field answered with a no, or a term right after "ingen", says the pupil has
none of it; the answers that name something still count."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.types import Classification
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]

SIGN_UP = "Hej Mette\n\nTilmelding til lejrskolen for Oliver Berg, 4.B:\n{fields}\n\nMvh Ole"


@pytest.mark.parametrize(
    "fields",
    [
        "Allergier: ingen\nMedicin: nej\nSærlige hensyn: -",
        "Allergier: Ingen kendte.\nMedicin: Nej",
        "Oliver har ingen allergier og tager ingen medicin.",
        "Allergies: none\nMedication: no",
        "Oliver has no known allergies.",
    ],
)
def test_a_field_answered_no_is_no_health_fact(categories: Classify, fields: str) -> None:
    result = categories(SIGN_UP.format(fields=fields), subject="Tilmelding lejrskole")
    assert "health" not in result.categories, explained(result)


@pytest.mark.parametrize(
    "fields",
    [
        "Allergier: nødder\nMedicin: nej",
        "Allergier: ingen\nMedicin: astmaspray før idræt",
        "Oliver har ingen allergier, men han har epilepsi.",
        "Allergier: ingen, men han har fået konstateret diabetes i sommer",
    ],
)
def test_an_answer_that_names_something_still_counts(categories: Classify, fields: str) -> None:
    result = categories(SIGN_UP.format(fields=fields), subject="Tilmelding lejrskole")
    assert "health" in result.categories, explained(result)
