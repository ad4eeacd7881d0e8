"""Detection engine: text parts -> findings, through one Presidio analyzer built once per process.

The hot path is cheap: the CPR pattern and one Aho-Corasick pass over every term find candidates;
only the windows around candidates go through spaCy and Presidio's recognizers.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from detectors import cpr, windows
from detectors.context import CueSet, TokenArtifacts, normalise
from detectors.grades import GradeRecognizer
from detectors.letter import greets_a_group, greets_one_person
from detectors.lexicon import GENERAL, Lexicon, event_as_lesson, load_lexicon
from detectors.nlp import LANGUAGE, build_nlp, lemmatize, quick_doc, tokenize
from detectors.person import PersonCues
from detectors.settings import DetectorSettings
from detectors.survey import SurveyAnswerRecognizer
from detectors.terms import (
    ADDRESSEE,
    CPR_IN_MESSAGE,
    GENERIC_SUBJECT,
    NAMES_IN_TABLE,
    PERSON_IN_MESSAGE,
    SUBJECT_CUE,
    TEXT_CUES,
    ContextScorer,
    TermRecognizer,
    lower_same_length,
)
from detectors.titles import names_in_table, subject_names, title_lines, title_names
from gateway.types import FILE_NAME, Finding, TextPart


class Candidates(NamedTuple):
    """What the cheap pass found in a text (``Detector.candidate_spans``)."""

    spans: list[tuple[int, int, int]]
    """(start, end, margin) of every span worth analysing."""
    has_cpr: bool
    """Some CPR candidate is labelled as no other kind of number."""
    cpr_labels: dict[int, list[str]]
    """The words that say what kind of number each CPR candidate is, by its start (``CprCues.labels``)."""


BLANK_FIELD = re.compile(r"_{4,}|\.{6,}|…{3,}")
"""A field of a form left to fill in."""
BLANK_FORM_FIELDS = 3
"""A text with this many blank fields is a form to fill in: its "elevens" is any pupil."""


def _is_blank_form(lower: str) -> bool:
    """A form to fill in: enough blank fields (most texts have no run of '_' or '.' at all)."""
    if "____" not in lower and "......" not in lower and "………" not in lower:
        return False
    return len(BLANK_FIELD.findall(lower)) >= BLANK_FORM_FIELDS


class PreloadedSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around a pipeline we built ourselves (nothing is downloaded).

    With ``lemmas`` (blank Danish's lookup table) a text is tokenised by our regular expression and
    lemmatised by dict look-ups, exactly as the pipeline would, without building a spaCy Doc per text;
    a trained pipeline runs its components."""

    def __init__(self, nlp: Language, lemmas: Mapping[str, str] | None = None) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": nlp.meta.get("name", "blank")}])
        self.pipeline = nlp
        self.lemmas = lemmas
        self.quick = nlp.pipe_names == ["lemmatizer"]  # blank Danish: our tokenizer suffices
        self.nlp = {LANGUAGE: nlp}  # type: ignore[assignment]  # Presidio declares it None until load()

    def load(self) -> None:
        """Already loaded in the constructor."""

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if self.lemmas is not None:
            tokens = tokenize(text)
            lemmas = lemmatize(tokens, self.lemmas)

            def make_doc() -> Doc:
                return Doc(self.pipeline.vocab, words=tokens.texts, spaces=tokens.spaces, lemmas=lemmas)

            return TokenArtifacts(tokens.texts, tokens.starts, lemmas, language, make_doc)
        doc = quick_doc(self.pipeline, text) if self.quick else self.pipeline(text)
        texts, starts, lemmas = [], [], []
        for token in doc:
            texts.append(token.text)
            starts.append(token.idx)
            lemmas.append(token.lemma_ or token.text)
        return TokenArtifacts(texts, starts, lemmas, language, lambda: doc)


