"""SMTP handler: commands and message data from a client -> SMTP replies; the only place replies are written.

Two classes: ``GatewaySMTP`` is aiosmtpd's protocol with the session limits, a chunked DATA
reader and the shutdown gate; ``RelayHandler`` holds the policy (who may relay, SIZE, recipient
limit) and runs each received message through loop guard -> scan -> audit -> dispatch -> reply.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import functools
import inspect
import ipaddress
import logging
import os
import re
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Session, _AuthMechAttr, login_always_fail
from aiosmtpd.smtp import Envelope as SMTPEnvelope

from gateway import metrics, replies
from gateway.bounce import build_report
from gateway.config import Settings
from gateway.dispatch import dispatch
from gateway.explain import shown_subject
from gateway.handed_on import HandedOn, identity
from gateway.logs import MessageLog
from gateway.routing.subject_rewrite import with_subject
from gateway.scan import deliver_all
from gateway.scan_pool import ScanPool, ScanTimeout
from gateway.session_limits import (
    Claim,
    DataTimeout,
    DataTooSlow,
    MemoryBudget,
    SessionCounter,
    SessionRefused,
    read_data,
)
from gateway.trace import add_trace, count_traces
from gateway.transports.base import Transport
from gateway.types import (
    Action,
    AuditSink,
    Classification,
    Envelope,
    Level,
    RecipientOutcome,
    Status,
    Verdict,
)

log = logging.getLogger(__name__)

ERROR_CODES = ("500", "501", "502", "503", "504", "530", "535", "553", "554", "555")
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
SIMPLE_ADDRESS = re.compile(rf"\s*<({ATOM}(?:\.{ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>((?: .*)?)$")
Lines = list[str]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Command = Callable[[str | None], Awaitable[None]]
DATA_READ_LIMIT = 128 * 1024  # stream buffer while reading DATA (commands keep aiosmtpd's line limit)

BOUNCE_SUBJECT = "Ikke leveret / Undelivered Mail Returned to Sender"
BOUNCE_TEXT = """Din e-mail kunne ikke leveres til en eller flere modtagere.
Modtagerens mailserver afviste den; se begrundelsen nedenfor. De øvrige modtagere har fået den.

Your message could not be delivered to one or more recipients.
The receiving mail server refused it; the reason is given below. The other recipients got it.

Reference: {ref}
{lines}
"""


def new_ref() -> str:
    """A short random token naming one message (or one failure) in replies and logs."""
    return os.urandom(6).hex()


@dataclass(frozen=True)
class ClassTables:
    """Names aiosmtpd looks up on the protocol and handler classes (the same for every session)."""

    auth: tuple[tuple[str, str, bool], ...]
    hooks: tuple[str, ...]
    commands: tuple[str, ...]


TABLES: dict[tuple[type, type], ClassTables] = {}


def class_tables(protocol: type, handler: type) -> ClassTables:
    key = (protocol, handler)
    if key not in TABLES:
        TABLES[key] = introspect(protocol, handler)
    return TABLES[key]


def introspect(protocol: type, handler: type) -> ClassTables:
    auth = tuple(
        (getattr(member, "__auth_mechanism_name__", name[5:].replace("__", "-")), name, cls is protocol)
        for cls in (protocol, handler)
        for name, member in inspect.getmembers(cls)
        if name.startswith("auth_")
    )
    hooks = tuple(name for name in dir(handler) if name.startswith("handle_"))
    commands = tuple(name for name in dir(protocol) if name.startswith("smtp_"))
    return ClassTables(auth, hooks, commands)


class GatedCommands:
    """aiosmtpd's command table for one session; each command passes the shutdown gate first."""

    def __init__(self, protocol: GatewaySMTP, names: tuple[str, ...]) -> None:
        self.protocol = protocol
        self.names = {name[5:]: name for name in names}

    def get(self, command: str) -> Command | None:
        name = self.names.get(command)
        if name is None:
            return None
        return functools.partial(self.protocol.gated, getattr(self.protocol, name))

    def items(self) -> list[tuple[str, Command]]:
        return [(command, getattr(self.protocol, name)) for command, name in self.names.items()]


@dataclass
class Stages:
    """What the handler hands each message to; replaced as a whole on reload."""

    settings: Settings
    scan_pool: ScanPool
    transports: Mapping[Action, Transport]
    audit: AuditSink
    handed_on: HandedOn = field(default_factory=lambda: HandedOn(None))
    tls_context: ssl.SSLContext | None = None
    authenticator: Callable[..., Any] | None = None
    active: int = 0  # messages being handled with these stages (a reload waits for them)


