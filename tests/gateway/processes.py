"""Run ``mailvagt serve`` and ``mailvagt sink`` as real processes for the signal and crash tests."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class Process:
    """A child process whose output goes to a file the test can read."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log
        self.output = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", *args],
            stdout=self.output,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not seen; output:\n{self.text()}")
            time.sleep(0.05)

    def json_lines(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.text().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float = 30) -> int:
        return self.process.wait(timeout)

    def close(self) -> None:
        """Stop it as an operator would (SIGTERM), and only kill it when that does not work."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait(10)
        self.output.close()


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def base_config(tmp_path: Path, extra: str = "", processes: int = 1) -> str:
    return (
        f"server: {{hostname: mailvagt.test, processes: {processes}}}\n"
        "scan: {mode: noop}\n"
        f"audit: {{url: 'sqlite:///{tmp_path}/audit.sqlite3', auto_purge: false}}\n" + extra
    )


def serve_args(config: Path, port: int, next_hop: int) -> list[str]:
    listen, hop = f"127.0.0.1:{port}", f"127.0.0.1:{next_hop}"
    return ["serve", "--config", str(config), "--listen", listen, "--next-hop", hop]


def serve(config: Path, port: int, next_hop: int, log: Path) -> Process:
    process = Process(serve_args(config, port, next_hop), log)
    process.wait_for('"listening"')
    return process


def sink(port: int, folder: Path, log: Path) -> Process:
    process = Process(["sink", "--listen", f"127.0.0.1:{port}", "--maildir", str(folder)], log)
    process.wait_for("sink listening")
    return process


def stored(folder: Path) -> list[bytes]:
    new = folder / "new"
    return [path.read_bytes() for path in sorted(new.iterdir())] if new.is_dir() else []
