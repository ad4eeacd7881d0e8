"""NLP pipeline: the window tokenizer keeps offsets exact; lemmas come from the lookup table."""

from __future__ import annotations

import gzip
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.context import TokenArtifacts
from detectors.engine import Detector, PreloadedSpacyNlpEngine
from detectors.nlp import lookup_entries, lookup_table_path, quick_doc, table_entries


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_tokens_cover_the_text_exactly(detector: Detector, text: str) -> None:
    doc = quick_doc(detector.nlp, text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


def test_tokens_and_lemmas(detector: Detector) -> None:
    doc = quick_doc(detector.nlp, "CPR-nr.: 150315-8114, børn i 3.A fik -3 og 7,3.")
    assert [t.text for t in doc][:4] == ["CPR-nr", ".", ":", "150315-8114"]
    assert {"3.A", "-3", "7,3"} <= {t.text for t in doc}
    assert [t.lemma_ for t in doc if t.text == "børn"] == ["barn"]


def engine_of(detector: Detector) -> PreloadedSpacyNlpEngine:
    engine = detector.analyzer.nlp_engine
    assert isinstance(engine, PreloadedSpacyNlpEngine) and engine.lemmas is not None
    return engine


FORMS = st.sampled_from(["børn", "Børn", "eleverne", "astmaen", "CPR-nr", "3.A", "-3", "7,3", "Freja", "og"])
GAPS = st.sampled_from([" ", "  ", "\n", " \n", "\t", "", ". ", ", "])


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.tuples(FORMS, GAPS), max_size=12), noise=st.text(max_size=20))
def test_artifacts_without_a_doc_match_the_spacy_pipeline(
    detector: Detector, pieces: list[tuple[str, str]], noise: str
) -> None:
    text = "".join(word + gap for word, gap in pieces) + noise
    artifacts = engine_of(detector).process_text(text, "da")
    doc = quick_doc(detector.nlp, text)
    assert isinstance(artifacts, TokenArtifacts)
    assert artifacts.texts == [t.text for t in doc]
    assert artifacts.tokens_indices == [t.idx for t in doc]
    assert artifacts.lemmas == [t.lemma_ or t.text for t in doc]
    assert [(t.text, t.lemma_, t.whitespace_) for t in artifacts.tokens] == [
        (t.text, t.lemma_, t.whitespace_) for t in doc
    ]


def test_lookup_tables_read_line_by_line_match_the_json() -> None:
    for language in ("da", "en"):
        path = lookup_table_path(language)
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            whole: dict[str, str] = json.load(fh)
        assert dict(lookup_entries(language)) == whole


def test_table_lines_with_escapes_or_in_another_layout_are_read_as_json() -> None:
    lines = [
        "{\n",
        '    "børn": "barn",\n',
        '    "\\"citat\\"": "citat",\n',
        '    "a": "b", "c\\u00e6": "d"\n',
        "}\n",
    ]
    assert list(table_entries(lines)) == [("børn", "barn"), ('"citat"', "citat"), ("a", "b"), ("cæ", "d")]
    assert list(table_entries(['{"x": "y", "z": "w"}'])) == [("x", "y"), ("z", "w")]
    assert list(table_entries(["{}"])) == []