class RecognizerContext(ContextAwareEnhancer):
    """Our recognizers score their own context (with negative cues too); nothing more is added."""

    def __init__(self) -> None:
        super().__init__(0.0, 0.0, 0, 0)

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[Any],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return raw_results


class Detector:
    """Finds CPR numbers and category terms in text parts; build with ``shared_detector``."""

    def __init__(self, settings: DetectorSettings) -> None:
        self.settings = settings
        self.key, self.development_key = cpr.effective_hash_key(settings)
        self.lexicon: Lexicon = load_lexicon(settings.terms_dir, settings.terms.tiers)
        self.cpr_cues = cpr.CprCues.of(self.lexicon.cpr_context)
        pipeline = build_nlp(settings.spacy_model, self.lemmas_of_interest())
        self.nlp = pipeline.nlp
        lists = self.lexicon.lists
        person = self.person = PersonCues(
            words=CueSet.of(self.lexicon.person_words),
            phrases=self.lexicon.person_phrases,
            not_names=self.lexicon.not_names,
            first_names=self.lexicon.first_names,
            word_names=self.lexicon.word_names,
            german_words=self.lexicon.german_words,
            vocabulary=pipeline.vocabulary,
            term_words=self.lexicon.term_words,
            formulas=frozenset(p for phrases in self.lexicon.stop_phrases.values() for p in phrases),
        )
        scorer = ContextScorer(self.lexicon, person, settings.terms, settings.cpr.min_score)
        self.generic = CueSet.of(self.lexicon.generic_words)
        self.positive = {name: CueSet.of(tl.positive) for name, tl in lists.items() if tl.positive}
        grade_words = {t.spelling.lstrip("*") for t in lists["grades"].terms} if "grades" in lists else set()
        registry = RecognizerRegistry(
            recognizers=[
                cpr.CprRecognizer(settings.cpr, self.cpr_cues, person.find),
                TermRecognizer(self.lexicon, scorer),
                GradeRecognizer(frozenset(grade_words), scorer),
                SurveyAnswerRecognizer(scorer),
            ],
            supported_languages=[LANGUAGE],
        )
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=PreloadedSpacyNlpEngine(pipeline.nlp, pipeline.lemmas),
            supported_languages=[LANGUAGE],
            context_aware_enhancer=RecognizerContext(),
        )

    def lemmas_of_interest(self) -> set[str]:
        """Every word a recognizer compares a lemma with: terms, context and person words, CPR cues."""
        lex = self.lexicon
        words = {t.text for tl in lex.lists.values() for t in tl.terms}
        for tl in lex.lists.values():
            words |= tl.positive | tl.negative
        words |= (
            lex.person_words | lex.generic_words | self.cpr_cues.positive.exact | self.cpr_cues.negative.exact
        )
        return {w.strip("*") for w in words if " " not in w}

    def candidate_spans(self, text: str, lower: str | None = None) -> Candidates:
        """Cheap pass over the whole text (``lower``: it lower-cased, if already made): every span worth
        analysing, the labels of each CPR candidate, and whether any of them is a CPR that no label
        calls another kind of number."""
        cpr_settings = self.settings.cpr
        found = [(s, e) for s, e, _ in cpr.candidates(text)]
        reach = cpr_settings.window_chars
        spans = [(cpr.window_start(text, s, reach), e, reach) for s, e in found]
        labels = {s: self.cpr_cues.labels(text, s, cpr_settings.context_before) for s, _ in found}
        # a booking or order number is no pupil elsewhere in the mail
        has_cpr = any(not self.cpr_cues.labelled_other(words) for words in labels.values())
        per_term: Counter[str] = Counter()
        margin = self.settings.terms.window_chars
        limit = self.settings.terms.max_hits_per_term
        for hit in self.lexicon.hits(lower_same_length(text) if lower is None else lower):
            per_term[hit.term.text] += 1
            if per_term[hit.term.text] <= limit:
                spans.append((hit.start, hit.end, margin))
        return Candidates(spans, has_cpr, labels)

    def analyze_part(
        self,
        part: TextPart,
        context: list[str] | None = None,
        candidates: Candidates | None = None,
    ) -> list[Finding]:
        """Findings in one text; ``context`` carries message-wide cues (a newsletter's subject)."""
        candidates = self.candidate_spans(part.text) if candidates is None else candidates
        if not candidates.spans:
            return []
        joined = windows.join(part.text, windows.merge(part.text, candidates.spans))
        labels = [
            cpr.labels_cue(at, words)
            for start, words in candidates.cpr_labels.items()
            if (at := joined.to_joined(start)) is not None
        ]
        results = self.analyzer.analyze(joined.text, language=LANGUAGE, context=[*(context or []), *labels])
        findings = []
        for result in results:
            start, end = joined.to_original(result.start), joined.to_original(result.end)
            finding = self.finding(part, result, start, end)
            if finding is not None:
                findings.append(finding)
        return sorted(findings, key=lambda f: (f.start, f.category))

    def finding(self, part: TextPart, result: RecognizerResult, start: int, end: int) -> Finding | None:
        meta = result.recognition_metadata
        reason = str(meta.get("reason", ""))
        detector = str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, ""))
        score = round(float(result.score), 3)
        if result.entity_type == cpr.ENTITY:
            if score < self.settings.cpr.min_score:
                return None
            digits = re.sub(r"\D", "", part.text[start:end])
            return Finding(
                "cpr", part.where, score, self.settings.cpr_mask, cpr.fingerprint(digits, self.key),
                start, end, detector, reason,
            )  # fmt: skip
        if score < self.settings.min_finding_score:
            return None
        term = str(meta.get("term", ""))
        return Finding(
            result.entity_type, part.where, score, str(meta.get("word", "")), None, start, end, detector,
            f"{reason} [{term}]",
        )  # fmt: skip

    def analyze(self, parts: Sequence[TextPart]) -> list[Finding]:
        """Every finding in every part; CPR findings carry a mask and a keyed fingerprint only."""
        findings: list[Finding] = []
        parts = [readable_name(part) for part in parts]
        located = by_location(parts)
        lowered = [lower_same_length(part.text) for part in located]
        candidates = [self.candidate_spans(p.text, lower) for p, lower in zip(located, lowered, strict=True)]
        context = self.message_context(parts, any(c.has_cpr for c in candidates))
        subject_lower = [lower_same_length(p.text) for p in parts if p.where == "subject"]
        subject = self.text_cues(subject_lower)
        for part, lower, part_candidates in zip(located, lowered, candidates, strict=True):
            if not part_candidates.spans:
                continue
            own = self.part_cues(part, parts)
            # a document titled with a person's name is about that person, whatever courses it names
            titled = any(cue.startswith(PERSON_IN_MESSAGE) for cue in own)
            cues = {**({} if titled else self.text_cues([lower])), **subject}
            if GENERAL not in cues and not titled and greets_a_group(part.text):
                cues[GENERAL] = "a greeting to a group"  # "Kære elever", "Hej nattevagter", "Hej K2"
            cues = event_as_lesson(cues)
            part_context = context + [f"{TEXT_CUES[kind]}{cue}" for kind, cue in cues.items()] + own
            findings.extend(self.analyze_part(part, part_context, part_candidates))
        return findings

    def text_cues(self, lowered: Iterable[str]) -> dict[str, str]:
        """Cues that a text is written to many or about no one (a greeting to all, a lesson plan, a
        policy), or is a lesson on a book or an event's announcement; they weigh against pronouns and
        role words anywhere in that text, the lesson cues also against names tied to no pupil."""
        found: dict[str, str] = {}
        for lower in lowered:
            found = {**self.lexicon.text_cues(lower), **found}
            if GENERAL not in found and _is_blank_form(lower):
                found[GENERAL] = "a form with blank fields"  # "Elevens navn: ____", "Allergier: ____"
        return found

    def part_cues(self, part: TextPart, parts: Sequence[TextPart]) -> list[str]:
        """Cues of one text: it greets one named reader; an attachment names its person in its file
        name, its subject (a forwarded mail) or its first heading ("MUS-referat Helle Dam.docx")."""
        cues = [f"{ADDRESSEE}to the greeted reader"] if greets_one_person(part.text) else []
        if part.where.startswith("attachment:"):
            name = part.where.split(":", 1)[1].rsplit("/", 1)[-1].rsplit(".", 1)[0]
            own = [p for p in parts if p.where == part.where]
            text = "\n\n".join(p.text for p in own if not p.detail)
            titles = [name, *(p.text for p in own if p.detail == "subject"), *title_lines(text)]
            if any(title_names(self.person, title, text) for title in titles):
                cues.append(f"{PERSON_IN_MESSAGE}name in the attachment's title")
        return cues

    def without_phrases(self, text: str) -> str:
        """The text with every phrase of a term list blanked out: "Fritagelse fra kristendomskundskab"
        asks for a pupil's exemption, it is no subject on Christian studies for all."""
        lower = lower_same_length(text)
        for hit in self.lexicon.hits(lower):
            if " " in hit.term.text:
                lower = lower[: hit.start] + " " * (hit.end - hit.start) + lower[hit.end :]
        return lower

    def message_context(self, parts: Sequence[TextPart], has_cpr: bool) -> list[str]:
        """Message-wide cues, passed to the recognizers as Presidio context: a subject such as
        'Nyhedsbrev: ...' marks general text; a name in the subject or any CPR marks a person."""
        context = []
        generic = self.generic
        for part in parts:
            if part.where != "subject":
                continue
            words = [w.strip(".,:;()!?-") for w in part.text.split()]
            lowered = [normalise(w) for w in words]
            own = [normalise(w) for w in self.without_phrases(part.text).split()]
            cue = generic.find(own, " ".join(own))
            if cue:
                context.append(f"{GENERIC_SUBJECT}{cue}")
            context += [
                f"{SUBJECT_CUE}{name}"
                for name, cues in self.positive.items()
                if cues.find(lowered, " ".join(lowered))
            ]
            if subject_names(self.person, part.text):
                context.append(f"{PERSON_IN_MESSAGE}name in subject")
        if any(names_in_table(self.person, p.text) for p in parts if p.where.startswith("attachment:")):
            context.append(f"{PERSON_IN_MESSAGE}{NAMES_IN_TABLE}")
        if has_cpr:
            context.append(f"{PERSON_IN_MESSAGE}{CPR_IN_MESSAGE}")
        return context


def by_location(parts: Sequence[TextPart]) -> list[TextPart]:
    """Parts of one location (an attachment's name and its text, its sheets) are read as one text;
    finding offsets are then relative to that joined text."""
    grouped: dict[str, list[TextPart]] = {}
    for part in parts:
        grouped.setdefault(part.where, []).append(part)
    return [
        group[0] if len(group) == 1 else TextPart("\n\n".join(p.text for p in group), where, group[0].detail)
        for where, group in grouped.items()
    ]


_DETECTORS: dict[str, Detector] = {}


def shared_detector(settings: DetectorSettings) -> Detector:
    """The process's detector for these settings, built on first use (loading takes a few seconds)."""
    key = settings.model_dump_json() + cpr.effective_hash_key(settings)[0]
    detector = _DETECTORS.get(key)
    if detector is None:
        detector = _DETECTORS[key] = Detector(settings)
    return detector


def readable_name(part: TextPart) -> TextPart:
    """A file name's underscores as spaces, so its words are words ("Henvisning_Mahdi_R_5B.pdf" names
    Mahdi R. of 5.B); the same length, so offsets stay."""
    if part.detail != FILE_NAME or "_" not in part.text:
        return part
    return dataclasses.replace(part, text=part.text.replace("_", " "))
