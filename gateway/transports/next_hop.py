"""Next-hop transport: message + recipients -> outcomes, over pooled aiosmtplib connections to the next hop.

Connections are reused. A transaction that ended without a resetting reply (a refused MAIL or
DATA, a timeout) gets RSET before the connection's next message; after a completed DATA the
session is already reset (RFC 5321 4.1.1.4), so no round trip is spent. A pooled connection the
next hop closed meanwhile is noticed at MAIL, before any data is sent, and the message goes out
once more on a fresh connection; connections idle longer than IDLE_LIMIT are closed.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Sequence

import aiosmtplib

from gateway.config import NextHopSettings
from gateway.transports.base import Transport
from gateway.types import Action, Envelope, RecipientOutcome, Status, Verdict

log = logging.getLogger(__name__)

WRITE_CHUNK = 256 * 1024
IDLE_LIMIT = 30.0  # seconds a pooled connection may sit unused before it is closed
UNREACHABLE = "451 4.4.1 Next hop unreachable"
TIMED_OUT = "451 4.4.2 Next hop timed out"
DROPPED = "451 4.4.2 Next hop closed the connection"
NO_SMTPUTF8 = "553 5.6.7 Next hop does not support SMTPUTF8 for this non-ASCII message"


def reply_text(code: int, message: str) -> str:
    return f"{code} {' '.join(message.split())}"


class Connection:
    """One open client connection and when it was last used."""

    def __init__(self, client: aiosmtplib.SMTP) -> None:
        self.client = client
        self.used = time.monotonic()
        self.fresh = True
        self.clean = True  # the last transaction ended with a reply that resets the session


class TransactionFailed(Exception):
    """The whole transaction ended with one reply (for every recipient still pending)."""

    def __init__(self, reply: str, after_data: bool = False) -> None:
        super().__init__(reply)
        self.reply = reply
        self.after_data = after_data


class NextHopTransport(Transport):
    """Delivers to the configured next hop; 4xx and network trouble are DEFERRED, 5xx REFUSED."""

    action = Action.DELIVER

    def __init__(self, settings: NextHopSettings) -> None:
        self.settings = settings
        self.idle: list[Connection] = []
        self.slots = asyncio.Semaphore(settings.pool_size)
        self.closed = False

    def tls_context(self) -> ssl.SSLContext | None:
        if self.settings.tls == "none":
            return None
        context = ssl.create_default_context(
            cafile=str(self.settings.ca_file) if self.settings.ca_file else None
        )
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    async def connect(self) -> Connection:
        tls = self.settings.tls
        client = aiosmtplib.SMTP(
            hostname=self.settings.host,
            port=self.settings.port,
            timeout=self.settings.timeout,
            use_tls=tls == "implicit",
            start_tls=tls == "starttls",
            tls_context=self.tls_context(),
        )
        await client.connect()
        if client.is_ehlo_or_helo_needed:  # the extensions decide the MAIL parameters
            await client.ehlo()
        if self.settings.username is not None:
            await client.login(self.settings.username, self.settings.password or "")
        return Connection(client)

    async def checkout(self) -> Connection:
        """A live pooled connection (RSET answered) or a new one."""
        while self.idle:
            connection = self.idle.pop()
            if time.monotonic() - connection.used > IDLE_LIMIT or not connection.client.is_connected:
                connection.client.close()
                continue
            if not connection.clean:
                try:
                    await connection.client.rset()
                except aiosmtplib.SMTPException:
                    connection.client.close()
                    continue
            connection.fresh = False
            return connection
        return await self.connect()

    def checkin(self, connection: Connection, healthy: bool) -> None:
        if healthy and not self.closed and connection.client.is_connected:
            connection.used = time.monotonic()
            self.idle.append(connection)
        else:
            connection.client.close()

    async def send(
        self, envelope: Envelope, recipients: Sequence[str], message: bytes, verdict: Verdict
    ) -> list[RecipientOutcome]:
        async with self.slots:
            try:
                connection = await self.checkout()
            except aiosmtplib.SMTPTimeoutError:
                return self.all_with(recipients, Status.DEFERRED, TIMED_OUT)
            except (aiosmtplib.SMTPConnectError, OSError):
                return self.all_with(recipients, Status.DEFERRED, UNREACHABLE)
            except aiosmtplib.SMTPResponseException as exc:
                return self.all_with(recipients, status_of(exc.code), reply_text(exc.code, exc.message))
            try:
                return await self.attempt(connection, envelope, recipients, message)
            except TransactionFailed as failed:
                if failed.reply != DROPPED or connection.fresh or failed.after_data:
                    return self.all_with(recipients, status_of(int(failed.reply[:3])), failed.reply)
            # A pooled connection died between RSET and the transaction: once more on a new one.
            try:
                connection = await self.connect()
                return await self.attempt(connection, envelope, recipients, message)
            except TransactionFailed as failed:
                return self.all_with(recipients, status_of(int(failed.reply[:3])), failed.reply)
            except (aiosmtplib.SMTPException, OSError):
                return self.all_with(recipients, Status.DEFERRED, UNREACHABLE)

    async def attempt(
        self, connection: Connection, envelope: Envelope, recipients: Sequence[str], message: bytes
    ) -> list[RecipientOutcome]:
        healthy = False
        try:
            outcomes = await self.transact(connection, envelope, recipients, message)
            healthy = True
            return outcomes
        except TransactionFailed as failed:
            healthy = failed.reply[0] == "5"
            raise
        finally:
            self.checkin(connection, healthy)

    async def transact(
        self, connection: Connection, envelope: Envelope, recipients: Sequence[str], message: bytes
    ) -> list[RecipientOutcome]:
        client = connection.client
        options, encoding = self.mail_options(client, envelope, message)
        in_data = False
        connection.clean = False
        try:
            sent = await command(client, f"MAIL FROM:<{envelope.mail_from}>", options, encoding)
            if sent.code != aiosmtplib.SMTPStatus.completed:
                raise TransactionFailed(reply_text(sent.code, sent.message))
            accepted: list[str] = []
            outcomes: dict[str, RecipientOutcome] = {}
            for recipient in recipients:
                answer = await command(client, f"RCPT TO:<{recipient}>", (), encoding)
                if answer.code in (aiosmtplib.SMTPStatus.completed, aiosmtplib.SMTPStatus.will_forward):
                    accepted.append(recipient)
                else:
                    reply = reply_text(answer.code, answer.message)
                    outcomes[recipient] = self.outcome(recipient, status_of(answer.code), reply)
            if accepted:
                in_data = True
                response = await send_data(client, message, self.settings.timeout)
                tls = self.tls_version(client)
                for recipient in accepted:
                    outcomes[recipient] = self.outcome(
                        recipient, Status.DELIVERED, reply_text(response.code, response.message), tls
                    )
            else:
                await client.rset()
            connection.clean = True
            return [outcomes[r] for r in recipients]
        except aiosmtplib.SMTPTimeoutError:
            raise TransactionFailed(TIMED_OUT, in_data) from None
        except aiosmtplib.SMTPServerDisconnected:
            raise TransactionFailed(DROPPED, in_data) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise TransactionFailed(reply_text(exc.code, exc.message), in_data) from None
        except aiosmtplib.SMTPNotSupported:
            raise TransactionFailed(NO_SMTPUTF8) from None

    def mail_options(
        self, client: aiosmtplib.SMTP, envelope: Envelope, message: bytes
    ) -> tuple[list[str], str]:
        options: list[str] = []
        if client.supports_extension("size"):
            options.append(f"SIZE={len(message)}")
        if envelope.body_8bit and client.supports_extension("8bitmime"):
            options.append("BODY=8BITMIME")
        if envelope.smtputf8:
            if not client.supports_extension("smtputf8"):
                raise TransactionFailed(NO_SMTPUTF8)
            options.append("SMTPUTF8")
            return options, "utf-8"
        return options, "ascii"

    @staticmethod
    def tls_version(client: aiosmtplib.SMTP) -> str | None:
        transport = getattr(client, "transport", None)
        ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
        return ssl_object.version() if ssl_object is not None else None

    def outcome(self, recipient: str, status: Status, reply: str, tls: str | None = None) -> RecipientOutcome:
        return RecipientOutcome(recipient, self.action, status, reply, tls)

    def all_with(self, recipients: Sequence[str], status: Status, reply: str) -> list[RecipientOutcome]:
        return [self.outcome(r, status, reply) for r in recipients]

    async def close(self) -> None:
        self.closed = True
        idle, self.idle = self.idle, []
        for connection in idle:
            try:
                await asyncio.wait_for(connection.client.quit(), 2.0)
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                connection.client.close()


async def command(
    client: aiosmtplib.SMTP, line: str, options: Sequence[str], encoding: str
) -> aiosmtplib.SMTPResponse:
    """MAIL or RCPT with an address aiosmtpd already parsed (aiosmtplib would parse it again, slowly)."""
    if "\r" in line or "\n" in line:
        raise TransactionFailed("501 5.1.3 Bad address syntax")
    return await client.execute_command(line.encode(encoding), *(o.encode("ascii") for o in options))


def status_of(code: int) -> Status:
    return Status.REFUSED if 500 <= code < 600 else Status.DEFERRED


def ensure_crlf_end(message: bytes) -> bytes:
    return message if message.endswith(b"\r\n") or not message else message + b"\r\n"


def crlf_only(message: bytes) -> bool:
    """Every line ends in CRLF (as mail received over SMTP does): no bare CR or LF."""
    pairs = message.count(b"\r\n")
    return message.count(b"\n") == pairs and message.count(b"\r") == pairs


def dot_stuff(message: bytes) -> list[bytes]:
    """The DATA payload in pieces: a period starting a line gets another (RFC 5321 4.5.2), then the lone dot.

    Pieces, so that a big message without such lines is written as it is, without a copy.
    """
    if b"\r\n." in message:
        message = message.replace(b"\r\n.", b"\r\n..")
    pieces = [b".", message] if message.startswith(b".") else [message]
    if message and not message.endswith(b"\r\n"):
        pieces.append(b"\r\n")
    pieces.append(b".\r\n")
    return pieces


async def send_data(client: aiosmtplib.SMTP, message: bytes, timeout: float) -> aiosmtplib.SMTPResponse:
    """DATA with the bytes as they are.

    aiosmtplib's ``data`` rewrites line endings and stuffs periods with regular expressions on the
    event loop: about 0.3 s for 20 MB, during which no other session is served. Mail received over
    SMTP already has CRLF lines, so stuffing is one ``bytes.replace``; anything else takes the
    library's path.
    """
    protocol = client.protocol
    if not crlf_only(message) or protocol is None:
        return await client.data(ensure_crlf_end(message))
    start = await client.execute_command(b"DATA")
    if start.code != aiosmtplib.SMTPStatus.start_input:
        raise aiosmtplib.SMTPDataError(start.code, start.message)
    for piece in dot_stuff(message):
        view = memoryview(piece)
        for offset in range(0, len(view), WRITE_CHUNK):
            # Python 3.11's transport buffer is a bytearray trimmed from the front after each
            # send: a 20 MB write costs O(n^2) copying. Small writes with flow control do not.
            protocol.write(view[offset : offset + WRITE_CHUNK])  # type: ignore[arg-type]
            await protocol._drain_helper()
    response = await protocol.read_response(timeout=timeout)
    if response.code != aiosmtplib.SMTPStatus.completed:
        raise aiosmtplib.SMTPDataError(response.code, response.message)
    return response
