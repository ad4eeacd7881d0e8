"""Category terms: analysed text + NLP tokens -> one result per term hit, scored by person and context.

Declared as data (config/terms/*.yaml); this Presidio recognizer finds the terms (surface form
through the automaton, irregular forms through the lemma) and explains each score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.clauses import CLAUSE_BREAKS, declares_self, said_of
from detectors.context import CueSet, TokenWindow, token_texts
from detectors.letter import in_signature
from detectors.lexicon import ANCHOR, GENERAL, LESSON, Hit, Lexicon, Term
from detectors.negation import negation
from detectors.person import Person, PersonCues
from detectors.settings import TermScoring

CPR_ENTITY = "CPR"
GENERIC_SUBJECT = "generic-subject:"
PERSON_IN_MESSAGE = "person-in-message:"
"""Prefix of a message-wide context word passed through Presidio: the subject marks general text."""
GENERIC_TEXT = "generic-text:"
"""The text opens to many or is a lesson plan or policy: pronouns alone do not make it personal."""
LESSON_TEXT = "lesson-text:"
"""The text is a lesson on a book or an event's announcement: its names may be characters."""
TEXT_CUES = {GENERAL: GENERIC_TEXT, LESSON: LESSON_TEXT}
ADDRESSEE = "addressee:"
"""The text greets one named reader ("Kære Bo"): its "du" and "dig" are that person."""
READER = frozenset(["du", "dig"])
QUESTIONNAIRE_CATEGORIES = frozenset(["wellbeing_survey"])
FIRST_PERSON = frozenset(["jeg", "mig", "du", "dig"])
"""A survey's questions speak as 'jeg' and 'du': near its terms these pronouns are nobody."""
IDENTITY_CATEGORIES = frozenset(["ethnicity", "religion", "politics", "sexual_orientation", "union"])
"""Categories of who a person is: said of a person by a copula ("hun er muslim"), they are that person's."""
STAFF_CATEGORIES = frozenset(["hr_confidential"])
"""Categories about staff: in a text with their terms a name is a colleague, even when the text
mentions a lesson or a course, where names tied to no pupil are otherwise characters or presenters."""
SUBJECT_CUE = "subject-cue:"
"""A category's positive cue is in the subject (the mail is about the survey)."""
NAMES_IN_TABLE = "names in a table"
"""The PERSON_IN_MESSAGE cue of an attachment whose rows start with people's names."""
CPR_IN_MESSAGE = "CPR"
"""The PERSON_IN_MESSAGE cue of a mail that holds a CPR."""


@dataclass(frozen=True)
class CategoryCues:
    positive: CueSet
    negative: CueSet


NO_CUES = CategoryCues(CueSet(frozenset()), CueSet(frozenset()))


