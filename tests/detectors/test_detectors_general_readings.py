"""General readings: role words in letters to many, names in signatures, characters and presenters in
lessons and announcements, prefix terms that swallow everyday words, abuse in a child's words; each
case is a sentence written for this test, with a hard negative beside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.engine import Detector
from detectors.terms import lower_same_length
from gateway.types import Classification, Finding, Level

Classify = Callable[..., Classification]
Find = Callable[..., list[Finding]]


def explained(result: Classification) -> list[tuple[str, str]]:
    return [(f.category, f.reason) for f in result.findings]


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (  # role words of a rule in a letter to all parents
            "Skoldkopper",
            "Kære forældre\n\nHvis barnet har symptomer eller ondt i maven, skal det blive hjemme, og "
            "barnet skal se egen læge.",
        ),
        (
            "Sådan læser I terminskaraktererne",
            "Kære forældre i 9. årgang\n\nEn standpunktskarakter viser, hvor eleven står i faget lige "
            "nu. Hvis eleven får 02, er det bestået.",
        ),
        (  # characters of a novel in a lesson
            "Dansk 8. klasse",
            "Hej 8. klasse\n\nVi begynder på romanen 'Snefnug'. Hovedpersonen Frida får konstateret "
            "kræft i kapitel 2, og hendes far Viggo har en depression.\n\nHilsen Mette",
        ),
        (  # a presenter's organisation in an event announcement
            "Mangfoldighedsuge",
            "Hej alle i udskolingen\n\nProgrammet for ugen: tirsdag oplæg fra Regnbuen Ungdom om "
            "seksualitet og kønsidentitet, torsdag film i salen.",
        ),
        (  # a lesson plan names thinkers and movements, not pupils
            "Religion C",
            "Forløbsplan Religion C (1.a, 1.c)\nUge 11: Scientology og new age som cases. Begreberne "
            "sekt, konvertering og udmeldelse.\nUge 12: Religionskritik. Tekster af Feuerbach, Marx "
            "og Freud.",
        ),
        (  # a constructed case for supervision
            "Case til supervision",
            "Case (konstrueret case)\nEn dreng på 11 år har en ADHD-diagnose. Han har højt fravær, og far "
            "har afsonet en dom.",
        ),
    ],
)
def test_general_readings_stay_almindelig(categories: Classify, subject: str, body: str) -> None:
    result = categories(body, subject)
    assert result.level == Level.ALMINDELIG, explained(result)


@pytest.mark.parametrize(
    ("body", "category"),
    [
        (  # a role word without a letter to many still identifies
            "Hej Lise\n\nEleven har fået konstateret diabetes og skal have insulin i frikvarteret.",
            "health",
        ),
        (  # a role word tied to a named pupil in a letter to parents
            "Kære forældre\n\nIda Holm i 4.A har fået konstateret diabetes, og barnet skal have insulin.",
            "health",
        ),
        (  # a named pupil whose class reads a novel: the class ties the name to a pupil
            "Hej Lone\n\nEmil Juhl i 7.B har en depression og går til psykolog. Klassen læser romanen "
            "om Frida, så vær opmærksom på ham i timerne.",
            "health",
        ),
        (  # a person word before the name ties it, though an event is announced
            "Hej Mads\n\nDin søn Oliver fortalte efter oplæg fra sundhedsplejersken, at han er "
            "homoseksuel og gerne vil tale med en voksen.",
            "sexual_orientation",
        ),
        (  # a pupil seen by the nurse: the name is in the text, not the signature
            "Hej Bente\n\nMaja Friis har været hos sundhedsplejersken og har fået konstateret astma.\n\n"
            "Mvh Lars",
            "health",
        ),
    ],
)
def test_pupils_in_lessons_and_letters_are_still_found(
    categories: Classify, body: str, category: str
) -> None:
    result = categories(body)
    assert category in result.categories, explained(result)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Tak for en flot præstation og god præstationsevne", "religion"),
        ("Vi ses til skole-hjem-samtalerne", "wellbeing"),
        ("Det gælder til gengæld alle", "finances"),
        ("Hun har ikke kræfter til mere i dag", "health"),
        ("Vi skal sortere affaldet", "ethnicity"),
        ("Vi læser en roman og romanen er lang", "ethnicity"),
        ("Skiltet ved indgangen er nyt, og der er skilte på gangen", "social"),
        ("Det var en ekstremt varm dag", "politics"),
        ("Hyggeligt samvær for hele familien", "social"),
        ("Jeg er ked af at melde afbud til mødet", "wellbeing"),
    ],
)
def test_prefix_terms_do_not_swallow_everyday_words(detector: Detector, text: str, category: str) -> None:
    hits = [h.word for h in detector.lexicon.hits(lower_same_length(text)) if h.term.category == category]
    assert hits == []


@pytest.mark.parametrize(
    ("text", "category", "word"),
    [
        ("Præsten kommer", "religion", "præsten"),
        ("Hun er kommet hjem", "wellbeing", "hjem"),
        ("De har stor gæld", "finances", "gæld"),
        ("Kræften er tilbage", "health", "kræften"),
        ("Familien er roma", "ethnicity", "er roma"),
        ("Forældrene er skilt", "social", "er skilt"),
        ("Han er højreekstremist", "politics", "højreekstremist"),
        ("Samværsordningen er ændret", "social", "samværsordningen"),
        ("Hun er meget ked af det", "wellbeing", "ked af det"),
    ],
)
def test_tightened_terms_still_match_their_words(
    detector: Detector, text: str, category: str, word: str
) -> None:
    hits = [h.word for h in detector.lexicon.hits(lower_same_length(text)) if h.term.category == category]
    assert word in hits


@pytest.mark.parametrize(
    "body",
    [
        "Hej Karen\n\nLea Dam i 2.A fortalte, at onkel rører ved hende under dynen, og at hun ikke må "
        "sige det til nogen.",
        "Hej Karen\n\nNoah Berg i 5.C er blevet krænket seksuelt af en voksen i klubben.",
        'Hej Karen\n\nSigne Holt sagde: "Han rørte ved mig om natten på mit værelse."',
    ],
)
def test_abuse_in_a_childs_words_is_sexual_and_criminal(categories: Classify, body: str) -> None:
    result = categories(body)
    assert {"sexual_orientation", "criminal"} <= set(result.categories), explained(result)


@pytest.mark.parametrize(
    "body",
    [
        "Hej Karen\n\nAnton Berg rører ved hende hele tiden i frikvarteret for at drille.",
        "Hej Karen\n\nLinus Bak rørte ved mig med en våd finger i køen til kantinen.",
    ],
)
def test_everyday_touching_is_no_abuse(categories: Classify, body: str) -> None:
    result = categories(body)
    assert "sexual_orientation" not in result.categories, explained(result)
    assert "criminal" not in result.categories, explained(result)


def test_an_apology_is_no_poor_wellbeing(categories: Classify) -> None:
    result = categories("Hej Pia\n\nJeg er ked af at melde afbud, men jeg kan ikke nå det.")
    assert result.level == Level.ALMINDELIG, explained(result)


def test_sadness_is_still_poor_wellbeing(categories: Classify) -> None:
    result = categories("Hej Pia\n\nSofie Lund i 3.C er meget ked af det i frikvartererne.")
    assert "wellbeing" in result.categories, explained(result)


def test_a_transfer_between_schools_is_no_dropout(categories: Classify) -> None:
    body = "Hej\n\nJonas Bech i 5.B er indmeldt hos os fra 1. august og skal udmeldes af distriktsskolen."
    result = categories(body)
    assert "education_readiness" not in result.categories, explained(result)


@pytest.mark.parametrize(
    "body",
    [
        "Kære alle\n\nI næste måned kommer jeg forbi til høreprøver.\n\nVenlig hilsen\nBente Skovgaard\n"
        "Sundhedsplejerske, tlf. 2211 3344\nVestervang Skole, Tarup",
        "Hej\n\nRing gerne, hvis I har spørgsmål.\n\nMvh Inge Kronborg\nSundhedsplejerske",
    ],
)
def test_names_in_a_signature_are_no_subject(find: Find, body: str) -> None:
    findings = find(body)
    assert all("name" not in f.reason for f in findings), [f.reason for f in findings]


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        (  # candidates with their parties, announced to all: public roles
            "Valgdebat i aulaen",
            "Hej alle\n\nTorsdag holder vi valgdebat før folketingsvalget. Disse kandidater kommer:\n"
            "- Birthe Aagaard (Enhedslisten)\n- Jens Rømer (Dansk Folkeparti)\n\nKom og stil spørgsmål!",
            (),
        ),
        (  # a note to one colleague about what a pupil said after the debate: about the pupil
            "Efter valgdebatten",
            "Hej Kim\n\nEfter valgdebatten fortalte Birthe Aagaard fra 2.g, at hun er medlem af "
            "Enhedslisten og stemmer på dem.\n\nHilsen Ulla",
            ("politics",),
        ),
    ],
)
def test_a_public_debate_is_general_only_when_announced_to_many(
    categories: Classify, subject: str, body: str, expected: tuple[str, ...]
) -> None:
    assert categories(body, subject).categories == expected


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Amal i 3.b kommer fra Eritrea og er ny i klassen.", "ethnicity"),
        ("Deniz er fra Tyrkiet og har brug for ekstra hjælp til dansk.", "ethnicity"),
        ("Samira kommer fra en familie med kurdisk baggrund.", "ethnicity"),
        ("Mads i 2.x siger, at ingen der gider ham, og han har isoleret sig på værelset.", "wellbeing"),
        ("Ahmed i GF1 har fået grimme kommentarer i omklædningen hele ugen.", "wellbeing"),
        ("Lærlingen Sofie skriver, at svenden har taget hende på numsen i lageret.", "sexual_orientation"),
        ("Han har sendt billeder af sig selv uden tøj til Emma i 8.a.", "sexual_orientation"),
        ("Medarbejderen Jens Holt er bortvist; personalesagen ligger hos HR.", "hr_confidential"),
        ("Mikkel i 2.g har bedt om at blive udmeldt af uddannelsen efter jul.", "education_readiness"),
        ("> mine forældre ved ikke at jeg er bi, så sig ikke noget\n> storm", "sexual_orientation"),
        ("Asta i 9.b er sprunget ud som lesbisk over for klassen.", "sexual_orientation"),
        (
            "hej gesa. ask fra 3b har fået sin ritallin igen, lægen har sat dosis op så hold øje med ham",
            "health",
        ),
        ("Lasse fra min klasse virker meget presset og sidder for sig selv i pauserne.", "wellbeing"),
        (
            "Hermed besked om, at Victor Hansen er udmeldt af GF2 smed efter eget ønske.",
            "education_readiness",
        ),
        ("Sol stammer rigtig meget igen efter sommerferien, skriver hendes mor.", "health"),
        ("Noah fra 9.b var oppe at køre med de blå i weekenden og havde en foldekniv i lommen.", "criminal"),
        (
            "Han siger nu til alle, at han dropper ud efter sommerferien, fortæller Louise om Noah i 9.b.",
            "education_readiness",
        ),
        ("Helle har siden efteråret følt sig meget presset og grudede for mandagen.", "wellbeing"),
        ("Jonas Holm er medlem af HK og vil have en bisidder med.", "union"),
        (
            "Helle i 9.b har kastet op efter aftensmaden igen, hun har tabt sig og spiser næsten kun salat.",
            "health",
        ),
        (
            "Det private billede af L.M. fra 8.c, som hun sendte til sin kæreste, er delt i to gruppechats.",
            "criminal",
        ),
        (
            "hej jakob\njeg vil gerne døbes til påske. mine forældre er jehovas vidner og må ikke vide det",
            "religion",
        ),
        (
            "Emne: Indmeldelse i FSL – Ahmad Nouri\nDet er ordnet, du får et velkomstbrev fra kredsen.",
            "union",
        ),
        (
            "Jeg har i dag fritaget pædagog Ask Lindberg fra tjeneste med løn, mens sagen undersøges.",
            "hr_confidential",
        ),
        ("Vilds far anholdt i weekenden?? hvad siger vi til 4.a", "criminal"),
        ("N.K. (2.a) sagde: Onkel Sami leger doktor med mig, når jeg sover hos farmor.", "criminal"),
        (
            "hun siger stadig hun stopper efter vinterferien, og Dagny Holm i 10.x vil ikke fortsætte.",
            "education_readiness",
        ),
        (
            "Amina Warsame (2.a) er næstformand i Radikal Ungdom og holder et møde om klimapolitik.",
            "politics",
        ),
        ("Amina fra 8.a fortalte, at hun er kæreste med en pige fra 9. årgang.", "sexual_orientation"),
        (
            "Ask Vestergaard går på orlov. Ask og hans mand, Jonas Ravn, henter deres søn i april.",
            "sexual_orientation",
        ),
        (
            "Helle i 2.a fortæller, at stedfaren om natten har rørt hende på brystet og mellem benene.",
            "criminal",
        ),
        (
            "Helle i 2.a fortæller, at stedfaren om natten har rørt hende på brystet og mellem benene.",
            "sexual_orientation",
        ),
        (
            "cpr,navn,klasse,jeg_foeler_mig_ensom,jeg_er_glad_for_min_klasse\n"
            "1901085994,Selma Friis,2.a,Meget ofte,Helt uenig\n"
            "1205086772,Maja Qureshi,2.a,Ofte,Hverken enig eller uenig",
            "wellbeing_survey",
        ),
    ],
)
def test_new_phrasings_of_sensitive_facts(categories: Classify, body: str, category: str) -> None:
    assert category in categories(body).categories, explained(categories(body))


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Laura i 1.x kommer fra Hasle og tager bussen hver dag.", "ethnicity"),
        ("For jer, der kommer fra Sjælland, går færgen kl. 12.", "ethnicity"),
        ("Emil i 4.b faldt på numsen i idræt, men slog sig ikke.", "sexual_orientation"),
        ("Husk at vi ikke accepterer grimme kommentarer på holdet.", "wellbeing"),
        ("Jonas i GF2 er bortvist fra elevhjemmet i en uge efter festen.", "hr_confidential"),
        (
            "Karen Holm i 8.b er meldt ind i spejderne, og moren er udmeldt af folkekirken.",
            "education_readiness",
        ),
        ("Bierne i skolehaven er sprunget ud af kuben, siger Asta i 9.b.", "sexual_orientation"),
        ("Sofie Lund i 3.c er lidt stresset over afleveringen i morgen.", "health"),
        ("Emil i 4.b fik en bold mellem benene i frikvarteret og græd lidt.", "criminal"),
        ("Venlig hilsen\nHelle Kirkegaard, skolesekretær, om Jonas i 4.b", "religion"),
        ("Referat: MUS_referat_HK_2025 for Helle Kirkegaard", "union"),
        (
            "Vi har et privat billede fra lejrskolen af Emma i 8.c på skolens hjemmeside.",
            "sexual_orientation",
        ),
        ("Kære elever\n\nHar du gæld eller økonomiske problemer, så book en samtale hos mig.", "finances"),
    ],
)
def test_everyday_phrasings_are_no_sensitive_fact(categories: Classify, body: str, category: str) -> None:
    assert category not in categories(body).categories, explained(categories(body))


def test_names_near_staff_terms_are_colleagues_in_a_mail_that_mentions_a_lesson(categories: Classify) -> None:
    body = (
        "Hej Pia og Finn\n\nResultatet af lønforhandlingerne, som lønservice kan indberette:\n\n"
        "- Grethe Vad: funktionstillæg for sin funktion som AKT-koordinator.\n"
        "- Leif Sand: kvalifikationstillæg, fordi han har taget en diplomuddannelse.\n"
        "- Hanne Krog: engangsvederlag for sin ekstra indsats med emneugen.\n"
    )
    assert "hr_confidential" in categories(body, subject="Orientering").categories
    lesson = "Emneugen: vi læser romanen, hvor hovedpersonen Leif Sand er syg med kræft og får en bøde."
    assert categories(lesson, subject="Orientering").categories == ()


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("jonse sagde lige at han stopper efter jul og vil på prod.skolen i stedet", True),
        ("Koret stopper efter jul, siger Emil, og han håber, det starter igen i marts.", False),
    ],
)
def test_stopping_after_christmas_is_dropout_near_a_school(
    categories: Classify, body: str, counts: bool
) -> None:
    assert ("education_readiness" in categories(body, subject="hej").categories) is counts


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("Thomas ville se naglegabene. Vi synger, uanset om man tror på Gud eller ingenting.", False),
        ("Thomas fortalte mig i går, at han tror på Gud og beder hver aften.", True),
    ],
)
def test_the_generic_one_is_nobody(categories: Classify, body: str, counts: bool) -> None:
    assert ("religion" in categories(body, subject="Morgensang").categories) is counts


def test_a_job_adverts_equal_opportunity_line_is_about_no_one(categories: Classify) -> None:
    body = (
        "Hej\n\nBlågårdsskolen søger en lærer. Jens Kofoed er leder. Vi opfordrer alle interesserede uanset "
        "alder, køn, handicap, religion, etnisk baggrund og seksuel orientering til at søge."
    )
    assert categories(body, subject="Opslag: lærer").categories == ()


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        # a school's figures that quote the survey's questions: their "jeg" is nobody
        ("Andel der svarer 'Jeg føler mig ensom' eller 'Jeg bliver mobbet': 9 og 6 procent.", False),
        # a named pupil's own answer
        ("SJ i 4.a svarede i trivselsmålingen 'Jeg føler mig ensom: Ofte'.", True),
    ],
)
def test_a_survey_questions_voice_is_nobody(categories: Classify, body: str, counts: bool) -> None:
    assert ("wellbeing_survey" in categories(body, subject="Trivselsmåling").categories) is counts


def test_a_class_visit_to_a_mosque_is_no_ones_faith(categories: Classify) -> None:
    body = "Hej faggruppe\n\nKommentarer inden fredag, så jeg kan booke moskébesøget for 1.g.\n\n/Peter"
    assert "religion" not in categories(body, "Udkast: forløb om islam").categories
