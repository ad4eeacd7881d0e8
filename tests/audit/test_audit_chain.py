"""Tamper evidence: verify walks the hash chain and names the first broken link."""

from __future__ import annotations

import pytest

from gateway.audit.chain import verify
from gateway.audit.store import AuditLog
from gateway.cli import main

from .samples import envelope, ordinary_verdict, sensitive_verdict


async def fill(audit: AuditLog, count: int = 3) -> None:
    """``count`` messages of three links each: seq 1-3, 4-6, 7-9 ..."""
    for i in range(count):
        env = envelope(f"T{i}")
        await audit.record_decision(env, sensitive_verdict(env) if i % 2 else ordinary_verdict(env), 10)


async def test_intact_chain_verifies(
    audit: AuditLog, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await fill(audit)
    result = await audit.read(lambda: verify(audit.db))
    assert result.ok and result.checked == 9 and result.head_seq == 9
    assert main(["audit", "verify", "--url", store_url]) == 0
    assert "OK: 9 records" in capsys.readouterr().out


async def test_altered_row_is_the_first_broken_link(
    audit: AuditLog, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await fill(audit)
    await audit.read(lambda: audit.db.query("UPDATE message SET level = 'almindelig' WHERE ref = 'T1'"))
    result = await audit.read(lambda: verify(audit.db))
    assert (result.broken_seq, result.broken_table, result.checked) == (4, "message", 3)
    assert "altered" in result.problem
    assert main(["audit", "verify", "--url", store_url]) == 1
    assert "BROKEN at link 4 (message)" in capsys.readouterr().out


async def test_altered_decision_is_caught(audit: AuditLog) -> None:
    await fill(audit)
    await audit.read(lambda: audit.db.query("UPDATE decision SET action = 'deliver' WHERE seq = 6"))
    result = await audit.read(lambda: verify(audit.db))
    assert (result.broken_seq, result.broken_table) == (6, "decision")


async def test_removed_row_is_reported_missing(audit: AuditLog) -> None:
    await fill(audit)
    await audit.read(lambda: audit.db.query("DELETE FROM decision WHERE seq = 5"))
    result = await audit.read(lambda: verify(audit.db))
    assert result.broken_seq == 5 and "missing" in result.problem


async def test_removed_tail_is_caught_by_the_head(audit: AuditLog) -> None:
    await fill(audit)
    await audit.read(lambda: audit.db.query("DELETE FROM decision WHERE seq = 9"))
    result = await audit.read(lambda: verify(audit.db))
    assert result.broken_seq == 9 and "ends before its head" in result.problem


async def test_rehashed_row_breaks_the_next_link(audit: AuditLog) -> None:
    """Re-computing a forged row's own hash does not help: the next row still links to the old one."""
    from gateway.audit.chain import link_hash
    from gateway.audit.schema import MESSAGE

    await fill(audit)

    def forge() -> None:
        columns = ", ".join(MESSAGE.columns)
        row = audit.db.query(f"SELECT {columns}, prev_hash FROM message WHERE seq = 4")[0]  # noqa: S608
        values = ["T1-forged" if v == "T1" else v for v in row[:-1]]
        forged = link_hash(row[-1], MESSAGE, 4, values)
        audit.db.query("UPDATE message SET ref = 'T1-forged', hash = ? WHERE seq = 4", (forged,))

    await audit.read(forge)
    result = await audit.read(lambda: verify(audit.db))
    assert (result.broken_seq, result.broken_table) == (5, "decision")


async def test_verify_json(audit: AuditLog, store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    await fill(audit, 1)
    await audit.read(lambda: audit.db.query("UPDATE decision SET rule = 'x' WHERE seq = 3"))
    assert main(["audit", "verify", "--url", store_url, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["broken_seq"] == 3 and result["checked"] == 2
