"""Fixtures for the gateway tests: real next hops (aiosmtpd) and a real gateway per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.scan import scan_message
from gateway.scan_pool import ScanFunction
from tests.gateway.harness import RunningGateway, Sink, settings_for

StartGateway = Callable[..., RunningGateway]


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.close()


@pytest.fixture
def start_gateway(tmp_path: Path) -> Iterator[StartGateway]:
    started: list[RunningGateway] = []

    def start(
        next_hop_port: int, scan_function: ScanFunction = scan_message, **sections: Any
    ) -> RunningGateway:
        gateway = RunningGateway(settings_for(tmp_path, next_hop_port, **sections), scan_function)
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.close()
