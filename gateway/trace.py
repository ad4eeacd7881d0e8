"""Loop guard: message bytes -> how often this gateway saw them; the bytes with one trace header added."""

from __future__ import annotations

from email.utils import formatdate


def header_section(raw: bytes) -> bytes:
    """The header lines of a message (everything before the first empty line)."""
    if raw.startswith(b"\r\n"):
        return b""
    end = raw.find(b"\r\n\r\n")
    return raw if end < 0 else raw[: end + 2]


def count_traces(raw: bytes, header_name: str, hostname: str) -> int:
    """How many of our trace headers (this name, naming this host) the message already carries."""
    prefix = header_name.lower().encode("ascii") + b":"
    host = hostname.lower().encode("ascii")
    count = 0
    for line in header_section(raw).split(b"\r\n"):
        lowered = line.lower()
        if lowered.startswith(prefix) and lowered[len(prefix) :].strip().startswith(host):
            count += 1
    return count


def add_trace(raw: bytes, header_name: str, hostname: str, ref: str) -> bytes:
    """Prepend one trace header; the rest of the bytes stay exactly as received."""
    line = f"{header_name}: {hostname}; ref={ref}; {formatdate(localtime=False)}\r\n"
    return line.encode("ascii") + raw
