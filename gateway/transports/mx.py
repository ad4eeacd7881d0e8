"""MX look-up: a recipient domain -> the Sikker Mail routes to try, best preference first.

Each route connects to an address of the MX host and verifies the certificate against the MX
host name (the name the DNS gave, as MTA-STS does). No MX record means the domain itself (RFC
5321 section 5.1). A domain that does not exist is permanent; any other DNS trouble is temporary.
"""

from __future__ import annotations

import dns.asyncresolver
import dns.exception
import dns.resolver

from gateway.routing.settings import SikkerMailRoute, SikkerMailSettings


class LookupFailed(Exception):
    """No route could be found; ``permanent`` when the domain does not exist."""

    def __init__(self, why: str, permanent: bool = False) -> None:
        super().__init__(why)
        self.why = why
        self.permanent = permanent


def resolver_for(settings: SikkerMailSettings) -> dns.asyncresolver.Resolver:
    """The system's resolver, or the configured servers (``HOST``, ``HOST:PORT``, ``[v6]:PORT``)."""
    if not settings.dns_servers:
        resolver = dns.asyncresolver.Resolver()
    else:
        resolver = dns.asyncresolver.Resolver(configure=False)
        server = settings.dns_servers[0]
        host, sep, port = server.rpartition(":")
        if not sep or not port.isdigit() or (":" in host and not host.startswith("[")):
            host, port = server, "53"
        resolver.nameservers = [host.strip("[]")]
        resolver.port = int(port)
    resolver.lifetime = settings.timeout
    return resolver


async def mx_hosts(resolver: dns.asyncresolver.Resolver, domain: str) -> list[str]:
    try:
        answer = await resolver.resolve(domain, "MX")
    except dns.resolver.NXDOMAIN:
        raise LookupFailed(f"the domain {domain} does not exist", permanent=True) from None
    except dns.resolver.NoAnswer:
        return [domain]
    except dns.exception.DNSException as exc:
        raise LookupFailed(f"DNS look-up for {domain} failed ({type(exc).__name__})") from None
    records = sorted(answer, key=lambda r: r.preference)
    return [str(r.exchange).rstrip(".") for r in records]


async def addresses(resolver: dns.asyncresolver.Resolver, host: str) -> list[str]:
    try:
        answer = await resolver.resolve(host, "A")
    except dns.exception.DNSException:
        return []
    return [str(r) for r in answer]


async def mx_routes(domain: str, settings: SikkerMailSettings) -> list[SikkerMailRoute]:
    """Every (address, MX name) to try for ``domain``; raises LookupFailed when there is none."""
    resolver = resolver_for(settings)
    routes = []
    for host in await mx_hosts(resolver, domain):
        for address in await addresses(resolver, host):
            routes.append(SikkerMailRoute(host=address, port=settings.relay_port, tls_name=host))
    if not routes:
        raise LookupFailed(f"no address found for the mail servers of {domain}")
    return routes
