"""Every attachment format: the CPR and the term placed in it come out, at the attachment's place."""

from __future__ import annotations

import email.message

import pytest

from .build import attach, digits, extract, message, reasons, text_at
from .cfb import make_msg, write_cfb
from .documents import make_docx, make_ods, make_odt, make_pdf, make_pptx, make_rtf, make_xlsx, make_zip

CPR = "0102094455"
SHOWN = "010209-4455"
TERM = "underretning"


def only(filename: str, data: bytes, ctype: str = "application/octet-stream") -> email.message.EmailMessage:
    msg = message(body="Se vedhæftede.")
    attach(msg, data, filename, ctype)
    return msg


def details(result: object, where: str) -> dict[str, str]:
    return {p.detail: p.text for p in result.parts if p.where == where}  # type: ignore[attr-defined]


def test_docx_body_table_header_footer_and_comment() -> None:
    data = make_docx(
        body=f"Vi sender {TERM} om eleven.",
        table=SHOWN,
        header="Fortroligt header-tekst",
        footer="Sidefod Østervang",
        comment="Husk diagnose fra PPR",
    )
    result = extract(only("Referat elev.docx", data))
    where = "attachment:Referat elev.docx"
    parts = details(result, where)
    assert TERM in parts[""] and SHOWN in parts[""]
    assert "Fortroligt header-tekst" in parts["header"]
    assert "Sidefod Østervang" in parts["footer"]
    assert "diagnose" in parts["comments"]
    assert not result.unscannable


def test_xlsx_every_sheet_and_formatted_cpr_numbers() -> None:
    data = make_xlsx([["CPR", "Navn", "Bemærkning"], [int(CPR), "Freja", TERM]], number_format="000000-0000")
    result = extract(only("elever.xlsx", data))
    parts = details(result, "attachment:elever.xlsx")
    assert f"{SHOWN}\tFreja\t{TERM}" in parts["sheet Ark1"]
    assert "anden fane tekst" in parts["sheet Ark2"]


def test_xlsx_cell_comments() -> None:
    data = make_xlsx([["CPR"], [1]], comment=f"{TERM} sendt, CPR {SHOWN}")
    parts = details(extract(only("elever.xlsx", data)), "attachment:elever.xlsx")
    assert TERM in parts["comments"] and SHOWN in parts["comments"]


def test_pptx_slides() -> None:
    parts = details(extract(only("oplæg.pptx", make_pptx(f"{TERM} {SHOWN}"))), "attachment:oplæg.pptx")
    assert f"{TERM} {SHOWN}" in parts["slide 1"]


def test_xlsx_cpr_column_gets_its_leading_zero_back() -> None:
    data = make_xlsx([["Navn", "CPR-nr."], ["Freja", int(CPR)], ["Id", 123]])
    parts = details(extract(only("liste.xlsx", data)), "attachment:liste.xlsx")
    assert f"Freja\t{CPR}" in parts["sheet Ark1"]
    assert "Id\t123" in parts["sheet Ark1"]


def test_xlsx_number_outside_cpr_column_is_not_padded() -> None:
    data = make_xlsx([["Navn", "Ordre"], ["Kantine", 123456789]])
    assert "Kantine\t123456789" in details(extract(only("o.xlsx", data)), "attachment:o.xlsx")["sheet Ark1"]


def test_pdf_text_layer_per_page() -> None:
    data = make_pdf("Side et uden noget", f"Elev CPR {SHOWN} fik en {TERM}")
    parts = details(extract(only("sag.pdf", data, "application/pdf")), "attachment:sag.pdf")
    assert SHOWN in parts["page 2"] and TERM in parts["page 2"]


def test_odt_body_and_footer() -> None:
    data = make_odt(f"Elev {SHOWN} {TERM}", footer="Fod med navn Søren")
    result = extract(only("notat.odt", data))
    parts = details(result, "attachment:notat.odt")
    assert SHOWN in parts[""] and TERM in parts[""]
    assert "Fod med navn Søren" in parts["header/footer"]


def test_ods_cells_and_cpr_column() -> None:
    data = make_ods([["Navn", "CPR"], ["Freja", int(CPR)], ["Note", TERM]])
    parts = details(extract(only("elever.ods", data)), "attachment:elever.ods")
    assert f"Freja\t{CPR}" in parts["sheet Elever"]
    assert TERM in parts["sheet Elever"]


@pytest.mark.parametrize("charset", ["utf-8", "cp1252", "iso-8859-15", "utf-16", "utf-16-le", "utf-16-be"])
def test_csv_and_txt_in_any_charset(charset: str) -> None:
    data = f"Navn;CPR;Note\nSøren Ærø;{SHOWN};{TERM}\n".encode(charset)
    result = extract(only("elever.csv", data, "application/octet-stream"))
    text = text_at(result, "attachment:elever.csv")
    assert "Søren Ærø" in text and SHOWN in text and TERM in text


