"""Session limits end to end: recipients, timeouts, DATA rate, session counts, bad commands, idle crowds."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from tests.gateway.conftest import StartGateway
from tests.gateway.harness import RunningGateway, Sink, sample_message


@contextmanager
def raw_session(gateway: RunningGateway, source: str = "127.0.0.1") -> Iterator[socket.socket]:
    sock = socket.create_connection((gateway.host, gateway.port), timeout=10, source_address=(source, 0))
    try:
        yield sock
    finally:
        sock.close()


def read_reply(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n") or data.split(b"\r\n")[-2][3:4] == b"-":
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def command(sock: socket.socket, line: str) -> bytes:
    sock.sendall(line.encode() + b"\r\n")
    return read_reply(sock)


def open_transaction(sock: socket.socket) -> None:
    assert read_reply(sock).startswith(b"220")
    assert command(sock, "EHLO test").startswith(b"250")
    assert command(sock, "MAIL FROM:<a@skole.example>").startswith(b"250")
    assert command(sock, "RCPT TO:<b@example.dk>").startswith(b"250")
    assert command(sock, "DATA").startswith(b"354")


def test_too_many_recipients_is_452_4_5_3(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, limits={"max_recipients": 3})
    with gateway.client() as client:
        client.ehlo()
        client.mail("a@skole.example")
        codes = [client.rcpt(f"r{n}@example.dk") for n in range(4)]
        assert [c for c, _ in codes] == [250, 250, 250, 452]
        assert codes[3][1].startswith(b"4.5.3")
        code, _ = client.data(sample_message())
    assert code == 250 and sink.messages[0].rcpt_tos == ["r0@example.dk", "r1@example.dk", "r2@example.dk"]


def test_idle_session_is_closed_with_421(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, limits={"command_timeout": 0.5})
    with raw_session(gateway) as sock:
        assert read_reply(sock).startswith(b"220")
        started = time.monotonic()
        assert read_reply(sock).startswith(b"421 4.4.2")
        assert sock.recv(10) == b""
        assert 0.4 < time.monotonic() - started < 3


def test_data_deadline(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, limits={"data_deadline": 1.0, "min_data_rate": 0})
    with raw_session(gateway) as sock:
        open_transaction(sock)
        started = time.monotonic()
        sock.settimeout(0.15)
        reply = b""
        while not reply and time.monotonic() - started < 5:
            sock.sendall(b"Subject: langsom\r\n")
            try:
                reply = read_reply(sock)
            except TimeoutError:
                continue
        assert reply.startswith(b"421 4.4.2") and b"Timeout" in reply
        assert 0.9 < time.monotonic() - started < 3
    assert sink.messages == []


def test_minimum_data_rate(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, limits={"min_data_rate": 2000, "min_data_rate_grace": 0.5})
    with raw_session(gateway) as sock:
        open_transaction(sock)
        sock.settimeout(0.1)
        reply = b""
        started = time.monotonic()
        while not reply and time.monotonic() - started < 5:
            sock.sendall(b"x" * 20 + b"\r\n")  # about 200 bytes/s
            try:
                reply = read_reply(sock)
            except TimeoutError:
                continue
        assert reply.startswith(b"421 4.4.2") and b"minimum rate" in reply
    assert sink.messages == []


def test_session_limits_overall_and_per_client(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, limits={"max_sessions": 3, "max_sessions_per_client": 2})
    with ExitStack() as stack:
        first = [stack.enter_context(raw_session(gateway)) for _ in range(2)]
        assert all(read_reply(s).startswith(b"220") for s in first)
        with raw_session(gateway) as third:
            assert read_reply(third).startswith(b"421 4.7.0")
        other = stack.enter_context(raw_session(gateway, source="127.0.0.2"))
        assert read_reply(other).startswith(b"220")
        with raw_session(gateway, source="127.0.0.3") as fourth:
            assert read_reply(fourth).startswith(b"421 4.7.0")
    time.sleep(0.2)  # the closed sessions are released
    with gateway.client() as client:
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
    assert len(sink.messages) == 1


def test_bad_command_limit(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, limits={"max_bad_commands": 3})
    with raw_session(gateway) as sock:
        assert read_reply(sock).startswith(b"220")
        assert command(sock, "EHLO test").startswith(b"250")
        assert command(sock, "FOO").startswith(b"500")
        assert command(sock, "RCPT TO:<x@example.dk>").startswith(b"503")
        sock.sendall(b"BAR\r\n")
        replies = b""
        while chunk := sock.recv(4096):  # the reply, then 421 and the end of the session
            replies += chunk
        assert replies.startswith(b"500") and b"\r\n421 4.7.0" in replies


def test_a_real_client_is_served_while_two_hundred_idle_sessions_are_open(
    sink: Sink, start_gateway: StartGateway
) -> None:
    gateway = start_gateway(sink.port)
    with ExitStack() as stack:
        # max_sessions_per_client is 100: the crowd comes from two loopback addresses
        idle = [stack.enter_context(raw_session(gateway, source=f"127.0.1.{n % 2 + 1}")) for n in range(200)]
        assert all(read_reply(s).startswith(b"220") for s in idle)
        with gateway.client(timeout=30) as client:  # raises unless every reply is 2xx/354
            client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
        assert all(command(s, "NOOP").startswith(b"250") for s in idle)  # the crowd is still served
    assert len(sink.messages) == 1
