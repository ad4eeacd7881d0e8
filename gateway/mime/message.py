"""MIME walk: a parsed message -> its subject, body texts and attachments, handed to the file readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from functools import partial

from gateway.mime import files
from gateway.mime.charsets import decode_text
from gateway.mime.collector import Collector, Place
from gateway.mime.htmltext import html_to_text
from gateway.mime.limits import Unreadable
from gateway.types import FILE_NAME, TextPart

# Parts that carry no content a person wrote (signatures over the rest of the message).
SIGNATURES = frozenset(
    {"application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"}
)
ENCRYPTED = frozenset({"multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime"})
WHITESPACE = re.compile(r"\s+")
FOLDING = re.compile(r"\r?\n(?=[ \t])")
HEADER_PIECE = 4096
# Looking each line of one alternative up in the text of another costs lines x characters;
# above this many, lines are only matched whole (a plain-text line wrapped differently from
# the HTML then counts as new, which costs a duplicate, never a loss).
SUBSTRING_WORK = 200_000_000


@dataclass(frozen=True)
class Scope:
    """Where a message's own text goes, and where its attachments go.

    The top-level message writes to ``subject``/``body`` and gives each attachment its own
    place; an attached message writes everything, its attachments too, to its own place.
    """

    subject: Place
    subject_what: str
    body: Place
    body_what: str
    within: Place | None

    def attachment(self, name: str) -> Place:
        if self.within is None:
            return Place(f"attachment:{name}")
        return self.within.inside(name)


TOP = Scope(Place("subject"), "", Place("body"), "", None)
INLINE_FORWARD = Scope(
    Place("body"), "subject of forwarded message", Place("body"), "forwarded message", None
)


def parse(raw: bytes, *, headers_only: bool = False) -> Message:
    """Parse with the compat32 policy: the default policy's header objects cost seconds on a
    message with thousands of parts or encoded words; headers are decoded here on demand."""
    return BytesParser(policy=compat32).parsebytes(raw, headersonly=headers_only)


def pieces(value: str) -> list[str]:
    """``value`` cut at spaces into pieces of at most HEADER_PIECE characters."""
    out, start = [], 0
    while start < len(value):
        end = start + HEADER_PIECE
        if end < len(value):
            cut = value.rfind(" ", start + 1, end)
            end = cut if cut > start else end
        out.append(value[start:end])
        start = end
    return out


def decode_words(value: object) -> str:
    """An RFC 2047 header value (str or Header) as text; undecodable pieces by best effort.

    The standard decoder's time grows with the square of the number of encoded words, so a
    long header is decoded a piece at a time.
    """
    if isinstance(value, str):
        # Unfold first (RFC 5322 2.2.3: the line break goes, the white space stays), so the
        # space between plain text and an encoded word on the next line is kept.
        value = FOLDING.sub("", value)
        if len(value) > HEADER_PIECE:
            return "".join(decode_words(piece) for piece in pieces(value))
    try:
        chunks = decode_header(value)  # type: ignore[arg-type]
    except Exception:  # a malformed encoded word must not hide the rest of the header
        return str(value)
    out = []
    for data, charset in chunks:
        if isinstance(data, str):
            out.append(data)
        else:
            out.append(decode_text(data, None if charset in (None, "unknown-8bit") else charset))
    return FOLDING.sub("", "".join(out))


def header(message: Message, name: str) -> str:
    """A header, decoded (RFC 2047), or "" when absent."""
    value = message.get(name)
    return "" if value is None else decode_words(value)


def headers_text(message: Message) -> str:
    """Every header but Subject (read on its own), one ``Name: value`` a line."""
    return "\n".join(
        f"{name}: {decode_words(value)}" for name, value in message.items() if name.lower() != "subject"
    )


def filename(part: Message) -> str | None:
    """The file name from Content-Disposition (RFC 2231, and RFC 2047 as some clients send),
    else from Content-Type's name."""
    try:
        name = part.get_filename()
    except Exception:  # a broken RFC 2231 continuation; the raw parameter is the best there is
        raw = part.get_param("filename", header="content-disposition")
        name = raw if isinstance(raw, str) else None
    if not name:
        return None
    return decode_words(name) if "=?" in name else name


