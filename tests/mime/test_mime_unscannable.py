"""Every way a part can be unreadable ends as an unscannable finding with the file name and a reason."""

from __future__ import annotations

import gzip
import io
import struct
import time
import zipfile
import zlib

import msoffcrypto.format.ooxml  # type: ignore[import-untyped]
import pytest

from gateway.mime.extract import hard_deadline
from gateway.mime.limits import OverLimit

from .build import attach, extract, message, reasons, text_at
from .documents import make_docx, make_pdf, make_xlsx, make_zip

SHOWN = "010209-4455"


def one(filename: str, data: bytes, **limits: object) -> dict[str, str]:
    msg = message(body="Se bilag.")
    attach(msg, data, filename)
    return reasons(extract(msg, **limits))


def test_password_protected_pdf() -> None:
    assert one("sag.pdf", make_pdf(f"CPR {SHOWN}", password="hemmelig")) == {
        "attachment:sag.pdf": "password-protected PDF"
    }


def test_pdf_with_only_an_owner_password_is_read() -> None:
    msg = message()
    attach(msg, make_pdf(f"CPR {SHOWN}", password=""), "aaben.pdf")
    result = extract(msg)
    assert SHOWN in text_at(result, "attachment:aaben.pdf")
    assert not result.unscannable


def test_password_protected_zip() -> None:
    data = make_zip({"elever.csv": f"cpr;{SHOWN}".encode()}, encrypted=True)
    assert one("elever.zip", data) == {"attachment:elever.zip": "password-protected ZIP"}


def test_password_protected_office_file() -> None:
    encrypted = io.BytesIO()
    office = msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(make_docx(body=SHOWN)))
    office.encrypt("hemmelig", encrypted)
    assert one("referat.docx", encrypted.getvalue()) == {
        "attachment:referat.docx": "password-protected Office file"
    }


def test_password_protected_opendocument() -> None:
    manifest = b'<manifest:manifest><manifest:encryption-data manifest:checksum="x"/></manifest:manifest>'
    data = make_zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"\x8a\x01 encrypted bytes",
            "META-INF/manifest.xml": manifest,
        }
    )
    assert one("notat.odt", data) == {"attachment:notat.odt": "password-protected OpenDocument file"}


