"""Whose a term is in tables, forms and staff papers: a table of named rows is about its people
whatever the mail around it says; a form with blank fields is about no one yet; a place is no name;
a staff paper's names are colleagues though it mentions a course. Every text is written for this test."""

from __future__ import annotations

from detectors.classify import classify
from detectors.engine import Detector
from detectors.settings import DetectorSettings
from gateway.types import Classification, TextPart


def classify_mail(
    detector: Detector, settings: DetectorSettings, subject: str, body: str, name: str, text: str
) -> Classification:
    where = f"attachment:{name}"
    parts = [
        TextPart(subject, "subject"),
        TextPart(body, "body"),
        TextPart(name, where, "file name"),
        TextPart(text, where, name),
    ]
    return classify(detector.analyze(parts), settings)


SURVEY_ROWS = (
    "navn;klasse;Er du glad for din klasse?;Føler du dig alene?;Er du blevet mobbet?\n"
    "Sebastian Lykke;6.b;Sjældent;Tit;Ja, flere gange\n"
    "Hiba Osman;6.b;Meget tit;Aldrig;Nej\n"
    "Viggo Brandt;6.b;Nogle gange;Nogle gange;Nej\n"
)


def test_a_table_of_named_rows_is_theirs_under_a_general_subject(
    detector: Detector, settings: DetectorSettings
) -> None:
    result = classify_mail(
        detector,
        settings,
        "Trivselsmålingen 6.b til forældremødet",
        "Hej Bo\n\nHer er udtrækket, vi talte om. Se især et par af svarene.\n\nAnja",
        "udtraek_6b.csv",
        SURVEY_ROWS,
    )
    assert "wellbeing_survey" in result.categories


def test_the_same_questions_without_names_stay_almindelig(
    detector: Detector, settings: DetectorSettings
) -> None:
    questions = "spørgsmål;andel ja %\nEr du glad for din klasse?;81\nFøler du dig alene?;9\n"
    result = classify_mail(
        detector,
        settings,
        "Trivselsmålingen til forældremødet",
        "Hej alle\n\nHer er skolens tal fra trivselsmålingen.\n\nAnja",
        "tal.csv",
        questions,
    )
    assert result.categories == ()


BLANK_FORM = (
    "Helbredsoplysninger til lejrskolen\n"
    "Elevens navn: ______________________  Klasse: ______\n"
    "Allergier: ______________________________\n"
    "Medicin (navn, dosis): ___________________\n"
    "Andet vi skal vide (fx angst, søvngængeri): ________\n"
)


def test_a_form_with_blank_fields_is_about_no_one(detector: Detector, settings: DetectorSettings) -> None:
    result = classify_mail(
        detector, settings, "Lejrskole", "Kære forældre\n\nUdfyld blanketten.", "blanket.pdf", BLANK_FORM
    )
    assert result.categories == ()


def test_a_filled_in_form_names_its_pupil(detector: Detector, settings: DetectorSettings) -> None:
    filled = BLANK_FORM.replace("Elevens navn: ______________________", "Elevens navn: Ronja Friis")
    filled = filled.replace(
        "Allergier: ______________________________", "Allergier: nøddeallergi, har epipen"
    )
    result = classify_mail(
        detector, settings, "Lejrskole", "Hej Mette\n\nHer er Ronjas.", "ronja.pdf", filled
    )
    assert "health" in result.categories


def test_places_are_no_names(detector: Detector, settings: DetectorSettings) -> None:
    table = "Indikator\tSkolen\tOdense\tLandet\nAndel der føler sig ensomme %\t7\t6\t6\n"
    result = classify_mail(detector, settings, "Nøgletal", "Kære bestyrelse\n\nTallene.", "tal.xlsx", table)
    assert result.categories == ()
    assert not detector.person.is_name("Odense") and not detector.person.is_name("Vollsmose")


def test_a_staff_paper_that_mentions_a_course_is_about_the_colleague(
    detector: Detector, settings: DetectorSettings
) -> None:
    notes = (
        "MUS 2025/26 - referat\nMedarbejder: Dorte Vang, lærer\n"
        "1. Dorte var sygemeldt med stress i tre uger og går nu hos psykolog.\n"
        "2. Dorte ønsker kursus i dansk som andetsprog. Det bevilges.\n"
        "Referatet opbevares i personalemappen.\n"
    )
    result = classify_mail(detector, settings, "Referat", "Hej\n\nVedhæftet.", "mus_dv.docx", notes)
    assert {"health", "hr_confidential"} <= set(result.categories)


def test_sharing_a_pupils_picture_without_clothes(detector: Detector, settings: DetectorSettings) -> None:
    body = (
        "Der går et meget privat billede af Nanna rundt på Snapchat. Billedet er uden tøj, og hendes "
        "ekskæreste har delt det videre i en gruppe."
    )
    result = classify([*detector.analyze([TextPart(body, "body")])], settings)
    assert {"sexual_orientation", "criminal"} <= set(result.categories)
    passed_on = "Jeg har delt det videre til teamet, så Nanna får hjælp med lektierne."
    assert classify(detector.analyze([TextPart(passed_on, "body")]), settings).categories == ()


def test_an_instruction_is_about_any_pupil(detector: Detector, settings: DetectorSettings) -> None:
    instruction = (
        "INSTRUKS FOR NATTEVAGTEN\n\n1. Runder: kl. 22 og 02. Notér alt i rapporten.\n"
        "2. Selvskade og selvmordstanker: lad aldrig eleven være alene, ring til forstanderen.\n"
        "3. Hash er ulovligt - forstanderen beslutter, om politiet kontaktes.\n"
    )
    result = classify_mail(detector, settings, "Ny instruks", "Hej nattevagter", "instruks.txt", instruction)
    assert result.categories == ()
    assert not detector.person.is_name("Notér") and not detector.person.is_name("Kontrollér")


def test_figures_for_the_whole_school_are_about_no_one(
    detector: Detector, settings: DetectorSettings
) -> None:
    minutes = (
        "Referat af bestyrelsesmøde\nTil stede: Niels Harbo (formand) og fem medlemmer.\n"
        "1. Økonomi\nRestancer på skolepenge er i alt 212.000 kr. fordelt på 9 familier. "
        "Ingen sager er sendt til inkasso.\n"
    )
    result = classify_mail(detector, settings, "Referat", "Kære bestyrelse", "referat.pdf", minutes)
    assert result.categories == ()
    named = "Familien Harbo har restancer på skolepenge og er sendt til inkasso."
    assert "finances" in classify(detector.analyze([TextPart(named, "body")]), settings).categories
