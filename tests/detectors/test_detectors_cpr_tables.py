"""CPR-shaped numbers in tables: a column's header says what its numbers are, however far above."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.cpr import labels_cue, labels_in_context
from gateway.types import Finding

Find = Callable[[str], list[Finding]]

PUPILS = ["Mads Ravn", "Sigrid Holst", "Frederik Tang", "Laura Kvist", "Johan Vestbo", "Ida Lund", "Bo Dahl"]
NUMBERS = ["2811201476", "1202221934", "3007191265", "1903211120", "0812231708", "1505124417", "0202114863"]


def cprs(find: Find, text: str) -> list[str]:
    return [text[f.start : f.end] for f in find(text) if f.category == "cpr"]


def sheet(header: str, rows: list[str]) -> str:
    return "Udlånsliste 7.B\n\n" + header + "\n" + "\n".join(rows) + "\n"


def test_a_barcode_column_holds_no_cpr_in_any_row_whatever_its_empty_cells(find: Find) -> None:
    """A sheet's rows drop their empty last cells, so rows have fewer tabs than the header or than
    each other; the header is still the one over the number's column, even seven rows down."""
    header = "Elev\tKlasse\tStregkode\tModel\tUdlånt\tBemærkning"
    rows = [
        f"{name}\t7.B\t{number}\tLenovo 300e\t2024-08-12" + ("\tNy oplader" if i % 3 == 0 else "")
        for i, (name, number) in enumerate(zip(PUPILS, NUMBERS, strict=True))
    ]
    assert cprs(find, sheet(header, rows)) == []


def test_a_cpr_column_is_found_in_every_row_far_below_its_header(find: Find) -> None:
    rows = [f"{name}\t7.B\t{number}" + ("\tallergi" if i % 2 else "") for i, (name, number) in enumerate(
        zip(PUPILS, NUMBERS, strict=True)
    )]  # fmt: skip
    assert cprs(find, sheet("Navn\tKlasse\tCPR-nr.\tBemærkning", rows)) == NUMBERS


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # an 'Id' column beside a column of names is the person's number
        ("Elev;Id;Hjemkommune", NUMBERS[:4]),
        ("id;fornavn;efternavn", NUMBERS[:4]),
        # a named id (a federation's, an order's) keeps its own meaning
        ("Elev;DHF-ID;Hjemkommune", []),
        ("Elev;Ordre-id;Hjemkommune", []),
        # an 'Id' with no names beside it is no person's
        ("Enhed;Id;Status", []),
    ],
)
def test_an_id_column_beside_names_is_the_persons_number(
    find: Find, header: str, expected: list[str]
) -> None:
    cells = header.split(";")
    rows = []
    for name, number in zip(PUPILS[:4], NUMBERS[:4], strict=True):
        row = {"elev": name, "fornavn": name.split()[0], "efternavn": name.split()[1], "enhed": "CB-0141"}
        rows.append(";".join(row.get(c.lower(), number if "id" in c.lower() else "Odense") for c in cells))
    assert cprs(find, header + "\n" + "\n".join(rows) + "\n") == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Navn              Født        DHF-ID       Position", []),
        ("Navn              Født        CPR-nr.      Position", NUMBERS[:5]),
        ("Navn              Født        Id           Position", NUMBERS[:5]),
    ],
)
def test_a_text_table_padded_with_spaces_reads_the_header_over_the_numbers_column(
    find: Find, header: str, expected: list[str]
) -> None:
    rows = [
        f"{name:<18}23.01.2010  {number}   Back" for name, number in zip(PUPILS[:5], NUMBERS[:5], strict=True)
    ]
    text = "Hermed vores indstilling til regionsholdet:\n\n" + header + "\n" + "\n".join(rows) + "\n"
    assert cprs(find, text) == expected


def test_a_log_with_a_session_column_holds_no_cpr(find: Find) -> None:
    text = (
        "Loggen fra proxyen, hvor sid=2206151432 går igen:\n\n"
        "ts_epoch    time      user       sid          result\n"
        + "".join(f"17270720{i:02d}  08:14:0{i}  user{i}      2206151432   FAIL\n" for i in range(6))
    )
    assert cprs(find, text) == []


def test_a_label_and_its_value_padded_with_spaces_is_no_table(find: Find) -> None:
    text = "Navn:        Freja Holm\nKlasse:      3.A\nCPR-nr.:     150315-8114\n"
    assert cprs(find, text) == ["150315-8114"]


def test_labels_travel_in_the_context_without_the_digits_of_another_number() -> None:
    entry = labels_cue(120, ["og", "2510250846", "gavekort"])
    assert "2510250846" not in entry
    assert labels_in_context(["something else", entry]) == {120: ["og", "0", "gavekort"]}
