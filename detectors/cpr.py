"""CPR detection: text -> CPR-number results (valid date, century rule, context), masked and fingerprinted."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError

from detectors.clauses import COPULAS
from detectors.context import CueSet, TokenWindow, normalise
from detectors.settings import CprSettings, DetectorSettings

ENTITY = "CPR"
DEVELOPMENT_KEY = "mailvagt-development-key-not-secret"
"""Used when neither MAILVAGT_HASH_KEY nor detectors.hash_key is set; fine for tests, never production."""

_SEPARATOR = r"(?:[-\u2013\u2011\u00a0 ./]|\s-\s)?"
PATTERN = re.compile(rf"(\d\d\d\d\d\d)(?<![\w+]\d{{6}})(?<!\d\.\d{{6}}){_SEPARATOR}(\d\d\d\d)(?![\w]|\.\d)")
"""DDMMYY[sep]SSSS, never inside a longer run of digits or letters. The pattern opens with the digits
and looks behind them afterwards, so the regex engine skips ahead to digits (3x faster on prose).
A comma and a digit beside it are a decimal number ("12,1109104588") unless the line is a row of
comma-separated cells ("Jonas,9.a,050610-7751,02,00"): ``candidates`` decides."""
CSV_ROW_COMMAS = 2
"""A line with this many commas besides the ones at the number is read as comma-separated cells."""

NUMBER_WORDS = frozenset(["nr", "no", "nummer", "nummeret", "number", "#", ""])
"""'nr.', 'nummer': the noun before them names the number; alone ("Nummer: ...") they may be a CPR."""
EXAMPLE_REACH = 3
"""How many words before a number an example word may stand ("det ser fx sådan ud: ...")."""
LIST_JOINERS = frozenset(["og", "eller", "samt", "and", "or", "und", "oder"])
"""'nr. 2510250846 og 2510250847': the numbers of a list share the label before the first."""
COPULA_WORDS = COPULAS | frozenset(["lyder", "is", "was", "ist"])
SUBJECT_REACH = 5
"""'Bestillingsnummeret fra webshoppen er 0504241239': after a copula, the clause's subject (this many
words back, the copula counted) names the number."""


def effective_hash_key(settings: DetectorSettings) -> tuple[str, bool]:
    """The fingerprint key in force and whether it is the documented development key.

    MAILVAGT_HASH_KEY wins over detectors.hash_key; with neither, DEVELOPMENT_KEY is used.
    """
    key = os.environ.get("MAILVAGT_HASH_KEY") or settings.hash_key
    if key:
        return key, False
    return DEVELOPMENT_KEY, True


def fingerprint(digits: str, key: str) -> str:
    """HMAC-SHA256 (hex) of the 10 digits of a CPR under ``key``; separators are removed first."""
    compact = re.sub(r"\D", "", digits)
    return hmac.new(key.encode("utf-8"), compact.encode("ascii"), hashlib.sha256).hexdigest()


def birth_date(digits: str) -> datetime.date | None:
    """The birth date by the CPR office's century table, or None if it is no real, past date."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return None  # what stdnum's validate() checks first, without its generic clean-up (3x slower)
    try:
        born = stdnum_cpr.get_birth_date(digits)
    except ValidationError:
        return None
    return born if born <= datetime.date.today() else None


def passes_modulus11(digits: str) -> bool:
    """The pre-2007 check; a signal of confidence only, since newer numbers may fail it."""
    return bool(stdnum_cpr.checksum(digits) == 0)


def candidates(text: str) -> Iterator[tuple[int, int, str]]:
    """Every CPR-shaped span with a real birth date: (start, end, 10 digits)."""
    for match in PATTERN.finditer(text):
        digits = match.group(1) + match.group(2)
        if birth_date(digits) is not None and not _in_decimal(text, match.start(), match.end()):
            yield match.start(), match.end(), digits


