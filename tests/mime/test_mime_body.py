"""Subject, body texts, transfer encodings, charsets and HTML."""

from __future__ import annotations

import base64
import time
from email.message import EmailMessage

from .build import attach, digits, extract, message, reasons, text_at

CPR = "0102034455"


def test_subject_encoded_words_are_decoded() -> None:
    raw = (
        b"From: a@skole.example\r\nSubject: =?utf-8?q?Elev_s=C3=B8ren_cpr_010203-4455?=\r\n"
        b"Message-ID: <x@y>\r\n\r\nhej\r\n"
    )
    result = extract(raw)
    assert result.subject == "Elev søren cpr 010203-4455"
    assert text_at(result, "subject") == "Elev søren cpr 010203-4455"
    assert result.message_id == "<x@y>"


def test_a_folded_subject_keeps_the_space_before_an_encoded_word() -> None:
    raw = (
        b"From: a@skole.example\r\nSubject: Referat om elev\r\n =?utf-8?q?S=C3=B8ren_Holm?= og\r\n"
        b" =?utf-8?q?Ida?=\r\nMessage-ID: <x@y>\r\n\r\nhej\r\n"
    )
    assert extract(raw).subject == "Referat om elev Søren Holm og Ida"


def test_quoted_printable_soft_break_inside_a_cpr_is_joined() -> None:
    raw = (
        b"From: a@skole.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Elev med CPR 01020=\r\n3-4455 og s=C3=B8ster\r\n"
    )
    body = text_at(extract(raw), "body")
    assert "CPR 010203-4455 og søster" in body


def test_html_body_drops_scripts_and_decodes_entities() -> None:
    msg = message()
    msg.set_content(
        "<html><head><style>.x{color:red}</style><script>var k=9999999999;</script></head>"
        "<body><p>Personnummer&nbsp;010203&nbsp;4455</p><p>S&oslash;ren &amp; Mia</p></body></html>",
        subtype="html",
    )
    body = text_at(extract(msg), "body")
    assert "Personnummer 010203 4455" in body
    assert "Søren & Mia" in body
    assert "9999999999" not in body and "color" not in body


def test_alternative_is_read_once_and_keeps_what_only_one_says() -> None:
    msg = message(body="Mødet er flyttet.\nHilsen Anne")
    msg.add_alternative("<p>Mødet er flyttet.</p><p>Hilsen Anne</p><p>Elev 010203-4455</p>", subtype="html")
    result = extract(msg)
    body = text_at(result, "body")
    assert body.count("Mødet er flyttet.") == 1
    assert "010203-4455" in body


def test_alternative_plain_only_content_is_kept() -> None:
    msg = message(body="Mødet er flyttet.\nElev cpr 0102034455 i plain")
    html = "<p>Mødet er flyttet.</p><p>med en lang html-signatur og logo-tekst</p>"
    msg.add_alternative(html, subtype="html")
    body = text_at(extract(msg), "body")
    assert CPR in digits(body)
    assert body.count("Mødet er flyttet.") == 1


def test_charsets_and_mislabelled_text() -> None:
    for payload, label in [
        ("Søren Ærø".encode("iso-8859-1"), "iso-8859-1"),
        ("Søren € Ærø".encode("cp1252"), "iso-8859-15"),
        ("Søren € Ærø".encode("cp1252"), "utf-8"),
        ("Søren Ærø".encode(), "iso-8859-1"),
        ("Søren Ærø".encode("iso-8859-15"), "iso-8859-15"),
    ]:
        raw = (
            b"Subject: x\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: 8bit\r\n"
            + f"Content-Type: text/plain; charset={label}\r\n\r\n".encode()
            + payload
        )
        assert "Søren" in text_at(extract(raw), "body"), label
        assert "Ærø" in text_at(extract(raw), "body"), label


def test_broken_base64_still_yields_the_text() -> None:
    raw = (
        b"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nRWxldiAwMTAyMDMtNDQ1NSBz w7hy\r\nZW4=!!\r\n"
    )
    assert "Elev 010203-4455" in text_at(extract(raw), "body")


def test_attachment_name_rfc2231_is_reported_as_text_and_place() -> None:
    msg = message()
    attach(msg, "Navn;CPR\nSøren;0102034455\n".encode(), "elevliste æøå 0102034455.csv", "text/csv")
    raw = msg.as_bytes()
    assert b"filename*=" in raw
    result = extract(raw)
    where = "attachment:elevliste æøå 0102034455.csv"
    names = [p for p in result.parts if p.where == where and p.detail == "file name"]
    assert [p.text for p in names] == ["elevliste æøå 0102034455.csv"]
    assert CPR in digits(text_at(result, where))