@dataclass
class Sessions:
    """The open sessions of this process: counts for the limits, and the shutdown state."""

    memory: MemoryBudget
    counter: SessionCounter = field(default_factory=SessionCounter)
    open: set[GatewaySMTP] = field(default_factory=set)
    draining: bool = False

    def busy(self) -> int:
        return sum(1 for p in self.open if p.in_transaction)


class GatewaySMTP(SMTP):
    """aiosmtpd's SMTP protocol with our limits, DATA reader, error counting and shutdown gate."""

    def __init__(self, handler: RelayHandler, sessions: Sessions) -> None:
        # aiosmtpd's __init__ introspects the protocol and handler classes on every connection
        # (inspect.getmembers, dir); with one short session per message that is a large share of
        # the CPU. This sets the same attributes, from tables built once per class.
        stages = handler.stages
        settings = stages.settings
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(loop=loop, limit=self.line_length_limit)
        asyncio.StreamReaderProtocol.__init__(
            self, reader, client_connected_cb=self._cb_client_connected, loop=loop
        )
        self.__ident__ = "Mailvagt ESMTP"
        self.loop = loop
        self.event_handler = handler
        self.data_size_limit = None  # SIZE is advertised and enforced by RelayHandler (552 5.3.4)
        self.enable_SMTPUTF8 = True
        self._decode_data = False
        self.command_size_limits = collections.defaultdict(lambda: SMTP.command_size_limit)
        self.hostname = settings.server.hostname
        self.tls_context = stages.tls_context
        self.require_starttls = settings.server.tls.require and stages.tls_context is not None
        self._timeout_duration = settings.limits.command_timeout
        self._timeout_handle = None
        self._tls_handshake_okay = True
        self._tls_protocol = None
        self._original_transport = None
        self.session = None
        self.envelope = None
        self.transport = None
        self._handler_coroutine = None
        self._auth_require_tls = True
        self._proxy_timeout = None
        self._authenticator = stages.authenticator
        self._auth_callback = None if stages.authenticator is not None else login_always_fail
        self._auth_required = False
        self._enforce_call_limit = False
        tables = class_tables(type(self), type(handler))
        self._auth_methods = {
            mechanism: _AuthMechAttr(getattr(self if builtin else handler, name), builtin)
            for mechanism, name, builtin in tables.auth
        }
        self._handle_hooks = {name[len("handle_") :]: getattr(handler, name) for name in tables.hooks}
        self._ehlo_hook_ver = "new"
        self._smtp_methods = GatedCommands(self, tables.commands)  # type: ignore[assignment]  # duck-typed
        self.limits = settings.limits
        self.sessions = sessions
        self.client = ""
        self.errors = 0
        self.busy = False
        self.admitted = False
        self.pending_login: tuple[str, Any] | None = None

    def _authenticate(self, mechanism: str, auth_data: Any) -> AuthResult:
        """Called by aiosmtpd's AUTH parsers; the check itself (scrypt) runs in a thread, below."""
        self.pending_login = (mechanism, auth_data)
        return AuthResult(success=False, handled=False)

    async def auth_PLAIN(self, _: Any, args: list[str]) -> AuthResult:
        return await self.check_login(await super().auth_PLAIN(_, args))

    async def auth_LOGIN(self, _: Any, args: list[str]) -> AuthResult:
        return await self.check_login(await super().auth_LOGIN(_, args))

    async def check_login(self, parsed: AuthResult) -> AuthResult:
        """A password hash costs tens of ms: off the event loop, so other sessions go on meanwhile."""
        pending, self.pending_login = self.pending_login, None
        if pending is None:  # the client's AUTH data could not be parsed; aiosmtpd has answered
            return parsed
        result: AuthResult = await asyncio.to_thread(SMTP._authenticate, self, *pending)
        return result

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd parses every address with the e-mail header parser (slow); plain ones go faster."""
        simple = SIMPLE_ADDRESS.match(arg)
        if simple is not None:
            return simple.group(1), simple.group(2)
        address: tuple[str | None, str | None] = super()._getaddr(arg)
        return address

    @property
    def in_transaction(self) -> bool:
        return self.busy or bool(self.envelope is not None and self.envelope.mail_from)

    async def gated(self, method: Command, arg: str | None) -> None:
        """During shutdown a command outside a transaction gets 421 4.3.2 and the session ends."""
        if self.sessions.draining and not self.in_transaction:
            await self.close_with(replies.SHUTTING_DOWN)
            return
        await method(arg)

    async def _handle_client(self) -> None:
        peer = self.session.peer if self.session is not None else None
        self.client = str(peer[0]) if isinstance(peer, tuple) else ""
        if self.sessions.draining:
            metrics.SESSIONS_REFUSED.labels("shutting_down").inc()
            await self.close_with(replies.SHUTTING_DOWN)
            return
        try:
            self.sessions.counter.admit(self.client, self.limits)
        except SessionRefused as refused:
            metrics.SESSIONS_REFUSED.labels("overall" if refused.overall else "per_client").inc()
            await self.close_with(
                replies.TOO_MANY_SESSIONS if refused.overall else replies.TOO_MANY_FROM_CLIENT
            )
            return
        self.admitted = True
        self.sessions.open.add(self)
        metrics.SESSIONS_OPEN.inc()
        await super()._handle_client()

    def connection_lost(self, error: Exception | None) -> None:
        if self.admitted:
            self.admitted = False
            self.sessions.counter.release(self.client)
            self.sessions.open.discard(self)
            metrics.SESSIONS_OPEN.dec()
        super().connection_lost(error)

    async def close_with(self, reply: str) -> None:
        try:
            await SMTP.push(self, reply)
        finally:
            if self.transport is not None:
                self.transport.close()

    def write_and_close(self, reply: str) -> None:
        """Used from outside the session's task (timeouts, shutdown): no await possible."""
        transport = self.transport
        if isinstance(transport, asyncio.WriteTransport) and not transport.is_closing():
            transport.write(reply.encode("ascii") + b"\r\n")
            transport.close()

    def _timeout_cb(self) -> None:
        if self.busy:  # the message is being handled; its own deadlines apply
            self._reset_timeout()
            return
        self.write_and_close(replies.IDLE_TIMEOUT)

    async def push(self, status: str) -> None:  # type: ignore[override]  # we only push str
        await super().push(status)
        if status[:3] in ERROR_CODES:
            self.errors += 1
            if self.errors >= self.limits.max_bad_commands:
                await self.close_with(replies.TOO_MANY_ERRORS)

    async def smtp_DATA(self, arg: str | None) -> None:
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push(replies.NEED_RECIPIENTS)
            return
        if arg:
            await self.push(replies.DATA_SYNTAX)
            return
        await self.push(replies.START_DATA)
        self.busy = True
        try:
            await self.receive_message()
        finally:
            self.busy = False
            self._set_post_data_state()  # type: ignore[no-untyped-call]
            self._reset_timeout()

    async def receive_message(self) -> None:
        claim = self.sessions.memory.claim()
        try:
            await self.receive_within(claim)
        finally:
            claim.release()  # the message is answered: its bytes are no longer held for it

    async def receive_within(self, claim: Claim) -> None:
        reader: Any = self._reader  # its buffer limit is private; raised while DATA streams in
        line_limit = reader._limit
        reader._limit = DATA_READ_LIMIT
        try:
            received = await read_data(reader, self.limits, claim)
        except DataTimeout:
            await self.close_with(replies.DATA_TIMEOUT)
            return
        except DataTooSlow:
            await self.close_with(replies.DATA_TOO_SLOW)
            return
        finally:
            reader._limit = line_limit
        if received.too_big:
            await self.push(replies.MESSAGE_TOO_BIG)
            return
        if received.over_budget:
            log.warning("memory budget spent: message deferred", extra={"fields": {"size": received.size}})
            await self.push(replies.INSUFFICIENT_STORAGE)
            return
        assert self.envelope is not None
        self.envelope.content = self.envelope.original_content = received.content
        del received  # the envelope holds the bytes now; the budget counts them until the reply
        status = await self._call_handler_hook("DATA")
        await self.push(status)


