"""Extraction speed: seconds per MB of attachment for each format, and peak memory for a 25 MB message.

Builds one file of each format (a pupil list repeated to a few MB), mails it, and times
``extract_text``. Prints one line per format. Run on an idle machine:

    .venv/bin/python bench/extract_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from email.message import EmailMessage

import docx
import openpyxl
from fpdf import FPDF
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import P
from PIL import Image, ImageDraw, ImageFont

from gateway.mime.extract import extract_text
from gateway.mime.settings import ExtractionSettings

ROW = "Freja Hansen;3.A;010209-4455;Østervang 12, 8000 Aarhus;underretning sendt til familieafdelingen"


def rows(count: int) -> list[str]:
    return [f"{index};{ROW}" for index in range(count)]


def csv_file(count: int) -> bytes:
    return "\n".join(rows(count)).encode("cp1252")


def html_file(count: int) -> bytes:
    cells = "".join(f"<tr><td>{r.replace(';', '</td><td>')}</td></tr>" for r in rows(count))
    return f"<html><body><table>{cells}</table></body></html>".encode()


def docx_file(count: int) -> bytes:
    document = docx.Document()
    for line in rows(count):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file(count: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in rows(count):
        sheet.append(line.split(";"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_file(count: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    pdf.add_page()
    for line in rows(count):
        pdf.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def odt_file(count: int) -> bytes:
    document = OpenDocumentText()
    for line in rows(count):
        document.text.addElement(P(text=line))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def ods_file(count: int) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Elever")
    for line in rows(count):
        row = TableRow()
        for value in line.split(";"):
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def rtf_file(count: int) -> bytes:
    body = "\\par ".join(line.replace("Ø", "\\'d8") for line in rows(count))
    return ("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}\\f0 " + body + "}").encode()


def zip_file(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("elever.csv", csv_file(count))
        archive.writestr("elever.docx", docx_file(count // 4))
    return out.getvalue()


def png_file(count: int) -> bytes:
    font = ImageFont.load_default(size=28)
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(rows(count)[:50]):
        draw.text((40, 40 + 42 * index), line[:70], fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


FORMATS: dict[str, tuple[Callable[[int], bytes], int]] = {
    "csv": (csv_file, 40_000),
    "html": (html_file, 20_000),
    "docx": (docx_file, 10_000),
    "xlsx": (xlsx_file, 10_000),
    "pdf": (pdf_file, 10_000),
    "odt": (odt_file, 10_000),
    "ods": (ods_file, 5_000),
    "rtf": (rtf_file, 20_000),
    "zip": (zip_file, 20_000),
    "png (OCR, one A4 page)": (png_file, 50),
}


def mail(data: bytes, filename: str) -> bytes:
    message = EmailMessage()
    message["Subject"] = "Elevliste"
    message.set_content("Se vedhæftede.")
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return message.as_bytes()


def measure(raw: bytes, repeat: int) -> tuple[float, int]:
    settings = ExtractionSettings(max_seconds=600, ocr_seconds=300)
    times, text = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        extraction = extract_text(raw, settings)
        times.append(time.perf_counter() - started)
        assert not extraction.unscannable, extraction.unscannable
        text = sum(len(p.text) for p in extraction.parts)
    return statistics.median(times), text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'format':24} {'file MB':>8} {'text MB':>8} {'seconds':>8} {'s/file MB':>10} {'s/text MB':>10}")
    for name, (build, count) in FORMATS.items():
        data = build(count)
        seconds, text = measure(mail(data, f"bilag.{name.split()[0]}"), args.repeat)
        megabytes = len(data) / 1e6
        per_text = seconds / max(text / 1e6, 1e-6)
        figures = (
            f"{megabytes:8.2f} {text / 1e6:8.2f} {seconds:8.3f} {seconds / megabytes:10.3f} {per_text:10.2f}"
        )
        print(f"{name:24} {figures}")
    peak_memory()


def big_message() -> bytes:
    """About 25 MB on the wire: a CSV, a workbook, a PDF and a document, base64-encoded."""
    message = EmailMessage()
    message["Subject"] = "Stort udtræk"
    message.set_content("Se vedhæftede.")
    for name, data in [
        ("elever.csv", csv_file(120_000)),
        ("elever.xlsx", xlsx_file(40_000)),
        ("elever.pdf", pdf_file(20_000)),
        ("elever.docx", docx_file(20_000)),
        ("scan.png", png_file(50)),
        ("elever2.csv", csv_file(40_000)),
    ]:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


# VmHWM (peak RSS of this process image) rather than ru_maxrss, which Linux carries over from
# the parent across exec.
CHILD = """
import re, sys, time
from gateway.mime.extract import extract_text
from gateway.mime.settings import ExtractionSettings
def peak():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024
raw = open(sys.argv[1], "rb").read()
before = peak()
started = time.perf_counter()
extraction = extract_text(raw, ExtractionSettings(max_seconds=600))
seconds = time.perf_counter() - started
text = sum(len(p.text) for p in extraction.parts) / 1e6
print(f"{len(raw) / 1e6:.1f} {seconds:.2f} {before} {peak()} {text:.1f} {len(extraction.unscannable)}")
print("; ".join(f.reason for f in extraction.unscannable) or "none", file=sys.stderr)
"""


def zip_message() -> bytes:
    """A ZIP holding 90 MB of CSV: the unpacked-size limit and the text limit both matter."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("elever.csv", b"".join(csv_file(10_000) for _ in range(90)))
    return mail(out.getvalue(), "udtraek.zip")


def peak_memory() -> None:
    for label, raw in (("mixed attachments", big_message()), ("ZIP of 90 MB CSV", zip_message())):
        print(f"{label}: {child_peak_memory(raw)}")


def child_peak_memory(raw: bytes) -> str:
    """Peak RSS of a fresh process extracting ``raw`` (the process's own size shown apart)."""
    with tempfile.NamedTemporaryFile(suffix=".eml") as file:
        file.write(raw)
        file.flush()
        result = subprocess.run(
            [sys.executable, "-c", CHILD, file.name], capture_output=True, text=True, check=True
        )
    size, seconds, before, after, text, unscannable = result.stdout.split()
    return (
        f"message of {size} MB ({text} MB text, {unscannable} unscannable): {seconds} s, "
        f"peak RSS {after} MB (process with the message loaded: {before} MB); "
        f"unscannable: {result.stderr.strip()}"
    )


if __name__ == "__main__":
    main()
