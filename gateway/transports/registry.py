"""Transport registry: settings -> the transport that carries out each routing action."""

from __future__ import annotations

from gateway.config import Settings
from gateway.transports.base import Transport
from gateway.transports.next_hop import NextHopTransport
from gateway.types import Action


def build_transports(settings: Settings) -> dict[Action, Transport]:
    """One transport per action; an action with no transport is deferred (451), never dropped."""
    return {Action.DELIVER: NextHopTransport(settings.next_hop)}
