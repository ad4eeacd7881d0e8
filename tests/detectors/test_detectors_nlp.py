"""NLP pipeline: the window tokenizer keeps offsets exact; lemmas come from the lookup table."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.engine import Detector
from detectors.nlp import quick_doc


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