def test_corrupt_files_of_each_kind() -> None:
    docx_data = make_docx(body=SHOWN)
    xlsx_data = make_xlsx([["CPR"], [1]])
    cases = {
        "kaput.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 8,
        "kaput.docx": docx_data[: len(docx_data) // 2],
        "kaput.xlsx": xlsx_data[:-200],
        "kaput.zip": b"PK\x03\x04" + b"\x00\xff" * 300,
        "kaput.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    }
    for name, data in cases.items():
        found = one(name, data)
        assert list(found) == [f"attachment:{name}"], name
        assert "corrupt" in found[f"attachment:{name}"], (name, found)


def test_zip_bomb_is_caught_by_its_ratio() -> None:
    data = make_zip({"nuller.txt": b"0" * 5_000_000})
    (reason,) = one("bombe.zip", data).values()
    assert reason.startswith("zip bomb: ratio 1:")
    assert int(reason.rsplit(":", 1)[1]) > 200


def test_office_file_bomb_is_caught_before_the_library_unpacks_it() -> None:
    source = zipfile.ZipFile(io.BytesIO(make_docx(body="x")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info.filename, source.read(info))
        bomb.writestr("word/media/padding.xml", b" " * 5_000_000)
    (reason,) = one("stor.docx", out.getvalue()).values()
    assert reason.startswith("zip bomb")


def test_over_the_unpacked_size_limit() -> None:
    data = make_zip({f"fil{i}.txt": bytes(range(32, 127)) * 2000 for i in range(5)}, stored=True)
    found = one("mange.zip", data, max_decompressed_bytes=500_000)
    assert any("unpacked size limit" in reason for reason in found.values())


def test_over_page_limit_reads_the_pages_it_may_and_still_flags_the_file() -> None:
    msg = message()
    attach(msg, make_pdf("side 1", "side 2", f"side 3 {SHOWN}"), "lang.pdf")
    result = extract(msg, max_pages=2)
    assert reasons(result) == {"attachment:lang.pdf": "over page limit (3 pages, limit 2)"}
    assert "side 2" in text_at(result, "attachment:lang.pdf")


def test_nesting_depth_limit() -> None:
    data = b"inderst: " + SHOWN.encode()
    for level in range(6):
        data = make_zip({f"lag{level}.zip" if level else "inderst.txt": data})
    found = one("dukke.zip", data, max_depth=4)
    assert list(found.values()) == ["nested too deep (limit 4)"]


def test_parts_limit_stops_reading_and_says_so() -> None:
    msg = message()
    for index in range(10):
        attach(msg, f"fil {index}".encode(), f"fil{index}.txt", "text/plain")
    result = extract(msg, max_parts=5)
    assert [f.reason for f in result.unscannable] == ["too many parts (limit 5)"]


def test_text_limit() -> None:
    msg = message(body="kort")
    attach(msg, b"lang tekst " * 500, "lang.txt", "text/plain")
    result = extract(msg, max_text_bytes=1000)
    assert reasons(result) == {"attachment:lang.txt": "over the text limit (1000 bytes per message)"}
    assert 900 < len(text_at(result, "attachment:lang.txt")) < 1000  # what fits is still read


def test_time_limit_per_message() -> None:
    msg = message()
    for index in range(30):
        attach(msg, make_xlsx([["CPR"], [index]]), f"ark{index}.xlsx")
    result = extract(msg, max_seconds=0.05)
    assert [f.reason for f in result.unscannable] == ["time limit per message (0.05 s)"]


def test_encrypted_smime_part() -> None:
    msg = message()
    attach(msg, b"\x30\x82\x01\x00" + b"\x01" * 200, "smime.p7m", "application/pkcs7-mime")
    assert one_reason(msg) == "encrypted message part (S/MIME or PGP)"


def one_reason(msg: object) -> str:
    (reason,) = reasons(extract(msg)).values()  # type: ignore[arg-type]
    return reason


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels: the start of a pixel bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))


def test_pixel_bomb_image() -> None:
    for width, height in [(20_000, 20_000), (100_000, 100_000)]:
        assert one("bombe.png", png_header(width, height)) == {
            "attachment:bombe.png": "image too large to read"
        }


def test_deeply_nested_multiparts_stop_at_the_depth_limit() -> None:
    depth = 200
    head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    tail = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    raw = f"Subject: dyb\r\nMIME-Version: 1.0\r\n{head}Content-Type: text/plain\r\n\r\nCPR {SHOWN}{tail}"
    result = extract(raw.encode())
    assert [f.reason for f in result.unscannable] == ["nested too deep (limit 10)"]
    assert result.unscannable[0].where == "body"


def test_hard_deadline_interrupts_code_that_never_checks_the_clock() -> None:
    started = time.monotonic()
    with pytest.raises(OverLimit), hard_deadline(0.2):
        while True:
            pass
    assert time.monotonic() - started < 1.0


def test_text_over_the_limit_is_cut_without_spoiling_its_charset() -> None:
    msg = message(body="kort")
    attach(msg, "Søren Ærø ".encode() * 1000, "lang.txt", "text/plain")
    result = extract(msg, max_text_bytes=1000)
    text = text_at(result, "attachment:lang.txt")
    assert "Søren Ærø" in text and "Ã" not in text
    assert reasons(result) == {"attachment:lang.txt": "over the text limit (1000 bytes per message)"}


def test_known_but_unsupported_formats_are_named() -> None:
    msg = message()
    attach(msg, gzip.compress(b"CPR 0102034455"), "liste.csv.gz")
    attach(msg, b"\x78\x9f\x3e\x22\x01\x00" + b"\x00\x90" * 100, "winmail.dat")
    assert reasons(extract(msg)) == {
        "attachment:liste.csv.gz": "gzip archive not supported; send a ZIP",
        "attachment:winmail.dat": "Outlook winmail.dat (TNEF) not supported",
    }
