"""CPR detection: formats, calendar and century rules, context, masking and fingerprints."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from pathlib import Path

import hypothesis
import pytest
from hypothesis import strategies as st

from detectors.cpr import DEVELOPMENT_KEY, PATTERN, birth_date, effective_hash_key, fingerprint
from detectors.engine import Detector
from detectors.lexicon import SHIPPED_TERMS_DIR, LexiconError, read_cpr_context
from detectors.settings import DetectorSettings
from gateway.types import Classification, Finding, TextPart

Find = Callable[[str], list[Finding]]


def cprs(find: Find, text: str) -> list[str]:
    return [text[f.start : f.end] for f in find(text) if f.category == "cpr"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CPR-nr.: 150315-8114", "150315-8114"),
        ("cpr 1503158114 på eleven", "1503158114"),
        ("personnummer 150315 8114.", "150315 8114"),
        ("CPR: 150315\u20138114", "150315\u20138114"),
        ("cpr 150315\u00a08114", "150315\u00a08114"),
        ("cpr 150315 - 8114", "150315 - 8114"),
        ("cpr 150315/8114", "150315/8114"),
        ("cpr 150315.8114", "150315.8114"),
        ("(150315-8114)", "150315-8114"),
        ('"150315-8114",', "150315-8114"),
        ("Elev;150315-8114;3.A", "150315-8114"),
        ("Freja Holm\t1503158114\t3.A", "1503158114"),
        # comma-separated cells: the digits beside the commas are other cells (marks), not decimals
        ("navn,klasse,cpr,dansk\nJonas Ravn,9.a,150315-8114,02,00", "150315-8114"),
        ("navn,dansk,cpr,matematik\nIda Holm,4,1503158114,7", "1503158114"),
    ],
)
def test_formats_and_punctuation(find: Find, text: str, expected: str) -> None:
    assert cprs(find, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "ref 21503158114",  # inside a longer run of digits
        "1503158114123",
        "AB1503158114",
        "1503158114kr",
        "cpr 150315-81145",
        "cpr 320115-8114",  # day 32
        "cpr 311115-8114",  # 31 November
        "cpr 290237-4114",  # 1937 is no leap year
        "cpr 010136-4114",  # 7th digit 4, year 36 -> 2036: not born yet
        "cpr 010157-5114",  # 7th digit 5, year 57 -> 2057: not born yet
        "cpr 140218-****",  # masked
        "cpr 140507-xxxx",
        "Tlf. 4540118236",  # 45/40 is no date
        "+4586123430",
        "Tlf. 86 12 34 00 eller 20 45 11 02",
        "Dato 2025-03-14 kl. 10.30",
        "uge 14 2025, 14.03.2025, 14/3-2025",
        "3.1503158114",  # a decimal
        "Beløbet er 1503158114,75 kr.",  # a decimal comma in prose
        "Faktor 4,1503158114 i beregningen",
    ],
)
def test_not_a_cpr(find: Find, text: str) -> None:
    assert cprs(find, text) == []


@pytest.mark.parametrize(
    ("digits", "year"),
    [
        ("0101371234", 1937),  # 7th digit 1: 1900s
        ("0101374234", 1937),  # 7th digit 4, year 37: 1937
        ("0101009234", 2000),  # 7th digit 9, year 00: 2000
        ("0101004234", 2000),
        ("0101585234", 1858),  # 7th digit 5-8 and year >= 58: 1800s
        ("0101575234", 2057),
        ("2902004234", 2000),  # 2000 is a leap year
        ("2902961234", 1996),
    ],
)
def test_century_table(digits: str, year: int) -> None:
    date = birth_date(digits)
    if year > 2030:
        assert date is None  # not born yet
    else:
        assert date is not None and date.year == year


@pytest.mark.parametrize("digits", ["3102151234", "0113151234", "150315811", "15031581145", "١٥٠٣١٥٨١١٤"])
def test_no_birth_date(digits: str) -> None:
    assert birth_date(digits) is None  # no such day, no such month, too short, too long, no ASCII digits


def test_modulus11_is_no_requirement(find: Find) -> None:
    # 1503158114 fails the old modulus-11 check (a post-2007 number) and is still a CPR
    from detectors.cpr import passes_modulus11

    assert not passes_modulus11("1503158114")
    assert cprs(find, "Freja 1503158114") == ["1503158114"]


def test_modulus11_raises_confidence(find: Find) -> None:
    from detectors.cpr import passes_modulus11

    assert passes_modulus11("2110625629")
    (valid,) = [f for f in find("Lone 211062-5629") if f.category == "cpr"]
    (invalid,) = [f for f in find("Lone 211062-5620") if f.category == "cpr"]
    assert valid.score > invalid.score


@pytest.mark.parametrize(
    "text",
    [
        "Bookingnr. 1410251045 til Zoologisk Have",
        "Restaurant Strandlyst (bordbestilling 2006251845) kl. 18",
        "Din hotelbooking 1410251045 er bekræftet",
        "Bestellnummer: 1209254471",
        "Ordrenr. 1503124812 på 28 Chromebooks",
        "Faktura 3005241187 forfalder",
        "Reg.nr. 1234 Kontonr. 2103871234",
        "Kunde nr. 2811240457",
        "MobilePay transaktion 2904251413",
        "Stregkode 2506131847",
        "P-nummer 1012345678",
        "Sagsnr. 1503158114",
        "EAN 1503158114",
        "Tracking 1503158114",
        # any compound that names its number as something's (kampnr., holdnummer), never a CPR label
        "Holdet fra 8. årgang til kampen (kampnr. 1105251930 i turneringssystemet): Yusuf og Ask",
        "Holdnummer 1503158114 for Ida og Emil",
        # an example of the format, even right after a CPR label
        "Skriv aldrig CPR-nr. (fx 010203-1234) i en almindelig mail.",
        "Personnummeret skrives f.eks. 150315-8114 uden mellemrum.",
        "Modtaget 24.09.2025, j.nr. 2409254417",
        # compounds naming a payment, an agreement or an account, even a few words before the number
        "Skriv betalingsreference 0206250912 og barnets navn.",
        "Skileje: lejeaftale nr. 1207114563 hos udlejeren.",
        "Hans lommepengekonto hos os: 0505864402.",
        "Dit transaktions-id står i appen (det ser fx sådan ud: 1009251237).",
        "Rejsenummer hos rejsebureauet: 2803261500.",
    ],
)
def test_negative_context_lowers_below_threshold(find: Find, text: str) -> None:
    assert cprs(find, text) == []


@pytest.mark.parametrize("label", ["Cpr-nummer", "Personnr.", "Fødselsnummer", "Elevnr.", "Barnets nr."])
def test_a_cpr_label_ending_in_nr_is_no_other_number(find: Find, label: str) -> None:
    assert cprs(find, f"{label} 1503158114 for Ida") == ["1503158114"]


def test_a_numbers_own_label_outweighs_a_cpr_label_before_it(find: Find) -> None:
    text = "Lønindeholdelse for Rune Falk, cpr.nr. 020390-3383, sagsnr. 1310250987. Der indeholdes 14 %."
    assert cprs(find, text) == ["020390-3383"]


def test_negative_context_is_no_whole_text_veto(find: Find) -> None:
    text = "Ordrenr. 1503124812 er bestilt.\n\nEleven Freja Holm, cpr 150315-8114, skal have bus."
    assert cprs(find, text) == ["150315-8114"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a table: only the number's own column header says what it is, not the phone column's
        ("navn;cpr;telefon\nAsta Lund;0102114521;28 11 43 90\nBo Hald;1203104411;61 72 83 94\n",
         ["0102114521", "1203104411"]),
        ("navn,cpr,hold,telefon\nAsta Lund,0102114521,GF2 smed,28 11 43 90\n", ["0102114521"]),
        ("kunde;ordrenr;dato\nBus A;2811240457;1.12\nBus B;1503124812;2.12\n", []),
        ("Ordrenummer:\n2811240457\n", []),  # a label on the line above its value
        ("Telefonliste\n\nAsta Lund 0102114521", ["0102114521"]),  # a heading is no label
    ],
)  # fmt: skip
def test_labels_are_read_per_line_and_per_column(find: Find, text: str, expected: list[str]) -> None:
    assert cprs(find, text) == expected


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Jeres færgebillet: bookingnr. 2006254823. Husk pas, hvis I kommer fra Sverige.", "ethnicity"),
        (
            "vi har modtaget ordrenr. 1503124812, og medicin til lejrturen skal afleveres på kontoret.",
            "health",
        ),
    ],
)
def test_another_kind_of_number_is_no_person_for_a_term(
    categories: Callable[..., Classification], body: str, category: str
) -> None:
    assert category not in categories(body).categories


def test_a_cpr_is_still_a_person_for_a_term(categories: Callable[..., Classification]) -> None:
    assert "health" in categories("Elev 150315-8114 har epilepsi og skal have medicin.").categories


def test_positive_context_raises_score(find: Find) -> None:
    (bare,) = [f.score for f in find("Nummer: 1503158114") if f.category == "cpr"]
    (cued,) = [f.score for f in find("CPR-nr.: 1503158114") if f.category == "cpr"]
    assert cued > bare


def test_value_never_leaves_in_clear(find: Find, settings: DetectorSettings) -> None:
    (finding,) = [f for f in find("CPR 150315-8114") if f.category == "cpr"]
    assert not any(ch.isdigit() for ch in finding.masked)
    assert finding.masked == settings.cpr_mask
    assert "1503158114" not in repr(finding) and "150315" not in finding.reason
    assert finding.fingerprint == hmac.new(b"test-key", b"1503158114", hashlib.sha256).hexdigest()


def test_same_number_in_any_format_has_one_fingerprint(find: Find) -> None:
    found = {f.fingerprint for f in find("cpr 150315-8114, cpr 1503158114, cpr 150315 8114") if f.fingerprint}
    assert found == {fingerprint("1503158114", "test-key")}


def test_effective_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAILVAGT_HASH_KEY", raising=False)
    assert effective_hash_key(DetectorSettings()) == (DEVELOPMENT_KEY, True)
    assert effective_hash_key(DetectorSettings(hash_key="from-config")) == ("from-config", False)
    monkeypatch.setenv("MAILVAGT_HASH_KEY", "from-env")
    assert effective_hash_key(DetectorSettings(hash_key="from-config")) == ("from-env", False)
    assert fingerprint("150315-8114", "k") == fingerprint("1503158114", "k") != fingerprint("1503158114", "j")


def test_a_name_raises_score_but_never_outweighs_a_negative_cue(find: Find) -> None:
    (bare,) = [f.score for f in find("Nummer: 1503158114") if f.category == "cpr"]
    (named,) = [f.score for f in find("Freja Holm 1503158114") if f.category == "cpr"]
    assert named > bare
    assert cprs(find, "Hej Jens, ordrenr. 1503124812 er afsendt") == []


def test_explanations_never_carry_digits_of_another_number(find: Find) -> None:
    findings = find("Freja 150315-8114 og cpr.2901196632; kontonr.2103871234")
    assert findings
    for finding in findings:
        without_scores = re.sub(r"\d\.\d\d", "", finding.reason).replace("modulus 11", "")
        assert not any(ch.isdigit() for ch in without_scores), finding.reason


PLAIN_PATTERN = re.compile(
    r"(?<![\w+])(?<!\d\.)(\d{6})(?:[-\u2013\u2011\u00a0 ./]|\s-\s)?(\d{4})(?![\w]|\.\d)"
)
"""The CPR shape written plainly: the lookbehinds before the digits."""


@hypothesis.settings(max_examples=500, deadline=None)
@hypothesis.given(
    pieces=st.lists(st.sampled_from([*"0123456789" * 3, *"-\u2013\u2011\u00a0 ./,+a_\n", " - "]))
)
def test_pattern_finds_what_the_plain_pattern_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = [(m.span(), m.groups()) for m in PATTERN.finditer(text)]
    assert found == [(m.span(), m.groups()) for m in PLAIN_PATTERN.finditer(text)]


def test_an_admin_adds_a_word_that_labels_another_kind_of_number(tmp_path: Path, find: Find) -> None:
    text = "Lånerkort 1503158114 er fornyet på biblioteket."
    assert cprs(find, text) == ["1503158114"]  # a label nobody listed: the number stands
    for source in SHIPPED_TERMS_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    context = tmp_path / "cpr_context.yaml"
    context.write_text(
        context.read_text(encoding="utf-8").replace("\nnegative:\n", "\nnegative:\n  - lånerkort*\n"),
        encoding="utf-8",
    )
    edited = Detector(DetectorSettings(hash_key="test-key", terms_dir=tmp_path))
    assert edited.analyze([TextPart(text, "body")]) == []
    assert [f.category for f in edited.analyze([TextPart("Elevens cpr-nr. 1503158114", "body")])] == ["cpr"]


def test_a_terms_folder_without_cpr_context_uses_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "health.yaml").write_text("strong: [astma*]\n", encoding="utf-8")
    shipped = read_cpr_context(SHIPPED_TERMS_DIR)
    assert read_cpr_context(tmp_path) == shipped and "ordre*" in shipped["negative"]
    (tmp_path / "cpr_context.yaml").write_text("negativ: [ordre*]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cpr_context.yaml: unknown key\(s\) \['negativ'\]"):
        read_cpr_context(tmp_path)


def test_a_tables_column_header_labels_its_first_rows_even_far_above_and_with_a_semicolon_in_a_cell(
    find: Find,
) -> None:
    header = "Sagsnummer\tElevens fulde navn\tKlasse\tCPR-nummer\tHusstandens samlede indkomst\tBegrundelse\n"
    rows = [
        "2503251044\tAda Holm\t1.g\t271109-4820\t186000\tMor ledig; far syg\n",
        "2503251045\tBo Dahl\t8.a\t190511-5339\t241000\tSkilsmisse; mor betaler alt\n",
        "2503251046\tCarl Bruun\t3.g\t300107-4611\t298000\tAnbragt; kommunen betaler halvt\n",
    ]
    assert len(header) > 60  # the header starts further back than a candidate's usual window
    assert cprs(find, header + "".join(rows)) == ["271109-4820", "190511-5339", "300107-4611"]
