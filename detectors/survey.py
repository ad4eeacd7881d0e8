"""Survey answers: analysed text + NLP tokens -> wellbeing results for answers to survey questions that
read badly ("Føler du dig alene?": Meget tit), and wellbeing_survey results for any answer on the
survey's scale in survey context, scored by person and context like any term.

The question itself is no finding (a survey masks the wellbeing words it quotes), but a pupil who
answers that they are often alone is in poor wellbeing, as the handbook counts it.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.terms import ContextScoredRecognizer, ContextScorer

ENTITY = "wellbeing"
ANSWER = re.compile(
    r"(?P<question>[^\n\"“”?.!]{3,120}\?)[\"“”]?[ \t]*[:–\-][ \t]*[\"“”]?(?P<answer>[^\n\"“”,.;(]{1,40})"
)
"""A question ending in '?' and its answer after a colon or dash, on one line."""
PLAIN_ANSWER = re.compile(
    r"(?P<question>[^\n\"“”?.!:]{3,120}\?)[ \t]+(?P<answer>[^\n\"“”,.;:(?]{2,25}?)[ \t]*$", re.M
)
"""A question and a one- or two-word answer after it on its line ("Har du nogen at lege med? Sjældent"):
taken only when the answer is a word of a survey's scale."""
TROUBLE = ("alene", "ensom", "udenfor", "mobbet", "drillet", "ked af", "bange", "utryg", "ondt", "svært")
"""Words of a question that asks after a problem: yes or often is a bad answer."""
COMFORT = ("glad for", "tryg", "nogen at", "godt", "koncentrere", "hjælper", "venner", "lyst")
"""Words of a question that asks after comfort: no or rarely is a bad answer."""
OFTEN = ("ja", "meget tit", "tit", "ofte", "altid", "hele tiden", "for det meste", "meget ofte")
SELDOM = ("nej", "aldrig", "næsten aldrig", "sjældent", "meget sjældent", "ikke")
SCALE = (*OFTEN, *SELDOM, "nogle gange", "en gang imellem", "af og til", "hverken", "enig", "uenig",
         "helt enig", "helt uenig", "delvis", "lidt")  # fmt: skip
"""The words of a survey's answer scale: a wellbeing question answered so is a pupil's survey answer."""
SURVEY_ENTITY = "wellbeing_survey"


def reads_badly(question: str, answer: str) -> bool:
    """Whether the answer to the question tells of poor wellbeing."""
    question, answer = question.lower(), answer.lower().strip()
    if any(word in question for word in TROUBLE):
        return _starts_with(answer, OFTEN)
    if any(word in question for word in COMFORT):
        return _starts_with(answer, SELDOM)
    return False


def asks_after_wellbeing(question: str) -> bool:
    question = question.lower()
    return any(word in question for word in (*TROUBLE, *COMFORT))


def on_the_scale(answer: str) -> bool:
    return _starts_with(answer.lower().strip(), SCALE)


def _starts_with(answer: str, words: tuple[str, ...]) -> bool:
    return any(answer == w or answer.startswith(w + " ") for w in words)


class SurveyAnswerRecognizer(ContextScoredRecognizer):
    """Presidio recognizer for bad answers to wellbeing-survey questions."""

    def __init__(self, scorer: ContextScorer) -> None:
        self.scorer = scorer
        super().__init__(
            supported_entities=[ENTITY, SURVEY_ENTITY], name="SurveyAnswerRecognizer", supported_language="da"
        )

    def load(self) -> None:
        """Nothing to load: the questions' words are constants."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "?" not in text:
            return []
        results, seen = [], set()
        quoted = [(m, True) for m in ANSWER.finditer(text)]
        plain = [(m, False) for m in PLAIN_ANSWER.finditer(text) if on_the_scale(m.group("answer"))]
        for match, said in (*quoted, *plain):
            question, answer = match.group("question"), match.group("answer")
            if match.start("answer") in seen:
                continue
            seen.add(match.start("answer"))
            # "Føler du dig ensom?": Ja, tit - an answer quoted to say how a pupil is; a row of an
            # export ("Aya Hassan  Føler du dig ensom? Meget tit") is the survey's data only
            if said and reads_badly(question, answer):
                results.append(self.result(match, ENTITY, "bad answer to a survey question"))
            if asks_after_wellbeing(question) and on_the_scale(answer):
                results.append(
                    self.result(match, SURVEY_ENTITY, "an answer to a wellbeing survey's question")
                )
        return results

    def result(self, match: re.Match[str], entity: str, what: str) -> RecognizerResult:
        score = self.scorer.scoring.tiers.get("strong", 0.7)
        question = " ".join(match.group("question").lower().split()[-4:])
        return RecognizerResult(
            entity_type=entity,
            start=match.start("answer"),
            end=match.end("answer"),
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "SurveyAnswerRecognizer",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "term": f"answer to '{question}'",  # one symbol per question
                "word": "survey answer",
                "reason": f"{what} ({score:.2f})",
                # a question answered on a scale is a survey's only in survey context (trivselsmåling,
                # spørgsmål, svar, a table row): a teacher's own question in a talk is not
                "needs_context": entity == SURVEY_ENTITY,
            },
        )
