"""Cases from mails of a substitute pool, a Danish-Arabic friskole and an exam office: a feast's
greeting names no one, a file name's words are words, a nationality said of a person is their origin
(a language is not), a key fob's or a payslip's number is no CPR, a content warning is no warning."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.engine import Detector
from detectors.settings import DetectorSettings
from gateway.types import Classification, Finding, TextPart
from tests.detectors.test_detectors_general_readings import explained

Classify = Callable[..., Classification]
Find = Callable[[str], list[Finding]]


def test_a_feasts_greeting_names_no_one(categories: Classify) -> None:
    """'Ramadan Kareem til alle familier': a greeting (its 'Kareem' no pupil), so the announcement to
    all parents stays general."""
    body = (
        "Kære forældre\n\nRamadan Kareem til alle familier.\n\nRamadanen begynder onsdag den 18. februar."
        " Skoledagen slutter kl. 13.30 i hele perioden.\n\nMed venlig hilsen\nSkolens ledelse"
    )
    result = categories(body, subject="Ramadan og skoledagen")
    assert not result.categories, explained(result)


def test_a_pupil_who_fasts_is_still_found(categories: Classify) -> None:
    """The stoplisted greeting does not hide a pupil named Kareem who fasts (a guard)."""
    result = categories("Hej Lone\n\nKareem i 4.b faster under ramadanen, så han spiser ikke frokost.\n\nIda")
    assert "religion" in result.categories, explained(result)


def test_a_file_names_underscores_separate_its_words(detector: Detector, settings: DetectorSettings) -> None:
    """'Henvisning_børnepsykiatri_Mahdi_R_5B.pdf': the referral names Mahdi R. of 5.B (and 'Mahdi' is
    a name, though the lemma table knows the word)."""
    name = "Henvisning_børnepsykiatri_Mahdi_R_5B.pdf"
    where = f"attachment:{name}"
    parts = [
        TextPart("Papir som aftalt", "subject"),
        TextPart("Hej Lene\n\nHermed det underskrevne papir.\n\nBirgitte", "body"),
        TextPart(name, where, "file name"),
    ]
    result = classify(detector.analyze(parts), settings)
    assert "health" in result.categories, explained(result)


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("forældrene i 3.B er lidt sure over Kasia (vikaren i dansk), hun er jo polsk, og de synes ikke"
         " børnene forstår hende.", True),
        ("Vi har en ny elev i 2.a, Ana. Familien er rumænsk og flyttede hertil i sommer.", True),
        ("Kan I kontakte far hurtigst muligt? Han taler engelsk og polsk, og vi kan skaffe tolk.", False),
        ("Yasmin i 6.b skal til modersmålsundervisning i polsk om tirsdagen.", False),
    ],
)  # fmt: skip
def test_a_nationality_said_of_a_person_is_their_origin_a_language_is_not(
    categories: Classify, text: str, counts: bool
) -> None:
    result = categories(f"Hej Pia\n\n{text}\n\nMvh Mads")
    assert ("ethnicity" in result.categories) is counts, explained(result)


def test_syrian_kurds_said_of_the_family_count_though_the_mail_books_an_interpreter(
    categories: Classify,
) -> None:
    """A mail about the language of an interpreter ('Sprog: kurmanji') dampens a nationality word, but
    not one said of the family: 'Familien er syriske kurdere'."""
    body = (
        "Hej\n\nVi skal bruge en tolk til et møde.\n\nSprog: kurmanji, ikke arabisk\n"
        "Deltagere: far, eleven Dilan Hamo (9.B)\n\nDet er vigtigt med sproget. Familien er syriske kurdere"
        " fra Qamishli.\n\nMed venlig hilsen\nHanne"
    )
    result = categories(body, subject="Bestilling af tolk")
    assert "ethnicity" in result.categories, explained(result)


@pytest.mark.parametrize(
    "text",
    [
        "Navn                Mobil               Nøglebrik     Skole\n"
        "Emma Vinther        +45 28 46 11 93     1708211593    Egekrat\n"
        "Noah Haddad         28419037            1708211601    Egekrat\n",
        "Hej, jeg forstår ikke min lønseddel.\n\n  Lønseddel nr. 3110250042\n  CPR-nr.: 110690-****\n",
        "BEGIN:VEVENT\nUID:1509251400-vikarkorps@skole.example\nSUMMARY:Opstartsmøde\nEND:VEVENT\n",
    ],
)
def test_a_key_fob_a_payslip_and_an_event_uid_hold_no_cpr(find: Find, text: str) -> None:
    assert [f for f in find(text) if f.category == "cpr"] == []


def test_a_cpr_label_on_the_next_line_does_not_label_this_one_but_its_own_does(find: Find) -> None:
    """A guard: the next line's 'CPR-nr.' labels its own value."""
    text = "Lønseddel nr. 3110250042\nCPR-nr.: 110690-1234\n"
    found = [text[f.start : f.end] for f in find(text) if f.category == "cpr"]
    assert found == ["110690-1234"]


def test_a_content_warning_about_a_novel_is_no_staff_matter(categories: Classify) -> None:
    """'trigger-advarsel' is no disciplinary warning: the lesson plan's characters stay characters."""
    body = (
        'Hej Amira og Jonas\n\nHer er mit forløb til 9.B: romanen "Lyset over Ravnsø".\n\n'
        "Uge 36: Vi møder Josefine, som bor med sin far efter forældrenes skilsmisse.\n"
        "Uge 38: Broren Adam springer ud som homoseksuel.\n\n"
        "Jeg har lavet en trigger-advarsel til forældrene. Den kommer på Aula fredag.\n\n"
        "Venlig hilsen\nCamilla"
    )
    result = categories(body, subject="Danskforløb uge 36-41")
    assert not result.categories, explained(result)


def test_a_reference_for_a_post_is_a_staff_matter(categories: Classify) -> None:
    body = (
        "Hej Jens\n\nCamilla Friis var vikar hos os. Vi valgte ikke at forlænge hendes aftale.\n\n"
        "Fra: Jens Hvid\nEmne: Reference - Camilla Friis\n\nCamilla Friis har søgt en stilling hos os og har"
        " opgivet dig som reference.\n\nVenlig hilsen Jens"
    )
    result = categories(body, subject="SV: Reference - Camilla Friis")
    assert "hr_confidential" in result.categories, explained(result)


@pytest.mark.parametrize(
    "line",
    [
        "25 stk.  Tom Kristensen: Hærværk, ISBN 978-87-02-31877-4        à 159,00",
        "25 x Hærværk (978-87-02-31877-4)           3.975,00",
    ],
)
def test_a_books_title_in_an_order_is_no_offence(categories: Classify, line: str) -> None:
    """A book's line names its title and author ('Tom Kristensen: Hærværk'), with an ISBN."""
    body = f"Tak for din bestilling, Birgit Holm!\n\nOrdrenr.: 44871\n\n{line}\n\nMed venlig hilsen\nForlaget"
    result = categories(body, subject="Ordrebekræftelse - klassesæt")
    assert not result.categories, explained(result)