def payload_bytes(part: Message) -> bytes:
    """The part's content after its transfer encoding (lenient with broken base64)."""
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    raise Unreadable("part has no readable content")


def read_message(message: Message, scope: Scope, depth: int, out: Collector) -> None:
    """Read a whole message (top-level or attached) into ``out``."""
    out.budget.check_depth(depth)
    subject = header(message, "subject")
    out.add(subject, scope.subject, scope.subject_what)
    if scope.within is not None:  # an attached mail's headers (names, addresses) are text too
        out.add(headers_text(message), scope.body, "headers")
    read_part(message, scope, depth, out)


def read_part(part: Message, scope: Scope, depth: int, out: Collector) -> None:
    out.budget.count_part()
    out.budget.check_depth(depth)
    ctype = part.get_content_type()
    name = filename(part)
    if ctype in ENCRYPTED:
        raise Unreadable("encrypted message part (S/MIME or PGP)")
    if ctype == "multipart/alternative":
        read_alternatives(part, scope, depth, out)
    elif part.get_content_maintype() == "multipart":
        for sub in iter_subparts(part):
            out.guard(scope.body, partial(read_part, sub, scope, depth + 1, out), "message part")
    elif ctype in SIGNATURES:
        return
    elif name is None and ctype in ("message/rfc822", "message/global"):
        inner = attached_message(part)
        nested = INLINE_FORWARD if scope.within is None else scope
        read_message(inner, nested, depth + 1, out)
    elif name is None and part.get_content_maintype() == "text" and not is_attachment(part):
        read_body_text(part, scope, out)
    else:
        read_attachment(part, name, scope, depth, out)


def iter_subparts(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment"


def attached_message(part: Message) -> Message:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    if isinstance(payload, str):  # a message/rfc822 part with a transfer encoding stays undecoded
        return parse(payload_bytes(part))
    raise Unreadable("attached message has no content")


def read_body_text(part: Message, scope: Scope, out: Collector) -> None:
    text = decode_text(payload_bytes(part), part.get_content_charset())
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    out.add(text, scope.body, scope.body_what, body=True)


def read_attachment(part: Message, name: str | None, scope: Scope, depth: int, out: Collector) -> None:
    label = name if name is not None else f"(unnamed {part.get_content_type()} part)"
    place = scope.attachment(label)
    if name is not None:
        out.add(name, place, FILE_NAME)

    def read() -> None:
        if part.get_content_type() in ("message/rfc822", "message/global"):
            read_message(attached_message(part), Scope(place, "subject", place, "", place), depth + 1, out)
        else:
            files.read_file(payload_bytes(part), place, depth + 1, out, claimed=part.get_content_type())

    out.guard(place, read)


def normalise(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip().lower()


def read_alternatives(part: Message, scope: Scope, depth: int, out: Collector) -> None:
    """Read each alternative, keep the richest body text and add only what the others say beyond it."""
    branches = []
    for sub in iter_subparts(part):
        branch = out.child()
        branch.guard(scope.body, partial(read_part, sub, scope, depth + 1, branch))
        branches.append(branch)
    if not branches:
        return
    texts = ["\n".join(p.text for p in b.bodies) for b in branches]
    best = max(range(len(branches)), key=lambda i: len(normalise(texts[i])))
    chosen = normalise(texts[best])
    chosen_lines = {normalise(line) for line in texts[best].splitlines()}
    for index, branch in enumerate(branches):
        if index == best:
            out.merge(branch)
            continue
        lines = texts[index].splitlines()
        search = len(lines) * len(chosen) <= SUBSTRING_WORK
        extra = [
            line
            for line in lines
            if (key := normalise(line)) not in chosen_lines and not (search and key in chosen)
        ]
        branch.bodies = []
        out.merge(branch)
        if extra:
            detail = scope.body.detail("only in another alternative")
            out.bodies.append(TextPart("\n".join(extra), scope.body.where, detail))
