"""The scan stage off the event loop: deadline -> 451, and big messages do not stall small ones."""

from __future__ import annotations

import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.conftest import StartGateway
from tests.gateway.harness import RunningGateway, Sink, sample_message, unused_port
from tests.gateway.processes import ROOT, Process, base_config, write_config
from tests.gateway.scan_functions import LARGE_SCAN_SECONDS, SCAN_MARKS, sleepy, slow_when_large
from tests.gateway.test_gateway_limits import command, read_reply

MB = 1024 * 1024


def test_scan_past_its_deadline_is_451_and_the_pool_recovers(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(
        sink.port, scan_function=sleepy, scan={"mode": "full", "workers": 1, "deadline": 1.5}
    )
    with gateway.client() as client:
        client.sendmail(
            "a@skole.example", ["b@example.dk"], sample_message(subject="warm-up")
        )  # workers started
        client.ehlo()
        client.mail("a@skole.example")
        client.rcpt("b@example.dk")
        started = time.monotonic()
        code, text = client.data(sample_message(subject="slow"))
        assert code == 451 and text.startswith(b"4.3.0") and b"(ref " in text
        assert time.monotonic() - started < 4
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message(subject="after"))
    assert [m.data.count(b"Subject: slow") for m in sink.messages] == [0, 0]


def start_large_scan(
    gateway: RunningGateway, large: bytes, replies: list[int], marks: Path
) -> threading.Thread:
    """Send ``large`` from a thread (its DATA reply goes to ``replies``); return once its scan began."""

    def send_large() -> None:
        with gateway.client() as client:
            client.ehlo()
            client.mail("a@skole.example")
            client.rcpt("b@example.dk")
            replies.append(client.data(large)[0])

    sender = threading.Thread(target=send_large)
    sender.start()
    deadline = time.monotonic() + 20
    while not any(marks.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any(marks.iterdir()), "the large message never reached the scan worker"
    return sender


@pytest.mark.parametrize("express_max_bytes", [65536, 0])
def test_a_small_message_does_not_wait_behind_a_large_scan(
    sink: Sink,
    start_gateway: StartGateway,
    express_max_bytes: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv(SCAN_MARKS, str(marks))  # inherited by the scan workers the gateway spawns
    gateway = start_gateway(
        sink.port,
        scan_function=slow_when_large,
        scan={"mode": "full", "workers": 1, "deadline": 30, "express_max_bytes": express_max_bytes},
    )
    with gateway.client() as client:
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message(subject="warm-up"))
    large = sample_message(subject="Stor", body="Lang tekst om udflugten.\n" * 8000)
    replies: list[int] = []
    sender = start_large_scan(gateway, large, replies, marks)
    started = time.monotonic()
    with gateway.client() as client:
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message(subject="lille"))
    waited = time.monotonic() - started
    sender.join(60)
    assert replies == [250]
    # With an express worker the small one is answered while the large one is still being read;
    # without it, it waits its turn in the only worker.
    assert (waited < LARGE_SCAN_SECONDS / 2) is (express_max_bytes > 0), waited
    assert sorted(m.data.count(b"Subject: lille") for m in sink.messages) == [0, 0, 1]


def test_past_the_memory_budget_a_message_is_deferred_and_taken_later(
    sink: Sink, start_gateway: StartGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv(SCAN_MARKS, str(marks))
    gateway = start_gateway(
        sink.port,
        scan_function=slow_when_large,
        scan={"mode": "full", "workers": 2, "deadline": 30},
        limits={"max_inflight_bytes": 300_000},
    )
    large = sample_message(subject="Stor", body="Lang tekst om udflugten.\n" * 8000)  # about 200 KB
    replies: list[int] = []
    sender = start_large_scan(gateway, large, replies, marks)
    with gateway.client() as client:  # while the first is held for its scan
        client.ehlo()
        client.mail("a@skole.example")
        client.rcpt("b@example.dk")
        code, text = client.data(large.replace(b"Subject: Stor", b"Subject: Anden"))
        assert (code, text[:5]) == (452, b"4.3.1")
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message(subject="lille"))  # fits
    sender.join(60)
    with gateway.client() as client:  # the client's retry, once the first is answered
        client.sendmail(
            "a@skole.example", ["b@example.dk"], large.replace(b"Subject: Stor", b"Subject: Anden")
        )
    assert replies == [250]
    subjects = sorted(
        line for m in sink.messages for line in m.data.split(b"\r\n") if line.startswith(b"Subject")
    )
    assert subjects == [b"Subject: Anden", b"Subject: Stor", b"Subject: lille"]


