"""Secure-relay double: an aiosmtpd server in the running event loop that records what it receives.

Its TLS can be set up the way real receiving servers go wrong: STARTTLS off, TLS limited to
1.0/1.1, or a certificate for another host name. With ``starttls=False`` and no CA it is also a
plain next-hop sink.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.smtp import SMTP

from gateway.sinks.certificates import LocalCA


@dataclass(frozen=True)
class Received:
    """One message as the relay got it, and the TLS version it came over (None = plaintext)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    tls: str | None


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    reply: str = "250 2.0.0 Queued"
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        ssl_object = (session.ssl or {}).get("ssl_object")
        tls = ssl_object.version() if ssl_object is not None else None
        content = envelope.original_content or envelope.content
        self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(content), tls))
        self.arrived.set()
        return self.reply


def server_context(ca: LocalCA, cert_host: str, tls_max: str | None) -> ssl.SSLContext:
    issued = ca.issue(f"relay-{cert_host}-{tls_max or 'any'}", (cert_host,))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(issued.cert_file, issued.key_file)
    if tls_max == "1.1":
        # An old server: only TLS 1.0/1.1, which OpenSSL 3 allows only at security level 0.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
    return context


class SecureRelay:
    """``async with SecureRelay(ca, ...) as relay``: listening on ``relay.host``:``relay.port``."""

    def __init__(
        self,
        ca: LocalCA | None = None,
        *,
        starttls: bool = True,
        tls_max: str | None = None,
        cert_host: str = "relay.kommune.example",
        host: str = "127.0.0.1",
        port: int = 0,
        reply: str = "250 2.0.0 Queued",
    ) -> None:
        if starttls and ca is None:
            raise ValueError("a relay with STARTTLS needs a LocalCA for its certificate")
        self.ca = ca
        self.host = host
        self.port = port
        self.handler = RecordingHandler(reply=reply)
        self.context = server_context(ca, cert_host, tls_max) if starttls and ca is not None else None
        self.server: asyncio.Server | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def ca_file(self) -> str | None:
        return str(self.ca.ca_file) if self.ca is not None else None

    def protocol(self) -> SMTP:
        return SMTP(
            self.handler,
            hostname="relay.local",
            tls_context=self.context,
            require_starttls=False,
            enable_SMTPUTF8=True,
            decode_data=False,
        )

    async def start(self) -> SecureRelay:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(self.protocol, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    async def __aenter__(self) -> SecureRelay:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
