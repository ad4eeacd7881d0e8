"""Sikker Mail transport: message + recipients -> outcomes, by SMTP with required, verified STARTTLS.

Never plaintext: no STARTTLS, TLS older than the configured minimum, an unknown certificate chain
or a wrong host name all end the attempt before MAIL FROM. Such failures are DEFERRED (451) so the
client retries; once a copy has failed for ``bounce_after`` seconds it is REFUSED (554) and bounces.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import logging
import ssl
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import aiosmtplib

from gateway.routing.recipients import domain_of
from gateway.routing.settings import SikkerMailRoute, SikkerMailSettings
from gateway.transports.base import Transport
from gateway.transports.mx import LookupFailed, mx_routes
from gateway.transports.next_hop import NextHopTransport, ensure_crlf_end
from gateway.types import Action, Envelope, RecipientOutcome, Status, Verdict

log = logging.getLogger(__name__)

TLS_VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


class InsecurePeer(Exception):
    """The receiving server cannot be reached securely; ``why`` is a short, value-free reason."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class FirstFailures:
    """When each (message, recipient) first failed, so a copy bounces after ``bounce_after`` seconds.

    Kept in memory, and in ``state_file`` when one is configured so every gateway process and a
    restart see the same clock.
    """

    def __init__(self, state_file: Path | None) -> None:
        self.state_file = state_file
        self.seen: dict[str, float] = {}

    def load(self) -> dict[str, float]:
        if self.state_file is None:
            return self.seen
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def save(self, seen: dict[str, float]) -> None:
        self.seen = seen
        if self.state_file is not None:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.state_file.with_suffix(".tmp")
            temporary.write_text(json.dumps(seen), encoding="utf-8")
            temporary.replace(self.state_file)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Several gateway processes share the file: one read-modify-write at a time."""
        if self.state_file is None:
            yield
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        with self.state_file.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def failing_since(self, key: str, now: float) -> float:
        with self.locked():
            seen = self.load()
            first = seen.setdefault(key, now)
            self.save({k: v for k, v in seen.items() if now - v < 30 * 86_400})
        return first

    def forget(self, key: str) -> None:
        with self.locked():
            seen = self.load()
            if seen.pop(key, None) is not None:
                self.save(seen)


class SikkerMailTransport(Transport):
    """Delivers by SMTP to the secure relay (or each recipient domain's host), TLS verified."""

    action = Action.SIKKER_MAIL

    def __init__(self, settings: SikkerMailSettings) -> None:
        self.settings = settings
        self.failures = FirstFailures(settings.state_file)
        self.failures_lock = asyncio.Lock()

    def tls_context(self) -> ssl.SSLContext:
        cafile = str(self.settings.ca_file) if self.settings.ca_file else None
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
        context.minimum_version = TLS_VERSIONS[self.settings.min_tls]
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        return context

    async def routes_for(self, domain: str) -> list[SikkerMailRoute]:
        """The domain's own route, else the relay, else the domain's MX hosts (best first)."""
        s = self.settings
        if domain in s.routes:
            return [s.routes[domain]]
        if s.relay_host:
            return [SikkerMailRoute(host=s.relay_host, port=s.relay_port, tls_name=s.tls_server_name)]
        return await mx_routes(domain, s)

    async def send(
        self, envelope: Envelope, recipients: Sequence[str], message: bytes, verdict: Verdict
    ) -> list[RecipientOutcome]:
        domains: dict[str, list[str]] = {}
        for recipient in recipients:
            domains.setdefault(domain_of(recipient), []).append(recipient)
        outcomes: list[RecipientOutcome] = []
        for domain, group in domains.items():
            outcomes.extend(await self.send_to_domain(domain, envelope, group, message))
        return await self.with_bounce_clock(outcomes, verdict.message_id or body_digest(message))

    async def send_to_domain(
        self, domain: str, envelope: Envelope, recipients: Sequence[str], message: bytes
    ) -> list[RecipientOutcome]:
        """Try each route in turn while the answer is temporary; never fall back to plaintext."""
        try:
            routes = await self.routes_for(domain)
        except LookupFailed as failed:
            log.warning("ref=%s sikker_mail: %s", envelope.ref, failed.why)
            if failed.permanent:
                return [
                    self.outcome(r, Status.REFUSED, f"550 5.1.2 Sikker Mail: {failed.why}")
                    for r in recipients
                ]
            return [
                self.outcome(r, Status.DEFERRED, f"451 4.4.3 Sikker Mail: {failed.why}") for r in recipients
            ]
        outcomes: list[RecipientOutcome] = []
        for route in routes:
            outcomes = await self.send_to(route, envelope, recipients, message)
            if any(o.status is not Status.DEFERRED for o in outcomes):
                break
        return outcomes

    async def send_to(
        self, route: SikkerMailRoute, envelope: Envelope, recipients: Sequence[str], message: bytes
    ) -> list[RecipientOutcome]:
        host = route.host
        try:
            return await self.transact(route, envelope, recipients, message)
        except InsecurePeer as insecure:
            log.warning("ref=%s sikker_mail to %s refused: %s", envelope.ref, host, insecure.why)
            reply = f"451 4.7.5 Sikker Mail to {host}: {insecure.why}; never sent unencrypted, retry later"
        except aiosmtplib.SMTPResponseException as exc:
            status = Status.REFUSED if exc.code >= 500 else Status.DEFERRED
            return [
                self.outcome(r, status, f"{exc.code} {' '.join(exc.message.split())}") for r in recipients
            ]
        except (aiosmtplib.SMTPException, OSError) as exc:
            log.warning("ref=%s sikker_mail to %s failed: %s", envelope.ref, host, type(exc).__name__)
            reply = f"451 4.4.1 Sikker Mail: {host} not reachable now, retry later"
        return [self.outcome(r, Status.DEFERRED, reply) for r in recipients]

    async def secure_client(self, route: SikkerMailRoute) -> aiosmtplib.SMTP:
        host, port = route.host, route.port
        client = aiosmtplib.SMTP(
            hostname=host,
            port=port,
            timeout=self.settings.timeout,
            start_tls=False,
            local_hostname=self.settings.helo_name,
        )
        await client.connect()
        await client.ehlo()
        if not client.supports_extension("starttls"):
            client.close()
            raise InsecurePeer("the server offers no STARTTLS")
        try:
            await client.starttls(server_hostname=route.tls_name or host, tls_context=self.tls_context())
        except ssl.SSLCertVerificationError as exc:
            client.close()
            raise InsecurePeer(f"certificate not trusted ({exc.verify_message})") from None
        except (ssl.SSLError, aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected) as exc:
            client.close()
            raise InsecurePeer(f"no TLS {self.settings.min_tls} or newer ({type(exc).__name__})") from None
        return client

    async def transact(
        self, route: SikkerMailRoute, envelope: Envelope, recipients: Sequence[str], message: bytes
    ) -> list[RecipientOutcome]:
        client = await self.secure_client(route)
        try:
            tls = NextHopTransport.tls_version(client)
            encoding = "utf-8" if envelope.smtputf8 else "ascii"
            options = ["SMTPUTF8"] if envelope.smtputf8 else []
            await client.mail(envelope.mail_from, options=options, encoding=encoding)
            outcomes: dict[str, RecipientOutcome] = {}
            accepted = []
            for recipient in recipients:
                try:
                    await client.rcpt(recipient, encoding=encoding)
                    accepted.append(recipient)
                except aiosmtplib.SMTPRecipientRefused as exc:
                    status = Status.REFUSED if exc.code >= 500 else Status.DEFERRED
                    outcomes[recipient] = self.outcome(recipient, status, f"{exc.code} {exc.message}")
            if accepted:
                response = await client.data(ensure_crlf_end(message))
                for recipient in accepted:
                    outcomes[recipient] = self.outcome(
                        recipient, Status.DELIVERED, f"{response.code} {response.message}", tls
                    )
            return [outcomes[r] for r in recipients]
        finally:
            try:
                await asyncio.wait_for(client.quit(), 2.0)
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()

    async def with_bounce_clock(
        self, outcomes: list[RecipientOutcome], identity: str
    ) -> list[RecipientOutcome]:
        """Turn a deferral into a bounce once the copy has failed for ``bounce_after`` seconds.

        A retry is the same message with a new trace header, so copies are known by Message-ID
        (or the body's digest when there is none), never by the bytes as received.
        """
        digest = hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()[:32]
        now = time.time()
        result = []
        async with self.failures_lock:
            for outcome in outcomes:
                key = f"{digest}:{outcome.recipient.lower()}"
                if outcome.status is not Status.DEFERRED:
                    await asyncio.to_thread(self.failures.forget, key)
                    result.append(outcome)
                    continue
                first = await asyncio.to_thread(self.failures.failing_since, key, now)
                if now - first >= self.settings.bounce_after:
                    hours = self.settings.bounce_after / 3600
                    reply = f"554 5.7.5 Sikker Mail gave up after {hours:g} h: {outcome.reply[10:]}"
                    outcome = self.outcome(outcome.recipient, Status.REFUSED, reply[:400])
                result.append(outcome)
        return result

    def outcome(self, recipient: str, status: Status, reply: str, tls: str | None = None) -> RecipientOutcome:
        return RecipientOutcome(recipient, self.action, status, " ".join(reply.split()), tls)


def body_digest(message: bytes) -> str:
    split = message.find(b"\r\n\r\n")
    return hashlib.sha256(message[split:] if split >= 0 else message).hexdigest()
