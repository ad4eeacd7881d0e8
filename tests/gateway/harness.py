"""Test harness: a real gateway and real aiosmtpd next hops, each on its own event loop thread."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiosmtpd.smtp import SMTP, Envelope, Session

from gateway.audit.store import AuditLog, open_audit
from gateway.config import Settings
from gateway.scan import scan_message
from gateway.scan_pool import ScanFunction
from gateway.server import Gateway

T = TypeVar("T")


class LoopThread:
    """An asyncio loop running in a daemon thread; ``call`` runs a coroutine there and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.call(cancel_tasks())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


async def cancel_tasks() -> None:
    """Cancel whatever still runs on this loop (sessions of closed servers) and let it end."""
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(0.05)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    mail_options: list[str]


@dataclass
class SinkHandler:
    """A next hop whose answers a test sets: per-recipient replies, a MAIL or DATA reply, a delay."""

    messages: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    mail_reply: str | None = None
    data_reply: str | None = None
    delay: float = 0.0
    connections: int = 0
    logins: list[Any] = field(default_factory=list)
    tls_versions: list[str | None] = field(default_factory=list)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_reply:
            return self.data_reply
        transport = server.transport
        ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
        self.tls_versions.append(ssl_object.version() if ssl_object is not None else None)
        self.logins.append(session.auth_data if session.authenticated else None)
        self.messages.append(
            Received(
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
                envelope.original_content or b"",
                list(envelope.mail_options),
            )
        )
        return "250 2.0.0 Ok: stored"


class Sink:
    """A real aiosmtpd server on a free loopback port (SMTPUTF8 on), answering as its handler says."""

    def __init__(
        self,
        handler: SinkHandler | None = None,
        tls_context: Any = None,
        smtputf8: bool = True,
        implicit_tls: Any = None,
        authenticator: Any = None,
    ) -> None:
        self.handler = handler or SinkHandler()
        self.smtputf8 = smtputf8
        self.implicit_tls = implicit_tls
        self.authenticator = authenticator
        self.thread = LoopThread()
        self.tls_context = tls_context
        self.protocols: list[SMTP] = []
        self.server: asyncio.Server = self.thread.call(self.start())
        self.port: int = self.server.sockets[0].getsockname()[1]

    def protocol(self) -> SMTP:
        self.handler.connections += 1
        protocol = SMTP(
            self.handler,
            hostname="sink.test",
            enable_SMTPUTF8=self.smtputf8,
            data_size_limit=None,
            tls_context=self.tls_context,
            authenticator=self.authenticator,
            auth_required=self.authenticator is not None,
            auth_require_tls=self.implicit_tls is None,
        )
        self.protocols.append(protocol)
        return protocol

    async def start(self) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        return await loop.create_server(self.protocol, "127.0.0.1", 0, ssl=self.implicit_tls)

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            for protocol in self.protocols:
                if protocol.transport is not None:
                    protocol.transport.close()
            await asyncio.sleep(0.05)

        self.thread.call(stop())
        self.thread.close()


def settings_for(tmp_path: Path, next_hop_port: int, **sections: dict[str, Any]) -> Settings:
    """Test settings: listen on a free port, relay to the sink, noop scan, SQLite audit in tmp_path."""
    data: dict[str, Any] = {
        "server": {"listen": {"host": "127.0.0.1", "port": 0}, "hostname": "mailvagt.test", "processes": 1},
        "next_hop": {"host": "127.0.0.1", "port": next_hop_port, "timeout": 5},
        "scan": {"mode": "noop", "workers": 1, "deadline": 10},
        "audit": {"url": f"sqlite:///{tmp_path}/audit.sqlite3", "auto_purge": False},
    }
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return Settings.model_validate(data, context={"base_dir": tmp_path})


class RunningGateway:
    """The real Gateway with the real audit store, served from a background loop."""

    def __init__(self, settings: Settings, scan_function: ScanFunction = scan_message) -> None:
        self.settings = settings
        self.scan_function = scan_function
        self.thread = LoopThread()
        self.audit: AuditLog = self.thread.call(open_audit(settings.audit, "test"))
        self.gateway = Gateway(settings, self.audit, scan_function)
        self.thread.call(self.gateway.start())
        self.port = self.gateway.port
        self.host = settings.server.listen.host

    def client(self, source: str | None = None, timeout: float = 30) -> smtplib.SMTP:
        address = (source, 0) if source else None
        return smtplib.SMTP(self.host, self.port, timeout=timeout, source_address=address)

    def close(self) -> None:
        self.thread.call(self.gateway.stop())
        self.thread.call(self.audit.close())
        self.thread.close()


def unused_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def sample_message(subject: str = "Hej", body: str = "Mødet er flyttet til torsdag.\r\n") -> bytes:
    return (
        "From: Lærer <laerer@skole.example>\r\n"
        "To: Forælder <foraelder@example.dk>\r\n"
        f"Subject: {subject}\r\n"
        "Message-ID: <test-1@skole.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n" + body
    ).encode("utf-8")


def without_trace(data: bytes) -> tuple[bytes, bytes]:
    """Split what the next hop got into our trace header line and the rest."""
    first, _, rest = data.partition(b"\r\n")
    return first, rest
