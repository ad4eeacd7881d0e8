"""Small pieces on their own: DATA framing, trace headers, command-line overrides, config errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gateway.commands.check_config import run as check_config
from gateway.config import ConfigError, HostPort, LimitsSettings, load_settings, parse_host_port
from gateway.server import Overrides
from gateway.session_limits import MemoryBudget, read_data, unstuff
from gateway.trace import add_trace, count_traces
from gateway.transports.next_hop import dot_stuff

LIMITS = LimitsSettings(max_message_bytes=1000)


async def feed(pieces: list[bytes], limits: LimitsSettings = LIMITS) -> tuple[bytes, bool, bytes]:
    """Run read_data over a stream that arrives in the given pieces; also what is left unread."""
    reader = asyncio.StreamReader()
    for piece in pieces:
        reader.feed_data(piece)
    received = await read_data(reader, limits, MemoryBudget(10**9).claim())
    reader.feed_eof()
    return received.content, received.too_big, await reader.read()


@pytest.mark.parametrize(
    ("pieces", "content"),
    [
        ([b".\r\n"], b""),
        ([b"a\r\n.\r\n"], b"a\r\n"),
        ([b"a\r\n", b".", b"\r\n"], b"a\r\n"),
        ([b"a\r", b"\n.\r", b"\n"], b"a\r\n"),
        ([b"..x\r\n...\r\n.\r\n"], b".x\r\n..\r\n"),
        ([b"a\r\n.b\r\n", b".\r\n"], b"a\r\nb\r\n"),
    ],
)
async def test_data_framing_and_unstuffing(pieces: list[bytes], content: bytes) -> None:
    assert (await feed(pieces))[0] == content


async def test_bytes_after_the_end_stay_for_the_next_command() -> None:
    content, _, rest = await feed([b"Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n"])
    assert content == b"Subject: x\r\n\r\nbody\r\n" and rest == b"QUIT\r\n"


async def test_oversized_data_is_read_to_its_end_and_dropped() -> None:
    content, too_big, rest = await feed([b"x" * 600 + b"\r\n"] * 3 + [b".\r\nNOOP\r\n"])
    assert too_big and content == b"" and rest == b"NOOP\r\n"


async def test_over_budget_data_is_read_to_its_end_and_refused_for_now() -> None:
    budget = MemoryBudget(1500)
    first = budget.claim()
    reader = asyncio.StreamReader()
    reader.feed_data(b"x" * 998 + b"\r\n.\r\n")
    kept = await read_data(reader, LIMITS, first)
    assert kept.content and budget.held == 1000
    second = budget.claim()
    reader = asyncio.StreamReader()
    for piece in [b"y" * 400 + b"\r\n", b"y" * 400 + b"\r\n", b".\r\nNOOP\r\n"]:
        reader.feed_data(piece)
    reader.feed_eof()
    refused = await read_data(reader, LIMITS, second)
    assert refused.over_budget and refused.content == b"" and await reader.read() == b"NOOP\r\n"
    assert budget.held == 1000  # the refused message holds nothing
    first.release()
    assert budget.held == 0


async def test_a_message_alone_is_let_in_whatever_the_budget() -> None:
    budget = MemoryBudget(100)
    reader = asyncio.StreamReader()
    reader.feed_data(b"z" * 598 + b"\r\n" + b"z" * 298 + b"\r\n.\r\n")
    received = await read_data(reader, LIMITS, budget.claim())
    assert not received.over_budget and len(received.content) == 900


def test_dot_stuffing_round_trips() -> None:
    message = b".start\r\nmiddle\r\n..two\r\n.\r\nend"
    wire = b"".join(dot_stuff(message))
    assert wire.endswith(b"end\r\n.\r\n")
    assert unstuff(wire[: -len(b".\r\n")]) == message + b"\r\n"


def test_trace_headers_are_counted_per_host() -> None:
    raw = b"Subject: x\r\n\r\nX-Mailvagt-Trace: mv.test; in the body\r\n"
    once = add_trace(raw, "X-Mailvagt-Trace", "mv.test", "r1")
    twice = add_trace(once, "X-Mailvagt-Trace", "mv.test", "r2")
    other = add_trace(twice, "X-Mailvagt-Trace", "elsewhere.example", "r3")
    assert [count_traces(m, "X-Mailvagt-Trace", "mv.test") for m in (raw, once, twice, other)] == [0, 1, 2, 2]
    assert other.endswith(raw)


def test_command_line_overrides_win_over_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("next_hop: {host: mail.example, port: 25, tls: starttls}\n")
    settings = Overrides(
        listen=parse_host_port("127.0.0.2:2525"), next_hop=parse_host_port("[::1]:10026")
    ).apply(load_settings(config))
    assert settings.server.listen == HostPort(host="127.0.0.2", port=2525)
    assert (settings.next_hop.host, settings.next_hop.port, settings.next_hop.tls) == (
        "::1",
        10026,
        "starttls",
    )
    with pytest.raises(ConfigError, match="HOST:PORT"):
        parse_host_port("localhost")


def test_config_errors_name_the_file_the_key_and_what_is_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("limits: {max_recipients: -1, max_sesions: 5}\nnext_hop: {tls: maybe}\n")
    assert check_config(type("Args", (), {"file": str(config)})()) == 1
    error = capsys.readouterr().err
    assert str(config) in error
    assert "limits.max_recipients: Input should be greater than 0" in error
    assert "limits.max_sesions: unknown key" in error
    assert "next_hop.tls: Input should be 'none', 'starttls' or 'implicit'" in error


def test_check_config_reads_the_term_lists_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    terms = tmp_path / "terms"
    terms.mkdir()
    (terms / "health.yaml").write_text("strong: [astma*]\n", encoding="utf-8")
    (terms / "english_words.yaml").write_text("words: [if, yes, when]\n", encoding="utf-8")  # yes: a bool
    config = tmp_path / "mailvagt.yaml"
    config.write_text("detectors: {terms_dir: terms}\n", encoding="utf-8")
    assert check_config(type("Args", (), {"file": str(config)})()) == 1
    assert "english_words.yaml: 'words' must be a list of words" in capsys.readouterr().err
    (terms / "english_words.yaml").write_text('words: [if, "yes", when]\n', encoding="utf-8")
    assert check_config(type("Args", (), {"file": str(config)})()) == 0
