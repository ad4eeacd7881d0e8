"""Clauses: whether "jeg", "mig", "du" or "dig" near a term speaks of a person.

"jeg/mig/du/dig" count only in the term's own clause, and "du" not as the generic you of a rule, a
question or an instruction ("Hvis du er syg", "Er du syg, ...", "Sådan melder du dig syg"); Danish
word order (V2) tells the reader's "du" after a fronted clause from a condition's.
"""

from __future__ import annotations

from detectors.context import WINDOW_BREAK, normalise

WRITER = frozenset(["jeg", "mig"])
"""The writer, who is identifiable, when the term is in the same clause ("jeg er sygemeldt")."""
CONDITIONS = frozenset(["hvis", "når", "såfremt", "om"])
"""'hvis du', 'når du': the you of a rule, not the reader."""
MODALS = frozenset(["skal", "kan", "må"])
HOW_TO = frozenset(["sådan", "hvordan"])
"""'Sådan melder du dig syg': the you of an instruction."""
CONDITIONAL_SUBJECTS = frozenset(["du", "man", "i", "dit", "din", "jeres"])
"""'Er du syg, ...', 'Har dit barn feber, ...': a verb and its subject open a condition."""
COORDINATORS = frozenset(["og", "eller", "men"])
"""A clause that continues the one before it, and its reading ('Har du ... eller spiser du')."""
CLAUSE_BREAKS = frozenset([".", "!", "?", ";", ":", "–", "—", "(", ")"])
CLAUSE_STARTS = frozenset([*CLAUSE_BREAKS, ",", "-", "•", "*", '"', "«", "»", "“", "”"])
SUBORDINATORS = frozenset(["at", "som", "der", "hvor", "fordi", "da", "mens", "og", "men", "så", "eller",
                           "end", "hvis", "når", "om", "selvom", "før", "efter", "indtil"])  # fmt: skip


def counts_in_clause(texts: list[str], offset: int, first: int, last: int, pronoun: str) -> bool:
    """'jeg/mig/du/dig' speak of a person only in the term's own clause, and 'du' not as the generic
    you of a rule or a question ('Hvis du er syg', 'Er du sygemeldt ..., tilbydes du')."""
    between = texts[offset + 1 : first] if offset < first else texts[last + 1 : offset]
    if any(t in CLAUSE_BREAKS or "\n" in t for t in between):
        return False
    return pronoun in WRITER or not _generic_you(texts, offset)


def _generic_you(texts: list[str], offset: int) -> bool:
    """'Hvis du', 'Er du syg', 'Hvis du er syg, skal du': the you of a rule or a question. A verb or
    modal before "du" after a fronted clause or adverbial is Danish word order (V2: "Som opfølgning på
    samtalen, meddeles du", "I morgen skal du"), generic only in a sentence that opens with a condition."""
    before = [t for t in texts[max(0, offset - 4) : offset] if not t.isspace() or "\n" in t]
    previous = normalise(before[-1]) if before else ""
    if previous in CONDITIONS:
        return True
    if previous == "du" and normalise(texts[offset]) == "dig":  # "melder du dig": as generic as its "du"
        du = offset - 1
        while texts[du].isspace():
            du -= 1
        return _generic_you(texts, du)
    if not previous.isalpha() or previous in SUBORDINATORS:
        return False
    start = before[-2] if len(before) > 1 else "\n"
    if normalise(start) in HOW_TO:
        return True  # "Sådan melder du dig syg": the you of an instruction
    if start != "," and (start in CLAUSE_STARTS or "\n" in start or (offset < 2 and len(before) < 2)):
        return True  # "Er du syg ...", "Skal du ...": a verb opens the sentence
    if start == "," or previous in MODALS or normalise(start) in COORDINATORS:
        return _opens_with_condition(texts, offset)  # "Har du en allergi eller spiser du ikke svinekød"
    return False


