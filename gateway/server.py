"""Server: settings -> a running gateway (listening socket, stages, signals), in one or several processes.

``Gateway`` is one process's SMTP service; ``serve`` runs it with signal handling and, when
server.processes > 1, as a supervisor of worker processes that share the port (SO_REUSEPORT).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import multiprocessing
import os
import signal
import socket
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, LoginPassword

from gateway import metrics, replies
from gateway.config import ConfigError, HostPort, Settings, load_settings
from gateway.handed_on import HandedOn
from gateway.handler import GatewaySMTP, RelayHandler, Sessions, Stages
from gateway.logs import setup_logging
from gateway.scan import scan_message
from gateway.scan_pool import ScanFunction, ScanPool
from gateway.session_limits import MemoryBudget
from gateway.transports.registry import build_transports
from gateway.types import AuditSink

log = logging.getLogger("mailvagt.server")

AuditOpener = Callable[[Settings], Any]


@dataclass(frozen=True)
class Overrides:
    """Command-line values that win over the file, also after a reload."""

    listen: HostPort | None = None
    next_hop: HostPort | None = None

    def apply(self, settings: Settings) -> Settings:
        server, next_hop = settings.server, settings.next_hop
        if self.listen is not None:
            server = server.model_copy(update={"listen": self.listen})
        if self.next_hop is not None:
            next_hop = next_hop.model_copy(update={"host": self.next_hop.host, "port": self.next_hop.port})
        return settings.model_copy(update={"server": server, "next_hop": next_hop})


def server_tls_context(settings: Settings) -> ssl.SSLContext | None:
    """Inbound STARTTLS (TLS 1.2 or newer) when a certificate is configured."""
    tls = settings.server.tls
    if tls.cert_file is None:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(tls.cert_file), str(tls.key_file) if tls.key_file else None)
    return context


def read_users(path: Path) -> dict[str, str]:
    """``user:scrypt:<salt hex>:<hash hex>`` per line (see hash_password)."""
    users: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            user, _, stored = line.strip().partition(":")
            users[user] = stored
    return users


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The stored form of a password for server.auth.users_file."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt:{salt.hex()}:{digest.hex()}"


def password_matches(password: bytes, stored: str) -> bool:
    kind, _, rest = stored.partition(":")
    salt_hex, _, digest_hex = rest.partition(":")
    if kind != "scrypt" or not salt_hex or not digest_hex:
        return False
    digest = hashlib.scrypt(password, salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)


def build_authenticator(settings: Settings) -> Callable[..., AuthResult] | None:
    auth = settings.server.auth
    if not auth.enabled or auth.users_file is None:
        return None
    users = read_users(auth.users_file)

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        stored = users.get(data.login.decode("utf-8", "replace"))
        ok = stored is not None and password_matches(data.password, stored)
        return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)

    return authenticate


class Gateway:
    """One process's SMTP service: listening socket, open sessions and the stages messages go through."""

    def __init__(
        self, settings: Settings, audit: AuditSink, scan_function: ScanFunction = scan_message
    ) -> None:
        self.settings = settings
        self.audit = audit
        self.scan_function = scan_function
        self.sessions = Sessions(MemoryBudget(settings.limits.max_inflight_bytes))
        self.stages: Stages | None = None
        self.server: asyncio.Server | None = None

    def build_stages(self, settings: Settings) -> Stages:
        return Stages(
            settings=settings,
            scan_pool=ScanPool(settings, self.scan_function),
            transports=build_transports(settings),
            audit=self.audit,
            handed_on=HandedOn(settings.server.handed_on_dir),
            tls_context=server_tls_context(settings),
            authenticator=build_authenticator(settings),
        )

    def new_session(self) -> GatewaySMTP:
        assert self.stages is not None
        return GatewaySMTP(RelayHandler(self.stages), self.sessions)

    async def start(self, sock: socket.socket | None = None) -> None:
        self.stages = self.build_stages(self.settings)
        loop = asyncio.get_running_loop()
        if sock is None:
            sock = listening_socket(self.settings.server.listen)
        self.server = await loop.create_server(self.new_session, sock=sock, backlog=1024)

    @property
    def port(self) -> int:
        assert self.server is not None
        port: int = self.server.sockets[0].getsockname()[1]
        return port

    async def reload(self, settings: Settings) -> None:
        """New sessions use the new settings; sessions already open finish with the old ones."""
        if settings.server.listen != self.settings.server.listen:
            log.warning("server.listen changed: takes effect after a restart, not a reload")
        old = self.stages
        self.settings = settings
        self.sessions.memory.limit = settings.limits.max_inflight_bytes
        self.stages = self.build_stages(settings)
        if old is not None:
            asyncio.get_running_loop().create_task(self.retire(old))

    async def retire(self, stages: Stages) -> None:
        """Close replaced stages once the sessions that began with them are gone (or drain_timeout).

        A session keeps the stages it began with; one still open after drain_timeout gets 451 for
        its next message (its scan pool is closed) and the client sends it again.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.server.drain_timeout
        while loop.time() < deadline and (stages.active or self.holds(stages)):
            await asyncio.sleep(0.2)
        while stages.active:  # never pull the stages from under a message being handled
            await asyncio.sleep(0.2)
        await close_stages(stages)

    def holds(self, stages: Stages) -> bool:
        return any(session.event_handler.stages is stages for session in self.sessions.open)

    async def stop(self) -> None:
        """Refuse new sessions (421 4.3.2), let transactions in flight finish, then close everything."""
        self.sessions.draining = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.server.drain_timeout
        while self.sessions.busy() and loop.time() < deadline:
            await asyncio.sleep(0.05)
        for session in list(self.sessions.open):
            session.write_and_close(replies.SHUTTING_DOWN)
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.server.wait_closed(), 5)
        if self.stages is not None:
            await close_stages(self.stages)


async def close_stages(stages: Stages) -> None:
    for transport in stages.transports.values():
        await transport.close()
    await stages.scan_pool.close()


def listening_socket(address: HostPort) -> socket.socket:
    """A listening TCP socket that other processes may bind too (SO_REUSEPORT)."""
    infos = socket.getaddrinfo(address.host, address.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, sockaddr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(sockaddr)
    sock.listen(1024)
    sock.setblocking(False)
    return sock


async def open_configured_audit(settings: Settings) -> AuditSink:
    from gateway.audit.store import config_version, open_audit

    return await open_audit(settings.audit, config_version(settings.source))


def load(path: str, overrides: Overrides) -> Settings:
    return overrides.apply(load_settings(path))


async def run_process(
    path: str, overrides: Overrides, settings: Settings, scan_function: ScanFunction = scan_message
) -> int:
    """Run one gateway process until SIGTERM/SIGINT; SIGHUP reloads the file (a bad file keeps the old)."""
    # The audit store works on its own thread; with a busy event loop holding the GIL it would
    # wait up to the default 5 ms switch interval per write, twice per message.
    sys.setswitchinterval(0.0005)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    tasks: set[asyncio.Task[None]] = set()
    audit = await open_configured_audit(settings)
    gateway = Gateway(settings, audit, scan_function)
    await gateway.start()

    def reload() -> None:
        try:
            new = load(path, overrides)
        except ConfigError as exc:
            log.error(
                "reload refused, keeping the running configuration", extra={"fields": {"why": str(exc)}}
            )
            return
        setup_logging(new.logging.level)
        tasks.add(loop.create_task(gateway.reload(new)))
        log.info("configuration reloaded", extra={"fields": {"file": path}})

    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, reload)
    listen = settings.server.listen
    log.info(
        "listening",
        extra={
            "fields": {
                "host": listen.host,
                "port": gateway.port,
                "pid": os.getpid(),
                "next_hop": next_hop(settings),
            }
        },
    )
    await stop.wait()
    log.info("stopping: finishing messages in flight", extra={"fields": {"pid": os.getpid()}})
    await gateway.stop()
    await audit.close()
    log.info("stopped", extra={"fields": {"pid": os.getpid()}})
    return 0


def refuse_reload(error: ConfigError) -> None:
    log.error("reload refused, keeping the running configuration", extra={"fields": {"why": str(error)}})


def next_hop(settings: Settings) -> str:
    return f"{settings.next_hop.host}:{settings.next_hop.port}"


def worker_main(path: str, overrides: Overrides, settings: Settings) -> None:
    """Entry point of a worker process (spawned): its own event loop, scan pool and connections."""
    setup_logging(settings.logging.level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor decides; Ctrl-C reaches it
    sys.exit(asyncio.run(run_process(path, overrides, settings)))


def process_count(settings: Settings) -> int:
    return settings.server.processes or os.cpu_count() or 1


def serve(path: str, overrides: Overrides) -> int:
    """``mailvagt serve``: validate, then run one process or supervise several sharing the port."""
    try:
        settings = load(path, overrides)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.logging.level)
    count = process_count(settings)
    folder = metrics.shared_folder() if count > 1 and settings.metrics.listen else None
    try:
        if not start_metrics(settings, folder):
            return 2
        if count == 1:
            return asyncio.run(run_process(path, overrides, settings))
        return supervise(path, overrides, settings, count)
    finally:
        if folder is not None:
            metrics.remove_folder(folder)


def start_metrics(settings: Settings, folder: Path | None) -> bool:
    """Serve /metrics when metrics.listen is set; False (and why, logged) when its port is unusable."""
    listen = settings.metrics.listen
    if listen is None:
        return True
    try:
        if folder is None:
            metrics.serve_own(listen.host, listen.port)
        else:
            metrics.serve_shared(listen.host, listen.port, folder)
    except OSError as exc:
        log.error(
            "metrics.listen cannot be used",
            extra={"fields": {"host": listen.host, "port": listen.port, "why": exc.strerror}},
        )
        return False
    log.info("metrics listening", extra={"fields": {"host": listen.host, "port": listen.port}})
    return True


def supervise(path: str, overrides: Overrides, settings: Settings, count: int) -> int:
    """Start ``count`` workers on one port; pass SIGTERM/SIGHUP on; restart a worker that dies."""
    # Reserve the port (also a chosen port 0) without accepting: workers bind it with SO_REUSEPORT.
    holder = socket.socket(socket.AF_INET6 if ":" in settings.server.listen.host else socket.AF_INET)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind((settings.server.listen.host, settings.server.listen.port))
    port = holder.getsockname()[1]
    fixed = Overrides(
        listen=HostPort(host=settings.server.listen.host, port=port), next_hop=overrides.next_hop
    )
    settings = fixed.apply(settings)
    context = multiprocessing.get_context("spawn")
    workers: list[BaseProcess] = []
    stopping = False

    def start_worker() -> BaseProcess:
        process = context.Process(target=worker_main, args=(path, fixed, settings), name="mailvagt-worker")
        process.start()
        return process

    def forward(signum: int, _frame: Any) -> None:
        nonlocal stopping
        if signum in (signal.SIGTERM, signal.SIGINT):
            stopping = True
            signum = signal.SIGTERM
        elif signum == signal.SIGHUP:
            try:
                load(path, fixed)
            except ConfigError as exc:
                log.error(
                    "reload refused, keeping the running configuration", extra={"fields": {"why": str(exc)}}
                )
                return
        for process in workers:
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    workers.extend(start_worker() for _ in range(count))
    log.info("supervising", extra={"fields": {"workers": count, "port": port, "pid": os.getpid()}})
    code = 0
    while workers:
        for index, process in enumerate(list(workers)):
            process.join(timeout=0.2)
            if process.exitcode is None:
                continue
            if process.pid is not None:
                metrics.forget_process(process.pid)
            if stopping:
                workers.remove(process)
                code = code or (process.exitcode or 0)
            else:
                log.error(
                    "worker exited; starting a new one", extra={"fields": {"exitcode": process.exitcode}}
                )
                workers[index] = start_worker()
    holder.close()
    return code
