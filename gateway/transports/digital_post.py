"""Digital Post transport: message + recipients -> outcomes, as MeMo 1.2 over the REST API (mutual TLS).

For each recipient: the CPR from the directory, a registration check (contacts look-up), then the
MeMo. A recipient who is unknown, not registered or exempt is held in quarantine with the reason
(the sender is told); a rejected MeMo (400) is held too. A refused certificate (403), a timeout or a
server error is DEFERRED (451) so the client retries once the admin or the service has fixed it.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Sequence

import httpx

from gateway.routing.directory import DirectoryError, lookup_cpr
from gateway.routing.settings import DigitalPostSettings, RoutingSettings
from gateway.transports.base import Transport
from gateway.transports.memo import MemoLabels, build_memo
from gateway.transports.quarantine import QuarantineTransport
from gateway.types import Action, Envelope, RecipientOutcome, Status, Verdict

log = logging.getLogger(__name__)

NOT_KNOWN = "modtageren står ikke i modtagerkartoteket"
NOT_REGISTERED = "modtageren er ikke tilmeldt Digital Post"
EXEMPT = "modtageren er fritaget for Digital Post"
MEMO_REFUSED = "Digital Post afviste beskeden (400); it-administratoren skal se på den"
CERT_REFUSED = "451 4.7.0 Digital Post refused the school's certificate (403), retry later"
TIMED_OUT = "451 4.4.2 Digital Post did not answer in time, retry later"
UNAVAILABLE = "451 4.4.1 Digital Post not reachable now, retry later"


class Held(Exception):
    """Hold this recipient's copy in quarantine, for the (Danish, value-free) reason given."""


class Deferred(Exception):
    """Give this recipient 451 with the reply given."""


class DigitalPostTransport(Transport):
    """Sends each recipient's copy as its own MeMo; falls back to quarantine where the policy says."""

    action = Action.DIGITAL_POST

    def __init__(self, routing: RoutingSettings, quarantine: QuarantineTransport) -> None:
        self.settings: DigitalPostSettings = routing.digital_post
        self.directory = routing.directory
        self.quarantine = quarantine
        self.client: httpx.AsyncClient | None = None

    def tls_context(self) -> ssl.SSLContext:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if s.client_cert is not None:
            context.load_cert_chain(s.client_cert, s.client_key)
        return context

    def http(self) -> httpx.AsyncClient:
        if self.client is None:
            self.client = httpx.AsyncClient(
                base_url=self.settings.base_url, verify=self.tls_context(), timeout=self.settings.timeout
            )
        return self.client

    async def send(
        self, envelope: Envelope, recipients: Sequence[str], message: bytes, verdict: Verdict
    ) -> list[RecipientOutcome]:
        outcomes: list[RecipientOutcome] = []
        for recipient in recipients:
            try:
                reply, tls = await self.send_one(envelope, recipient, message)
                outcomes.append(RecipientOutcome(recipient, self.action, Status.DELIVERED, reply, tls))
            except Held as held:
                outcomes.extend(
                    await self.quarantine.hold(
                        envelope, [recipient], message, verdict, self.action, str(held)
                    )
                )
            except Deferred as deferred:
                outcomes.append(RecipientOutcome(recipient, self.action, Status.DEFERRED, str(deferred)))
        return outcomes

    async def send_one(self, envelope: Envelope, recipient: str, message: bytes) -> tuple[str, str | None]:
        """The reply for an accepted MeMo and the TLS version it went over; raises Held or Deferred."""
        try:
            cpr = await asyncio.to_thread(lookup_cpr, self.directory, recipient)
        except DirectoryError as exc:
            log.error("ref=%s %s", envelope.ref, exc)
            raise Deferred("451 4.3.0 Recipient directory unreadable, retry later") from None
        if cpr is None:
            raise Held(NOT_KNOWN)
        status = await self.registration(envelope, cpr)
        if status == "exempt":
            raise Held(EXEMPT)
        if status != "registered":
            raise Held(NOT_REGISTERED)
        labels = MemoLabels(
            self.settings.sender_cvr,
            self.settings.sender_label,
            self.settings.label,
            self.settings.notification,
        )
        message_uuid, memo = await asyncio.to_thread(build_memo, message, cpr, labels)
        response = await self.post(
            envelope,
            self.settings.memos_path,
            params={"memo-message-uuid": message_uuid},
            content=memo,
            headers={"Content-Type": "application/xml"},
        )
        return f"250 2.0.0 Digital Post accepted MeMo {message_uuid}", tls_version(response)

    async def registration(self, envelope: Envelope, cpr: str) -> str:
        response = await self.post(envelope, self.settings.contacts_path, json={"cpr": cpr})
        try:
            return str(response.json().get("status", ""))
        except ValueError:
            raise Deferred(UNAVAILABLE) from None

    async def post(self, envelope: Envelope, path: str, **request: object) -> httpx.Response:
        """POST and sort the failures: 400 -> Held, 403 -> Deferred (certificate), others -> Deferred."""
        try:
            response = await self.http().post(path, **request)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise Deferred(TIMED_OUT) from None
        except (httpx.TransportError, ssl.SSLError) as exc:
            log.warning("ref=%s Digital Post not reachable: %s", envelope.ref, type(exc).__name__)
            raise Deferred(UNAVAILABLE) from None
        if response.status_code == 400:
            log.error("ref=%s Digital Post answered 400 to %s", envelope.ref, path)
            raise Held(MEMO_REFUSED)
        if response.status_code in (401, 403):
            log.error(
                "ref=%s Digital Post refused the client certificate (%s)", envelope.ref, response.status_code
            )
            raise Deferred(CERT_REFUSED)
        if response.status_code >= 300:
            raise Deferred(UNAVAILABLE)
        return response

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None


def tls_version(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    return ssl_object.version() if ssl_object is not None else None