@pytest.fixture
def shm() -> Iterator[Path]:
    folder = Path(
        tempfile.mkdtemp(prefix="mailvagt-test-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None)
    )
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def big_message() -> bytes:
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo" * 2 + b"\r\n"  # base64-like lines
    body = line * (20 * MB // len(line))
    return sample_message(subject="Stor fil", body="") + body


def test_ten_20_mb_messages_do_not_stall_a_small_one(tmp_path: Path, shm: Path) -> None:
    sink_port, port = unused_port(), unused_port()
    # Postfix's smtp-sink (C) as the next hop: the test measures the gateway, not a slow sink.
    dump = shm / "dump"
    dump.mkdir()
    for folder in (shm, dump):
        folder.chmod(0o777)  # smtp-sink runs as nobody
    receiver = subprocess.Popen(
        ["smtp-sink", "-u", "nobody", f"127.0.0.1:{sink_port}", "64"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    config = write_config(
        tmp_path / "c.yaml",
        base_config(tmp_path).replace("scan: {mode: noop}", "scan: {mode: full, workers: 2}")
        + f"next_hop: {{port: {sink_port}}}\nserver: {{listen: {{port: {port}}}, processes: 1}}\n",
    )
    gateway = Process(["-c", "pass"], tmp_path / "unused.log")  # replaced below: the gateway with a test scan
    gateway.close()
    gateway.output = (tmp_path / "gw.log").open("wb")
    gateway.log = tmp_path / "gw.log"
    gateway.process = subprocess.Popen(
        [sys.executable, "-m", "tests.gateway.run_gateway", str(config), "checksum"],
        stdout=gateway.output,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    errors: list[BaseException] = []

    payload = big_message() + b".\r\n"  # no line starts with a period: nothing to stuff

    def send_big() -> None:
        """A client that streams 20 MB as fast as the gateway reads it (raw socket: no client-side regex)."""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                assert read_reply(sock).startswith(b"220")
                for line in ("EHLO big", "MAIL FROM:<a@skole.example>", "RCPT TO:<b@example.dk>", "DATA"):
                    assert command(sock, line)[:1] in (b"2", b"3")
                sock.sendall(payload)
                assert read_reply(sock).startswith(b"250")
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    try:
        gateway.wait_for('"listening"')
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:  # scan workers up
            client.sendmail("a@skole.example", ["b@example.dk"], sample_message(subject="warm-up"))
        senders = [threading.Thread(target=send_big) for _ in range(10)]
        for thread in senders:
            thread.start()
        time.sleep(0.3)  # the big ones are streaming in
        in_flight: list[int] = []
        for number in range(3):
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:  # raises unless 250
                client.sendmail(
                    "a@skole.example", ["b@example.dk"], sample_message(subject=f"lille {number}")
                )
            in_flight.append(sum(thread.is_alive() for thread in senders))
        # Answered while big ones were still being received or scanned, not after them; how fast
        # is bench/under_load.py's figure.
        assert in_flight[1] > 0, in_flight
        for thread in senders:
            thread.join(120)
        assert not any(thread.is_alive() for thread in senders), "a big message got no reply in 120 s"
        assert not errors, errors
    finally:
        gateway.close()
        receiver.kill()
        receiver.wait()
    accepted = [line for line in gateway.json_lines() if line["event"] == "message"]
    assert len(accepted) == 14 and all(line["reply"].startswith("250 ") for line in accepted)
