"""Survey answers: analysed text + NLP tokens -> wellbeing results for answers to survey questions that
read badly ("Føler du dig alene?": Meget tit), scored by person and context like any term.

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
TROUBLE = ("alene", "ensom", "udenfor", "mobbet", "drillet", "ked af", "bange", "utryg", "ondt", "svært")
"""Words of a question that asks after a problem: yes or often is a bad answer."""
COMFORT = ("glad for", "tryg", "nogen at", "godt", "koncentrere", "hjælper", "venner", "lyst")
"""Words of a question that asks after comfort: no or rarely is a bad answer."""
OFTEN = ("ja", "meget tit", "tit", "ofte", "altid", "hele tiden", "for det meste", "meget ofte")
SELDOM = ("nej", "aldrig", "næsten aldrig", "sjældent", "meget sjældent", "ikke")


def reads_badly(question: str, answer: str) -> bool:
    """Whether the answer to the question tells of poor wellbeing."""
    question, answer = question.lower(), answer.lower().strip()
    if any(word in question for word in TROUBLE):
        return _starts_with(answer, OFTEN)
    if any(word in question for word in COMFORT):
        return _starts_with(answer, SELDOM)
    return False


def _starts_with(answer: str, words: tuple[str, ...]) -> bool:
    return any(answer == w or answer.startswith(w + " ") for w in words)


class SurveyAnswerRecognizer(ContextScoredRecognizer):
    """Presidio recognizer for bad answers to wellbeing-survey questions."""

    def __init__(self, scorer: ContextScorer) -> None:
        self.scorer = scorer
        super().__init__(supported_entities=[ENTITY], name="SurveyAnswerRecognizer", supported_language="da")

    def load(self) -> None:
        """Nothing to load: the questions' words are constants."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "?" not in text:
            return []
        return [
            self.result(match)
            for match in ANSWER.finditer(text)
            if reads_badly(match.group("question"), match.group("answer"))
        ]

    def result(self, match: re.Match[str]) -> RecognizerResult:
        score = self.scorer.scoring.tiers.get("strong", 0.7)
        question = " ".join(match.group("question").lower().split()[-4:])
        return RecognizerResult(
            entity_type=ENTITY,
            start=match.start("answer"),
            end=match.end("answer"),
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "SurveyAnswerRecognizer",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "term": f"answer to '{question}'",  # one symbol per question
                "word": "survey answer",
                "reason": f"bad answer to a survey question ({score:.2f})",
            },
        )