def test_html_attachment_is_read_as_text() -> None:
    data = f"<html><body><script>x()</script><p>Elev&nbsp;{SHOWN}</p><p>{TERM}</p></body></html>".encode()
    text = text_at(extract(only("rapport.html", data, "text/html")), "attachment:rapport.html")
    assert f"Elev {SHOWN}" in text and TERM in text and "x()" not in text


def test_rtf_attachment() -> None:
    text = text_at(extract(only("brev.rtf", make_rtf(f"Søren {SHOWN} {TERM}"))), "attachment:brev.rtf")
    assert f"Søren {SHOWN} {TERM}" in text


def test_zip_recursive_is_named_by_the_archive() -> None:
    inner = make_zip({"dybt/liste.csv": f"CPR;Note\n{CPR};{TERM}\n".encode()})
    data = make_zip({"elevliste.docx": make_docx(body=f"{TERM} {SHOWN}"), "indre.zip": inner})
    result = extract(only("elevudtraek.zip", data, "application/zip"))
    parts = details(result, "attachment:elevudtraek.zip")
    assert SHOWN in parts["elevliste.docx"]
    assert CPR in parts["dybt/liste.csv in indre.zip"] and TERM in parts["dybt/liste.csv in indre.zip"]
    names = [p.text for p in result.parts if p.detail.startswith("name of a file")]
    assert set(names) == {"elevliste.docx", "indre.zip", "dybt/liste.csv"}
    assert not result.unscannable


def forwarded() -> email.message.EmailMessage:
    inner = message(subject=f"Fwd: {TERM} Freja", body=f"Freja har CPR {SHOWN}.")
    attach(inner, f"Navn;CPR\nMikkel;{CPR}\n".encode(), "bilag.csv", "text/csv")
    return inner


def test_attached_message_rfc822_is_named_by_its_eml_file() -> None:
    msg = message(body="Videresender.")
    msg.add_attachment(forwarded(), filename="Fwd Freja.eml")
    result = extract(msg)
    parts = details(result, "attachment:Fwd Freja.eml")
    assert TERM in parts["subject"]
    assert SHOWN in parts[""]
    assert CPR in digits(parts["bilag.csv"])


def test_eml_sent_as_octet_stream_is_read_as_a_message() -> None:
    result = extract(only("gammel mail.eml", forwarded().as_bytes()))
    parts = details(result, "attachment:gammel mail.eml")
    assert TERM in parts["subject"] and SHOWN in parts[""] and CPR in digits(parts["bilag.csv"])


def test_inline_forwarded_message_without_file_name_is_body() -> None:
    msg = message(body="Se nedenfor.")
    msg.add_attachment(forwarded(), disposition="inline")
    result = extract(msg)
    body = text_at(result, "body")
    assert SHOWN in body and TERM in body


def test_content_not_claimed_type_decides_the_reader() -> None:
    data = make_docx(body=f"{TERM} {SHOWN}")
    result = extract(only("billede.jpg", data, "image/jpeg"))
    assert SHOWN in text_at(result, "attachment:billede.jpg")


def test_outlook_msg_subject_body_and_attachments() -> None:
    data = make_msg(
        f"{TERM} om Freja",
        f"Freja har CPR {SHOWN}.",
        {
            "liste.csv": f"CPR;Navn\n{CPR};Mikkel\n".encode(),
            "referat.docx": make_docx(body=f"{TERM} {SHOWN}"),
        },
    )
    result = extract(only("Sag Freja.msg", data))
    parts = details(result, "attachment:Sag Freja.msg")
    assert TERM in parts["subject"] and SHOWN in parts["body"]
    assert CPR in parts["liste.csv"] and SHOWN in parts["referat.docx"]
    assert not result.unscannable


def test_old_binary_office_formats_are_named_in_the_reason() -> None:
    msg = message()
    attach(msg, write_cfb({"WordDocument": b"\x00" * 600}), "gammel.doc")
    attach(msg, write_cfb({"Workbook": b"\x00" * 600}), "gammel.xls")
    attach(msg, write_cfb({"Noget": b"\x00" * 600}), "ukendt.ole")
    assert reasons(extract(msg)) == {
        "attachment:gammel.doc": "old Word .doc format not supported; save as .docx",
        "attachment:gammel.xls": "old Excel .xls format not supported; save as .xlsx",
        "attachment:ukendt.ole": "unknown OLE file",
    }


def test_text_file_with_header_like_lines_is_not_taken_for_a_mail() -> None:
    data = f"Date: 1. september\nNavn: Freja\nCPR: {SHOWN}\n\n{TERM} sendt\n".encode()
    text = text_at(extract(only("notat.txt", data)), "attachment:notat.txt")
    assert "Navn: Freja" in text and SHOWN in text and TERM in text


def test_attached_message_headers_are_text() -> None:
    msg = message(body="Videresender.")
    msg.add_attachment(forwarded(), filename="fwd.eml")
    parts = details(extract(msg), "attachment:fwd.eml")
    assert "ppr@kommune.example" in parts["headers"] and "Subject" not in parts["headers"]
