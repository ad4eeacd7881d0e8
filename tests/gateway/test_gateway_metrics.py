"""Prometheus metrics of a real `mailvagt serve`: one process, several sharing the port, a busy port."""

from __future__ import annotations

import smtplib
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.harness import sample_message, unused_port
from tests.gateway.processes import Process, base_config, serve_args, sink, stored, write_config

CPR_BODY = "Vedlagt oplysninger om Freja Holm, CPR-nr. 150315-8114, til sagen.\r\n"


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    return tmp_path / "maildir"


@pytest.fixture
def sink_port(tmp_path: Path, maildir: Path) -> Iterator[int]:
    port = unused_port()
    process = sink(port, maildir, tmp_path / "sink.log")
    yield port
    process.close()


def metrics_text(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return str(response.read().decode())


def samples_of(text: str) -> dict[str, float]:
    """The samples of /metrics, by name and labels as written (``name{a="b"}``)."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def scrape(port: int) -> dict[str, float]:
    return samples_of(metrics_text(port))


def wait_for_sample(port: int, name: str, value: float, timeout: float = 10) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    samples = scrape(port)
    while samples.get(name) != value and time.monotonic() < deadline:
        time.sleep(0.1)
        samples = scrape(port)
    return samples


def start(
    tmp_path: Path, sink_port: int, processes: int = 1, scan: str = "{mode: noop}"
) -> tuple[Process, int, int]:
    """`mailvagt serve` with metrics on; returns it once every process listens, its SMTP and HTTP ports."""
    port, metrics_port = unused_port(), unused_port()
    config = write_config(
        tmp_path / "c.yaml",
        base_config(tmp_path, processes=processes).replace("scan: {mode: noop}", f"scan: {scan}")
        + f"metrics: {{listen: {{host: 127.0.0.1, port: {metrics_port}}}}}\n",
    )
    gateway = Process(serve_args(config, port, sink_port), tmp_path / "gw.log")
    deadline = time.monotonic() + 60
    while gateway.text().count('"listening"') < processes and time.monotonic() < deadline:
        assert gateway.process.poll() is None, gateway.text()
        time.sleep(0.05)
    return gateway, port, metrics_port


def test_one_process_counts_messages_levels_categories_and_routes(
    tmp_path: Path, sink_port: int, maildir: Path
) -> None:
    gateway, port, metrics_port = start(tmp_path, sink_port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.sendmail("laerer@skole.example", ["foraelder@example.dk"], sample_message())
        samples = wait_for_sample(metrics_port, "mailvagt_sessions_open", 0)  # the session ends after QUIT
    finally:
        gateway.close()
    assert samples['mailvagt_messages_total{reply="accepted"}'] == 1
    assert samples['mailvagt_recipients_total{action="deliver",status="delivered"}'] == 1
    assert samples["mailvagt_message_bytes_count"] == 1
    assert samples["mailvagt_sessions_open"] == 0
    assert len(stored(maildir)) == 1


def test_a_scanned_message_is_counted_by_level_and_category_and_no_value_is_shown(
    tmp_path: Path, sink_port: int
) -> None:
    gateway, port, metrics_port = start(tmp_path, sink_port, scan="{mode: full, workers: 1}")
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            client.sendmail(
                "laerer@skole.example",
                ["foraelder@gmail.com"],
                sample_message(subject="Sagen om Freja", body=CPR_BODY),
            )
        text = metrics_text(metrics_port)
        samples = samples_of(text)
    finally:
        gateway.close()
    assert samples['mailvagt_message_levels_total{level="fortrolig"}'] == 1
    assert samples['mailvagt_message_categories_total{category="cpr"}'] == 1
    assert samples['mailvagt_recipients_total{action="quarantine",status="held"}'] == 1
    assert samples["mailvagt_scan_seconds_count"] == 1
    assert "150315-8114" not in text and "1503158114" not in text
    # the parts of a value may appear only where text is written: sample values are numbers
    # (a timestamp can hold "8114" by chance), so the parts are looked for in names, labels and help
    written = "\n".join([*(line for line in text.splitlines() if line.startswith("#")), *samples])
    for clear in ("150315", "8114", "Freja", "gmail", "skole.example"):
        assert clear not in written


def test_several_processes_are_summed(tmp_path: Path, sink_port: int, maildir: Path) -> None:
    """The kernel spreads connections over the processes by a hash of their ports, so the test sends
    until both have taken mail (12 at the least, 60 at the most) and then checks the sums."""
    gateway, port, metrics_port = start(tmp_path, sink_port, processes=2)

    def served_by() -> set[object]:
        return {line["pid"] for line in gateway.json_lines() if line["event"] == "message"}

    sent = 0
    try:
        while sent < 12 or (len(served_by()) < 2 and sent < 60):
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.sendmail("a@skole.example", ["b@example.dk"], sample_message(subject=f"Nr {sent}"))
            sent += 1
        samples = wait_for_sample(metrics_port, "mailvagt_sessions_open", 0)
    finally:
        gateway.close()
    assert len(served_by()) == 2  # both processes took mail, and both are in the sum
    assert samples['mailvagt_messages_total{reply="accepted"}'] == sent
    assert samples["mailvagt_sessions_open"] == 0
    assert len(stored(maildir)) == sent


def test_a_metrics_port_in_use_stops_startup_with_the_reason(tmp_path: Path, sink_port: int) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        config = write_config(
            tmp_path / "c.yaml",
            base_config(tmp_path) + f"metrics: {{listen: {{host: 127.0.0.1, port: {busy}}}}}\n",
        )
        gateway = Process(serve_args(config, unused_port(), sink_port), tmp_path / "gw.log")
        assert gateway.wait(30) == 2
        gateway.close()
    assert "metrics.listen cannot be used" in gateway.text()
    assert str(busy) in gateway.text()
