"""Phone mails in lower case ("yusuf 8b faster"), the everyday words of a pupil quitting school or
shown without clothes, a term report in English, and English words for debts, police reports and
race; each case is a mail written for this test, with a hard negative beside it."""

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
            "ramadan",
            "hej kok – amir 7b holder ramadam fra i morgen, kan i gemme mad til ham? /Jens",
            "religion",
        ),
        (
            "",
            "hej\nmalthe siger han vil stoppe i skolen og ik tage prøverne. ring lige\nmvh Sanne",
            "education_readiness",
        ),
        (
            "haster",
            "der går et billede af Signe rundt på snap hvor hun ik har noget på. kan du ringe",
            "sexual_orientation",
        ),
        (
            "Signe",
            "Familien er missionsk og kommer i missionshuset hver søndag, så hun må ikke se filmen.",
            "religion",
        ),
        (
            "Term report",
            "Term report, spring\nPupil: Aiko Berg\nDanish A: 4\nEnglish A: 12\nMathematics A: 02",
            "grades",
        ),
        ("Ida", "Dear Tom,\n\nIda's mother reported him to the police for threats against her.", "criminal"),
        (
            "Ida",
            "Dear Tom,\n\nIda's father has debt collectors after him and has not paid the fees.",
            "finances",
        ),
        ("Lina", "Dear Ann,\n\nLina feels she is the only Black girl in her house.", "ethnicity"),
        ("oskar", "Oskar kom skæv i skole igen og har ikke været i ungdomsbehandlingen siden jul.", "health"),
        ("Ny elev", "Hej\n\nMor til Ama i 4.b er fra Ghana og taler mest engelsk med hende.", "ethnicity"),
        (
            "Ella",
            "ellas far må IKKE hente hende. der er kommet tilhold og sagen er hos politiet. /Mette",
            "criminal",
        ),
        (
            "Theo 1b",
            "Theo i 1b blev taget med en pose grønt og en digitalvægt på toilettet. Ring til SSP.",
            "criminal",
        ),
        (
            "Bekymring",
            "Hej\n\nIfølge storebror siger Adil i 8.b, at han kalder demokrati for noget, man skal bekæmpe.",
            "politics",
        ),
    ],
)
def test_sensitive_facts_in_phone_mails_and_english(
    categories: Classify, subject: str, body: str, category: str
) -> None:
    result = categories(body, subject=subject)
    assert category in result.categories, explained(result)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Ramadan", "Kære forældre\n\nRamadanen begynder i næste uke; skolen tilbyder mad efter solnedgang."),
        ("Prøver", "Hej alle i 9. klasse\n\nHusk at I skal tage prøverne i juni; planen ligger i Aula."),
        (
            "Term dates",
            "Dear parents,\n\nThe spring term starts on 6 January. English A and Danish A meet on Mondays.",
        ),
        ("Samir's visit", "Dear all,\n\nSamir Haddad from the partner school visits on Friday."),
        ("Noter", "Hej Mette\n\nMine noter fra mødet med Sofie og hendes mor ligger i mappen."),
        (
            "Roskildesyge i SFO'en",
            "Kære forældre\n\nHold barnet hjemme til 48 timer efter sidste opkast. Børn med epilepsi kan få "
            "flere anfald ved feber; følg barnets egen plan.",
        ),
        (
            "Debataften om Mellemøsten",
            "Hej alle\n\nElevrådet inviterer til debataften torsdag. I panelet: Rikke Holm, folketingsmedlem "
            "(SF), og Jamal Amin, byrådsmedlem (Enhedslisten). Ordstyrer: Mads Bech.",
        ),
    ],
)
def test_the_same_words_about_no_one_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject=subject)
    assert result.categories == (), explained(result)
