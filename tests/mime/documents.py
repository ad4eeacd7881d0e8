"""Test files built in code: DOCX, XLSX, PDF, ODT, ODS, RTF, ZIP and images holding a CPR and a term."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import openpyxl.comments
from fpdf import FPDF
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.style import Footer, MasterPage, PageLayout
from odf.table import Table, TableCell, TableRow
from odf.text import P
from PIL import Image, ImageDraw, ImageFont


def make_docx(
    body: str = "", table: str = "", header: str = "", footer: str = "", comment: str = ""
) -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph(body or "Referat")
    if table:
        cells = document.add_table(rows=1, cols=2).rows[0].cells
        cells[0].text, cells[1].text = "Elev", table
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    if comment:
        document.add_comment(paragraph.runs, text=comment, author="AKT")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(
    rows: list[list[object]], number_format: str | None = None, title: str = "Ark1", comment: str = ""
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if number_format:
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, int):
                    cell.number_format = number_format
    if comment:
        sheet["A1"].comment = openpyxl.comments.Comment(comment, "AKT")
    book.create_sheet("Ark2").append(["Noter", "anden fane tekst"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_pdf(*pages: str, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    data = bytes(pdf.output())
    if password is None:
        return data
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "x")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pptx(slide_text: str) -> bytes:
    """The parts of a PowerPoint file that hold text: enough for the reader, not for PowerPoint."""
    ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    slide = f"<p:sld {ns} xmlns:p='p'><a:p><a:r><a:t>{slide_text}</a:t></a:r></a:p></p:sld>"
    return make_zip(
        {"ppt/presentation.xml": b"<p:presentation xmlns:p='p'/>", "ppt/slides/slide1.xml": slide.encode()}
    )


def make_odt(body: str, footer: str = "") -> bytes:
    document = OpenDocumentText()
    document.text.addElement(P(text=body))
    if footer:
        layout = PageLayout(name="pl")
        document.automaticstyles.addElement(layout)
        page = MasterPage(name="Standard", pagelayoutname=layout)
        foot = Footer()
        foot.addElement(P(text=footer))
        page.addElement(foot)
        document.masterstyles.addElement(page)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_ods(rows: list[list[object]]) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Elever")
    for values in rows:
        row = TableRow()
        for value in values:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_rtf(text: str) -> bytes:
    escaped = "".join(f"\\'{ord(ch):02x}" if ord(ch) > 127 else ch for ch in text)
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs24 " + escaped + "\\par}"
    ).encode()


def make_zip(files: dict[str, bytes], encrypted: bool = False, stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return set_encrypted_flag(out.getvalue()) if encrypted else out.getvalue()


def set_encrypted_flag(data: bytes) -> bytes:
    """Mark every member as encrypted, as a password-protected archive is (zipfile cannot write one)."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = patched.find(signature)
        while start >= 0:
            patched[start + offset] |= 0x1
            start = patched.find(signature, start + 4)
    return bytes(patched)


def make_image(lines: list[str], fmt: str = "PNG") -> bytes:
    font = ImageFont.load_default(size=48)
    image = Image.new("L", (1400, 90 * len(lines) + 60), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((40, 30 + 90 * index), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()
