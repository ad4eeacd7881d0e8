"""``mailvagt sink``: a local SMTP sink for demos and tests (SMTP in -> one file per message in a folder)."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from gateway.config import ConfigError, parse_host_port

ACCEPTED = "250 2.0.0 Ok: stored"


class MaildirHandler:
    """Stores each message as ``<time>.<token>.eml`` in ``new/`` (written to ``tmp/`` first, then renamed)."""

    def __init__(self, folder: Path) -> None:
        self.new = folder / "new"
        self.tmp = folder / "tmp"
        self.new.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def store(self, envelope: Envelope) -> None:
        name = f"{time.time():.6f}.{secrets.token_hex(4)}.eml"
        header = f"X-Sink-Envelope-From: <{envelope.mail_from}>\r\n"
        header += "".join(f"X-Sink-Envelope-To: <{r}>\r\n" for r in envelope.rcpt_tos)
        content: bytes = envelope.original_content or b""
        path = self.tmp / name
        with path.open("wb") as file:
            file.write(header.encode("utf-8") + content)
            file.flush()
            os.fsync(file.fileno())
        path.rename(self.new / name)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.to_thread(self.store, envelope)
        return ACCEPTED


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("sink", help="a local SMTP server that stores each message as a file")
    parser.add_argument("--listen", metavar="HOST:PORT", default="127.0.0.1:10026")
    parser.add_argument("--maildir", required=True, help="folder for the messages (new/ holds them)")
    parser.set_defaults(func=run)


async def run_sink(host: str, port: int, folder: Path) -> None:
    handler = MaildirHandler(folder)
    loop = asyncio.get_running_loop()

    def factory() -> SMTP:
        return SMTP(handler, hostname="sink.localdomain", enable_SMTPUTF8=True, data_size_limit=None)

    server = await loop.create_server(factory, host=host, port=port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    bound = server.sockets[0].getsockname()
    print(f"sink listening on {bound[0]}:{bound[1]}, storing in {folder / 'new'}", flush=True)
    await stop.wait()
    server.close()


def run(args: argparse.Namespace) -> int:
    try:
        address = parse_host_port(args.listen)
    except ConfigError as exc:
        print(f"mailvagt sink: {exc}", file=sys.stderr)
        return 2
    asyncio.run(run_sink(address.host, address.port, Path(args.maildir)))
    return 0
