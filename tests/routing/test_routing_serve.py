"""`mailvagt serve` as its own process: one mail split four ways (deliver, Sikker Mail, DP, quarantine)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

from gateway.sinks.world import local_world

from .e2e import (
    COLLEAGUE,
    CPRS,
    PARTNER,
    REGISTERED,
    REPO,
    TEACHER,
    TEXTS,
    UNKNOWN,
    compose,
    notices_to,
    submit,
    write_directory,
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_for_greeting(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(f"mailvagt serve exited with {process.returncode}")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        greeting = await reader.readline()
        writer.close()
        await writer.wait_closed()
        assert greeting.startswith(b"220"), greeting
        return
    raise AssertionError("mailvagt serve did not start listening")


async def test_mailvagt_serve_splits_one_mail_by_recipient_class(tmp_path: Path) -> None:
    write_directory(tmp_path / "recipients.csv", CPRS)
    async with local_world(tmp_path, {CPRS[REGISTERED]: "registered"}) as doubles:
        config = doubles.write_config(
            REPO / "config" / "mailvagt.yaml",
            tmp_path / "recipients.csv",
            REPO / "config" / "templates",
            REPO / "config" / "terms",
        )
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gateway.cli",
            "serve",
            "--config",
            str(config),
            "--listen",
            f"127.0.0.1:{port}",
        ]
        env = {**os.environ, "MAILVAGT_HASH_KEY": "routing-test-key"}
        process = await asyncio.create_subprocess_exec(
            *command, cwd=REPO, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        try:
            await wait_for_greeting(port, process)
            recipients = (COLLEAGUE, PARTNER, REGISTERED, UNKNOWN)
            code, reply = await submit(port, recipients, compose("Freja", TEXTS["foelsom"]))
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0
        assert code == 250, reply
        assert [i.rcpt_tos for i in doubles.next_hop.received if i.mail_from == TEACHER] == [(COLLEAGUE,)]
        assert [i.rcpt_tos for i in doubles.partner.received] == [(PARTNER,)]
        assert len(doubles.digital_post.memos) == 1
        assert len(list((tmp_path / "quarantine").glob("*.held"))) == 1
        assert len(notices_to(doubles.next_hop.received)) == 1
