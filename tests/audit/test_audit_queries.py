"""Queries: search by every criterion (incl. --cpr), stats, breach-report, access logging, output formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from detectors.cpr import fingerprint
from gateway.audit.breach import breach_facts, render_breach_report
from gateway.audit.queries import Criteria, access_log, search, stats
from gateway.audit.records import timestamp
from gateway.audit.store import AuditLog
from gateway.cli import main
from gateway.types import Action

from .samples import CPR_A, CPR_B, KEY, cpr_verdict, envelope, ordinary_verdict, sensitive_verdict


@pytest.fixture(autouse=True)
def cli_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No configuration file, the test fingerprint key, and a known actor for access records."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAILVAGT_CONFIG", raising=False)
    monkeypatch.setenv("MAILVAGT_HASH_KEY", KEY)
    yield


@pytest.fixture
async def filled(audit: AuditLog) -> str:
    """Q1 (foelsom, two CPRs) and Q2 (ordinary) before the returned time; Q3 (one CPR, rejected) after."""
    q1 = envelope("Q1")
    await audit.record_decision(q1, sensitive_verdict(q1), 100)
    q2 = envelope("Q2", "kontor@skole.example", "bus@busselskab.example")
    await audit.record_decision(q2, ordinary_verdict(q2), 200)
    between = timestamp(datetime.now(UTC))
    q3 = envelope("Q3", "laerer@skole.example", "far@outlook.dk")
    await audit.record_decision(q3, cpr_verdict(q3, CPR_A, Action.REJECT), 300)
    return between


async def refs(audit: AuditLog, criteria: Criteria) -> list[str]:
    return [m["ref"] for m in await audit.read(lambda: search(audit.db, criteria))]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (Criteria(), ["Q1", "Q2", "Q3"]),
        (Criteria(sender="LAERER@skole.example"), ["Q1", "Q3"]),
        (Criteria(recipient="mor@gmail.com"), ["Q1"]),
        (Criteria(level="almindelig"), ["Q2"]),
        (Criteria(category="health"), ["Q1"]),
        (Criteria(category="cpr"), ["Q1", "Q3"]),
        (Criteria(action="reject"), ["Q3"]),
        (Criteria(action="quarantine"), ["Q1"]),
        (Criteria(ref="Q2"), ["Q2"]),
        (Criteria(fingerprint=fingerprint(CPR_A, KEY)), ["Q1", "Q3"]),
        (Criteria(fingerprint=fingerprint(CPR_B, KEY)), ["Q1"]),
        (Criteria(sender="laerer@skole.example", category="cpr", action="reject"), ["Q3"]),
        (Criteria(limit=2), ["Q1", "Q2"]),
    ],
)
async def test_search_criteria(filled: str, audit: AuditLog, criteria: Criteria, expected: list[str]) -> None:
    assert await refs(audit, criteria) == expected


async def test_search_by_time(filled: str, audit: AuditLog) -> None:
    assert await refs(audit, Criteria(since=filled)) == ["Q3"]
    assert await refs(audit, Criteria(until=filled)) == ["Q1", "Q2"]
    today = filled[:10]
    assert await refs(audit, Criteria(since=today, until=today)) == ["Q1", "Q2", "Q3"]
    assert await refs(audit, Criteria(until="2000-01-01")) == []


async def test_cli_search_by_cpr_finds_where_the_data_went_and_logs_the_access(
    filled: str, audit: AuditLog, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "search", "--url", store_url, "--cpr", "030819-4797", "--actor", "dpo", "--json"])
    assert code == 0
    found = json.loads(capsys.readouterr().out)
    assert [m["ref"] for m in found] == ["Q1", "Q3"]
    assert [d["recipient"] for d in found[1]["decisions"]] == ["far@outlook.dk"]
    [access] = await audit.read(lambda: access_log(audit.db))
    assert access["actor"] == "dpo" and access["command"] == "search" and access["result_count"] == 2
    assert json.loads(access["criteria"]) == {"fingerprint": fingerprint(CPR_A, KEY)}
    assert CPR_A not in json.dumps(access)


async def test_cli_search_table_and_csv(
    filled: str, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "search", "--url", store_url, "--category", "health"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["TIME", "REF", "SENDER", "LEVEL", "CATEGORIES", "CPRS", "ROUTES", "SUBJECT"]
    assert "Q1" in table[1] and "mor@gmail.com:quarantine" in table[1] and len(table) == 2
    assert main(["audit", "search", "--url", store_url, "--csv", "--sender", "laerer@skole.example"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["ref"], r["level"], r["cprs"]) for r in rows] == [
        ("Q1", "foelsom", "2"),
        ("Q3", "fortrolig", "1"),
    ]


async def test_cli_rejects_a_malformed_cpr_without_echoing_it(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "search", "--url", store_url, "--cpr", "03081947"]) == 2
    err = capsys.readouterr().err
    assert "--cpr: expected 10 digits" in err and "03081947" not in err


async def test_stats(
    filled: str, audit: AuditLog, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    counts = await audit.read(lambda: stats(audit.db))
    assert counts["messages"] == 3
    assert counts["per_day"] == {filled[:10]: 3}
    assert counts["per_level"] == {"foelsom": 1, "almindelig": 1, "fortrolig": 1}
    assert counts["per_category"] == {"cpr": 2, "health": 1}
    assert counts["per_action"] == {"sikker_mail": 1, "quarantine": 1, "deliver": 1, "reject": 1}
    assert counts["top_blocked_senders"] == {"laerer@skole.example": 2}
    assert (await audit.read(lambda: stats(audit.db, since=filled)))["messages"] == 1
    assert main(["audit", "stats", "--url", store_url, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"group": "top_blocked_senders", "key": "laerer@skole.example", "count": "2"} in rows
    assert main(["audit", "stats", "--url", store_url]) == 0
    assert "per_level" in capsys.readouterr().out
    assert main(["audit", "stats", "--url", store_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["per_category"] == {"cpr": 2, "health": 1}


async def test_breach_report_facts(filled: str, audit: AuditLog) -> None:
    await audit.record_admin_action("Q1", "delete", "admin@skole.example", "slettet fra karantæne")
    facts = await audit.read(lambda: breach_facts(audit.db, ["Q1", "Q3", "NOPE"]))
    assert facts["messages"] == 2 and facts["missing_refs"] == ["NOPE"]
    assert facts["distinct_cpr_fingerprints"] == 2  # CPR_A is in both messages: one person
    assert facts["categories"] == {"cpr": 2, "health": 1}
    assert sorted(r["recipient"] for r in facts["recipients"]) == [
        "far@outlook.dk",
        "mor@gmail.com",
        "ppr@kommune.example",
    ]
    assert facts["admin_actions"][0]["action"] == "delete"
    text = render_breach_report(facts, "2026-03-02T10:00:00Z")
    for expected in (
        "Anmeldelse af brud på persondatasikkerheden til Datatilsynet",
        "72 timer",
        "Fortrolighedsbrud: 2 e-mail(s)",
        "helbredsoplysninger (følsomme, art. 9): 1 e-mail(s)",
        "CPR-numre: 2 e-mail(s)",
        "Mindst 2 forskellige personer identificeret ved CPR-nummer",
        "2 e-mail(s) til i alt 3 modtager(e)",
        "far@outlook.dk: afvist",
        "mor@gmail.com: tilbageholdt i karantæne",
        "admin@skole.example: delete (Q1)",
        "Ikke fundet i revisionsloggen: NOPE",
        "[UDFYLDES: hvornår bruddet blev opdaget]",
    ):
        assert expected in text, expected
    assert CPR_A not in text and CPR_B not in text


async def test_cli_breach_report_is_logged_as_access(
    filled: str, audit: AuditLog, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "breach-report", "--url", store_url, "--actor", "skoleleder", "Q1"]) == 0
    assert "Mailvagt-referencer: Q1" in capsys.readouterr().out
    assert main(["audit", "breach-report", "--url", store_url, "--json", "Q3"]) == 0
    assert json.loads(capsys.readouterr().out)["distinct_cpr_fingerprints"] == 1
    assert main(["audit", "access", "--url", store_url, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["actor"], r["command"], r["criteria"]) for r in rows[:1]] == [
        ("skoleleder", "breach-report", '{"refs":["Q1"]}')
    ]
    assert len(rows) == 2


async def test_category_underscore_is_not_a_wildcard(audit: AuditLog) -> None:
    from gateway.types import Classification, Level, Verdict

    env = envelope("HR")
    await audit.record_decision(
        env, Verdict(Classification(Level.FORTROLIG, ("hrXconfidential",), ()), ()), 1
    )
    assert await refs(audit, Criteria(category="hr_confidential")) == []
    assert await refs(audit, Criteria(category="hrXconfidential")) == ["HR"]


async def test_cli_reads_the_cpr_from_stdin(
    filled: str, store_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("2901196632\n"))
    assert main(["audit", "search", "--url", store_url, "--cpr", "-", "--csv"]) == 0
    assert [r["ref"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))] == ["Q1"]
