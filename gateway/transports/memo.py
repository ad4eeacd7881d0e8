"""MeMo 1.2 builder: a mail (bytes) + sender CVR + recipient CPR -> a Digital Post MeMo XML message.

The mail's text becomes the MainDocument, each attachment an AdditionalDocument. Header labels
are fixed texts from config, never the mail's Subject, so they carry no CPR and no sensitive term.
"""

from __future__ import annotations

import base64
import datetime
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

MEMO_NS = "https://DigitalPost.dk/MeMo-1"
ET.register_namespace("memo", MEMO_NS)


@dataclass(frozen=True)
class Document:
    """One file in the MeMo: its MIME type, file name and bytes."""

    media_type: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class MemoLabels:
    """Fixed texts shown in e-Boks / mit.dk before the letter is opened."""

    sender_cvr: str
    sender_label: str
    label: str
    notification: str = ""


def tag(name: str) -> str:
    return f"{{{MEMO_NS}}}{name}"


def child(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag(name))
    if text is not None:
        element.text = text
    return element


def documents(raw: bytes) -> tuple[Document, list[Document]]:
    """The main text (Subject on top) and the attachments of a mail."""
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(mail, EmailMessage)
    body = mail.get_body(preferencelist=("plain", "html"))
    subject = str(mail.get("Subject", ""))
    if body is None:
        main = Document("text/plain", "besked.txt", subject.encode("utf-8"))
    else:
        text = body.get_content()
        subtype = body.get_content_subtype()
        if subtype == "html":
            main = Document("text/html", "besked.html", text.encode("utf-8"))
        else:
            main = Document("text/plain", "besked.txt", f"{subject}\n\n{text}".encode())
    extra = []
    for number, part in enumerate(mail.iter_attachments(), start=1):
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else part.as_bytes()
        extra.append(Document(part.get_content_type(), part.get_filename() or f"bilag-{number}", content))
    return main, extra


def add_file(parent: ET.Element, document: Document) -> None:
    file = child(parent, "File")
    child(file, "encodingFormat", document.media_type)
    child(file, "filename", document.filename)
    child(file, "language", "da")
    child(file, "content", base64.b64encode(document.content).decode("ascii"))


def build_memo(
    raw: bytes, cpr: str, labels: MemoLabels, message_uuid: uuid.UUID | None = None
) -> tuple[str, bytes]:
    """(messageUUID, MeMo XML bytes) for one recipient."""
    message_uuid = message_uuid or uuid.uuid4()
    main, extra = documents(raw)
    root = ET.Element(tag("Message"), {"memoVersion": "1.2", "memoSchVersion": "1.2.0"})
    header = child(root, "MessageHeader")
    child(header, "messageType", "DIGITALPOST")
    child(header, "messageUUID", str(message_uuid))
    child(header, "label", labels.label)
    if labels.notification:
        child(header, "notification", labels.notification)
    child(header, "mandatory", "false")
    child(header, "legalNotification", "false")
    sender = child(header, "Sender")
    child(sender, "senderID", labels.sender_cvr)
    child(sender, "idType", "CVR")
    child(sender, "label", labels.sender_label)
    recipient = child(header, "Recipient")
    child(recipient, "recipientID", cpr)
    child(recipient, "idType", "CPR")
    body = child(root, "MessageBody")
    child(body, "createdDateTime", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    main_document = child(body, "MainDocument")
    child(main_document, "mainDocumentID", str(uuid.uuid4()))
    child(main_document, "label", labels.label)
    add_file(main_document, main)
    for document in extra:
        additional = child(body, "AdditionalDocument")
        child(additional, "additionalDocumentID", str(uuid.uuid4()))
        child(additional, "label", document.filename)
        add_file(additional, document)
    return str(message_uuid), ET.tostring(root, encoding="utf-8", xml_declaration=True)
