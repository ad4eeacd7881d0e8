"""Grades: analysed text + NLP tokens -> results for 7-trinsskala marks that stand in grade context.

A mark (-3, 00, 02, 4, 7, 10, 12) alone is just a number; it counts only near a grade word
("karakter", "standpunkt", "eksamen") or a school subject, and not as a time, week, page or class.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.context import WINDOW_BREAK, CueSet, normalise, outward, token_texts, token_words
from detectors.terms import ContextScoredRecognizer, ContextScorer

ENTITY = "grades"
MARKS = frozenset(["-3", "00", "02", "4", "7", "10", "12"])
NOT_A_MARK_BEFORE = CueSet.of(
    ["kl", "klokken", "uge", "side", "s", "nr", "§", "kapitel", "lektion", "bus", "rute", "linje", "lokale",
     "stk", "ca", "cirka", "over", "under", "højst", "mindst", "pr", "tlf", "dag", "den", "d", "år", "ca.",
     "timer", "minutter", "min", "kr", "mio", "gruppe", "hold", "postnr", "vej", "plads", "trin", "punkt",
     "af"]  # "12 ud af 10"
)  # fmt: skip
NOT_A_MARK_AFTER = CueSet.of(
    ["klasse*", "årgang*", "kl", "minutter", "min", "timer", "dage", "uger", "år", "kr", "elever", "børn",
     "personer", "sider", "stk", "procent", "%", "gange", "pladser", "point", "deltagere",
     "ud", "mål", "stjerner", "rigtige"]  # "12 ud af 24", "12 mål": a count
)  # fmt: skip
CONTEXT_TOKENS = 8
GRADE_WORDS = ("karakter", "standpunkt", "eksamen", "prøve", "terminsprøve", "afgangsprøve", "gennemsnit",
               "snit", "bedømmelse", "årskarakter")  # fmt: skip
SUBJECTS = frozenset(["dansk", "matematik", "engelsk", "tysk", "fransk", "fysik", "kemi", "fysik/kemi",
                      "biologi", "geografi", "historie", "samfundsfag", "kristendomskundskab", "idræt",
                      "naturfag", "spansk", "madkundskab", "håndværk", "billedkunst", "musik"])  # fmt: skip
"""School subjects: "<mark> i <subject>" is a grade."""
WRITTEN_OR_ORAL = frozenset(["skr", "skriftlig", "skriftligt", "mdt", "mdtl", "mundtlig", "mundtligt"])
CELL_SPLIT = re.compile(r"[\t;]|,(?<!\d,)|,(?!\d)")  # a comma not between two digits
AVERAGE = re.compile(r"\b(?:snit|gennemsnit|gns|karaktergennemsnit)\b\D{0,12}?(\d{1,2},\d{1,2})\b|"
                     r"\b(\d{1,2},\d{1,2})\s+i\s+(?:snit|gennemsnit)\b", re.IGNORECASE)  # fmt: skip
AVERAGE_CELL = re.compile(r"-?\d{1,2}[,.]\d{1,2}")
"""A cell holding a grade average ("7,4"), read as one in a column headed so (``AVERAGE_HEADERS``)."""
AVERAGE_HEADERS = ("gns", "gennemsnit", "snit", "karaktergennemsnit", "standpunkt", "karakter")
"""Words that head a column of grade averages ("Gns. standpunkt", "Karaktergennemsnit")."""
MAX_TABLE_MARKS = 20
LISTED_MARK = re.compile(
    r"^[> \t]*(?P<label>[^\n:;\t>]{2,40}?)(?:[ \t]*[:–][ \t]*|[ \t]+)(?P<mark>-3|00|02|4|7|10|12)"
    r"(?:[ \t]+(?:\([^\n)]*\)|[-–][ \t][^\n]*))?[ \t\r]*$",
    re.MULTILINE,
)
"""A line of a listing "Mathias Kure: 02", "Esther 12", "Tobias 7 (var syg)", "Marius 4 - gider ikke" (quoted
with "> " in a reply, too)."""
SCHEDULE_WORDS = CueSet.of(["kl", "klokken", "tid", "tider", "nr", "hold", "holdet", "holdene", "gruppe*"])
SCHEDULE_PARTS = ("plan", "lokale", "tidspunkt", "mødetid", "rækkefølge", "skema")
"""A listing under "Eksamensplan:" or "Lokaler til prøven:" gives times, rooms or teams, not marks."""


class GradeRecognizer(ContextScoredRecognizer):
    """Presidio recognizer for marks in grade context; person cues decide whether it is about a pupil."""

    def __init__(self, grade_context: frozenset[str], scorer: ContextScorer) -> None:
        self.anchors = CueSet.of(grade_context)
        self.scorer = scorer
        super().__init__(supported_entities=[ENTITY], name="GradeRecognizer", supported_language="da")

    def load(self) -> None:
        """Nothing to load: the context words come from the term lists."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        texts = token_texts(nlp_artifacts)
        words = token_words(nlp_artifacts)[0]
        results = []
        marks = [(i, mark) for i, token in enumerate(texts) if (mark := token.rstrip(".,;:)")) in MARKS]
        for i, mark in marks:
            if self.is_other_number(texts, words, i):
                continue
            cue = self.grade_cue(words, i)
            if cue is not None:
                start = nlp_artifacts.tokens_indices[i]
                tier = "strong" if self.graded(words, i, cue) else "medium"
                results.append(self.result(start, start + len(mark), f"near '{cue}'", cue, tier))
        averages = AVERAGE_CELL.search(text) is not None
        for start, end, header in self.table_marks(text) if marks or averages else ():  # cells are tokens
            results.append(self.result(start, end, f"in column '{header}'", header, "strong"))
        found = {r.start for r in results}
        for start, end, cue in self.listed_marks(text) if marks else ():
            if start not in found:
                results.append(self.result(start, end, f"listed under '{cue}'", cue, "strong"))
        for match in AVERAGE.finditer(text):
            group = 1 if match.group(1) else 2
            results.append(
                self.result(match.start(group), match.end(group), "grade average", "snit", "strong")
            )
        return results

    def result(self, start: int, end: int, how: str, cue: str, tier: str = "medium") -> RecognizerResult:
        score = self.scorer.scoring.tiers.get(tier, 0.4)
        return RecognizerResult(
            entity_type=ENTITY,
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "GradeRecognizer",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "term": f"mark {how}",
                "word": f"{cue} **",
                "reason": f"mark {how} ({score:.2f})",
            },
        )

    def table_marks(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Marks in the rows of a table (CSV, sheet, tab-separated) whose header names a subject or grade.

        A run of lines with two or more cells is a table once one of them names a subject or grade;
        the lines after it are its rows. Most such runs are prose with commas, so a line is read as a
        header only when a later line of its run holds a mark."""
        header: list[str] | None = None
        unread: list[list[str]] = []  # lines of this run not yet read as a header (none holds a mark)
        found = 0
        offset = 0
        for line in text.splitlines(keepends=True):
            cells = CELL_SPLIT.split(line.rstrip("\r\n"))
            row = None
            if len(cells) < 2:
                header, unread = None, []
            elif header is not None:
                row = cells
            else:
                unread.append(cells)
                if any(cell.strip() in MARKS or is_average(cell) for cell in cells):
                    header, after_header = self.first_header(unread)
                    unread = []
                    row = cells if after_header else None
            if row is not None and header is not None:
                for mark in self.row_marks(row, header, offset):
                    yield mark
                    found += 1
                    if found >= MAX_TABLE_MARKS:
                        return
            offset += len(line)

    def listed_marks(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Marks listed one per person ("Mathias Kure: 02") under a lead-in line with a grade word
        ("Resultaterne fra terminsprøven i matematik:"), not a schedule's; a label that is no name
        ("Lokale: 12") is no pupil's mark."""
        found = 0
        for listed in LISTED_MARK.finditer(text):  # most texts have none: the lead-in is read only then
            lead_in = self.lead_in_cue(lead_in_line(text, listed.start()))
            if lead_in and self.names_a_person(listed["label"]):
                yield listed.start("mark"), listed.end("mark"), lead_in
                found += 1
                if found >= MAX_TABLE_MARKS:
                    return

    def lead_in_cue(self, line: str) -> str | None:
        """The grade word of a line that can introduce a listing of marks, or None."""
        words = [normalise(w) for w in line.split()]
        if any(SCHEDULE_WORDS.match(w) or any(part in w for part in SCHEDULE_PARTS) for w in words):
            return None
        return next((w for w in words if w.startswith(GRADE_WORDS)), None)

    def names_a_person(self, label: str) -> bool:
        words = label.split()
        return bool(words) and self.scorer.person.is_name(words[0].strip(".,"))

    def first_header(self, lines: list[list[str]]) -> tuple[list[str] | None, bool]:
        """The cells of the first line that names a subject, a grade or a grade average, and whether
        the last line comes after it (is a row of that table)."""
        for i, cells in enumerate(lines):
            if any(self.anchors.match(first_word(c)) or heads_averages(c) for c in cells):
                return cells, i < len(lines) - 1
        return None, False

    def row_marks(self, cells: list[str], header: list[str], offset: int) -> Iterator[tuple[int, int, str]]:
        """Marks in a table's row: a mark under a subject or grade, an average under an average's header."""
        position = offset
        for column, cell in enumerate(cells):
            head = header[column] if column < len(header) else ""
            name = first_word(head)
            mark = cell.strip() in MARKS and self.anchors.match(name)
            if mark or (is_average(cell) and heads_averages(head)):
                start = position + len(cell) - len(cell.lstrip())
                yield start, start + len(cell.strip()), name
            position += len(cell) + 1

    def is_other_number(self, texts: list[str], words: list[str], i: int) -> bool:
        """A time, week, page, amount or ordinal ("7. klasse") is no mark."""
        j = i - 1
        while j >= 0 and texts[j] == "." and j > i - 3:  # "kl. 10": skip the abbreviation's dot
            j -= 1
        before = words[j] if j >= 0 else ""
        k = i + 1
        while k < len(texts) and texts[k].isspace():
            k += 1
        dotted = texts[i].endswith(".") or (k < len(texts) and texts[k] == ".")
        if dotted and not texts[i].endswith("."):
            k += 1
            while k < len(texts) and texts[k].isspace():
                k += 1
        after_raw = texts[k] if k < len(texts) else ""
        ordinal = dotted and after_raw[:1].isalpha() and after_raw[:1].islower()
        after = words[k] if k < len(words) else ""
        return bool(NOT_A_MARK_BEFORE.match(before) or NOT_A_MARK_AFTER.match(after) or ordinal)

    def graded(self, words: list[str], i: int, cue: str) -> bool:
        """The mark is a grade for sure: a grade word is in reach ("karakter" beats "dansk"), or it is
        given in a subject ("4 i matematik", "fik 7 i dansk")."""
        lo, hi = max(0, i - CONTEXT_TOKENS), min(len(words), i + CONTEXT_TOKENS + 1)
        if cue.startswith(GRADE_WORDS) or any(w.startswith(GRADE_WORDS) for w in words[lo:hi]):
            return True
        after = [w for w in words[i + 1 : i + 6] if w.strip()]
        # "-3 i VØ skr.", "7 i da. mdt.": a subject's abbreviation before 'written' or 'oral'
        return (
            len(after) >= 2
            and after[0] == "i"
            and (after[1] in SUBJECTS or not WRITTEN_OR_ORAL.isdisjoint(after[2:3]))
        )

    def grade_cue(self, words: list[str], i: int) -> str | None:
        lo, hi = max(0, i - CONTEXT_TOKENS), min(len(words), i + CONTEXT_TOKENS + 1)
        for j in outward(i, lo, hi):
            if words[j] == WINDOW_BREAK:
                continue
            if self.anchors.match(words[j]):
                return words[j]
        return None


def lead_in_line(text: str, start: int) -> str:
    """The line above the listing whose line starts at ``start``: the nearest line before it that
    is neither blank (nor only a quote mark) nor itself a listed line."""
    end = start
    while end > 0:
        line_start = text.rfind("\n", 0, end - 1) + 1
        line = text[line_start : end - 1] if text[end - 1 : end] == "\n" else text[line_start:end]
        if line.strip("> \t\r") and not LISTED_MARK.fullmatch(line.rstrip("\r")):
            return line
        end = line_start
    return ""


def first_word(cell: str) -> str:
    words = cell.split()
    return normalise(words[0]) if words else ""


def is_average(cell: str) -> bool:
    """A grade average on the 7-point scale ("7,4", "10.2", "-1,5")."""
    text = cell.strip()
    return AVERAGE_CELL.fullmatch(text) is not None and -3 <= float(text.replace(",", ".")) <= 12


def heads_averages(cell: str) -> bool:
    """A header cell over grade averages: "Gns. standpunkt", "Karaktergennemsnit", "Snit"."""
    return any(normalise(word).startswith(AVERAGE_HEADERS) for word in cell.split())
