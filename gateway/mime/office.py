"""Office documents: DOCX, PPTX and ODT/ODP containers -> text of body, tables, headers, footers, comments."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeElementTree

from gateway.mime.archives import check_container, member_bytes
from gateway.mime.collector import Collector, Place
from gateway.mime.limits import Budget, Unreadable

# Check the clock every so many XML elements: a huge document must not outrun the deadline.
CLOCK_EVERY = 20_000


@dataclass(frozen=True)
class Markup:
    """How a document format's XML carries text (local tag names, without namespaces)."""

    paragraphs: frozenset[str]
    cells: frozenset[str]
    tabs: frozenset[str]
    breaks: frozenset[str]
    text: frozenset[str] | None  # elements whose text is content; None: all text (mixed content)
    spaces: str = ""  # an element standing for ``c`` spaces (ODF's text:s)


WORDML = Markup(
    paragraphs=frozenset({"p"}),
    cells=frozenset({"tc"}),
    tabs=frozenset({"tab"}),
    breaks=frozenset({"br", "cr"}),
    text=frozenset({"t", "delText"}),
)
DRAWINGML = Markup(
    paragraphs=frozenset({"p"}),
    cells=frozenset({"tc"}),
    tabs=frozenset({"tab"}),
    breaks=frozenset({"br"}),
    text=frozenset({"t"}),
)
ODF = Markup(
    paragraphs=frozenset({"p", "h"}),
    cells=frozenset({"table-cell"}),
    tabs=frozenset({"tab"}),
    breaks=frozenset({"line-break"}),
    text=None,
    spaces="s",
)
DOCX_PARTS = (
    (re.compile(r"word/header\d*\.xml"), "header"),
    (re.compile(r"word/document\d*\.xml"), ""),
    (re.compile(r"word/footnotes\.xml"), "footnotes"),
    (re.compile(r"word/endnotes\.xml"), "endnotes"),
    (re.compile(r"word/comments\w*\.xml"), "comments"),
    (re.compile(r"word/footer\d*\.xml"), "footer"),
)
PPTX_PARTS = (
    (re.compile(r"ppt/slides/slide\d+\.xml"), "slide"),
    (re.compile(r"ppt/notesSlides/notesSlide\d+\.xml"), "notes"),
    (re.compile(r"ppt/comments/\w+\.xml"), "comments"),
)
XLSX_COMMENTS = (
    (re.compile(r"xl/(?:comments\d*|comments/\w+)\.xml"), "comments"),
    (re.compile(r"xl/threadedComments/\w+\.xml"), "comments"),
)
SPREADSHEETML = Markup(
    paragraphs=frozenset({"comment", "threadedComment"}),
    cells=frozenset(),
    tabs=frozenset(),
    breaks=frozenset(),
    text=frozenset({"t", "text"}),
)
ODF_PARTS = ((re.compile(r"content\.xml"), ""), (re.compile(r"styles\.xml"), "header/footer"))
DIGITS = re.compile(r"\d+")


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def xml_text(data: bytes, markup: Markup, budget: Budget) -> str:
    """The text of one XML part, a paragraph a line and table cells separated by tabs."""
    try:
        root = SafeElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise Unreadable("corrupt document XML") from None
    return element_text(root, markup, budget)


def element_text(root: ElementTree.Element, markup: Markup, budget: Budget) -> str:
    """The text under ``root``, walked without recursion (documents can nest deeply)."""
    out: list[str] = []
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    seen = 0
    while stack:
        elem, leaving = stack.pop()
        tag = local(elem.tag) if isinstance(elem.tag, str) else ""
        if leaving:
            if tag in markup.paragraphs or tag in markup.breaks:
                out.append("\n")
            elif tag in markup.cells:
                out.append("\t")
            if elem.tail and markup.text is None:
                out.append(elem.tail)
            continue
        seen += 1
        if seen % CLOCK_EVERY == 0:
            budget.check_time()
        if tag in markup.tabs:
            out.append("\t")
        elif tag == markup.spaces:
            out.append(" ")
        if elem.text and (markup.text is None or tag in markup.text):
            out.append(elem.text)
        stack.append((elem, True))
        stack.extend((child, False) for child in reversed(elem))
    return "".join(out)


def slide_number(name: str) -> int:
    found = DIGITS.findall(name)
    return int(found[-1]) if found else 0


def read_parts(
    archive: zipfile.ZipFile,
    parts: tuple[tuple[re.Pattern[str], str], ...],
    markup: Markup,
    place: Place,
    out: Collector,
) -> None:
    names = sorted(archive.namelist(), key=lambda n: (slide_number(n), n))
    for pattern, what in parts:
        for name in names:
            if pattern.fullmatch(name):
                data = member_bytes(archive, name, out.budget)
                if data is not None:
                    label = f"{what} {slide_number(name)}" if what in ("slide", "notes") else what
                    out.add(xml_text(data, markup, out.budget), place, label)


def read_docx(archive: zipfile.ZipFile, place: Place, out: Collector) -> None:
    check_container(archive, out.budget, "Word document")
    read_parts(archive, DOCX_PARTS, WORDML, place, out)


def read_pptx(archive: zipfile.ZipFile, place: Place, out: Collector) -> None:
    check_container(archive, out.budget, "PowerPoint file")
    read_parts(archive, PPTX_PARTS, DRAWINGML, place, out)


def read_odf_text(archive: zipfile.ZipFile, place: Place, out: Collector) -> None:
    """ODT and ODP (and ODS when read as plain text): content.xml, then styles.xml's headers and footers."""
    check_odf(archive, out.budget)
    read_parts(archive, ODF_PARTS, ODF, place, out)


def check_odf(archive: zipfile.ZipFile, budget: Budget) -> None:
    check_container(archive, budget, "OpenDocument file")
    manifest = member_bytes(archive, "META-INF/manifest.xml", budget)
    if manifest is not None and b"encryption-data" in manifest:
        raise Unreadable("password-protected OpenDocument file")
