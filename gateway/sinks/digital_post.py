"""Digital Post double: a local HTTPS server with mutual TLS that checks MeMo 1.2 and answers from fixtures.

Endpoints (as the transport uses them):
  POST /apis/v1/contacts/lookup   JSON {"cpr": "..."} -> {"status": "registered"|"not_registered"|"exempt"}
  POST /apis/v1/memos/?memo-message-uuid=UUID   MeMo XML -> 201, or 400 with what is wrong
``fail_with`` (400, 403, ...) makes every request fail that way; ``delay`` makes it answer late.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import ssl
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from gateway.sinks.certificates import Issued, LocalCA

MEMO_NS = "https://DigitalPost.dk/MeMo-1"
CONTACTS_PATH = "/apis/v1/contacts/lookup"
MEMOS_PATH = "/apis/v1/memos/"
CPR_SHAPE = re.compile(r"\d{6}-?\d{4}")


def text_of(root: ET.Element, path: str) -> str:
    element = root.find(path, {"memo": MEMO_NS})
    return (element.text or "").strip() if element is not None else ""


def memo_problems(xml: bytes, message_uuid: str) -> list[str]:
    """What is wrong with a MeMo message (empty when it is acceptable)."""
    try:
        root = ET.fromstring(xml)  # noqa: S314 - a local test double parsing our own output
    except ET.ParseError as exc:
        return [f"not XML: {exc}"]
    problems = []
    if root.tag != f"{{{MEMO_NS}}}Message" or root.get("memoVersion") != "1.2":
        problems.append("root must be memo:Message with memoVersion 1.2")
    h = "memo:MessageHeader/"
    if text_of(root, h + "memo:messageType") != "DIGITALPOST":
        problems.append("messageType must be DIGITALPOST")
    if text_of(root, h + "memo:messageUUID") != message_uuid:
        problems.append("messageUUID must equal memo-message-uuid")
    labels = [text_of(root, h + "memo:label"), text_of(root, h + "memo:notification")]
    if not labels[0]:
        problems.append("label is required")
    if any(CPR_SHAPE.search(label) for label in labels):
        problems.append("label or notification contains a CPR number")
    if (
        not re.fullmatch(r"\d{8}", text_of(root, h + "memo:Sender/memo:senderID"))
        or text_of(root, h + "memo:Sender/memo:idType") != "CVR"
    ):
        problems.append("Sender must be a CVR number")
    if (
        not re.fullmatch(r"\d{10}", text_of(root, h + "memo:Recipient/memo:recipientID"))
        or text_of(root, h + "memo:Recipient/memo:idType") != "CPR"
    ):
        problems.append("Recipient must be a CPR number")
    files = root.findall("memo:MessageBody/memo:MainDocument/memo:File", {"memo": MEMO_NS})
    files += root.findall("memo:MessageBody/memo:AdditionalDocument/memo:File", {"memo": MEMO_NS})
    if not root.findall("memo:MessageBody/memo:MainDocument/memo:File", {"memo": MEMO_NS}):
        problems.append("MessageBody needs a MainDocument with a File")
    for file in files:
        if not text_of(file, "memo:encodingFormat") or not text_of(file, "memo:filename"):
            problems.append("File needs encodingFormat and filename")
        try:
            base64.b64decode(text_of(file, "memo:content"), validate=True)
        except binascii.Error:
            problems.append("File content must be base64")
    return problems


@dataclass(frozen=True)
class ReceivedMemo:
    message_uuid: str
    xml: bytes
    client_subject: str


@dataclass
class Behaviour:
    contacts: dict[str, str] = field(default_factory=dict)
    fail_with: int | None = None
    delay: float = 0.0
    memos: list[ReceivedMemo] = field(default_factory=list)
    lookups: int = 0


class Handler(BaseHTTPRequestHandler):
    server: DigitalPostServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a test double writes nothing to stderr."""

    def answer(self, code: int, body: dict[str, object]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        behaviour = self.server.behaviour
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if behaviour.delay:
            time.sleep(behaviour.delay)
        if behaviour.fail_with is not None:
            self.answer(behaviour.fail_with, {"error": f"configured to fail with {behaviour.fail_with}"})
            return
        url = urlsplit(self.path)
        if url.path == CONTACTS_PATH:
            self.lookup(body)
        elif url.path == MEMOS_PATH:
            self.memo(body, parse_qs(url.query).get("memo-message-uuid", [""])[0])
        else:
            self.answer(404, {"error": "no such endpoint"})

    def lookup(self, body: bytes) -> None:
        self.server.behaviour.lookups += 1
        try:
            cpr = str(json.loads(body)["cpr"])
        except (ValueError, KeyError, TypeError):
            self.answer(400, {"error": 'expected JSON {"cpr": ...}'})
            return
        self.answer(200, {"status": self.server.behaviour.contacts.get(cpr, "not_registered")})

    def memo(self, body: bytes, message_uuid: str) -> None:
        try:
            uuid.UUID(message_uuid)
        except ValueError:
            self.answer(400, {"error": "memo-message-uuid must be a UUID"})
            return
        problems = memo_problems(body, message_uuid)
        if problems:
            self.answer(400, {"error": "invalid MeMo", "problems": problems})
            return
        self.server.behaviour.memos.append(ReceivedMemo(message_uuid, body, self.client_name()))
        self.answer(201, {"messageUUID": message_uuid})

    def client_name(self) -> str:
        """The common name in the client certificate (mutual TLS makes one required)."""
        peer = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        subject = str((peer or {}).get("subject", ""))
        found = re.search(r"'commonName', '([^']*)'", subject)
        return found.group(1) if found else ""


class DigitalPostServer(ThreadingHTTPServer):
    daemon_threads = True
    behaviour: Behaviour

    def handle_error(self, request: object, client_address: object) -> None:
        """A client without a valid certificate is refused in the handshake: nothing to print."""


class DigitalPostDouble:
    """``with DigitalPostDouble(ca, contacts={...}) as dp``: serving on ``dp.base_url`` in a thread.

    ``dp.client`` is a school certificate the double accepts; ``dp.ca_file`` verifies the server.
    """

    def __init__(self, ca: LocalCA, contacts: dict[str, str] | None = None, host: str = "127.0.0.1") -> None:
        self.ca = ca
        self.host = host
        self.behaviour = Behaviour(contacts=dict(contacts or {}))
        issued = ca.issue("digital-post", (host, "localhost"))
        self.client: Issued = ca.issue("skole-client", ("skole.example",), client=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(issued.cert_file, issued.key_file)
        context.load_verify_locations(ca.ca_file)
        context.verify_mode = ssl.CERT_REQUIRED
        self.context = context
        self.server: DigitalPostServer | None = None
        self.thread: threading.Thread | None = None
        self.port = 0

    @property
    def ca_file(self) -> Path:
        return self.ca.ca_file

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def memos(self) -> list[ReceivedMemo]:
        return self.behaviour.memos

    def start(self) -> DigitalPostDouble:
        server = DigitalPostServer((self.host, 0), Handler, bind_and_activate=False)
        server.behaviour = self.behaviour
        server.server_bind()
        server.server_activate()
        server.socket = self.context.wrap_socket(server.socket, server_side=True)
        self.server = server
        self.port = server.server_address[1]
        self.thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> DigitalPostDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
