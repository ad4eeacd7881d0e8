"""The gateway as a real process: SIGTERM drain, SIGHUP reload, a crash mid-transaction, several processes."""

from __future__ import annotations

import signal
import smtplib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.harness import sample_message, unused_port
from tests.gateway.processes import Process, base_config, serve, serve_args, sink, stored, write_config
from tests.gateway.test_gateway_limits import command, read_reply


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    return tmp_path / "maildir"


@pytest.fixture
def sink_process(tmp_path: Path, maildir: Path) -> Iterator[tuple[int, Process]]:
    port = unused_port()
    process = sink(port, maildir, tmp_path / "sink.log")
    yield port, process
    process.close()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def test_sigterm_finishes_transactions_in_flight_and_refuses_new_sessions(
    tmp_path: Path, maildir: Path, sink_process: tuple[int, Process]
) -> None:
    port = unused_port()
    gateway = serve(
        write_config(tmp_path / "c.yaml", base_config(tmp_path)), port, sink_process[0], tmp_path / "gw.log"
    )
    try:
        busy, idle = connect(port), connect(port)
        for sock in (busy, idle):
            assert read_reply(sock).startswith(b"220")
            assert command(sock, "EHLO test").startswith(b"250")
        assert command(busy, "MAIL FROM:<a@skole.example>").startswith(b"250")
        assert command(busy, "RCPT TO:<b@example.dk>").startswith(b"250")
        assert command(busy, "DATA").startswith(b"354")
        busy.sendall(sample_message()[:40])
        gateway.signal(signal.SIGTERM)
        time.sleep(0.3)
        with connect(port) as late:
            assert read_reply(late).startswith(b"421 4.3.2")
        busy.sendall(sample_message()[40:] + b".\r\n")
        assert read_reply(busy).startswith(b"250")
        assert command(busy, "MAIL FROM:<a@skole.example>").startswith(b"421 4.3.2")
        assert gateway.wait(30) == 0
        assert idle.recv(100).startswith(b"421 4.3.2")
        busy.close()
        idle.close()
    finally:
        gateway.close()
    assert len(stored(maildir)) == 1


def recipients_accepted(port: int, count: int) -> int:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo()
        client.mail("a@skole.example")
        return sum(client.rcpt(f"r{n}@example.dk")[0] == 250 for n in range(count))


def test_sighup_reloads_and_an_invalid_file_keeps_the_old_configuration(
    tmp_path: Path, sink_process: tuple[int, Process]
) -> None:
    port = unused_port()
    config = write_config(tmp_path / "c.yaml", base_config(tmp_path, "limits: {max_recipients: 5}\n"))
    gateway = serve(config, port, sink_process[0], tmp_path / "gw.log")
    try:
        assert recipients_accepted(port, 6) == 5
        earlier = smtplib.SMTP("127.0.0.1", port, timeout=10)  # a session from before the reload
        earlier.ehlo()
        write_config(config, base_config(tmp_path, "limits: {max_recipients: 2}\n"))
        gateway.signal(signal.SIGHUP)
        gateway.wait_for("configuration reloaded")
        assert recipients_accepted(port, 6) == 2
        time.sleep(0.5)
        earlier.sendmail("a@skole.example", ["b@example.dk"], sample_message())  # its stages still work
        earlier.quit()
        write_config(config, base_config(tmp_path, "limits: {max_recipients: 4, max_recipient: 9}\n"))
        gateway.signal(signal.SIGHUP)
        gateway.wait_for("reload refused")
        refused = [line for line in gateway.json_lines() if line["event"].startswith("reload refused")]
        assert "limits.max_recipient: unknown key" in refused[0]["why"] and str(config) in refused[0]["why"]
        assert recipients_accepted(port, 6) == 2
        gateway.signal(signal.SIGTERM)
        assert gateway.wait() == 0
    finally:
        gateway.close()


def test_crash_mid_transaction_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, maildir: Path, sink_process: tuple[int, Process]
) -> None:
    port = unused_port()
    config = write_config(tmp_path / "c.yaml", base_config(tmp_path))
    message = sample_message(subject="Kun én gang")
    gateway = serve(config, port, sink_process[0], tmp_path / "gw1.log")
    try:
        with connect(port) as sock:
            assert read_reply(sock).startswith(b"220")
            assert command(sock, "EHLO test").startswith(b"250")
            assert command(sock, "MAIL FROM:<a@skole.example>").startswith(b"250")
            assert command(sock, "RCPT TO:<b@example.dk>").startswith(b"250")
            assert command(sock, "DATA").startswith(b"354")
            sock.sendall(message[:60])
            gateway.signal(signal.SIGKILL)
            gateway.wait()
            try:
                sock.sendall(message[60:] + b".\r\n")
                reply = sock.recv(100)
            except (ConnectionResetError, BrokenPipeError):
                reply = b""
            assert not reply.startswith(b"250")
    finally:
        gateway.close()
    assert stored(maildir) == []
    gateway = serve(config, port, sink_process[0], tmp_path / "gw2.log")  # the client retries
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("a@skole.example", ["b@example.dk"], message)
    finally:
        gateway.close()
    copies = [m for m in stored(maildir) if "Kun én gang".encode() in m]
    assert len(copies) == 1


def test_several_processes_share_the_port(
    tmp_path: Path, maildir: Path, sink_process: tuple[int, Process]
) -> None:
    port = unused_port()
    config = write_config(tmp_path / "c.yaml", base_config(tmp_path, processes=2))
    gateway = Process(serve_args(config, port, sink_process[0]), tmp_path / "gw.log")
    try:
        deadline = time.monotonic() + 30
        while gateway.text().count('"listening"') < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        for number in range(24):
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.sendmail("a@skole.example", ["b@example.dk"], sample_message(subject=f"Nr {number}"))
        gateway.signal(signal.SIGTERM)
        assert gateway.wait(30) == 0
    finally:
        gateway.close()
    served_by = {line["pid"] for line in gateway.json_lines() if line["event"] == "message"}
    assert len(served_by) == 2
    assert len(stored(maildir)) == 24