def test_unknown_binary_attachment_is_unscannable() -> None:
    msg = message()
    attach(msg, bytes(range(256)) * 20, "data.bin")
    result = extract(msg)
    assert reasons(result) == {"attachment:data.bin": "unknown binary format"}
    finding = result.unscannable[0]
    assert (finding.category, finding.masked, finding.detector, finding.score) == (
        "unscannable",
        "data.bin",
        "extract",
        1.0,
    )


def test_masked_name_hides_a_cpr_in_the_file_name() -> None:
    msg = message()
    attach(msg, b"\x00\x01" * 100, "elev 010203-4455.bin")
    assert [f.masked for f in extract(msg).unscannable] == ["elev 010203-****.bin"]


def test_message_that_is_not_mail_at_all_does_not_raise() -> None:
    for raw in [b"", b"\x00\xff" * 1000, b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n"]:
        result = extract(raw)
        assert isinstance(result.parts, tuple)


def test_quoted_reply_and_inline_forward_are_body_text() -> None:
    msg = EmailMessage()
    msg["Subject"] = "Re: x"
    msg.set_content(
        "Tak.\n\n> Elev 010203-4455 har fravær\n\n"
        "---------- Videresendt meddelelse ----------\nFra: x\nCPR 2512094455\n"
    )
    body = text_at(extract(msg), "body")
    assert "010203-4455" in body and "2512094455" in body


def test_hostile_html_is_read_in_linear_time() -> None:
    msg = message()
    msg.set_content("<a " * 300_000 + "<p>" + "<" * 300_000 + f" Elev {CPR}", subtype="html")
    started = time.monotonic()
    result = extract(msg)
    assert time.monotonic() - started < 5.0
    assert CPR in digits(text_at(result, "body"))


def test_raw_utf8_subject_and_rfc2047_file_name() -> None:
    raw = (
        "From: a@skole.example\r\nSubject: Søren i 3.A\r\n  og Ærø\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhej\r\n'
        "--b\r\nContent-Type: text/plain\r\n"
        'Content-Disposition: attachment; filename="=?utf-8?q?elevliste_=C3=A6=C3=B8=C3=A5.txt?="\r\n\r\n'
        "CPR 0102034455\r\n--b--\r\n"
    ).encode()
    result = extract(raw)
    assert result.subject == "Søren i 3.A  og Ærø"
    assert CPR in text_at(result, "attachment:elevliste æøå.txt")


def test_thousands_of_parts_are_refused_quickly() -> None:
    part = b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    raw = (
        b"Subject: mange\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + part * 100_000 + b"--b--\r\n"
    )
    started = time.monotonic()
    result = extract(raw)
    assert time.monotonic() - started < 5.0
    assert result.subject == "mange"
    assert [f.reason for f in result.unscannable] == ["too many parts (limit 500)"]


def test_a_subject_of_100000_encoded_words_is_decoded_quickly() -> None:
    raw = b"Subject: " + b"=?utf-8?q?=C3=B8?= " * 100_000 + b"=?utf-8?q?CPR_0102034455?=\r\n\r\nhej"
    started = time.monotonic()
    result = extract(raw)
    assert time.monotonic() - started < 5.0
    assert result.subject.startswith("øøø") and result.subject.endswith("CPR 0102034455")


def test_large_alternatives_are_deduplicated_in_bounded_time() -> None:
    rows = [f"Elev {i:05d} har fravær i uge {i % 52}" for i in range(40_000)]
    msg = message(body="\n".join(rows))
    msg.add_alternative("<p>" + "</p><p>".join(rows) + "</p><p>kun i html 0102034455</p>", subtype="html")
    started = time.monotonic()
    body = text_at(extract(msg), "body")
    assert time.monotonic() - started < 10.0
    assert body.count("Elev 00001 har") == 1 and CPR in body


def test_a_base64_bodys_crlf_line_ends_are_read_as_newlines() -> None:
    """MIME's canonical form ends text lines with CRLF, and a base64 body keeps them: the parts hold
    one "\\n" per line end (and an old Mac's lone CR), so a blank line is a paragraph break."""
    encoded = base64.b64encode(b"Hej Pia\r\n\r\nUge 3: Eid.\rUge 4: jul.\r\n\r\nTariq\r\n").decode()
    raw = (
        "From: a@skole.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{encoded}\r\n"
    ).encode()
    assert text_at(extract(raw), "body") == "Hej Pia\n\nUge 3: Eid.\nUge 4: jul.\n\nTariq\n"
