"""Benchmark baseline: a plain single-process aiosmtpd -> aiosmtplib relay (one new connection per message).

Usage: python bench/plain_relay.py LISTEN_PORT NEXT_HOP_PORT
"""

from __future__ import annotations

import asyncio
import signal
import sys

import aiosmtplib
from aiosmtpd.smtp import SMTP, Envelope, Session


class PlainRelay:
    """Relays each message as received, answering 250 only after the next hop accepted it."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            await aiosmtplib.send(
                envelope.original_content or b"",
                sender=envelope.mail_from or "",
                recipients=list(envelope.rcpt_tos),
                hostname="127.0.0.1",
                port=self.port,
            )
        except aiosmtplib.SMTPException:
            return "451 4.4.1 next hop failed"
        return "250 OK"


async def main(listen: int, next_hop: int) -> None:
    handler = PlainRelay(next_hop)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="plain"), "127.0.0.1", listen)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