def _opens_with_condition(texts: list[str], offset: int) -> bool:
    """The sentence around ``offset`` opens with a condition: 'Hvis/Når du ...', 'Er du syg, ...'."""
    i = offset - 1
    while i > 0 and not _ends_sentence(texts, i - 1):
        i -= 1
    words = [normalise(t) for t in texts[i:offset] if t.strip() and normalise(t)]
    return bool(words) and (words[0] in CONDITIONS or (len(words) > 1 and words[1] in CONDITIONAL_SUBJECTS))


def _ends_sentence(texts: list[str], i: int) -> bool:
    """A sentence ends here: a full stop after a word (not "d. 4." or "kl."), another break, a paragraph."""
    text = texts[i]
    if "\n\n" in text or text == WINDOW_BREAK or text in ("!", "?", ";", ":"):
        return True
    if text != ".":
        return False
    word = next((t for t in texts[i - 1 :: -1] if not t.isspace()), "") if i else ""
    return len(word) > 2 and word.isalpha()


COPULAS = frozenset(["er", "var", "blev"])
SELF_VERBS = COPULAS | frozenset(["sidder", "kommer", "stemmer", "tilhører", "bekender"])
"""'jeg er troende', 'jeg sidder i bestyrelsen for ...', 'vi kommer i Indre Mission': the writer says
what they are or belong to."""
SELF_REACH = 6
"""Words from the writer to the term: 'jeg sidder desuden i bestyrelsen for Kristendemokraterne'."""
FAMILY = frozenset(["familie", "familien", "hjem"])
"""'Vi er en troende kristen familie': a family's 'vi', not a school's ('Vi er en kristen friskole')."""


def declares_self(texts: list[str], first: int, last: int) -> bool:
    """The writer says of themself what the term at tokens ``first``..``last`` names: 'Som troende
    kristen ... finder jeg', 'jeg er muslim', 'Vi er en troende kristen familie'. That is the writer's
    own belief or belonging, whatever general words (a lesson topic they complain about) stand near."""
    start = first
    while start > 0 and not _ends_sentence(texts, start - 1) and texts[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    end = last + 1
    while end < len(texts) and not _ends_sentence(texts, end) and "\n\n" not in texts[end]:
        end += 1
    before = [t if t == "," else normalise(t) for t in texts[start:first] if t.strip()]
    before = [t for t in before if t]
    after = [normalise(t) for t in texts[last + 1 : end] if t.strip() and normalise(t)]
    if (
        before[:1] == ["som"]
        and len(before) <= SELF_REACH + 2
        and "," not in before
        and "jeg" in after[: SELF_REACH * 3]
    ):
        return True  # "Som troende kristen og medlem af ..., finder jeg det upassende"
    for i, word in enumerate(before):
        between = before[i + 1 :]
        family = word == "vi" and bool(FAMILY.intersection(after[:2]))
        if (word == "jeg" or family) and len(between) <= SELF_REACH and SELF_VERBS.intersection(between[:2]):
            return not any(t == "," for t in between)
    return False


COPULA_ADVERBS = frozenset(["jo", "selv", "også", "faktisk", "oprindeligt", "oprindelig", "halvt", "nok",
                            "vist", "begge", "da", "nemlig", "ikke"])  # fmt: skip
PERSON_SUBJECTS = frozenset(["han", "hun", "de", "jeg", "vi", "begge", "familien", "forældrene", "faren",
                             "moren", "far", "mor", "eleven", "drengen", "pigen", "vikaren", "manden",
                             "konen"])  # fmt: skip
"""Who a copula's predicate is said of: 'hun er jo polsk', 'Familien er syriske kurdere' (not 'maden er
polsk', 'sproget er arabisk')."""


def said_of(texts: list[str], first: int) -> str | None:
    """The person the term at token ``first`` is said of by a copula right before it ('hun er jo
    polsk', 'Familien er syriske kurdere'), or None."""
    i = first - 1
    while i >= 0 and ((texts[i].isspace() and "\n" not in texts[i]) or normalise(texts[i]) in COPULA_ADVERBS):
        i -= 1
    if i < 1 or normalise(texts[i]) not in COPULAS:
        return None
    subject = normalise(texts[i - 1])
    return subject if subject in PERSON_SUBJECTS else None
