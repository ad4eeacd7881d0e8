"""A throwaway PostgreSQL cluster for the audit tests: initdb, start on a private socket, stop, remove.

Run as the ``postgres`` user when the tests run as root (the server refuses root), as the
current user otherwise. Needs Debian's ``postgresql`` package (any version under /usr/lib/postgresql).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    return Path(found[-1]).parent


def as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PostgresServer:
    root: Path
    port: int
    durable: bool = True

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        return f"postgresql://{user}@/{database}?host={self.root}&port={self.port}"

    def pg_ctl(self, *args: str) -> None:
        command = [
            str(bin_dir() / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            *args,
        ]
        subprocess.run(as_server_user(command), check=True, capture_output=True)

    def start(self) -> None:
        options = f"-k {self.root} -p {self.port} -c listen_addresses=''"
        if not self.durable:  # tests: no disk syncs, which would only slow a shared machine
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.pg_ctl("-w", "-o", options, "start")

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop")

    def dump(self, database: str) -> str:
        command = [str(bin_dir() / "pg_dump"), "-h", str(self.root), "-p", str(self.port), "-U", "postgres"]
        result = subprocess.run(as_server_user([*command, database]), check=True, capture_output=True)
        return result.stdout.decode()


def free_port() -> int:
    """A port number no one listens on, so the cluster's lock files cannot clash with another's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def create_server(durable: bool = True) -> PostgresServer:
    root = Path(tempfile.mkdtemp(prefix="mailvagt-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(root, free_port(), durable)
    initdb = [str(bin_dir() / "initdb"), "-D", str(server.data), "-U", "postgres", "-A", "trust", "-N"]
    subprocess.run(as_server_user(initdb), check=True, capture_output=True)
    server.start()
    return server


def remove_server(server: PostgresServer) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