def lower_same_length(text: str) -> str:
    """Lower-case without changing offsets (a few characters lower-case to two)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(ch.lower()[:1] or ch for ch in text)


class ContextScorer:
    """Moves a category result's score by what is near it: a person, general text, category cues."""

    def __init__(
        self, lexicon: Lexicon, person: PersonCues, scoring: TermScoring, cpr_min_score: float = 0.0
    ) -> None:
        self.lists = lexicon.lists
        self.cpr_min_score = cpr_min_score
        self.person = person
        self.scoring = scoring
        self.generic = CueSet.of(lexicon.generic_words)
        self.cues = {
            name: CategoryCues(CueSet.of(tl.positive), CueSet.of(tl.negative))
            for name, tl in lexicon.lists.items()
        }

    def rescore_all(
        self,
        results: list[RecognizerResult],
        others: list[RecognizerResult],
        artifacts: NlpArtifacts | None,
        context: list[str] | None,
    ) -> list[RecognizerResult]:
        if artifacts is None:
            return results
        # a number scored below a CPR (a booking number) is no person near a term
        cprs = [r for r in others if r.entity_type == CPR_ENTITY and r.score >= self.cpr_min_score]
        message = MessageCues(
            _cue(context, GENERIC_SUBJECT),
            _cue(context, PERSON_IN_MESSAGE),
            _cue(context, GENERIC_TEXT),
            _cue(context, LESSON_TEXT),
            frozenset(c[len(SUBJECT_CUE) :] for c in context or [] if c.startswith(SUBJECT_CUE)),
            _cue(context, ADDRESSEE),
            named_table=f"{PERSON_IN_MESSAGE}{NAMES_IN_TABLE}" in (context or []),
            cpr=f"{PERSON_IN_MESSAGE}{CPR_IN_MESSAGE}" in (context or []),
        )
        strong = self.scoring.tiers.get("strong", 0.7)
        staff = [r for r in results if r.entity_type in STAFF_CATEGORIES]
        # a staff matter: a strong term ("tjenstlig samtale") or several ("MUS", "personalemappen"), not
        # one word like "begrundelse" in a lesson plan
        if len(staff) >= 2 or any(r.score >= strong for r in staff):
            message = replace(message, staff_text=True)
        for result in results:
            self.rescore(result, artifacts, cprs, message)
        return self.unmasked(results)

    def rescore(
        self,
        result: RecognizerResult,
        artifacts: NlpArtifacts,
        cprs: Sequence[RecognizerResult],
        message: MessageCues | None = None,
    ) -> None:
        conf = self.scoring
        message = message or MessageCues()
        window = TokenWindow.around(artifacts, result.start, result.end)
        words = window.around_tokens(conf.context_tokens)
        text = window.text(conf.context_tokens)
        cues = self.cues.get(result.entity_type, NO_CUES)
        score = result.score
        reasons = [result.recognition_metadata["reason"]]
        positive = cues.positive.find(words, text)
        if positive:
            score += conf.positive_bonus
            reasons.append(f"context '{positive}' +{conf.positive_bonus:.2f}")
        texts = token_texts(artifacts)
        # "hun er jo polsk", "Familien er syriske kurdere": who a person is, whatever is near
        subject = said_of(texts, window.first) if result.entity_type in IDENTITY_CATEGORIES else None
        if result.recognition_metadata.get("needs_context"):
            supported = subject or (
                not result.recognition_metadata.get("said_of_person")
                and (positive or result.entity_type in message.subject_cues or in_table_row(window))
            )
            result.recognition_metadata["masks"] = bool(supported)
            if not supported:
                score *= conf.negative_factor
                reasons.append(f"no {result.entity_type} context x{conf.negative_factor:.2f}")
        # "Jeg føler mig ensom": near a survey's questions "jeg" and "du" are their voice, not a person
        skip = FIRST_PERSON if result.entity_type in QUESTIONNAIRE_CATEGORIES else frozenset()
        person = self.person.nearest(window, conf.person_tokens, skip) or _cpr_near(
            result, cprs, conf.window_chars
        )
        if person is None and subject:
            person = Person(f"said of '{subject}'")
        table_row = message.named_table and in_table_row(window)
        if table_row and (person is None or not person.definite):
            person = Person("a row of a table of names")  # a survey's answers, marks, allergies per pupil
        if person and not person.definite and person.word in READER and message.addressee:
            person = replace(person, definite=True, cue=f"{person.cue} ({message.addressee})")
        if person:
            score += conf.person_bonus
            reasons.append(f"{person.cue} +{conf.person_bonus:.2f}")
        elif message.person:
            bonus = conf.person_bonus * conf.person_in_message
            score += bonus
            reasons.append(f"{message.person} elsewhere in the mail +{bonus:.2f}")
        else:
            score *= conf.without_person
            reasons.append(f"no person near x{conf.without_person:.2f}")
        # "Emil i 7.B har en depression; klassen læser romanen ...", "Invitation: Samtale m. Laura P. 1.c":
        # a pupil, whatever general words stand near or in the subject
        pupil = bool(person and person.name_at >= 0 and self.person.tied_to_pupil(window, person))
        plain = table_row or message.cpr  # a table of named rows, a mail with a CPR: about a person
        generic = None
        if not plain and not pupil:
            generic = self.generic.find(words, text) or _generic_one(window) or message.generic_subject
        if not generic and not plain:
            # a name tied to no pupil in a lesson or an announcement: a character or a presenter
            character = bool(
                message.lesson_text
                and person
                and person.name_at >= 0
                and not message.staff_text
                and not pupil
            )
            generic = message.general_reading(person, character)
        # "Artem (8.A) ... vaccinationskort ... Han har astma": a pupil's own matter, whatever is near
        negative = None if subject or pupil else cues.negative.find(words, text)
        # "Som troende kristen finder jeg det upassende, at ... besøg ... i kristendomsundervisningen"
        if (generic or negative) and person and declares_self(texts, window.first, window.last):
            generic = negative = None
        if generic:
            score *= conf.generic_factor
            reasons.append(f"general text '{generic}' x{conf.generic_factor:.2f}")
        if negative:
            score *= conf.negative_factor
            reasons.append(f"context '{negative}' x{conf.negative_factor:.2f}")
        term_list = self.lists.get(result.entity_type)
        if term_list is not None and not term_list.in_signature and in_signature(window):
            score = 0.0  # "Tillidsrepræsentant (DLF)" under "Venlig hilsen" is a role, not a disclosure
            reasons.append("in a signature x0")
        negated = negation(window, term_list.negations) if term_list is not None else None
        if negated:
            score = 0.0  # "Allergier: ingen", "ingen kendte allergier": the form says there is none
            reasons.append(f"negated ('{negated}') x0")
        result.score = max(0.0, min(1.0, score))
        result.recognition_metadata["reason"] = ", ".join(reasons)

    def unmasked(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Drop results inside a longer phrase of a list that masks their category (a survey question
        quoting 'mobbet'); a phrase that needed context masks only where it had it."""
        masking = [
            r
            for r in results
            if r.entity_type in self.lists
            and self.lists[r.entity_type].masks
            and r.recognition_metadata.get("masks", True)
        ]
        if not masking:
            return results
        return [
            result
            for result in results
            if not any(
                result.entity_type in self.lists[m.entity_type].masks
                and m.start <= result.start
                and result.end <= m.end
                and m.end - m.start > result.end - result.start
                for m in masking
            )
        ]


@dataclass(frozen=True)
class MessageCues:
    """Message-wide cues passed as Presidio context: a general subject or text, a person elsewhere,
    the categories whose positive cues are in the subject."""

    generic_subject: str | None = None
    person: str | None = None
    generic_text: str | None = None
    lesson_text: str | None = None
    subject_cues: frozenset[str] = frozenset()
    addressee: str | None = None
    staff_text: bool = False
    """The text holds a staff matter (an MUS, a supplement): its names are colleagues, not
    characters or presenters, though it mentions a course."""
    cpr: bool = False
    """The mail holds a CPR: it is about a person, whatever general words it uses ("efter kommunens
    retningslinjer kan vi ikke ansætte ham")."""
    named_table: bool = False
    """An attachment of the mail is a table whose rows are people: a term in a table row is theirs."""

    def general_reading(self, person: Person | None, character: bool) -> str | None:
        """The text-wide cue under which the person near a term may be anyone: no person or a pronoun
        in a general text or lesson, a role word there unless the mail names a pupil elsewhere (a
        CPR, a name in the subject), a ``character`` (a name tied to no pupil) in a lesson or
        announcement."""
        if person is None or not person.definite:
            if self.generic_text:
                return self.generic_text
            # a pronoun in a mail whose subject names someone ("Re: Lektier til Sol?") is that someone,
            # though the reply speaks of a book's chapters
            return None if person is not None and self.person else self.lesson_text
        if self.person:
            return None
        if person.role:
            return self.generic_text or self.lesson_text
        return self.lesson_text if character else None


def _generic_one(window: TokenWindow) -> str | None:
    """The term's clause has the generic 'man' as its subject, just before the term."""
    texts = token_texts(window.artifacts)
    seen = 0
    for i in range(window.first - 1, max(-1, window.first - 12), -1):
        text = texts[i]
        if text.isspace() and "\n" not in text:
            continue
        if "\n" in text or text in CLAUSE_BREAKS or text == ",":
            return None
        if text.lower() == "man":
            return "man"
        seen += 1
        if seen == 3:
            return None
    return None


def in_table_row(window: TokenWindow) -> bool:
    """The span is in a row of cells (tab, semicolon or bar separated): a sheet or answer table. A
    semicolon with a space after it, alone in its line, joins two clauses of a sentence."""
    texts = token_texts(window.artifacts)
    start = window.first
    while start > 0 and "\n" not in texts[start - 1]:
        start -= 1
    end = window.last
    while end < len(texts) - 1 and "\n" not in texts[end + 1]:
        end += 1
    line = texts[start : end + 1]
    if any("\t" in text or "|" in text for text in line):
        return True
    indices = window.artifacts.tokens_indices
    semicolons = [i for i in range(start, end + 1) if texts[i] == ";"]
    glued = any(";" in text and text != ";" for text in line) or any(
        i + 1 < len(indices) and indices[i + 1] == indices[i] + 1 for i in semicolons
    )
    return glued or len(semicolons) >= 2  # "godkender; det lægges i ..." is a sentence, not two cells


class ContextScoredRecognizer(EntityRecognizer):
    """A Presidio recognizer whose results are rescored by a ContextScorer (person, general text, cues)."""

    scorer: ContextScorer

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return self.scorer.rescore_all(
            raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts, context
        )


class TermRecognizer(ContextScoredRecognizer):
    """Presidio recognizer for every category's term list."""

    def __init__(self, lexicon: Lexicon, scorer: ContextScorer) -> None:
        self.lexicon = lexicon
        self.scorer = scorer
        self.by_lemma: dict[str, list[Term]] = {}
        for term_list in lexicon.lists.values():
            for term in term_list.terms:
                if " " not in term.text and term.tier != ANCHOR and not term.exact:
                    self.by_lemma.setdefault(term.text, []).append(term)
        super().__init__(
            supported_entities=sorted(lexicon.lists), name="TermRecognizer", supported_language="da"
        )

    def load(self) -> None:
        """The lexicon is compiled before the recognizer is built."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        hits = [h for h in self.lexicon.hits(lower_same_length(text)) if h.term.tier != ANCHOR]
        if nlp_artifacts is not None:
            hits += self.lemma_hits(nlp_artifacts, {(h.start, h.term) for h in hits})
        wanted = set(entities or self.supported_entities)
        return [self.result(hit) for hit in hits if hit.term.category in wanted]

    def lemma_hits(self, artifacts: NlpArtifacts, seen: set[tuple[int, Term]]) -> list[Hit]:
        """Irregular forms (børn -> barn) found through the lookup lemmatizer, unless stoplisted."""
        found: list[Hit] = []
        tokens = zip(token_texts(artifacts), artifacts.lemmas, artifacts.tokens_indices, strict=False)
        for token, lemma, start in [t for t in tokens if t[0] != t[1]]:  # most lemmas are the token
            terms = self.by_lemma.get(lemma) or self.by_lemma.get(lemma.lower())
            if not terms or token.lower() == lemma.lower():
                continue
            for term in terms:
                hit = Hit(term, start, start + len(token), token.lower())
                if (start, term) not in seen and not self.lexicon.stopped(hit):
                    found.append(hit)
        return found

    def result(self, hit: Hit) -> RecognizerResult:
        score = self.scorer.scoring.tiers.get(hit.term.tier, 0.0)
        return RecognizerResult(
            entity_type=hit.term.category,
            start=hit.start,
            end=hit.end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "TermRecognizer",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "term": hit.term.spelling,
                "word": hit.word,
                "reason": f"term '{hit.term.spelling}' ({hit.term.tier} {score:.2f})",
                "needs_context": hit.term.needs_context,
                "said_of_person": hit.term.said_of_person,
            },
        )


def _cue(context: list[str] | None, prefix: str) -> str | None:
    return next((c[len(prefix) :] for c in context or [] if c.startswith(prefix)), None)


def _cpr_near(result: RecognizerResult, cprs: Sequence[RecognizerResult], distance: int) -> Person | None:
    for cpr in cprs:
        if abs(cpr.start - result.start) <= distance:
            return Person("CPR")
    return None
