"""Benchmark: small-message replies under ten 20 MB messages, peak RSS, and service with 200 idle sessions.

Runs Mailvagt (scan mode full: extraction and detectors on every body) in front of Postfix's
smtp-sink, which writes each message to a file; Message-Ids are counted there, so a lost or
duplicated message shows. Prints, from one run:
  (a) the baseline: a small message's reply time from the idle gateway;
  (b) the same while ten 20 MB messages are streamed in (no client-side dot-stuffing) and scanned, with
      how many big ones were still in flight, and the gateway's and scan workers' peak RSS
      (VmHWM) next to their peak before the load;
  (c) a normal client's whole transaction without and with 200 idle sessions held open.
Exits 1 when a message was refused, lost or duplicated; the times are figures, not checks.

Usage: python bench/under_load.py [--small N] [--big N] [--idle N] [--workers W]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from relay import PYTHON, free_port, message_ids, running

MB = 1000 * 1000
SENDER, RECIPIENT = "laerer@skole.example", "foraelder@example.dk"
LINES = (
    "Klassen tager på tur til skoven på torsdag, så husk madpakke, drikkedunk og regntøj.",
    "Bussen kører fra parkeringspladsen klokken otte og er tilbage ved skolen ved middagstid.",
    "Forældrerådet mødes i kantinen onsdag aften, og der bliver serveret kaffe og kage.",
    "Biblioteket har fået nye bøger om dyr, rummet og opfindelser, som eleverne kan låne.",
    "Idrætsdagen holdes på stadion, hvor der er stafet, længdespring og boldspil for alle.",
    "Husk at aflevere de lånte computere inden sommerferien, så de kan blive opdateret.",
)


def message(message_id: str, subject: str, body: bytes) -> bytes:
    head = (
        "From: Lærer <laerer@skole.example>\r\n"
        "To: Forælder <foraelder@example.dk>\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
    )
    return head.encode() + body


def danish_text(size: int) -> bytes:
    """About ``size`` bytes of CRLF lines of ordinary school mail (no line starts with a period)."""
    block = "".join(line + "\r\n" for line in LINES).encode()
    return block * (size // len(block))


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def scan_workers(gateway: int) -> list[int]:
    """The gateway's pool processes (spawned children; not multiprocessing's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == gateway and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_line(gateway: int) -> str:
    workers = ", ".join(f"{peak_rss_mib(pid):.0f}" for pid in scan_workers(gateway))
    return f"gateway {peak_rss_mib(gateway):.0f} MiB, scan workers [{workers}] MiB"


