"""Who a mail or document is about: Danish word order after a fronted clause, a greeting to one
reader, a name in an attachment's title, job references, numbers named by an identifier noun, course
announcements; each case is a sentence written for this test, with a hard negative beside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.engine import Detector, shared_detector
from detectors.settings import DetectorSettings
from detectors.titles import title_names
from gateway.types import Classification, Finding, TextPart

Classify = Callable[..., Classification]
Find = Callable[..., list[Finding]]


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        # V2 after a fronted clause or adverbial: the reader, not the generic you
        ("Som opfølgning på mødet i tirsdags, meddeles du hermed en skriftlig advarsel.", True),
        ("På baggrund af samtalen d. 3. marts, tildeles du en skriftlig advarsel.", True),
        ("I morgen skal du til tjenstlig samtale hos skolelederen.", True),
        # a sentence that opens with a condition: the you of a rule
        ("Hvis du udebliver tre gange, kan du få en skriftlig advarsel.", False),
        ("Kommer du for sent flere gange, meddeles du en skriftlig advarsel.", False),
        ("Er du uenig i en skriftlig advarsel, kan du klage til kommunen.", False),
    ],
)
def test_you_after_a_fronted_clause_is_the_reader(categories: Classify, body: str, counts: bool) -> None:
    result = categories(body, subject="Personale")
    assert ("hr_confidential" in result.categories) is counts


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        # "politikken" marks a general text, which a pronoun alone never outweighs
        ("Kære Bo\n\nSom beskrevet i politikken meddeles du hermed en skriftlig advarsel.", True),
        ("Hej Maja Krogh,\n\nSom beskrevet i politikken får du en skriftlig advarsel.", True),
        ("Kære alle\n\nSom beskrevet i politikken får du en skriftlig advarsel, når du udebliver.", False),
        ("Hej allesammen\n\nSom beskrevet i politikken får du en skriftlig advarsel.", False),
        ("Som beskrevet i politikken får du en skriftlig advarsel.", False),
    ],
)
def test_a_greeting_to_one_reader_makes_you_that_person(
    categories: Classify, body: str, counts: bool
) -> None:
    assert ("hr_confidential" in categories(body).categories) is counts


def classify_with_attachment(
    detector: Detector, settings: DetectorSettings, file_name: str, text: str
) -> Classification:
    where = f"attachment:{file_name}"
    parts = [
        TextPart("Referat", "subject"),
        TextPart("Hej\n\nReferatet ligger her.", "body"),
        TextPart(file_name, where, "file name"),
        TextPart(text, where),
    ]
    return classify(detector.analyze(parts), settings)


DOCUMENT = (
    "Medarbejderudviklingssamtale 2025\n"
    "Styrker: god formidling. Udviklingsområder: klasseledelse, og Lone oplever et stort pres.\n"
    "Aftaler: kursus i konflikthåndtering, MUS-referatet gemmes i personalemappen."
)


@pytest.mark.parametrize(
    ("file_name", "text", "counts"),
    [
        ("MUS-referat Lone Bak 2025.docx", DOCUMENT, True),
        ("Referat.docx", "Samtale med Lone Bak\n" + DOCUMENT.replace("Lone", "hun"), True),
        ("MUS-referat skabelon.docx", DOCUMENT.replace("Lone", "medarbejderen ikke"), False),
        ("MUS Oversigt Efterår.docx", DOCUMENT.replace("Lone", "teamet"), False),
    ],
)
def test_a_name_in_an_attachment_title_is_its_person(
    detector: Detector, settings: DetectorSettings, file_name: str, text: str, counts: bool
) -> None:
    result = classify_with_attachment(detector, settings, file_name, text)
    assert ("hr_confidential" in result.categories) is counts


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Jonas Krogh: referencen fra hans tidligere arbejdsplads var negativ.", True),
        ("Jonas Krogh har opgivet to referencepersoner, som vi ringer til.", True),
        ("Ansøgeren Jonas Krogh: referencen var dårlig.", True),
        ('Faktura til Jonas Krogh: skriv reference "4. årgang" på den nye faktura.', False),
        ("Jonas Krogh bestiller bøgerne, og referencen på ordren er klassens navn.", False),
    ],
)
def test_reference_means_a_job_reference_only(categories: Classify, body: str, counts: bool) -> None:
    assert ("hr_confidential" in categories(body).categories) is counts


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Freja 150315-8114 starter i 0.A.", True),
        ("Tilflyttere:\nFreja Holm 1503158114\nOtto Lind 0211185183", True),
        ("Nr.;Navn;CPR\n1;Freja;150315-8114", True),
        ("Nr. 2 Freja Holm 150315-8114", True),
        ("Reservation for eleven 150315-8114", True),
        ("Jeg bekræfter vores reservation 1503158114 for 7.A.", False),
        ("Vores bestilling 1503158114 skal ændres.", False),
        ("Billet nr. 150315-8114 gælder til bussen.", False),
        ("Kundenummer: 1503158114", False),
    ],
)
def test_a_number_named_by_an_identifier_noun_is_no_cpr(find: Find, text: str, found: bool) -> None:
    assert any(f.category == "cpr" for f in find(text)) is found


@pytest.mark.parametrize(
    ("subject", "body", "counts"),
    [
        (
            "Førstehjælp",
            "Kære alle\n\nAlle medarbejdere skal deltage i førstehjælpskursus. Falck gennemgår epilepsi, "
            "diabetes og astma.",
            False,
        ),
        ("Kursus", "Kurset om astma og allergi holdes af Rikke Bech i aulaen.", False),
        ("Emil", "Emil i 4.B har fået epilepsi og skal på kursus med sin mor.", True),
    ],
)
def test_a_course_announcement_is_a_general_reading(
    categories: Classify, subject: str, body: str, counts: bool
) -> None:
    assert ("health" in categories(body, subject=subject).categories) is counts


@pytest.mark.parametrize(
    ("title", "text", "named"),
    [
        ("MUS-referat Helle Dam 2025", "Vi talte om året, og Helle oplever travlhed.", True),
        ("Tilmeldingsblanket Elevhjemmet Skrænten 2026", "Velkommen på Elevhjemmet Skrænten.", False),
    ],
)
def test_a_place_in_a_title_is_no_person(title: str, text: str, named: bool) -> None:
    assert title_names(shared_detector(DetectorSettings()).person, title, text) is named


@pytest.mark.parametrize(
    ("body", "subject", "category", "counts"),
    [
        # a hyphenated surname is a name: the mail is about that family
        ("Familien er syriske kurdere, så vi skal bruge en kurmanji-tolk.", "Samtale med Al-Hassan",
         "ethnicity", True),
        ("Mange familier i området er syriske kurdere.", "Temaaften om sprog", "ethnicity", False),
        # an offence told with a verb, not a noun
        ("Jonas Brandt blev i går taget i at stjæle i Brugsen.", "Jonas", "criminal", True),
        ("Husk at låse cyklen, så ingen kan stjæle den.", "Cykelskur", "criminal", False),
        # speech disorders are health data
        ("Maksym stammer tydeligt og skal have stammebehandling i foråret.", "Maksym", "health", True),
        ("Talepædagogen holder oplæg om sprog for alle forældre.", "Forældremøde", "health", False),
    ],
)  # fmt: skip
def test_names_with_hyphens_offences_as_verbs_and_speech_disorders(
    categories: Classify, body: str, subject: str, category: str, counts: bool
) -> None:
    assert (category in categories(body, subject=subject).categories) is counts


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        # a greeting to a group: its "du" is any reader
        (
            "Kære elever\n\nHar du gæld til det offentlige, kan Gældsstyrelsen modregne i din skoleydelse.",
            False,
        ),
        ("Hej nattevagter\n\nHvis du ser selvskade, så lad aldrig eleven være alene.", False),
        ("Hej K2\n\nHar du en allergi eller spiser du ikke svinekød, så giv besked.", False),
        # a greeting to one reader: "du" is that reader
        ("Hej Hiba\n\nDu har gæld til det offentlige, så Gældsstyrelsen modregner i din skoleydelse.", True),
    ],
)
def test_a_greeting_to_a_group_makes_you_anyone(categories: Classify, body: str, counts: bool) -> None:
    result = categories(body, subject="Information")
    assert bool({"finances", "health", "wellbeing"} & set(result.categories)) is counts


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Har du en sygdom eller allergi, vi skal vide, så sig det til Kirsten eller mig personligt.", False),
        ("Har du en allergi eller spiser du ikke svinekød, kan du vælge dagens vegetarret.", False),
        ("Jeg har selv en allergi over for nødder, så jeg spiser ikke med i dag.", True),
    ],
)
def test_the_contact_and_a_coordinated_condition_are_no_person(
    categories: Classify, body: str, counts: bool
) -> None:
    assert ("health" in categories(body, subject="Tur").categories) is counts


def test_whom_medicine_is_handed_to_is_no_subject(categories: Classify) -> None:
    body = (
        "Kære forældre\n\nFår jeres barn medicin, skal den afleveres til Kirsten senest fredag i original "
        "emballage. Allergier skal stå på tilmeldingen."
    )
    assert categories(body, subject="Pakkeliste").categories == ()


@pytest.mark.parametrize(
    "body",
    [
        "Hej alle på knallerthold 2\n\nUge 44: Lokalbetjent Kenneth Brix fortæller, hvad politiet ser: "
        "trimmede knallerter giver bøde.",
        "Vi inviterer til en aften i aulaen. Skolepsykolog Christian Aagaard fortæller om mobning, og om "
        "hvad man gør, når et barn bliver holdt udenfor.",
    ],
)
def test_a_visiting_professional_is_no_subject(categories: Classify, body: str) -> None:
    assert categories(body, subject="Plan for holdet").categories == ()


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Resultat for hele klubben:\n'Jeg er blevet mobbet i år' - ofte eller altid: 4 %", False),
        ("Jeg er blevet mobbet i frikvarteret hele ugen, skriver Oliver til mig.", True),
    ],
)
def test_a_quoted_i_is_no_writer(categories: Classify, body: str, counts: bool) -> None:
    assert ("wellbeing" in categories(body, subject="Trivsel").categories) is counts


def test_an_abbreviation_opening_a_bullet_is_no_name(categories: Classify) -> None:
    body = "Kære forældre\n\nPakkeliste:\n- sovepose\n- Evt. medicin i original emballage med navn på"
    assert categories(body, subject="Pakkeliste").categories == ()


def test_a_signature_block_without_a_closing_is_no_subject(categories: Classify) -> None:
    body = (
        "Kære kolleger\n\nOrdblindetest: 3. årgang testes i uge 12. Forældre får besked enkeltvis.\n\n"
        "Dorthe Rask\nTestkoordinator (nationale test og ordblindetest)\nLokal 112 · tlf. 76 16 42 12\n"
    )
    assert categories(body, subject="Test for hele skolen").categories == ()
    named = "Hej Bo\n\nDorthe Rask i 4.b er testet ordblind i dag.\n\nMvh Lise"
    assert "health" in categories(named, subject="Test").categories


def test_a_name_over_a_team_at_the_end_signs_the_mail(categories: Classify) -> None:
    body = (
        "Hej idrætslinjen\n\nPakkeliste:\n- evt. egen medicin i original emballage\n\n"
        "Husk at give os besked om allergier og medicin senest fredag.\n\nDagny Holt\nIdrætslinjen\n"
    )
    assert categories(body, subject="Pakkeliste").categories == ()


def test_abstract_nouns_are_no_names(detector: Detector) -> None:
    assert not detector.person.is_name("Sekularisme") and not detector.person.is_name("Kærlighed")
    assert detector.person.is_name("Henning") and detector.person.is_name("Else")


def test_a_name_over_a_short_line_inside_a_long_text_is_still_a_person(categories: Classify) -> None:
    filler = "Vi ses på torsdag i klassen, hvor vi taler om ture og lektier. " * 8
    body = f"Hej Lise\n\nSå ved du det.\n\nDagny Holt\nAstma og epilepsi\n\n{filler}"
    assert "health" in categories(body, subject="Til orientering").categories


@pytest.mark.parametrize("word", ["Ordrenr", "Fakturanr", "Sagsnr", "Kundenr", "ApS", "TikTok", "Snapchat"])
def test_a_numbers_label_or_a_company_form_is_no_name(detector: Detector, word: str) -> None:
    assert not detector.person.is_name(word)


def test_an_invoice_for_a_test_is_about_no_one(categories: Classify) -> None:
    body = (
        "FAKTURA\nTestforlaget ApS\nFakturanr.: 0311241187\nOrdrenr.: 2610254006\n"
        "1 stk. Ordblindetest, lærervejledning"
    )
    assert categories(body, subject="Faktura").categories == ()


@pytest.mark.parametrize(
    "word", ["Elevhjemsleder", "Kollegieleder", "Ansoeger", "Gaeld", "Bilka", "Oct", "Mr"]
)
def test_titles_words_without_danish_letters_and_shops_are_no_names(detector: Detector, word: str) -> None:
    assert not detector.person.is_name(word)


@pytest.mark.parametrize("word", ["Zoe", "Noel", "Michaela", "Aagaard", "Damgaard", "Jan"])
def test_names_with_ae_oe_or_aa_stay_names(detector: Detector, word: str) -> None:
    assert detector.person.is_name(word)


def test_a_given_name_alone_in_a_subject_names_a_person_whatever_its_case(categories: Classify) -> None:
    assert "grades" in categories("lærke fik 02 i mat t terminsprøven :(", subject="lærke").categories
    assert "grades" not in categories("fik 02 i mat t terminsprøven", subject="terminsprøve").categories
