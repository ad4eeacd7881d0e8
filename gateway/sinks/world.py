"""Local world: a folder -> every outside party the gateway talks to, on loopback, and a config for it.

The next hop (a plain recording relay), a partner's Sikker Mail relay with a certificate from a
local CA, misconfigured relays (no STARTTLS, TLS 1.0/1.1 only, wrong host name) and the Digital
Post REST double with mutual TLS. Used by the routing tests and by ``mailvagt demo``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.config import read_yaml
from gateway.sinks.certificates import LocalCA
from gateway.sinks.digital_post import DigitalPostDouble
from gateway.sinks.secure_relay import SecureRelay

PARTNER_TLS_NAME = "relay.kommune.example"
INSECURE_DOMAINS = {
    "uu-center.example": ("no STARTTLS", "mx.uu-center.example"),
    "gymnasium.example": ("TLS 1.0/1.1 only", "mx.gymnasium.example"),
    "wrong-name.example": ("certificate for another host", "mx.wrong-name.example"),
}
SECURE_DOMAINS = ("kommune.example", "gmail.com", "outlook.dk", "privat.example")


@dataclass
class LocalWorld:
    """The running doubles; ``insecure`` is keyed by recipient domain."""

    folder: Path
    ca: LocalCA
    next_hop: SecureRelay
    partner: SecureRelay
    digital_post: DigitalPostDouble
    insecure: dict[str, SecureRelay] = field(default_factory=dict)

    def sikker_mail_routes(self) -> dict[str, dict[str, Any]]:
        good = {"host": self.partner.host, "port": self.partner.port, "tls_name": PARTNER_TLS_NAME}
        routes: dict[str, dict[str, Any]] = dict.fromkeys(SECURE_DOMAINS, good)
        for domain, relay in self.insecure.items():
            routes[domain] = {"host": relay.host, "port": relay.port, "tls_name": INSECURE_DOMAINS[domain][1]}
        return routes

    def write_config(
        self, base: Path, directory: Path, templates: Path, terms: Path, **routing_changes: Mapping[str, Any]
    ) -> Path:
        """A config file in ``folder``: ``base`` pointed at these doubles (and the given files)."""
        data = read_yaml(base)
        folder = self.folder
        data["server"] = {
            "listen": {"host": "127.0.0.1", "port": 0},
            "hostname": "mailvagt.test",
            "processes": 1,
        }
        data["next_hop"] = {"host": self.next_hop.host, "port": self.next_hop.port, "timeout": 10}
        data["scan"] = {"mode": "full", "workers": 1, "deadline": 60}
        data["detectors"] = {**data.get("detectors", {}), "terms_dir": str(terms)}
        data["audit"] = {"url": f"sqlite:///{folder / 'audit.sqlite3'}"}
        routing = data["routing"]
        routing["partner_domains"] = sorted({*routing["partner_domains"], *INSECURE_DOMAINS})
        routing["directory"] = str(directory)
        routing["sikker_mail"] = {
            "ca_file": str(self.ca.ca_file),
            "timeout": 5,
            "bounce_after": 2,
            "state_file": str(folder / "sikker-state.json"),
            "routes": self.sikker_mail_routes(),
        }
        dp = self.digital_post
        routing["digital_post"] = {
            **routing["digital_post"],
            "base_url": dp.base_url,
            "ca_file": str(dp.ca_file),
            "client_cert": str(dp.client.cert_file),
            "client_key": str(dp.client.key_file),
            "timeout": 1,
        }
        routing["quarantine"] = {"directory": str(folder / "quarantine")}
        routing["explain"] = {**routing["explain"], "templates_dir": str(templates)}
        for key, value in routing_changes.items():
            routing[key] = {**routing.get(key, {}), **value}
        path = folder / f"mailvagt-{len(list(folder.glob('mailvagt-*.yaml')))}.yaml"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return path


@asynccontextmanager
async def local_world(folder: Path, contacts: Mapping[str, str]) -> AsyncIterator[LocalWorld]:
    """Start every double; ``contacts`` maps CPR -> registered / not_registered / exempt for Digital Post."""
    ca = LocalCA(folder / "ca")
    async with AsyncExitStack() as stack:
        next_hop = await stack.enter_async_context(SecureRelay(starttls=False))
        partner = await stack.enter_async_context(SecureRelay(ca, cert_host=PARTNER_TLS_NAME))
        insecure = {
            "uu-center.example": await stack.enter_async_context(SecureRelay(ca, starttls=False)),
            "gymnasium.example": await stack.enter_async_context(
                SecureRelay(ca, tls_max="1.1", cert_host="mx.gymnasium.example")
            ),
            "wrong-name.example": await stack.enter_async_context(
                SecureRelay(ca, cert_host="someone-else.example")
            ),
        }
        digital_post = stack.enter_context(DigitalPostDouble(ca, dict(contacts)))
        yield LocalWorld(folder, ca, next_hop, partner, digital_post, insecure)