class Client:
    """A normal client (smtplib) sending small messages with unique Message-Ids; keeps every reply."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.numbers = itertools.count()  # next() holds the GIL: unique across threads
        self.sent: list[str] = []
        self.refused: list[str] = []

    def transaction(self, kind: str) -> float:
        """Connect, EHLO, MAIL, RCPT, DATA: seconds until the reply to the end of data."""
        number = next(self.numbers)
        message_id = f"{kind}-{number}@bench.mailvagt"
        data = message(message_id, f"{kind} {number}", "Mødet er flyttet til torsdag.\r\n".encode())
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", self.port, timeout=60) as client:
            client.ehlo()
            client.mail(SENDER)
            client.rcpt(RECIPIENT)
            code, text = client.data(data)
            seconds = time.monotonic() - started
        self.sent.append(message_id)
        if code != 250:
            self.refused.append(f"{message_id}: {code} {text.decode(errors='replace')}")
        return seconds


@dataclass
class BigSend:
    """One client streaming a 20 MB message as fast as the gateway reads it."""

    port: int
    message_id: str
    body: bytes
    reply: bytes = b""
    seconds: float = 0.0

    def run(self) -> None:
        started = time.monotonic()
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=300) as client:
                client.ehlo("big.bench")
                client.mail(SENDER, ["BODY=8BITMIME"])
                client.rcpt(RECIPIENT)
                client.putcmd("data")
                client.getreply()
                # not client.data(): it runs a dot-stuffing regex over 20 MB in this process, and
                # no line of these bodies starts with a period
                client.send(message(self.message_id, "Stor fil", b""))
                client.send(self.body)
                client.send(b".\r\n")
                code, text = client.getreply()
                self.reply = f"{code} ".encode() + text
        except (smtplib.SMTPException, OSError) as error:
            self.reply = f"error: {error}".encode()
        self.seconds = time.monotonic() - started

    @property
    def refused(self) -> bool:
        return not self.reply.startswith(b"250")


def seconds(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"median {statistics.median(values):.3f} s, max {max(values):.3f} s, "
        f"min {min(values):.3f} s (n={len(values)})"
    )


def idle_baseline(client: Client, count: int) -> None:
    times = [client.transaction("idle") for _ in range(count)]
    print(f"(a) idle gateway, small message (connect -> 250 after DATA): {seconds(times)}")


def under_big_messages(client: Client, port: int, big: int, gateway: int) -> list[BigSend]:
    # 20 MB in all, so that the extracted text stays under extraction.max_text_bytes (20 000 000):
    # over it the message would be 'unscannable' and held, not delivered.
    body = danish_text(20 * MB - 400)
    senders = [BigSend(port, f"big-{n}@bench.mailvagt", body) for n in range(big)]
    threads = [threading.Thread(target=sender.run) for sender in senders]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    # A small message every half second, each on its own connection and thread, so that one
    # waiting reply does not leave the rest of the load unsampled.
    samples: list[
        tuple[float, float, int, int]
    ] = []  # sent at, reply s, big ones in flight then and at reply

    def small(sent_at: float, busy: int) -> None:
        took = client.transaction("loaded")
        samples.append((sent_at, took, busy, sum(thread.is_alive() for thread in threads)))

    smalls: list[threading.Thread] = []
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.5)
        busy = sum(thread.is_alive() for thread in threads)
        smalls.append(threading.Thread(target=small, args=(time.monotonic() - started, busy)))
        smalls[-1].start()
    for thread in threads + smalls:
        thread.join()
    loaded = [took for _, took, busy, _ in samples if busy]
    accepted = sum(not sender.refused for sender in senders)
    print(
        f"(b) {big} messages of 20 MB streamed in and scanned: all answered after "
        f"{time.monotonic() - started:.1f} s (each {min(s.seconds for s in senders):.1f}"
        f"-{max(s.seconds for s in senders):.1f} s), {accepted}/{big} answered 250"
    )
    print(f"    small message sent while big ones in flight: {seconds(loaded)}")
    late = sum(t > 1.0 for t in loaded)
    print(f"    target: each within 1 s; over it: {late} of {len(loaded)}")
    print("    each: sent at (s) -> reply (s), big ones in flight when sent -> at the reply:")
    for at, took, busy, still in sorted(samples):
        print(f"      {at:5.1f} -> {took:6.3f}   {busy:2} -> {still}")
    print(f"    peak RSS after the load: {rss_line(gateway)} ({big * 20} MB received)")
    return senders


def idle_crowd(client: Client, port: int, count: int, rounds: int) -> None:
    without = [client.transaction("plain") for _ in range(rounds)]
    with ExitStack() as stack:
        crowd = [
            # max_sessions_per_client is 100: the crowd comes from several loopback addresses
            stack.enter_context(
                smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=(f"127.0.1.{n % 4 + 1}", 0))
            )
            for n in range(count)
        ]  # each greeted with 220, or smtplib raises
        crowded = [client.transaction("crowded") for _ in range(rounds)]
        answering = sum(session.noop()[0] == 250 for session in crowd)
    print("(c) normal client, whole transaction (connect -> 250 after DATA):")
    print(f"    no idle sessions:          {seconds(without)}")
    print(f"    {count} idle sessions open: {seconds(crowded)}  (target: promptly)")
    print(f"    all {count} idle sessions greeted with 220; answering NOOP afterwards: {answering}/{count}")


def count_at_sink(dump: Path, expected: list[str]) -> bool:
    deadline = time.monotonic() + 60
    while sum(1 for _ in dump.iterdir()) < len(expected) and time.monotonic() < deadline:
        time.sleep(0.05)
    ids = message_ids(dump)
    stored = sum(ids.values())
    lost = len(set(expected) - {i.strip("<>") for i in ids})
    duplicated = stored - len(ids)
    print(f"sink: {len(expected)} sent, {stored} stored, lost {lost}, duplicated {duplicated}")
    return lost == duplicated == 0 and stored == len(expected)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20, help="messages per baseline (a, c)")
    parser.add_argument("--big", type=int, default=10, help="20 MB messages at once (b)")
    parser.add_argument("--idle", type=int, default=200, help="idle sessions held open (c)")
    parser.add_argument("--workers", type=int, default=0, help="scan workers (0 = CPUs)")
    args = parser.parse_args()
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="mailvagt-bench-", dir=shm if shm.is_dir() else None))
    dump = work / "dump"
    dump.mkdir()
    for folder in (work, dump):
        folder.chmod(0o777)  # smtp-sink runs as nobody and writes here
    sink_port, port = free_port(), free_port()
    config = work / "bench.yaml"
    config.write_text(
        "server: {processes: 1, hostname: bench.mailvagt}\n"
        f"scan: {{mode: full, workers: {args.workers}}}\n"
        f"audit: {{url: 'sqlite:///{work}/audit.sqlite3'}}\n"
    )
    gateway = [PYTHON, "-m", "gateway.cli", "serve", "--config", str(config)]
    gateway += ["--listen", f"127.0.0.1:{port}", "--next-hop", f"127.0.0.1:{sink_port}"]
    sink = ["smtp-sink", "-u", "nobody", "-d", f"{dump}/%H%M%S.", f"127.0.0.1:{sink_port}", "64"]
    client = Client(port)
    with running(sink, sink_port, work / "sink.log"), running(gateway, port, work / "gateway.log") as served:
        # the pool's workers load the detectors at start: these wait for them, uncounted
        warm_up = [threading.Thread(target=client.transaction, args=("warm-up",)) for _ in range(4)]
        for thread in warm_up:
            thread.start()
        for thread in warm_up:
            thread.join()
        workers = len(scan_workers(served.pid))
        print(f"Mailvagt, scan mode full, 1 process, {workers} scan workers -> smtp-sink")
        idle_baseline(client, args.small)
        print(f"    peak RSS so far: {rss_line(served.pid)}")
        bigs = under_big_messages(client, port, args.big, served.pid)
        idle_crowd(client, port, args.idle, args.small)
        refused = client.refused + [f"{b.message_id}: {b.reply[:80]!r}" for b in bigs if b.refused]
        print(f"refused: {refused or 'none'}")
        delivered = count_at_sink(dump, client.sent + [b.message_id for b in bigs])
    shutil.rmtree(work, ignore_errors=True)
    return 0 if delivered and not refused else 1


if __name__ == "__main__":
    sys.exit(main())
