"""Term lists: the admin's syntax (compounds, phrases, stoplist) and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.context import CueSet
from detectors.lexicon import Lexicon, LexiconError, load_lexicon, read_term_file
from detectors.terms import lower_same_length

TIERS = ("strong", "medium", "weak")


def lexicon_of(tmp_path: Path, body: str) -> Lexicon:
    (tmp_path / "health.yaml").write_text(body, encoding="utf-8")
    return load_lexicon(tmp_path, TIERS)


def words(lexicon: Lexicon, text: str) -> list[str]:
    return [hit.word for hit in lexicon.hits(lower_same_length(text))]


@pytest.mark.parametrize(
    ("terms", "text", "expected"),
    [
        ("[astma]", "Astma, astmaen og astmaens; ikke astmaanfald", ["astma", "astmaen", "astmaens"]),
        ("[astma*]", "et astmaanfald", ["astmaanfald"]),
        ('["*diagnose"]', "autismediagnosen og diagnose", ["autismediagnosen", "diagnose"]),
        ("[adhd*]", "ADHD-udredning", ["adhd-udredning"]),
        ("[udredning]", "ADHD-udredning", ["adhd-udredning"]),
        ('["ondt i maven"]', "Han har ondt i maven.", ["ondt i maven"]),
        ("[syg]", "sygeplejersken og syge børn", ["syge"]),
        ("[kemo]", "kemoterapi og kemi", []),
    ],
)
def test_term_syntax(tmp_path: Path, terms: str, text: str, expected: list[str]) -> None:
    assert words(lexicon_of(tmp_path, f"category: health\nstrong: {terms}\n"), text) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("mine forældre ved ikke at jeg er\n> bi, kun oscar ved det", "jeg er\n> bi"),
        ("hun har ondt i\nmaven igen", "ondt i\nmaven"),
        ("> > han har ondt i \n> > maven", "ondt i \n> > maven"),
        ("ondt i\n\nmaven", None),  # a new paragraph is no wrap
        ("ondt i\n>\n> maven", None),
    ],
)
def test_a_phrase_goes_on_over_a_line_wrap(tmp_path: Path, text: str, found: str | None) -> None:
    lexicon = lexicon_of(tmp_path, 'category: health\nstrong: ["ondt i maven", "jeg er bi"]\n')
    hits = list(lexicon.hits(lower_same_length(text)))
    assert [text[h.start : h.end] for h in hits] == ([found] if found else [])


def test_offsets_after_a_wrap_are_the_texts_own(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, "category: health\nstrong: [astma]\n")
    text = "han har\n>   fået\n> > astma i dag\nog astma igen"
    assert [text[h.start : h.end] for h in lexicon.hits(lower_same_length(text))] == ["astma", "astma"]


def test_stoplist_makes_a_hit_harmless(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, "category: health\nstrong: [diagnose*]\nstoplist: [diagnose-station]\n")
    assert words(lexicon, "bilen på diagnose-stationen; diagnosen er klar") == ["diagnosen"]


def test_unknown_key_is_reported_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "health.yaml"
    path.write_text("category: health\nstrnog: [astma]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"health.yaml.*strnog"):
        read_term_file(path, TIERS)


def test_shipped_term_lists_cover_every_category() -> None:
    from detectors.lexicon import SHIPPED_TERMS_DIR

    lexicon = load_lexicon(SHIPPED_TERMS_DIR, TIERS)
    assert set(lexicon.lists) == {
        "health", "grades", "social", "wellbeing", "wellbeing_survey", "criminal", "union", "religion",
        "politics", "ethnicity", "sexual_orientation", "hr_confidential", "finances", "education_readiness",
    }  # fmt: skip
    assert lexicon.person_words and lexicon.generic_words


@pytest.mark.parametrize(
    "words",
    [
        ["informationssikkerhed*", "informationssikkerhedspolitik*", "politik"],
        ["politik", "informationssikkerhedspolitik*", "informationssikkerhed*"],
    ],
)
def test_the_most_specific_cue_is_named_whatever_the_order(words: list[str]) -> None:
    cues = CueSet.of(words)
    assert cues.cue_of("informationssikkerhedspolitikken") == "informationssikkerhedspolitik*"
    assert cues.cue_of("informationssikkerheden") == "informationssikkerhed*"
