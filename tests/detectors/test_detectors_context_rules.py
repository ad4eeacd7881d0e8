"""Context rules: who a term is about (names, pronouns, signatures), general texts, survey context,
abbreviations and ASCII spellings, CPR negatives; each case is a sentence written for this test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from detectors.engine import Detector
from detectors.lexicon import Lexicon, load_lexicon
from detectors.terms import lower_same_length
from gateway.types import Classification, Finding, Level

Classify = Callable[..., Classification]
Find = Callable[..., list[Finding]]
TIERS = ("strong", "medium", "weak")


def lexicon_of(tmp_path: Path, body: str, generic: str = "") -> Lexicon:
    (tmp_path / "union.yaml").write_text(body, encoding="utf-8")
    (tmp_path / "generic.yaml").write_text(generic, encoding="utf-8")
    return load_lexicon(tmp_path, TIERS)


def words(lexicon: Lexicon, text: str) -> list[str]:
    return [hit.word for hit in lexicon.hits(lower_same_length(text))]


def explained(result: Classification) -> list[tuple[str, str]]:
    return [(f.category, f.reason) for f in result.findings]


@pytest.mark.parametrize(
    ("terms", "text", "expected"),
    [
        (
            "[TR, HK]",
            "tre tr'er, TR og HK-klubben; hkr",
            ["tr", "tr", "hk-klubben"],
        ),  # TR'er: an apostrophe ends the word
        ("[3F]", "3F's kontor, 3Fs og 3F", ["3f", "3f"]),
        ("[tr]", "tre", ["tre"]),  # written in lower case: an ordinary word with endings
        (
            "[trivselsmåling*]",
            "trivselsmaalingen og trivselsmålingen",
            ["trivselsmaalingen", "trivselsmålingen"],
        ),
    ],
)
def test_abbreviations_match_exactly_and_ascii_spellings_match(
    tmp_path: Path, terms: str, text: str, expected: list[str]
) -> None:
    assert words(lexicon_of(tmp_path, f"category: union\nstrong: {terms}\n"), text) == expected


def test_stoplist_covers_the_ascii_spelling(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, "category: union\nstrong: [trivsel*]\nstoplist: [trivselsmåling]\n")
    assert words(lexicon, "trivselsmaalingen, trivslen") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kære alle\n\nreferat følger", "kære alle"),
        ("Her er forløbsplanen for uge 9", "forløb*"),
        ("Læs den nye alkoholpolitik", "*politik"),
        ("Hej Emil, tak for i dag", None),
        ("Kaere alle", "kære alle"),
    ],
)
def test_message_cues_are_found_in_the_whole_text(tmp_path: Path, text: str, expected: str | None) -> None:
    generic = 'message_words: ["kære alle", "forløb*", "*politik"]\n'
    lexicon = lexicon_of(tmp_path, "category: union\nstrong: [dlf]\n", generic)
    assert lexicon.message_cue(lower_same_length(text)) == expected


@pytest.mark.parametrize(
    ("word", "is_name"),
    [
        ("Freja", True),
        ("Fwd", False),
        ("Sv", False),
        ("Danmarksdemokraterne", False),  # a term of a category list
        ("Konservative", False),
        ("Skolebestyrelsesformandsvalget", False),  # a long compound
    ],
)
def test_what_looks_like_a_name(detector: Detector, word: str, is_name: bool) -> None:
    assert detector.person.looks_like_name(word) is is_name


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Hej Lone\n\nMalik i 4.C er afghaner, og familien kom hertil i foråret.", "ethnicity"),
        ("Hej Lone\n\nSigne Krog er grønlænder og taler mest grønlandsk derhjemme.", "ethnicity"),
        ("Hej Sune\n\nFrederik Holm fra 9.A er formand for Konservativ Ungdom i byen.", "politics"),
        ("Hej Sune\n\nIda Brix sagde i timen, at hun er kommunist.", "politics"),
        ("Hej Sune\n\nOliver Maarup har fortalt, at han stemmer på Alternativet.", "politics"),
        (
            "Hej UU\n\nMathias Krog i 10.Y har meldt sig ud af uddannelsen i sidste uge.",
            "education_readiness",
        ),
        ("Hej UU\n\nEmma Lind stopper på grundforløbet til sommer.", "education_readiness"),
        ("Hej Sara\n\nLinea Dam sad alene hele dagen i går.", "wellbeing"),
        ("Hej Sara\n\nVictor Lund føler sig alene i klassen for tiden.", "wellbeing"),
        ("Hej\n\nPia Stokholm er på sygeorlov resten af måneden.", "health"),
        ("Hej\n\nKasper Juul er gået ned med burnout.", "health"),
        ("Hej\n\nFamilien til Liva Thorsen er registreret i RKI og kan ikke betale turen.", "finances"),
        ("Hej\n\nMagnus Friis fik en bøde af kontrolløren i toget.", "criminal"),
        ("Hej Bent\n\nAlberte Winther fik 10 i tysk.", "grades"),
        ("Kære alle\n\nJeg er sygemeldt med stress resten af ugen.", "health"),  # the writer, same clause
        ("Kære forældre\n\nVi kan fortælle, at Karla i 2.B har fået konstateret epilepsi.", "health"),
        (  # a pronoun whose name comes earlier in the paragraph
            "Hej Tine\n\nNora Vest har spurgt om lov til at gå tidligt.\nHun er muslim og beder om fri.",
            "religion",
        ),
    ],
)
def test_new_terms_and_person_cues_catch_a_person(categories: Classify, body: str, category: str) -> None:
    result = categories(body)
    assert category in result.categories, explained(result)
    assert result.level > Level.ALMINDELIG


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Turen", "Hej Lise\n\nMikkel Dahl har bestilt tre busser til turen."),
        (
            "Frokostmøde",
            "Kære kolleger\n\nHusk frokostmødet torsdag kl. 12.\n\nVenlig hilsen\nJens Bruun\n"
            "Tillidsrepræsentant, DLF",
        ),
        (
            "Ny procedure",
            "Kære alle\n\nEr du sygemeldt i mere end en uge, beder vi dig aflevere en lægeerklæring.",
        ),
        ("Info", "Hvis du har diabetes, kan du få frugt i pausen."),
        (
            "Forløbsplan samfundsfag",
            "Hej team\n\nGrupperne arbejder med Danmarksdemokraterne, Enhedslisten og Moderaterne.\n\n/Niels",
        ),
        (
            "Uddannelsesparathedsvurderingen i 8. årgang",
            "Kære forældre\n\nEn elev, der ikke er uddannelsesparat, får en plan, så hun eller han "
            "kan blive det.",
        ),
        ("Fødselsdag", "Hej\n\nCarla Nør holder fødselsdag, og alle fødselsdage fejres i SFO'en."),
        (
            "Ny sygefraværspolitik",
            "Kære medarbejdere\n\nSygefraværspolitikken er opdateret. Bliver du sygemeldt længe, "
            "holder vi en sygefraværssamtale med dig.",
        ),
        (
            "Forløb om venskab",
            "Hej 6.A-lærere\n\nI forløbet læser vi bogen, hvor hun ikke har nogen venner og er ensom "
            "i klassen.",
        ),
    ],
)
def test_general_texts_and_signatures_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject)
    assert result.level == Level.ALMINDELIG, explained(result)


def test_leaving_a_union_is_no_dropout(categories: Classify) -> None:
    result = categories("Hej Løn\n\nPer Aagaard har meldt sig ud af 3F fra nytår.")
    assert "education_readiness" not in result.categories, explained(result)


def test_an_everyday_survey_phrase_needs_survey_context(categories: Classify) -> None:
    result = categories("Hej Ole\n\nAske Holm bliver mobbet på Snapchat af nogle fra 7.B.")
    assert "wellbeing" in result.categories, explained(result)
    assert "wellbeing_survey" not in result.categories, explained(result)


def test_the_same_phrase_counts_in_a_survey(categories: Classify) -> None:
    body = "Hej Ole\n\nI trivselsmålingen har Aske Holm svaret, at han tit bliver mobbet."
    result = categories(body, "Aske 7.B")
    assert "wellbeing_survey" in result.categories, explained(result)


def test_survey_answers_that_read_badly_are_wellbeing(categories: Classify) -> None:
    body = (
        "Hej Mette\n\nHer er Lukas' svar fra trivselsmålingen:\n"
        '- "Føler du dig ensom i skolen?": Ja, tit\n- "Er du glad for din klasse?": Nej\n'
    )
    result = categories(body, "Lukas 5.B")
    assert {"wellbeing", "wellbeing_survey"} <= set(result.categories), explained(result)


def test_survey_answers_that_read_well_are_no_wellbeing(categories: Classify) -> None:
    body = (
        "Hej Mette\n\nHer er Lukas' svar fra trivselsmålingen:\n"
        '- "Føler du dig ensom i skolen?": Aldrig\n- "Er du glad for din klasse?": Ja, meget\n'
    )
    result = categories(body, "Lukas 5.B")
    assert "wellbeing" not in result.categories, explained(result)


def cprs(find: Find, text: str, where: str = "body") -> list[Finding]:
    return [f for f in find(text, where) if f.category == "cpr"]


@pytest.mark.parametrize(
    "text",
    [
        "Abonnementsnr. 150317-4411 for Børnebladet",
        "Ordrebekræftelse 2304195523 er modtaget",
        "Kvitteringsnr: 0102151234",
        "Kundenr. 1203104411 hos forlaget",
    ],
)
def test_compound_negative_cues_make_a_number_no_cpr(find: Find, text: str) -> None:
    assert cprs(find, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Kontoret har oprettet Ella 1203104411",  # an office, not an account number
        "Sagsbehandleren skal bruge 1203104411",
    ],
)
def test_words_that_only_start_like_a_negative_cue_keep_the_cpr(find: Find, text: str) -> None:
    assert len(cprs(find, text)) == 1


def test_a_cpr_alone_in_a_subject_is_found(find: Find) -> None:
    assert len(cprs(find, "Fwd: 1203104411", "subject")) == 1


def test_answers_on_the_survey_scale_after_the_question_are_survey_answers(categories: Classify) -> None:
    body = (
        "Hej Lene\n\nTrivselsmåling 2025 – Valentinas svar (Valentina Rask i 5.a):\n\n"
        "Har du nogen at lege med i frikvarteret? Sjældent\n\nEr du glad for din klasse? Nej\n"
    )
    result = categories(body, "Valentina 5.a")
    assert "wellbeing_survey" in result.categories, explained(result)


def test_a_question_in_a_talk_is_no_survey_answer(categories: Classify) -> None:
    body = "Hej Lene\n\nJeg talte med Valentina Rask i 5.a i dag. Hun er glad for sin klasse? Ja, meget.\n"
    result = categories(body, "Valentina 5.a")
    assert "wellbeing_survey" not in result.categories, explained(result)


def test_a_blank_questionnaire_is_no_one_s_answers(categories: Classify) -> None:
    body = (
        "Kære forældre\n\nSpørgsmålene i trivselsmålingen:\nHar du nogen at lege med? Ja / Nej\n"
        "Er du glad for din klasse? Ja / Nej\n"
    )
    result = categories(body, "Trivselsmåling uge 5")
    assert result.categories == (), explained(result)
