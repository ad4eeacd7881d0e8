"""Shared fixtures: one detector per test session (building it loads spaCy and the term lists)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from detectors.classify import classify
from detectors.engine import Detector, shared_detector
from detectors.settings import DetectorSettings
from gateway.types import Classification, Finding, TextPart


@pytest.fixture(scope="session")
def settings() -> DetectorSettings:
    return DetectorSettings(hash_key="test-key")


@pytest.fixture(scope="session")
def detector(settings: DetectorSettings) -> Detector:
    return shared_detector(settings)


@pytest.fixture(scope="session")
def find(detector: Detector) -> Callable[[str], list[Finding]]:
    def run(text: str, where: str = "body") -> list[Finding]:
        return detector.analyze([TextPart(text, where)])

    return run


@pytest.fixture(scope="session")
def categories(detector: Detector, settings: DetectorSettings) -> Callable[..., Classification]:
    def run(body: str, subject: str = "") -> Classification:
        parts = [TextPart(subject, "subject")] if subject else []
        parts.append(TextPart(body, "body"))
        return classify(detector.analyze(parts), settings)

    return run
