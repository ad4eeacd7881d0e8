"""A hospital school's and a boarding school's mail: a get-well wish and a new kidney, an exemption
from Christian studies, support under the Children's Act, grade averages in a sheet's column, a
boarder's evenings told in English; each case is written for this test, with a hard negative beside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.types import Classification
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]


@pytest.mark.parametrize(
    ("subject", "body", "category"),
    [
        (
            "Ugebrev",
            "Kære forældre\n\nVi siger god bedring til Alma fra 2.B, som har fået en ny nyre og kommer hjem "
            "til Nyborg i næste uge.",
            "health",
        ),
        ("Viggo 6.A", "Hej\n\nViggo i 6.A skal i dialyse tre gange om ugen efter jul.", "health"),
        (
            "Fritagelse fra kristendomskundskab – Noa 5.C",
            "Hej Lis\n\nNoa Holm i 5.C er fritaget fra kristendomskundskab efter ønske fra forældrene.",
            "religion",
        ),
        (
            "Status på Liva",
            "Kære Pia\n\nVedr. Liva Bech, 8.A: opholdet her er bevilget som støtte efter barnets lov, og "
            "vi sender status hver måned.",
            "social",
        ),
        (
            "Karakterer til UU",
            "Hej\n\nHer er 9.B.\n\nNavn\tKlasse\tGns. standpunkt\nAlma Ravn\t9.B\t7,4\nBo Lind\t9.B\t3,1\n",
            "grades",
        ),
        (
            "Mira",
            "Dear Anna,\n\nMira has been crying in her room most evenings and sits alone at dinner. She says "
            "nobody understands her here.",
            "wellbeing",
        ),
        (  # an English "custody arrangement" is no event announced to many
            "Re: Request for all data about my son",
            "Dear Mr Berg\n\nThank you for your e-mail. You will receive a copy of the data the school holds "
            "about Filip within one month.\n\nRegarding Filip's mother: the school follows the agreement "
            "from Familieretshuset. As long as you have joint custody, you both have the same access in "
            "Aula. If the custody arrangement changes, please send us the new decision.\n\nKind regards\n\n"
            "Lene Iversen\nData Protection Officer",
            "social",
        ),
    ],
)
def test_sensitive_facts_in_hospital_and_boarding_school_mail(
    categories: Classify, subject: str, body: str, category: str
) -> None:
    result = categories(body, subject=subject)
    assert category in result.categories, explained(result)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Bus til Zoo",
            "Hej alle\n\nBussen er bestilt.\n\nBus:         Midibus med lift (3 kørestolspladser + 22 "
            "sæder)\nPris:        2.850 kr.",
        ),
        (
            "Ny hal",
            "Hej Bo\n\nDen nye hal har kørestolsvenlige toiletter og en kørestolsrampe ved Olivers kontor.",
        ),
        (
            "Fag i 5. klasse",
            "Kære forældre\n\nForældre kan bede om fritagelse fra kristendomskundskab; skriv til kontoret.",
        ),
        (
            "Karakterblad",
            "Hej\n\nPå 7-trinsskalaen er 7 middel.\n\nFag\tGns. landsplan\nDansk\t7,1\nMatematik\t6,8\n",
        ),
        (
            "Julearrangement",
            "Kære forældre\n\nArrangementet i hallen starter kl. 17, og Amira fra 6.A synger.",
        ),
    ],
)
def test_the_same_words_about_no_one_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject=subject)
    assert result.categories == (), explained(result)
