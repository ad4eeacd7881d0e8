"""DNS double: (name, type) -> records, answered over UDP on loopback in the running event loop.

Names it has no record of at all get NXDOMAIN; a known name without the asked type gets an empty
answer. ``silent=True`` makes it drop every query (a DNS outage).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import cast

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DnsProtocol(asyncio.DatagramProtocol):
    def __init__(self, records: Mapping[tuple[str, str], Sequence[str]], silent: bool) -> None:
        self.records = {
            (name.lower().rstrip("."), kind.upper()): list(v) for (name, kind), v in records.items()
        }
        self.silent = silent
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if self.silent or self.transport is None:
            return
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().lower().rstrip(".")
        kind = dns.rdatatype.to_text(question.rdtype)
        values = self.records.get((name, kind))
        if values:
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", kind, *values))
        elif not any(known == name for known, _ in self.records):
            response.set_rcode(dns.rcode.NXDOMAIN)
        self.transport.sendto(response.to_wire(), addr)


class DnsDouble:
    """``async with DnsDouble({("partner.example", "MX"): ["10 mx1.partner.example."], ...}) as dns``."""

    def __init__(self, records: Mapping[tuple[str, str], Sequence[str]], silent: bool = False) -> None:
        self.protocol = DnsProtocol(records, silent)
        self.port = 0

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def __aenter__(self) -> DnsDouble:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: self.protocol, local_addr=("127.0.0.1", 0))
        self.port = transport.get_extra_info("sockname")[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.protocol.transport is not None:
            self.protocol.transport.close()