class RelayHandler:
    """aiosmtpd hooks: relay policy per command, and the message pipeline at end of data."""

    def __init__(self, stages: Stages) -> None:
        self.stages = stages

    @property
    def settings(self) -> Settings:
        return self.stages.settings

    async def handle_EHLO(
        self,
        server: GatewaySMTP,
        session: Session,
        envelope: SMTPEnvelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        size = f"250-SIZE {self.settings.limits.max_message_bytes}"
        keep = [r for r in responses if not (r.startswith("250-AUTH") and server._authenticator is None)]
        return [keep[0], size, *keep[1:]]

    def may_relay(self, server: GatewaySMTP, session: Session) -> bool:
        networks = self.settings.server.client_networks
        return bool(session.authenticated) or client_allowed(server.client, networks)

    async def handle_MAIL(
        self, server: GatewaySMTP, session: Session, envelope: SMTPEnvelope, address: str, options: list[str]
    ) -> str:
        if not self.may_relay(server, session):
            return replies.RELAY_DENIED
        for option in options:
            name, _, value = option.partition("=")
            if name == "SIZE" and value.isdigit() and int(value) > self.settings.limits.max_message_bytes:
                return replies.MESSAGE_TOO_BIG
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return replies.SENDER_OK

    async def handle_RCPT(
        self, server: GatewaySMTP, session: Session, envelope: SMTPEnvelope, address: str, options: list[str]
    ) -> str:
        if not self.may_relay(server, session):
            return replies.RELAY_DENIED
        if len(envelope.rcpt_tos) >= self.settings.limits.max_recipients:
            return replies.TOO_MANY_RECIPIENTS
        if not address.isascii() and not envelope.smtp_utf8:
            return replies.SMTPUTF8_REQUIRED
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return replies.RECIPIENT_OK

    async def handle_DATA(self, server: GatewaySMTP, session: Session, envelope: SMTPEnvelope) -> str:
        ref = new_ref()
        record = MessageLog(ref, server.client)
        self.stages.active += 1
        try:
            reply = await self.relay(server, session, envelope, ref, record)
        except ScanTimeout:
            record.decision = "scan-timeout"
            reply = replies.scan_timeout(ref)
        except Exception:
            log.exception("message failed", extra={"fields": {"ref": ref}})
            record.decision = record.decision or "error"
            reply = replies.internal_error(ref)
        finally:
            self.stages.active -= 1
        record.reply = reply
        record.emit()
        metrics.observe_message(reply, record.size, record.timings, record.verdict, record.outcomes)
        return reply

    async def relay(
        self, server: GatewaySMTP, session: Session, smtp_envelope: SMTPEnvelope, ref: str, record: MessageLog
    ) -> str:
        stages = self.stages
        settings = stages.settings
        raw = smtp_envelope.original_content or b""
        mail_from = smtp_envelope.mail_from or ""
        mail_from = "" if mail_from == "<>" else mail_from
        envelope = Envelope(
            ref=ref,
            client_address=server.client,
            mail_from=mail_from,
            rcpt_tos=tuple(smtp_envelope.rcpt_tos),
            smtputf8=bool(smtp_envelope.smtp_utf8),
            body_8bit="BODY=8BITMIME" in smtp_envelope.mail_options,
            authenticated_as=auth_name(session),
        )
        record.sender_domain = mail_from.rpartition("@")[2]
        record.recipients = len(envelope.rcpt_tos)
        record.size = len(raw)
        if (
            count_traces(raw, settings.server.trace_header, settings.server.hostname)
            > settings.server.max_loops
        ):
            record.decision = "loop"
            return replies.LOOP_DETECTED
        verdict = await stages.scan_pool.scan(raw, envelope)
        record.lap("scan")
        record.verdict = verdict if settings.scan.mode == "full" else None  # noop classifies nothing
        record.decision = ",".join(sorted({d.action.value for d in verdict.decisions}))
        await stages.audit.record_decision(envelope, verdict, len(raw))
        message = add_trace(raw, settings.server.trace_header, settings.server.hostname, ref)
        key, earlier = await self.recall_earlier(envelope, raw)
        if earlier:
            envelope = dataclasses.replace(envelope, earlier=earlier)
        outcomes = await dispatch(envelope, message, verdict, stages.transports)
        await self.note_handed_on(envelope, raw, key, outcomes)
        record.lap("deliver")
        record.next_hop = [f"{o.status.value}: {o.reply}" for o in outcomes]
        record.outcomes = outcomes
        await stages.audit.record_outcomes(envelope, outcomes)
        return await self.reply_for(envelope, raw, outcomes, verdict)

    async def recall_earlier(
        self, envelope: Envelope, raw: bytes
    ) -> tuple[str | None, tuple[RecipientOutcome, ...]]:
        """(identity, copies handed on before) when this may be a retry; nothing to hash when no
        message is waiting for one (the usual case)."""
        ledger = self.stages.handed_on
        if ledger.empty():
            return None, ()
        key = await identity_of(envelope, raw)
        return key, ledger.recall(key)

    async def note_handed_on(
        self, envelope: Envelope, raw: bytes, key: str | None, outcomes: list[RecipientOutcome]
    ) -> None:
        """Remember the copies that went when others are deferred (the client retries them all)."""
        ledger = self.stages.handed_on
        try:
            if any(o.status is Status.DEFERRED for o in outcomes):
                key = key or await identity_of(envelope, raw)
                await asyncio.to_thread(ledger.remember, key, outcomes)
            elif envelope.earlier and key is not None:
                await asyncio.to_thread(ledger.forget, key)
        except OSError as exc:  # the copies are handed on: at worst a retry sends one again
            log.error("handed-on ledger not written: %s", exc.strerror)

    async def reply_for(
        self, envelope: Envelope, raw: bytes, outcomes: list[RecipientOutcome], verdict: Verdict
    ) -> str:
        """250 only when every recipient's copy is delivered, held or explained; else keep it at the client.

        Mixed delivered + deferred answers 451: with no queue of our own, that is the only answer
        that never loses mail. The client retries every recipient; the copies that went are
        remembered (note_handed_on), so the retry does not send them twice.
        """
        ref = envelope.ref
        deferred = [o for o in outcomes if o.status is Status.DEFERRED]
        if deferred:
            return replies.deferred(ref, enhanced_code(deferred[0].reply))
        refused = [o for o in outcomes if o.status is Status.REFUSED]
        if outcomes and len(refused) == len(outcomes):
            return replies.refused(refused[0].reply, ref)
        bounced = [o for o in refused if o.action is Action.DELIVER]
        if bounced and envelope.mail_from and not await self.send_bounce(envelope, raw, bounced, verdict):
            return replies.deferred(ref, "4.4.1")
        return replies.accepted(ref)

    async def send_bounce(
        self, envelope: Envelope, raw: bytes, refused: list[RecipientOutcome], verdict: Verdict
    ) -> bool:
        """Tell the sender which recipients the next hop refused; False when the bounce was deferred.

        The original's header section goes with its Subject as explanations show it (hidden when
        something was found in it, CPR numbers masked); unchanged when the scan read no Subject.
        """
        settings = self.settings
        original = with_subject(raw, shown_subject(verdict)) if verdict.subject else raw
        hostname = settings.server.hostname
        lines = "\n".join(f"  {o.recipient}: {o.reply}" for o in refused)
        report = build_report(
            reporting_mta=hostname,
            envelope=envelope,
            original=original,
            outcomes=refused,
            human_text=BOUNCE_TEXT.format(ref=envelope.ref, lines=lines),
            subject=BOUNCE_SUBJECT,
        )
        bounce = Envelope(
            ref=f"{envelope.ref}-dsn",
            client_address=envelope.client_address,
            mail_from="",
            rcpt_tos=(envelope.mail_from,),
            smtputf8=not envelope.mail_from.isascii(),
        )
        report = add_trace(report, settings.server.trace_header, hostname, bounce.ref)
        verdict = deliver_all(bounce, Classification(Level.ALMINDELIG, (), ()))
        transport = self.stages.transports[Action.DELIVER]
        outcomes = await transport.send(bounce, bounce.rcpt_tos, report, verdict)
        return all(o.status is not Status.DEFERRED for o in outcomes)

    async def handle_exception(self, error: Exception) -> str:
        """Any failure outside a message's pipeline: temporary, with a reference, no internals."""
        ref = new_ref()
        log.error("session error", exc_info=error, extra={"fields": {"ref": ref}})
        return replies.internal_error(ref)


@functools.lru_cache(maxsize=64)
def client_networks(networks: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(net, strict=False) for net in networks)


@functools.lru_cache(maxsize=4096)
def client_allowed(address: str, networks: tuple[str, ...]) -> bool:
    """Whether a client address is in server.client_networks (cached: the same few clients connect)."""
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in client_networks(networks))


def auth_name(session: Session) -> str | None:
    if not session.authenticated:
        return None
    login = session.auth_data
    return login.decode("utf-8", "replace") if isinstance(login, bytes) else str(login)


HASH_INLINE_BYTES = 262144  # a larger message is hashed in a thread (hashlib lets the loop go on)


async def identity_of(envelope: Envelope, raw: bytes) -> str:
    if len(raw) > HASH_INLINE_BYTES:
        return await asyncio.to_thread(identity, envelope.mail_from, envelope.rcpt_tos, raw)
    return identity(envelope.mail_from, envelope.rcpt_tos, raw)


def enhanced_code(reply: str) -> str:
    """The 4.x.x code of a temporary reply, or 4.4.1 (no answer from the next hop)."""
    parts = reply.split()
    if len(parts) > 1 and parts[1].startswith("4.") and parts[1].count(".") == 2:
        return parts[1]
    return "4.4.1"
