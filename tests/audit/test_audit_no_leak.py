"""Nothing sensitive in clear: the whole corpus through the audit, then grep store, dump, logs and output."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gateway.audit.breach import ACTION_NAMES, CATEGORY_NAMES, STATUS_NAMES, render_breach_report
from gateway.audit.chain import verify
from gateway.audit.settings import AuditSettings
from gateway.audit.store import open_audit
from gateway.cli import main
from gateway.types import RecipientOutcome, Status

from .corpus import corpus_envelope, corpus_messages, corpus_verdict, forbidden_strings, leaks
from .postgres_server import PostgresServer
from .samples import KEY

NO_FACTS: dict[str, object] = {
    "refs": [],
    "missing_refs": [],
    "messages": 0,
    "senders": [],
    "categories": {},
    "distinct_cpr_fingerprints": 0,
    "recipients": [],
    "admin_actions": [],
    "first_at": None,
    "last_at": None,
}


async def test_corpus_leaves_no_cpr_or_sensitive_term_in_clear(
    settings: AuditSettings,
    store_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAILVAGT_CONFIG", raising=False)
    monkeypatch.setenv("MAILVAGT_HASH_KEY", KEY)
    log_file = tmp_path / "gateway.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)
    items = list(corpus_messages())
    sensitive_refs = []
    audit = await open_audit(settings, "cfg")
    try:
        for n, item in enumerate(items):
            env = corpus_envelope(f"C{n:03d}", item)
            verdict = corpus_verdict(env, item, KEY)
            await audit.record_decision(env, verdict, item.size)
            outcomes = [
                RecipientOutcome(d.recipient, d.action, Status.DELIVERED, "250 2.0.0 Ok")
                for d in verdict.decisions
            ]
            await audit.record_outcomes(env, outcomes)
            if item.cprs:
                sensitive_refs.append(env.ref)
                await audit.record_admin_action(
                    env.ref, "release", "admin", f"frigivet, gælder {item.cprs[0]}"
                )
        assert (await audit.read(lambda: verify(audit.db))).ok
    finally:
        await audit.close()
        logging.getLogger().removeHandler(handler)
        handler.close()

    assert main(["audit", "search", "--url", store_url, "--json"]) == 0
    for cpr in {c for i in items for c in i.cprs}:
        assert main(["audit", "search", "--url", store_url, "--cpr", cpr]) == 0
    assert main(["audit", "breach-report", "--url", store_url, *sensitive_refs]) == 0
    assert main(["audit", "stats", "--url", store_url]) == 0
    output = capsys.readouterr()
    assert "C001" in output.out and "Anmeldelse af brud" in output.out  # the output was really produced

    forbidden = forbidden_strings(items)
    assert len(forbidden) > 150 and "0308194797" in forbidden and "diabetes" in forbidden
    if store_url.startswith("sqlite:///"):
        path = Path(store_url.removeprefix("sqlite:///"))
        stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        stored = server.dump(urlsplit(store_url).path.lstrip("/")).encode()
    assert b"laerer" in stored or b"skole.example" in stored  # the records are there to be searched
    assert leaks(stored, forbidden) == []
    assert leaks(log_file.read_bytes(), forbidden) == []
    # The reports' own Danish wording (category names, headings) may share a word with a subject.
    template = [render_breach_report(NO_FACTS, ""), *CATEGORY_NAMES.values(), *STATUS_NAMES.values()]
    vocabulary = " ".join([*template, *ACTION_NAMES.values()]).lower()
    words_not_in_vocabulary = [f for f in forbidden if f.lower() not in vocabulary]
    assert "0308194797" in words_not_in_vocabulary and "diabetes" in words_not_in_vocabulary
    assert leaks((output.out + output.err).encode(), words_not_in_vocabulary) == []
