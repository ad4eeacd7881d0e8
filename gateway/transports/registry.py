"""Transport registry: settings -> the transport that carries out each routing action."""

from __future__ import annotations

from gateway.config import Settings
from gateway.quarantine_store import QuarantineStore, read_key
from gateway.routing.settings import QuarantineSettings
from gateway.transports.base import Transport
from gateway.transports.digital_post import DigitalPostTransport
from gateway.transports.next_hop import NextHopTransport
from gateway.transports.notices import Notices, Reported
from gateway.transports.quarantine import QuarantineTransport
from gateway.transports.recalled import Recalled
from gateway.transports.sikker_mail import SikkerMailTransport
from gateway.types import Action


def open_quarantine(settings: QuarantineSettings) -> QuarantineStore:
    """The store of held messages, with the at-rest key when one is configured."""
    return QuarantineStore(settings.directory, read_key(settings.key_file))


def build_transports(settings: Settings) -> dict[Action, Transport]:
    """One transport per action; every one reports to the Notices that explain the outcome to the sender."""
    routing = settings.routing
    deliver = NextHopTransport(settings.next_hop)
    notices = Notices(routing, deliver)
    store = open_quarantine(routing.quarantine)
    quarantine = QuarantineTransport(store, routing, Action.QUARANTINE)
    # Recalled inside Reported: the sender's notice covers the copies an earlier attempt handed on.
    return {
        Action.DELIVER: Reported(Recalled(deliver), notices),
        Action.SIKKER_MAIL: Reported(Recalled(SikkerMailTransport(routing.sikker_mail)), notices),
        Action.DIGITAL_POST: Reported(Recalled(DigitalPostTransport(routing, quarantine)), notices),
        Action.QUARANTINE: Reported(Recalled(quarantine), notices, rewrite=False),
        Action.REJECT: Reported(
            Recalled(QuarantineTransport(store, routing, Action.REJECT)), notices, rewrite=False
        ),
    }
