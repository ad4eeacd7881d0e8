"""Test messages built in code: a small builder for MIME messages with attachments."""

from __future__ import annotations

from email.message import EmailMessage

from gateway.mime.extract import extract_text
from gateway.mime.settings import ExtractionSettings
from gateway.types import Extraction


def message(subject: str = "Test", body: str = "Hej", **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "laerer@skole.example"
    msg["To"] = "ppr@kommune.example"
    msg["Subject"] = subject
    msg["Message-ID"] = "<test@skole.example>"
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def attach(msg: EmailMessage, data: bytes, filename: str, ctype: str = "application/octet-stream") -> None:
    maintype, subtype = ctype.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)


def extract(msg: EmailMessage | bytes, **limits: object) -> Extraction:
    raw = msg if isinstance(msg, bytes) else msg.as_bytes()
    return extract_text(raw, ExtractionSettings.model_validate(limits))


def text_at(extraction: Extraction, where: str) -> str:
    return "\n".join(p.text for p in extraction.parts if p.where == where)


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def reasons(extraction: Extraction) -> dict[str, str]:
    return {f.where: f.reason for f in extraction.unscannable}