def _in_decimal(text: str, start: int, end: int) -> bool:
    """The number touches a decimal comma ("4,1109104588", "1109104588,75") in a line of prose."""
    before = text[start - 2 : start] if start >= 2 else ""
    after = text[end : end + 2]
    joined = (len(before) == 2 and before[0].isdigit() and before[1] == ",") + (
        len(after) == 2 and after[0] == "," and after[1].isdigit()
    )
    if not joined:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return line.count(",") - joined < CSV_ROW_COMMAS


LABEL_REACH = 400
"""The most characters a CPR candidate's window reaches back for its label lines."""


def window_start(text: str, start: int, margin: int) -> int:
    """Where a span for the candidate at ``start`` begins so that its window (``margin`` before it)
    takes in the line above the candidate's own (a label over a value; a table's header over its
    first row, which ``cue_words`` reads), reaching back LABEL_REACH characters at most."""
    line_start = text.rfind("\n", 0, start) + 1
    above_start = text.rfind("\n", 0, line_start - 1) + 1 if line_start else 0
    return max(min(start, above_start + margin), start - LABEL_REACH)


TABLE_DELIMITERS = (";", "\t", "|", ",")
HEADER_LOOKUP_LINES = 200
WORD = re.compile(r"[\w./#-]+")
COLUMN_GAP = re.compile(r"\S {2,}(?=\S)")
"""Two spaces or more between words: the columns of a text table padded with spaces (a log, a printout)."""
HEADER_CELL = re.compile(r"\S+(?: \S+)*")
"""A cell of a padded header: words with single spaces between them ("Navn", "Født den")."""


