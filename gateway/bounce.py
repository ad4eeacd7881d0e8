"""Bounce: envelope + per-recipient outcomes -> an RFC 3464 delivery status notification (bytes).

General on purpose: the gateway's own bounces for next-hop refusals and the routing stage's
explanation mails are both built here; the caller chooses the human text, subject and action.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from email.charset import QP, Charset
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid

from gateway.trace import header_section
from gateway.types import Envelope, RecipientOutcome, Status

STATUS_CODE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
DEFAULT_STATUS = {
    Status.REFUSED: "5.0.0",
    Status.DEFERRED: "4.0.0",
    Status.DELIVERED: "2.0.0",
    Status.HELD: "2.0.0",
}


def status_code(outcome: RecipientOutcome) -> str:
    """The enhanced status code in the reply (RFC 3463), or a generic one for the outcome."""
    found = STATUS_CODE.search(outcome.reply)
    return found.group(1) if found else DEFAULT_STATUS[outcome.status]


def fields_block(fields: Sequence[tuple[str, str]]) -> EmailMessage:
    block = EmailMessage(policy=SMTP_POLICY)
    for name, value in fields:
        block[name] = value
    return block


def recipient_block(outcome: RecipientOutcome, action: str) -> EmailMessage:
    kind = "rfc822" if outcome.recipient.isascii() else "utf-8"
    fields = [
        ("Final-Recipient", f"{kind}; {outcome.recipient}"),
        ("Action", action),
        ("Status", status_code(outcome)),
    ]
    if outcome.reply[:1].isdigit():
        fields.append(("Diagnostic-Code", f"smtp; {' '.join(outcome.reply.split())}"))
    return fields_block(fields)


def delivery_status(
    reporting_mta: str, envelope: Envelope, outcomes: Sequence[RecipientOutcome], action: str
) -> EmailMessage:
    """The message/delivery-status part: per-message fields, then one block per recipient."""
    part = EmailMessage(policy=SMTP_POLICY)
    part["Content-Type"] = "message/delivery-status"
    part.attach(fields_block([("Reporting-MTA", f"dns; {reporting_mta}"), ("X-Mailvagt-Ref", envelope.ref)]))
    for outcome in outcomes:
        part.attach(recipient_block(outcome, action))
    return part


def original_headers(original: bytes) -> EmailMessage:
    """The original's header section; quoted-printable when it is not ASCII (SMTPUTF8 mail)."""
    part = EmailMessage(policy=SMTP_POLICY)
    text = header_section(original).decode("utf-8", errors="replace")
    if text.isascii():
        part["Content-Type"] = "text/rfc822-headers"
        part.set_payload(text)
    else:
        charset = Charset("utf-8")
        charset.body_encoding = QP
        part["Content-Type"] = "text/rfc822-headers"
        part.set_payload(text, charset)
    return part


def build_report(
    *,
    reporting_mta: str,
    envelope: Envelope,
    original: bytes,
    outcomes: Sequence[RecipientOutcome],
    human_text: str,
    subject: str,
    action: str = "failed",
) -> bytes:
    """A multipart/report (report-type=delivery-status) to the envelope sender, as CRLF bytes.

    Parts: the human explanation (text/plain, UTF-8), the machine-readable delivery status, and
    the original's header section as text/rfc822-headers (never the body: it may be the very
    content the gateway held back).
    """
    report = EmailMessage(policy=SMTP_POLICY)
    report["From"] = f"Mail Delivery System <MAILER-DAEMON@{reporting_mta}>"
    report["To"] = envelope.mail_from
    report["Subject"] = subject
    report["Date"] = formatdate()
    report["Message-ID"] = make_msgid(idstring=secrets.token_hex(4), domain=reporting_mta)
    report["Auto-Submitted"] = "auto-replied"
    report.set_content(human_text, subtype="plain", charset="utf-8", cte="quoted-printable")
    report.make_mixed()
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")

    report.attach(delivery_status(reporting_mta, envelope, outcomes, action))

    report.attach(original_headers(original))
    return report.as_bytes()
