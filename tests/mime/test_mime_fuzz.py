"""Fuzzing: mutated corpus messages and mutated attachments never raise and end within the time budget."""

from __future__ import annotations

import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.mime.extract import extract_text
from gateway.mime.settings import ExtractionSettings
from gateway.types import Extraction
from tests.corpus import corpus_folder

from .build import attach, message

CORPUS = corpus_folder() / "messages"
MESSAGES = sorted(CORPUS.glob("*.eml"))
BUDGET = ExtractionSettings(max_seconds=3.0, ocr_seconds=1.0)
# The hard alarm fires 2 s after max_seconds; anything slower than this is a hang.
WALL_LIMIT = BUDGET.max_seconds + 3.0


def attachments_of(path: Path) -> list[tuple[str, bytes]]:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, EmailMessage)
    found = []
    for part in parsed.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            found.append((part.get_filename() or "bilag", data))
    return found


ATTACHMENTS = [item for path in MESSAGES for item in attachments_of(path)]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few flips, cuts, insertions and duplications."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not buffer:
            break
        at = draw(st.integers(0, len(buffer) - 1))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "duplicate", "truncate"]))
        if kind == "flip":
            buffer[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del buffer[at : at + draw(st.integers(1, 400))]
        elif kind == "insert":
            buffer[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "duplicate":
            buffer[at:at] = buffer[at : at + draw(st.integers(1, 2000))]
        else:
            del buffer[at:]
    return bytes(buffer)


def extract_within_budget(raw: bytes) -> Extraction:
    started = time.monotonic()
    result = extract_text(raw, BUDGET)
    assert time.monotonic() - started < WALL_LIMIT
    assert all(f.category == "unscannable" and f.reason for f in result.unscannable)
    assert all(
        p.where == "subject" or p.where == "body" or p.where.startswith("attachment:") for p in result.parts
    )
    return result


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_mutated_corpus_messages(data: st.DataObject) -> None:
    path = MESSAGES[data.draw(st.integers(0, len(MESSAGES) - 1))]
    extract_within_budget(data.draw(mutated(path.read_bytes())))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_mutated_attachments(data: st.DataObject) -> None:
    name, content = ATTACHMENTS[data.draw(st.integers(0, len(ATTACHMENTS) - 1))]
    msg = message(body="Se bilag")
    attach(msg, data.draw(mutated(content)), name)
    result = extract_within_budget(msg.as_bytes())
    assert any(p.where == f"attachment:{name}" and p.detail == "file name" for p in result.parts)


def test_the_corpus_is_there_to_fuzz() -> None:
    assert len(MESSAGES) == 150
    assert {name.rsplit(".", 1)[-1] for name, _ in ATTACHMENTS} >= {"docx", "xlsx", "pdf", "csv", "zip"}
