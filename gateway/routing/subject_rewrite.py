"""Routing stage: message bytes + the Subject without markers -> message bytes to send onwards.

Only the header section is touched (the body stays byte for byte), so the markers a sender typed
(``[sikker]``, ``[tilsidesæt: ...]``) never reach a recipient.
"""

from __future__ import annotations

import re
from email import policy
from email.header import Header
from email.parser import BytesHeaderParser

from gateway.routing.markers import read_markers
from gateway.routing.settings import MarkerSettings

SUBJECT_FIELD = re.compile(rb"^Subject:[^\n]*\n(?:[ \t][^\n]*\n)*", re.IGNORECASE | re.MULTILINE)


def encoded_subject(subject: str) -> bytes:
    if subject.isascii():
        return f"Subject: {subject}\r\n".encode("ascii")
    return b"Subject: " + Header(subject, "utf-8").encode(linesep="\r\n").encode("ascii") + b"\r\n"


def with_subject(message: bytes, subject: str) -> bytes:
    """Replace the Subject field (added if missing); the body is left as it was."""
    end = message.find(b"\r\n\r\n")
    split = end + 2 if end >= 0 else message.find(b"\n\n") + 1
    if split <= 0:
        split = len(message)
    head, body = message[:split], message[split:]
    head = SUBJECT_FIELD.sub(b"", head)
    return head + encoded_subject(subject) + body


def without_markers(message: bytes, markers: MarkerSettings) -> bytes:
    """The message with the sender's markers taken out of its own Subject (decoded here, folding and all)."""
    head_end = message.find(b"\r\n\r\n")
    head = message[: head_end + 4] if head_end >= 0 else message
    subject = BytesHeaderParser(policy=policy.default).parsebytes(head).get("Subject")
    if subject is None:
        return message
    return with_subject(message, read_markers(str(subject), markers).subject)