def cue_words(text: str, start: int, count: int, person_columns: CueSet | None = None) -> list[str]:
    """The words that say what kind of number starts at ``start``, nearest first.

    What stands before it in its own line; for a number that opens its line, the line above (a
    label over a value); in a table row, its own cell and its column's header, never the other
    columns' headers ("navn;cpr;telefon" over "Oliver;2204078541;28 11 43 90" is no phone number).
    A column headed 'Id' in a table with a column of ``person_columns`` (elev, navn) is read as that
    column's header: the number is the person's, not a session's or an order's.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    before = text[line_start:start]
    header = table_header(text, line_start, line)
    if header is not None:
        delimiter, cells = header
        column = before.count(delimiter)
        own_cell = before.rsplit(delimiter, 1)[-1]
        label = cells[column] if column < len(cells) else ""
        label = person_column(label, cells, person_columns) or label
        return words_nearest_first(f"{label} {own_cell}", count)
    padded = padded_header(text, line_start, start)
    if padded is not None:
        label, cells = padded
        label = person_column(label, cells, person_columns) or label
        own_cell = re.split(r" {2,}", before)[-1]
        return words_nearest_first(f"{label} {own_cell}", count)
    if not WORD.search(before) and line_start > 0:
        before = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start] + before
    words = words_nearest_first(before, count)
    head = label_head(before)
    return [head, *(w for w in words if w != head)][:count] if head and head not in words[:2] else words


def label_head(before: str) -> str | None:
    """The first word of a label that ends in a colon right before the number: the noun it names the
    number by, however long the label ("Bestillingsnr. hos leverandøren: ...", "Serial number on the
    unit you sent last week: ...")."""
    if not before.rstrip().endswith(":"):
        return None
    label = before.rstrip()[:-1].rsplit(":", 1)[-1]  # the last label of the line
    words = WORD.findall(label)
    return normalise(words[0]) if words else None


def person_column(label: str, cells: Sequence[str], person_columns: CueSet | None) -> str | None:
    """For a column headed only 'Id' or 'Nr.', the header of a column of names beside it, if any."""
    if person_columns is None or words_nearest_first(label, 2) not in (["id"], ["nr"], ["nummer"]):
        return None
    return next((cell for cell in cells if person_columns.find(words_nearest_first(cell, 4))), None)


def table_header(text: str, line_start: int, line: str) -> tuple[str, list[str]] | None:
    """(delimiter, header cells) when ``line`` is a row of a delimited table with a header above; the
    line's most frequent delimiter is tried first (a tab-separated row may hold a ';' in a cell). Rows of
    a spreadsheet may have fewer cells than others (their last, empty cells left out); a comma-separated
    table, whose rows keep their commas, must have the same number in every row (prose has commas)."""
    for delimiter in sorted(TABLE_DELIMITERS, key=line.count, reverse=True):
        columns = line.count(delimiter)
        if columns < (2 if delimiter == "," else 1):  # prose has commas; a table has several per row
            continue
        if delimiter == ",":
            header = topmost_line_above(text, line_start, partial(_has_commas, columns))
        else:
            header = topmost_line_above(text, line_start, partial(_holds, delimiter))
        if header is not None:
            return delimiter, header.split(delimiter)
    return None


def _has_commas(columns: int, line: str) -> bool:
    return line.count(",") == columns


def _holds(delimiter: str, line: str) -> bool:
    return delimiter in line


def topmost_line_above(text: str, line_start: int, same_table: Callable[[str], bool]) -> str | None:
    """The topmost of the lines right above the one at ``line_start`` that are all ``same_table`` (a
    table's header over its rows), or None when the line above is not; HEADER_LOOKUP_LINES at most."""
    header, at = None, line_start
    for _ in range(HEADER_LOOKUP_LINES):
        if at == 0:
            break
        above_start = text.rfind("\n", 0, at - 1) + 1
        above = text[above_start : at - 1].rstrip("\r")
        if not same_table(above):
            break
        header, at = above, above_start
    return header


def padded_header(text: str, line_start: int, start: int) -> tuple[str, list[str]] | None:
    """(the header cell over the number's column, every header cell) when the number stands in a text
    table padded with spaces ("Navn   Født   DHF-ID"): the topmost of the padded lines right above its
    own, read at the number's columns."""
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    before = text[line_start:start].rstrip()
    if (
        not COLUMN_GAP.search(line)
        or before.endswith(":")
        or not (start == line_start or text[start - 2 : start] == "  ")
    ):
        return None  # "CPR-nr.:     150315-8114" is a label and its value, no column
    header = topmost_line_above(text, line_start, lambda above: COLUMN_GAP.search(above) is not None)
    if header is None:
        return None
    column = start - line_start
    cells = list(HEADER_CELL.finditer(header))
    over = [c.group() for c in cells if c.start() < column + 10 and c.end() > column]
    return " ".join(over), [c.group() for c in cells]


def words_nearest_first(snippet: str, count: int) -> list[str]:
    return [normalise(w) for w in reversed(WORD.findall(snippet))][:count]


NUMBER_ENDINGS = ("nr", "nummer", "numre", "nummeret")
"""'kampnr.', 'billetnummer', 'holdnr': a compound naming its number as something's number."""


@dataclass(frozen=True)
class CprCues:
    """What the words around a CPR-shaped number say it is (config/terms/cpr_context.yaml)."""

    positive: CueSet
    """Words near the number that say it is a person's (cpr-nr., født, eleven)."""
    negative: CueSet
    """Words that label it as another kind of number (ordre, faktura, sagsnr., GLS)."""
    identifier_nouns: CueSet
    """Nouns that name the number right after them ("vores reservation 1106260417", "billet nr. 22082514"):
    only as the nearest word (past "nr."), since further back they may head a pupil's line."""
    identifier_endings: tuple[str, ...]
    """'bordbestilling 2006251845', 'hotelbooking', 'togbillet': a compound naming a booking or an order."""
    label_stems: tuple[str, ...]
    """Compounds of a CPR's own labels (cpr-nummer, personnr, fødselsnummer): never another kind."""
    examples: frozenset[str]
    """The word right before a number that makes it an example of a format ("fx 010203-1234")."""
    person_columns: CueSet
    """Headers of a column of names (elev, navn): an 'Id' column beside one holds the person's number."""

    @classmethod
    def of(cls, lists: Mapping[str, Sequence[str]]) -> CprCues:
        """From the lists of cpr_context.yaml, by key (a missing key is an empty list)."""
        return cls(
            positive=CueSet.of(lists.get("positive", ())),
            negative=CueSet.of(lists.get("negative", ())),
            identifier_nouns=CueSet.of(lists.get("identifier_nouns", ())),
            identifier_endings=tuple(lists.get("identifier_endings", ())),
            label_stems=tuple(lists.get("label_stems", ())),
            examples=frozenset(normalise(word) for word in lists.get("examples", ())),
            person_columns=CueSet.of(lists.get("person_columns", ())),
        )

    def labels(self, text: str, start: int, count: int) -> list[str]:
        """The words that say what kind of number starts at ``start`` (``cue_words``), nearest first."""
        return cue_words(text, start, count, self.person_columns)

    def identifier_before(self, before: list[str]) -> str | None:
        """The identifier noun that is the nearest word before the number, if it is one: a noun such as
        'reservation' or 'billet' (past 'nr.', past the numbers of a list: 'gavekort nr. X og Y'), or any
        compound that names a number ('kampnr.', 'Pakkenr. (GLS)', 'Ordrenummeret fra webshoppen er ...')
        but a CPR's own labels."""
        words = [word for word in before if word not in LIST_JOINERS]
        reach = SUBJECT_REACH if words and words[0] in COPULA_WORDS else 2
        named = next((word for word in words[:reach] if self.numbers_something_else(word)), None)
        if named is not None:
            return named
        nearest = next((word for word in words if word not in NUMBER_WORDS), "")
        return self.identifier_nouns.cue_of(nearest) or None

    def other_label(self, labels: list[str]) -> str | None:
        """The words that call the number another kind: a negative cue among them ("ordre", "GLS"), the
        identifier noun right before it, or a compound naming an order, a booking or an account
        anywhere among them ("Hans lommepengekonto hos os: ...")."""
        return (
            self.negative.find(labels)
            or self.identifier_before(labels)
            or next((word for word in labels if self.names_an_identifier(word)), None)
        )

    def names_an_identifier(self, word: str) -> bool:
        """'lommepengekonto', 'hotelbooking', 'lejeaftale': a compound ending in an identifier's noun."""
        word = word.rstrip(".:")
        endings = self.identifier_endings
        compound = any(word.endswith(e) and len(word) > len(e) + 2 for e in endings)
        return compound and not word.startswith(self.label_stems)

    def numbers_something_else(self, word: str) -> bool:
        """'kampnr.', 'billetnummer', 'bordbestilling': a compound naming a number, not a CPR's own."""
        word = word.rstrip(".:")
        for ending in NUMBER_ENDINGS:
            if word.endswith(ending) and len(word) > len(ending) + 2:
                return not word[: -len(ending)].startswith(self.label_stems)
        return self.names_an_identifier(word)

    def own_label(self, labels: list[str]) -> str | None:
        """The word right before the number when it makes it another kind of number ("sagsnr.",
        "kampnr."), or an example word among the few right before it ("fx", "det ser fx sådan ud:"):
        it outweighs a CPR label further back."""
        word = labels[0] if labels else ""
        if word and (self.negative.cue_of(word) or self.numbers_something_else(word)):
            return word
        return next((w for w in labels[:EXAMPLE_REACH] if w in self.examples), None)

    def labelled_other(self, labels: list[str]) -> bool:
        """A number with these ``labels`` is labelled as another kind of number ("Bookingnr.
        2006254823") and nothing there says CPR; or it is an example."""
        if self.own_label(labels):
            return True
        negative = self.other_label(labels)
        return bool(negative) and not self.positive.find(labels)


DIGIT = re.compile(r"\d")
LABELS_CUE = "cpr labels at "
"""Presidio context entry: the labels of the candidate at an offset of the analysed text, read in the
part's whole text, where a table's header far above its row is (the analysed windows lack it)."""


def labels_cue(offset: int, labels: Sequence[str]) -> str:
    """The context entry for a candidate's labels; a word with digits (another number of a list) is
    no cue and is carried as '0', so no number travels in the context."""
    return "\t".join([f"{LABELS_CUE}{offset}", *("0" if DIGIT.search(w) else w for w in labels)])


def labels_in_context(context: Sequence[str] | None) -> dict[int, list[str]]:
    """The labels that ``labels_cue`` put into Presidio's context, by offset."""
    read: dict[int, list[str]] = {}
    for entry in context or ():
        if entry.startswith(LABELS_CUE):
            offset, *labels = entry[len(LABELS_CUE) :].split("\t")
            read[int(offset)] = labels
    return read


class CprRecognizer(PatternRecognizer):
    """Presidio recognizer: the pattern finds the shape, stdnum validates, local context scores."""

    def __init__(
        self,
        settings: CprSettings,
        cues: CprCues,
        person_near: Callable[[TokenWindow, int], str | None] | None = None,
    ) -> None:
        self.cpr_settings = settings
        self.cues = cues
        self.person_near = person_near
        super().__init__(
            supported_entity=ENTITY,
            name="CprRecognizer",
            supported_language="da",
            patterns=[Pattern("cpr", PATTERN.pattern, settings.base_score)],
            context=sorted(cues.positive.exact),
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = re.sub(r"\D", "", pattern_text)
        return len(digits) == 10 and birth_date(digits) is not None

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        read = labels_in_context(context)
        return [
            self.rescore(text, result, nlp_artifacts, read.get(result.start))
            for result in raw_recognizer_results
        ]

    def rescore(
        self,
        text: str,
        result: RecognizerResult,
        nlp_artifacts: NlpArtifacts | None,
        labels: list[str] | None = None,
    ) -> Any:
        """The score of one candidate from its date, modulus 11 and context; ``labels`` are the words
        that say what kind of number it is, read in the whole text (else read here, in ``text``)."""
        conf = self.cpr_settings
        digits = re.sub(r"\D", "", text[result.start : result.end])
        score = conf.base_score
        reasons = [f"valid date {conf.base_score:.2f}"]
        if passes_modulus11(digits):
            score += conf.modulus11_bonus
            reasons.append(f"modulus 11 +{conf.modulus11_bonus:.2f}")
        born = birth_date(digits)
        if born is not None and datetime.date.today().year - born.year >= conf.old_age_years:
            # "Ordrenr. 0311241586": dated 3.11.24, but its 7th digit makes it a birth in 1924
            score -= conf.old_age_penalty
            reasons.append(f"born {conf.old_age_years}+ years ago -{conf.old_age_penalty:.2f}")
        if nlp_artifacts is not None:
            window = TokenWindow.around(nlp_artifacts, result.start, result.end)
            before = window.before(conf.context_before)
            after = window.after_in_line(conf.context_after)
            cues = self.cues
            positive = cues.positive.find([*before, *after])
            if labels is None:
                labels = cues.labels(text, result.start, conf.context_before)
            negative = cues.other_label(labels)
            own = cues.own_label(labels)
            if own:
                positive = None  # "cpr.nr. 020390-3383, sagsnr. 1310250987": its own label says what it is
            if own in cues.examples:  # "CPR-nr. (fx 010203-1234)": a format's example
                score -= conf.negative_penalty
                reasons.append(f"an example ('{own}') -{conf.negative_penalty:.2f}")
            person = None
            if not positive and not negative and self.person_near is not None:
                person = self.person_near(window, conf.context_before)  # a name never outweighs "ordre"
            if positive or person:
                score += conf.context_bonus
                reasons.append(f"context '{positive}' +{conf.context_bonus:.2f}" if positive else
                               f"{person} +{conf.context_bonus:.2f}")  # fmt: skip
            if negative and not positive:
                score -= conf.negative_penalty
                reasons.append(f"context '{negative}' -{conf.negative_penalty:.2f}")
        result.score = max(0.0, min(1.0, score))
        result.recognition_metadata["reason"] = ", ".join(reasons)
        return result
