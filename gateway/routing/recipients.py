"""Routing stage: a recipient address + routing settings -> its class (internal, partner, external)."""

from __future__ import annotations

from gateway.routing.settings import RoutingSettings


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower()


def in_domains(domain: str, domains: tuple[str, ...]) -> bool:
    """True when ``domain`` is one of ``domains`` or a subdomain of one."""
    return any(domain == d.lower() or domain.endswith("." + d.lower()) for d in domains)


def recipient_class(address: str, settings: RoutingSettings) -> str:
    """``internal`` (the school's own), ``partner`` (reachable by Sikker Mail) or ``external``."""
    domain = domain_of(address)
    if in_domains(domain, settings.internal_domains):
        return "internal"
    if in_domains(domain, settings.partner_domains):
        return "partner"
    return "external"
