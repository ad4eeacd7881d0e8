"""Category detection: sensitive facts about an identifiable person; hard negatives stay almindelig."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.types import Classification, Level

Classify = Callable[..., Classification]


@pytest.mark.parametrize(
    ("body", "category"),
    [
        (
            "Hej Anne\n\nEmil i 2.B har fået konstateret astma, og han skal have inhalator med til idræt.",
            "health",
        ),
        ("Kære Jens\n\nDin søn fik et epilepsianfald i dag i frikvarteret. Han er nu hjemme.", "health"),
        ("Vi har fået svar fra børnepsykiatrien: Oliver har fået en ADHD-diagnose.", "health"),
        ("Hej Lise\n\nJeg er sygemeldt resten af ugen efter min operation for diskusprolaps.", "health"),
        ("Kære Maria\n\nSofie fik 7 i dansk og 10 i matematik til standpunktskaraktererne.", "grades"),
        ("Hej Peter\n\nMalthe fik 02 i dansk skriftlig ved terminsprøven.", "grades"),
        ("Hej\n\nEmma (7.C) er anbragt i en plejefamilie fra næste uge efter en underretning.", "social"),
        ("Hej Mette\n\nJonas' forældre er midt i en skilsmisse, og han bor nu skiftevis hos dem.", "social"),
        (
            "Hej Maja\n\nLukas i 4.A mistrives og er blevet mobbet i flere uger. Han græder hver morgen.",
            "wellbeing",
        ),
        (
            "Hej Kim\n\nAhmed fra 9.B er sigtet for butikstyveri og blev anholdt af politiet i går.",
            "criminal",
        ),
        (
            "Hej Tove\n\nHenrik er medlem af Danmarks Lærerforening, så kontingentet trækkes i lønnen.",
            "union",
        ),
        ("Hej\n\nFatima i 3.B er muslim og skal have fri til fredagsbøn; hun går med tørklæde.", "religion"),
        (
            "Hej\n\nLærer Mads Kjær stiller op for Enhedslisten ved kommunalvalget som partipolitisk aktiv.",
            "politics",
        ),
        ("Hej\n\nYasmin i 5.A blev kaldt racistiske ting; familien er fra Somalia.", "ethnicity"),
        (
            "Hej\n\nNoah har fortalt mig, at han er homoseksuel og er bange for at blive drillet.",
            "sexual_orientation",
        ),
        (
            "Kære Karin\n\nHermed indkaldelse til tjenstlig samtale om din adfærd. Du kan have bisidder med.",
            "hr_confidential",
        ),
        ("Hej Lønservice\n\nMichael Bech har fået lønindeholdelse for gæld til SKAT.", "finances"),
        (
            "Hej UU\n\nOskar i 9.A er vurderet ikke uddannelsesparat, og han overvejer at droppe ud.",
            "education_readiness",
        ),
    ],
)
def test_sensitive_fact_about_a_person(categories: Classify, body: str, category: str) -> None:
    result = categories(body)
    assert category in result.categories, [(f.category, f.reason) for f in result.findings]
    assert result.level > Level.ALMINDELIG


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Opgave: karakteranalyse",
            "Skriv en karakteranalyse af hovedkarakteren i novellen. Hun er syg med kræft.",
        ),
        (
            "Nyhedsbrev: Sundhedsuge i uge 14",
            "I sundhedsugen taler vi om kost, søvn og motion. Sundhedsplejersken fortæller om allergi.",
        ),
        (
            "Opdateret informationssikkerhedspolitik",
            "Følsomme oplysninger er bl.a. helbred, fagforeningsmæssigt tilhørsforhold, politisk, religiøs "
            "overbevisning, etnisk oprindelse og seksuel orientering. Fortrolige oplysninger er CPR-nummer, "
            "karakterer, mistrivsel og uddannelsesparathedsvurderinger.",
        ),
        (
            "Trivselsmåling",
            "Trivselsmålingen gennemføres i uge 5 for alle elever. Husk at logge ind med UNI-Login.",
        ),
        ("Karakterbog", "Vi bruger 7-trinsskalaen: 12, 10, 7, 4, 02, 00 og -3 i karakterbogen."),
        ("Kristendom 8.B", "Vi besøger en moské og en synagoge i uge 40 som del af undervisningsforløbet."),
        ("Skolekomedie", "Rollerne er fordelt, og karaktererne i stykket skal øves hjemme."),
        ("Busplan", "Bussen kører kl. 10 fra skolen, og 7. klasse møder kl. 12 i uge 12."),
        ("Bestilling", "Ordrenr. 2811240457 på 30 Chromebooks. Faktura 3005241187 sendes til kontoret."),
        ("Telefonliste", "Kontoret 86 12 34 00, Anne mobil 20 45 11 02, pedel 4540118236."),
        ("Bekræftelse", "Vi har modtaget indmeldelsen af Alma med CPR 140218-****."),
    ],
)
def test_hard_negatives_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject)
    assert result.level == Level.ALMINDELIG, [(f.category, f.reason) for f in result.findings]


def test_every_result_is_explained(categories: Classify) -> None:
    result = categories("Hej\n\nEmil i 2.B har astma, og han skal have medicin med.")
    (health,) = [s for s in result.scores if s.category == "health"]
    assert health.score >= health.threshold
    assert "astma" in health.terms
    reasons = [f.reason for f in result.findings if f.category == "health"]
    assert any("astma" in r and "+" in r for r in reasons)  # the term and the context that raised it


def test_compounds_and_inflections(find: Callable[[str], list]) -> None:  # type: ignore[type-arg]
    words = {f.masked for f in find("Eleven fik et astmaanfald, og ADHD-udredningen af eleven er i gang.")}
    assert {"astmaanfald", "adhd-udredningen"} <= words


def test_survey_questions_are_not_wellbeing_findings(categories: Classify) -> None:
    table = "Elev\tFøler mig alene\tBliver mobbet\nAsta Kjær\tAldrig\tAldrig\nLiam Berg\tTit\tSjældent\n"
    result = categories(table, "Trivselsmåling 6.A elevsvar")
    assert "wellbeing_survey" in result.categories
    assert not [f for f in result.findings if f.category == "wellbeing"]


def test_one_mild_signal_is_not_enough(categories: Classify) -> None:
    result = categories("Hej Ole\n\nMikkel var lidt træt i dag efter turen.")
    assert result.level == Level.ALMINDELIG


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        (
            "Karakterer 9.B",
            "Hej Lone\n\nHer er karaktererne fra terminsprøven:\nAlma 7, Bertram 4, Cecilie 10.",
            "grades",
        ),
        (
            "Emma 8.A",
            "Hej\n\nEmma er meget ked af det og vil ikke i skole. Ingen gider være sammen med hende.",
            "wellbeing",
        ),
        ("Oskar", "Hej Maja\n\nOskars forældre er ved at blive skilt, og han bor nu hos sin far.", "social"),
        (
            "Personalesag",
            "Hej Jette\n\nVedlagt skriftlig advarsel til Bo Nielsen. Partshøring er afsluttet.",
            "hr_confidential",
        ),
        (
            "Friplads",
            "Vi søger friplads til min søn. Vores husstandsindkomst er 210.000 kr.\n\nMvh Sara Nielsen",
            "finances",
        ),
        (
            "Forældrebrev",
            "Kære forældre\n\nHusk idrætsdag. Hvis dit barn har astma, så husk medicinen.\n\nHilsen SFO",
            None,
        ),
        (
            "Ny bog",
            "Hej 8.B\n\nVi læser romanen, hvor hovedpersonen Jonas bliver mobbet og har depression.",
            None,
        ),
        (
            "Valg",
            "Skolevalget afholdes i uge 6 med paneldebat, hvor Venstre, SF og Enhedslisten deltager.",
            None,
        ),
    ],
)
def test_mail_written_for_this_test(
    categories: Classify, subject: str, body: str, expected: str | None
) -> None:
    result = categories(body, subject)
    if expected is None:
        assert result.level == Level.ALMINDELIG, [(f.category, f.reason) for f in result.findings]
    else:
        assert expected in result.categories, [(f.category, f.reason) for f in result.findings]


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        (  # individual answers of named pupils to the vocational schools' survey (ETU), as a sheet
            "ETU-udtræk 2.hf",
            "Elev;Jeg føler mig tryg på skolen;Lærerne hjælper mig\nOline Brask;Enig;Uenig\n"
            "Malthe Friis;Helt enig;Enig\n",
            ("wellbeing_survey",),
        ),
        (  # the survey announced: no answers, no one's data
            "Elevtrivselsundersøgelsen uge 45",
            "Kære alle elever\n\nI uge 45 gennemføres elevtrivselsundersøgelsen. Den tager 20 minutter.",
            (),
        ),
    ],
)
def test_vocational_wellbeing_survey_answers(
    categories: Classify, subject: str, body: str, expected: tuple[str, ...]
) -> None:
    assert categories(body, subject).categories == expected


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Hej\n\nOliver fra 10.X er formand for Danmarks Folkepartis Ungdom i kommunen.", "politics"),
        ("Hej\n\nSelma i 9.A er aktiv i Socialistisk Folkepartis Ungdom og deler løbesedler ud.", "politics"),
        ("Hej\n\nEmil har været medlem af DFU siden sidste år, fortæller hans far.", "politics"),
        ("Hej\n\nVi har opdaget, at Freja i 8.C skærer i sig selv. Hun har sår på armene.", "health"),
    ],
)
def test_youth_parties_and_self_harm(categories: Classify, body: str, category: str) -> None:
    assert category in categories(body).categories


@pytest.mark.parametrize(
    "body",
    [
        "Hej\n\nKlassen skal stemme på, hvor turen går hen. Emil og Ida tæller stemmerne op.",
        "Hej alle\n\nTil skolevalget kommer Danmarks Folkepartis Ungdom, DSU og Radikal Ungdom på besøg.",
    ],
)
def test_a_class_vote_and_youth_parties_at_a_school_election_stay_almindelig(
    categories: Classify, body: str
) -> None:
    assert categories(body).categories == ()


@pytest.mark.parametrize(
    ("body", "categories_expected"),
    [
        (
            "Hej\n\nMalik fra 2.b kom med røde striber på armene. Han siger, at far har slået ham.",
            {"criminal"},
        ),
        (
            "Hej\n\nSol fra 1.a siger, at hun og mors nye kæreste leger hemmelige lege, når mor arbejder.",
            {"criminal", "sexual_orientation"},
        ),
    ],
)
def test_suspected_offences_against_a_child(
    categories: Classify, body: str, categories_expected: set[str]
) -> None:
    assert categories_expected <= set(categories(body).categories)


def test_a_fight_between_pupils_is_no_offence_by_itself(categories: Classify) -> None:
    body = (
        "Hej\n\nEmil slog ham i frikvarteret, og de blev begge sendt ind til Lise. Nu er de gode venner igen."
    )
    assert "criminal" not in categories(body).categories


def test_a_mail_with_a_cpr_is_about_a_person_whatever_general_words_it_uses(categories: Classify) -> None:
    body = (
        "Hej Peter\n\nStraffeattesten for Jonas Krag (CPR 030595-2871) viser en betinget dom for vold. "
        "Efter kommunens retningslinjer kan vi ikke ansætte ham."
    )
    assert {"cpr", "criminal"} <= set(categories(body, subject="Vikarkorpset").categories)


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Hej\n\nMathias er startet i behandling på Rusmiddelcentret og har abstinenser.", "health"),
        ("hej mehmet, jonse fik 02 i mat igen.. kan han gå op til omprøve i jan?", "grades"),
        ("Hej\n\nDommeren i byretten gav Ahmed en betinget dom for vold.", "criminal"),
    ],
)
def test_treatment_marks_in_short_notes_and_court(categories: Classify, body: str, category: str) -> None:
    assert category in categories(body, subject="orientering").categories


def test_the_judges_of_a_competition_are_no_court(categories: Classify) -> None:
    body = "Kære alle\n\nLærke vandt sølv ved DM i Skills. Dommerne fremhævede hendes sauce."
    assert categories(body, subject="Tillykke til Lærke").categories == ()


@pytest.mark.parametrize(
    ("subject", "body", "category"),
    [
        ("Vild 2.a - krampeanfald i SFO", "Kan du ringe til mig? /Preben", "health"),
        ("Fri fredag?", "Jeg er valgt som delegeret for SF til partiets landsmøde i Odense.", "politics"),
        (
            "Re: koloni",
            "> vi har fået inkaso på det hele efter at hans mor og jeg gik fra hinanden",
            "finances",
        ),
        (
            "VS: Aula",
            "Vi så OB fra 6.b putte slik i skoletasken og gå uden at betale. Han har lange fingre.",
            "criminal",
        ),
    ],
)
def test_a_round_of_everyday_phrasing(categories: Classify, subject: str, body: str, category: str) -> None:
    assert category in categories(body, subject=subject).categories


def test_a_town_after_i_is_no_person(categories: Classify) -> None:
    body = "Kære forældre\n\nLejrskolen er på Rømø. Skal dit barn have medicin, så giv besked i Vigsø."
    assert categories(body, subject="Lejrskole på Rømø – medicin").categories == ()


def test_a_named_apprentices_union(categories: Classify) -> None:
    body = (
        "Hej Lene\n\nStorm er medlem af Blik- og Rørarbejderforbundet og vil have sin faglige sekretær med."
    )
    assert "union" in categories(body, subject="Midtvejssamtale").categories


def test_orientation_said_plainly(categories: Classify) -> None:
    body = "Hej Nadia\n\nBirk (8.b) fortalte, at han er til drenge, og at han ikke tør sige det derhjemme."
    assert "sexual_orientation" in categories(body, subject="Fortroligt").categories
