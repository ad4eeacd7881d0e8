"""Benchmark: messages/s via (a) nothing, (b) a plain aiosmtpd->aiosmtplib relay, (c) Mailvagt (scan noop).

Drives Postfix's smtp-source (20 parallel sessions, ~10 KB messages) into Postfix's smtp-sink,
which writes each message to a file; the files are counted and their Message-Ids compared, so
a lost or duplicated message shows. Prints one line per setup and the ratios.

Usage: python bench/relay.py [--messages N] [--sessions S] [--processes P]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.recv(100)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port}")


@contextmanager
def running(command: list[str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            wait_listening(port)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Result:
    name: str
    seconds: float
    stored: int
    unique: int

    @property
    def rate(self) -> float:
        return self.stored / self.seconds


def message_ids(folder: Path) -> Counter[str]:
    ids: Counter[str] = Counter()
    for path in folder.iterdir():
        for line in path.read_bytes().split(b"\n", 40):
            if line.lower().startswith(b"message-id:"):
                ids[line.split(b":", 1)[1].strip().decode()] += 1
                break
    return ids


def drive(name: str, port: int, dump: Path, messages: int, sessions: int) -> Result:
    started = time.monotonic()
    subprocess.run(
        [
            "smtp-source",
            "-s",
            str(sessions),
            "-m",
            str(messages),
            "-l",
            "10240",
            "-f",
            "lehrer@skole.example",
            "-t",
            "elev@skole.example",
            f"127.0.0.1:{port}",
        ],
        check=True,
    )
    deadline = time.monotonic() + 30
    while sum(1 for _ in dump.iterdir()) < messages and time.monotonic() < deadline:
        time.sleep(0.01)
    seconds = time.monotonic() - started
    ids = message_ids(dump)
    return Result(name, seconds, sum(ids.values()), len(ids))


def report(number: int, results: list[Result], messages: int) -> None:
    print(f"round {number}:")
    for result in results:
        lost = messages - result.unique
        duplicated = result.stored - result.unique
        print(
            f"  {result.name:<14} {result.rate:8.1f} msg/s  ({result.seconds:.2f} s, "
            f"stored {result.stored}, lost {lost}, duplicated {duplicated})"
        )
    direct, plain, gateway = (r.rate for r in results)
    print(f"  ratios: b/a {plain / direct:.3f}  c/a {gateway / direct:.3f}  c/b {gateway / plain:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=0, help="Mailvagt processes (0 = CPUs)")
    parser.add_argument("--audit-dir", default="", help="audit SQLite folder (default: temp)")
    args = parser.parse_args()
    # tmpfs when there is one: the sink writes a file per message, and disk noise swamps the figures
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="mailvagt-bench-", dir=shm if shm.is_dir() else None))
    work.chmod(0o777)  # smtp-sink runs as nobody and writes here
    sink_port, plain_port, gateway_port = free_port(), free_port(), free_port()
    config = work / "bench.yaml"
    config.write_text(
        f"server: {{processes: {args.processes}, hostname: bench.mailvagt}}\n"
        "scan: {mode: noop}\n"
        f"audit: {{url: 'sqlite:///{args.audit_dir or work}/audit-{os.getpid()}.sqlite3'}}\n"
        "logging: {level: WARNING}\n"
    )
    plain = [PYTHON, str(ROOT / "bench" / "plain_relay.py"), str(plain_port), str(sink_port)]
    gateway = [PYTHON, "-m", "gateway.cli", "serve", "--config", str(config)]
    gateway += ["--listen", f"127.0.0.1:{gateway_port}", "--next-hop", f"127.0.0.1:{sink_port}"]
    fronts = {"a direct": sink_port, "b plain relay": plain_port, "c mailvagt": gateway_port}
    rounds: list[list[Result]] = []
    print(f"{args.messages} messages of ~10 KB, {args.sessions} parallel sessions (smtp-source -> smtp-sink)")
    # The relays stay up; the sink starts afresh for every run (the gateway reconnects to it).
    # Rounds interleave the three setups so that a change in machine load hits them alike.
    with running(plain, plain_port, work / "plain.log"), running(gateway, gateway_port, work / "gateway.log"):
        warm = work / "warm-up"
        warm.mkdir()
        warm.chmod(0o777)
        with running(
            ["smtp-sink", "-u", "nobody", f"127.0.0.1:{sink_port}", "256"], sink_port, work / "sink.log"
        ):
            for port in fronts.values():  # not counted: first connections, caches, the audit file
                drive("warm-up", port, warm, 200, args.sessions)
        for number in range(args.rounds):
            results = []
            for name, port in fronts.items():
                dump = work / f"{number}-{name.split()[0]}"
                dump.mkdir()
                dump.chmod(0o777)
                sink = ["smtp-sink", "-u", "nobody", "-d", f"{dump}/%H%M%S.", f"127.0.0.1:{sink_port}", "256"]
                with running(sink, sink_port, work / "sink.log"):
                    results.append(drive(name, port, dump, args.messages, args.sessions))
            rounds.append(results)
            report(number + 1, results, args.messages)
    medians = [statistics.median(r[i].rate for r in rounds) for i in range(3)]
    ratio = statistics.median(r[2].rate / r[1].rate for r in rounds)
    print(
        f"median msg/s: a {medians[0]:.0f}  b {medians[1]:.0f}  c {medians[2]:.0f};  "
        f"b/a {medians[1] / medians[0]:.3f}  c/a {medians[2] / medians[0]:.3f}  "
        f"c/b {ratio:.2f} (median of the rounds' ratios; target >= 1.5)"
    )
    shutil.rmtree(work, ignore_errors=True)
    if args.audit_dir:
        for path in Path(args.audit_dir).glob(f"audit-{os.getpid()}.sqlite3*"):
            path.unlink()
    ok = all(r.stored == r.unique == args.messages for results in rounds for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
