"""Spreadsheets: XLSX and ODS -> one text per sheet, numbers shown the way the sheet formats them.

A CPR typed into a numeric cell is stored as a number: ``000000-0000`` formatting must come out
as ``DDMMYY-SSSS``, and one that lost its leading zero in a column headed CPR gets it back.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

import openpyxl
from defusedxml import ElementTree as SafeElementTree

from gateway.mime.archives import check_container, member_bytes
from gateway.mime.collector import Collector, Place
from gateway.mime.limits import Budget, Unreadable
from gateway.mime.office import ODF, SPREADSHEETML, XLSX_COMMENTS, check_odf, element_text, local, read_parts

CPR_HEADER = re.compile(r"cpr|personn|person-n|personnr", re.IGNORECASE)
HEADER_ROWS = 10
CLOCK_EVERY = 1000
# A number format made only of zero placeholders and separators, e.g. 000000-0000.
ZERO_FORMAT = re.compile(r"0+(?:[-\s./]0+)*")
QUOTING = re.compile(r'["\\]')
# Repeated ODS cells can stand for whole empty columns; never expand more than this.
MAX_REPEAT = 50
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@dataclass(frozen=True)
class Cell:
    text: str
    number: float | None = None


def formatted_number(value: float, number_format: str) -> str:
    """``value`` as a zero-placeholder format shows it (``000000-0000`` -> ``010203-4455``)."""
    pattern = QUOTING.sub("", number_format.split(";")[0]).strip()
    if value == int(value) and value >= 0 and ZERO_FORMAT.fullmatch(pattern):
        digits = str(int(value)).zfill(pattern.count("0"))
        if len(digits) == pattern.count("0"):
            shown, index = [], 0
            for char in pattern:
                shown.append(digits[index] if char == "0" else char)
                index += char == "0"
            return "".join(shown)
    return plain_number(value)


def plain_number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e16 else repr(value)


def cpr_columns(rows: list[list[Cell]]) -> set[int]:
    return {i for row in rows[:HEADER_ROWS] for i, cell in enumerate(row) if CPR_HEADER.search(cell.text)}


def restore_zero(cell: Cell) -> str:
    """A 9-digit number in a CPR column lost its leading zero: give it back (unless formatted)."""
    number = cell.number
    if number is None or cell.text != plain_number(number):
        return cell.text
    if number == int(number) and 100_000_000 <= number < 1_000_000_000:
        return str(int(number)).zfill(10)
    return cell.text


def render(rows: Iterable[list[Cell]], budget: Budget) -> str:
    """Rows as lines of tab-separated cells, CPR columns repaired (the header is in the first rows)."""
    lines: list[str] = []
    head: list[list[Cell]] = []
    columns: set[int] = set()
    for count, row in enumerate(rows, 1):
        if count % CLOCK_EVERY == 0:
            budget.check_time()
        if count <= HEADER_ROWS:
            head.append(row)
            columns = cpr_columns(head)
        texts = [restore_zero(cell) if i in columns else cell.text for i, cell in enumerate(row)]
        while texts and not texts[-1]:
            texts.pop()
        if texts:
            lines.append("\t".join(texts))
    return "\n".join(lines)


def xlsx_cell(value: object, number_format: str) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell(str(value))
    if isinstance(value, int | float):
        return Cell(formatted_number(float(value), number_format), float(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return Cell(value.isoformat())
    return Cell(str(value))


def xlsx_rows(sheet: object) -> Iterator[list[Cell]]:
    sheet.reset_dimensions()  # type: ignore[attr-defined]  # never trust a declared A1:XFD1048576
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        yield [xlsx_cell(cell.value, getattr(cell, "number_format", "General") or "General") for cell in row]


def read_xlsx(archive: zipfile.ZipFile, data: bytes, place: Place, out: Collector) -> None:
    check_container(archive, out.budget, "Excel workbook")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, zipfile.BadZipFile, OSError):
        raise Unreadable("corrupt Excel workbook") from None
    try:
        for sheet in book.worksheets:
            out.add(render(xlsx_rows(sheet), out.budget), place, f"sheet {sheet.title}")
    finally:
        book.close()
    read_parts(archive, XLSX_COMMENTS, SPREADSHEETML, place, out)


def ods_cell(elem: ElementTree.Element, budget: Budget) -> Cell:
    text = element_text(elem, ODF, budget).strip()
    value = elem.get(f"{{{OFFICE_NS}}}value")
    number = None
    if value is not None and elem.get(f"{{{OFFICE_NS}}}value-type") in ("float", "percentage", "currency"):
        try:
            number = float(value)
        except ValueError:
            number = None
    if not text and number is not None:
        text = plain_number(number)
    return Cell(text, number)


def ods_rows(table: ElementTree.Element, budget: Budget) -> Iterator[list[Cell]]:
    for row in table.iter(f"{{{TABLE_NS}}}table-row"):
        cells: list[Cell] = []
        for elem in row:
            if local(str(elem.tag)) not in ("table-cell", "covered-table-cell"):
                continue
            cell = ods_cell(elem, budget)
            repeat = int(elem.get(f"{{{TABLE_NS}}}number-columns-repeated", "1") or "1")
            cells.extend([cell] * min(repeat, MAX_REPEAT))
        yield cells


def read_ods(archive: zipfile.ZipFile, place: Place, out: Collector) -> None:
    check_odf(archive, out.budget)
    content = member_bytes(archive, "content.xml", out.budget)
    if content is None:
        raise Unreadable("corrupt OpenDocument spreadsheet")
    try:
        root = SafeElementTree.fromstring(content)
    except ElementTree.ParseError:
        raise Unreadable("corrupt OpenDocument spreadsheet") from None
    for table in root.iter(f"{{{TABLE_NS}}}table"):
        name = table.get(f"{{{TABLE_NS}}}name", "")
        out.add(render(ods_rows(table, out.budget), out.budget), place, f"sheet {name}")
