"""Category terms: analysed text + NLP tokens -> one result per term hit, scored by person and context.

Declared as data (config/terms/*.yaml); this Presidio recognizer finds the terms (surface form
through the automaton, irregular forms through the lemma) and explains each score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.context import CueSet, TokenWindow, token_texts
from detectors.lexicon import ANCHOR, Hit, Lexicon, Term
from detectors.person import PersonCues
from detectors.settings import TermScoring

CPR_ENTITY = "CPR"
GENERIC_SUBJECT = "generic-subject:"
PERSON_IN_MESSAGE = "person-in-message:"
"""Prefix of a message-wide context word passed through Presidio: the subject marks general text."""


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

    def __init__(self, lexicon: Lexicon, person: PersonCues, scoring: TermScoring) -> None:
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
        cprs = [r for r in others if r.entity_type == CPR_ENTITY]
        subject = _cue(context, GENERIC_SUBJECT)
        person = _cue(context, PERSON_IN_MESSAGE)
        for result in results:
            self.rescore(result, artifacts, cprs, subject, person)
        return results

    def rescore(
        self,
        result: RecognizerResult,
        artifacts: NlpArtifacts,
        cprs: Sequence[RecognizerResult],
        generic_subject: str | None = None,
        message_person: str | None = None,
    ) -> None:
        conf = self.scoring
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
        person = self.person.find(window, conf.person_tokens) or _cpr_near(result, cprs, conf.window_chars)
        if person:
            score += conf.person_bonus
            reasons.append(f"{person} +{conf.person_bonus:.2f}")
        elif message_person:
            bonus = conf.person_bonus * conf.person_in_message
            score += bonus
            reasons.append(f"{message_person} elsewhere in the mail +{bonus:.2f}")
        else:
            score *= conf.without_person
            reasons.append(f"no person near x{conf.without_person:.2f}")
        generic = self.generic.find(words, text) or generic_subject
        if generic:
            score *= conf.generic_factor
            reasons.append(f"general text '{generic}' x{conf.generic_factor:.2f}")
        negative = cues.negative.find(words, text)
        if negative:
            score *= conf.negative_factor
            reasons.append(f"context '{negative}' x{conf.negative_factor:.2f}")
        result.score = max(0.0, min(1.0, score))
        result.recognition_metadata["reason"] = ", ".join(reasons)


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
                if " " not in term.text and term.tier != ANCHOR:
                    self.by_lemma.setdefault(term.text, []).append(term)
        super().__init__(
            supported_entities=sorted(lexicon.lists), name="TermRecognizer", supported_language="da"
        )

    def load(self) -> None:
        """The lexicon is compiled before the recognizer is built."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        hits = unmasked(
            [h for h in self.lexicon.hits(lower_same_length(text)) if h.term.tier != ANCHOR], self.lexicon
        )
        if nlp_artifacts is not None:
            hits += self.lemma_hits(nlp_artifacts, {(h.start, h.term) for h in hits})
        wanted = set(entities or self.supported_entities)
        return [self.result(hit) for hit in hits if hit.term.category in wanted]

    def lemma_hits(self, artifacts: NlpArtifacts, seen: set[tuple[int, Term]]) -> list[Hit]:
        """Irregular forms (børn -> barn) found through the lookup lemmatizer."""
        found: list[Hit] = []
        tokens = zip(token_texts(artifacts), artifacts.lemmas, artifacts.tokens_indices, strict=False)
        for token, lemma, start in [t for t in tokens if t[0] != t[1]]:  # most lemmas are the token
            terms = self.by_lemma.get(lemma) or self.by_lemma.get(lemma.lower())
            if not terms or token.lower() == lemma.lower():
                continue
            for term in terms:
                if (start, term) not in seen:
                    found.append(Hit(term, start, start + len(token), token.lower()))
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
            },
        )


def unmasked(hits: list[Hit], lexicon: Lexicon) -> list[Hit]:
    """Drop hits inside a longer phrase of a list that masks their category."""
    masking = [h for h in hits if lexicon.lists[h.term.category].masks]
    if not masking:
        return hits
    return [
        hit
        for hit in hits
        if not any(
            hit.term.category in lexicon.lists[m.term.category].masks
            and m.start <= hit.start
            and hit.end <= m.end
            and m.end - m.start > hit.end - hit.start
            for m in masking
        )
    ]


def _cue(context: list[str] | None, prefix: str) -> str | None:
    return next((c[len(prefix) :] for c in context or [] if c.startswith(prefix)), None)


def _cpr_near(result: RecognizerResult, cprs: Sequence[RecognizerResult], distance: int) -> str | None:
    for cpr in cprs:
        if abs(cpr.start - result.start) <= distance:
            return "CPR"
    return None
