"""The Østervang corpus through routing: `mailvagt scan --json` decisions, every mail through the gateway."""

from __future__ import annotations

import json
import re
from collections import Counter
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

import pytest

from gateway.cli import main
from tests.corpus import corpus_folder

from .e2e import submit, world

CORPUS = corpus_folder()
MESSAGES = sorted((CORPUS / "messages").glob("*.eml"))
EXPECTED = {
    "001-tur-zoologisk-have-3a.eml": {"deliver"},
    "008-underretning-mikkel-6a.eml": {"sikker_mail", "deliver"},
    "015-noah-trivselsmaaling-besvarelse.eml": {"reject"},
    "044-nikolaj-gf-proeve-dumpet.eml": {"quarantine", "deliver"},
    "093-ida-7c-vaegttab-spiseforstyrrelse.eml": {"digital_post"},
}


def test_scan_json_fills_the_decision_per_recipient(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(CORPUS / "messages" / name) for name in EXPECTED]
    assert main(["scan", "--json", *files]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    actions = {Path(r["file"]).name: {d["action"] for d in r["decision"]["recipients"]} for r in results}
    assert actions == EXPECTED
    assert all(d["rule"] and d["class"] for r in results for d in r["decision"]["recipients"])


def envelope_of(raw: bytes) -> tuple[str, tuple[str, ...]]:
    message = message_from_bytes(raw, policy=policy.compat32)
    sender = getaddresses([str(v) for v in message.get_all("From", [])])[0][1]
    rcpts = getaddresses([str(v) for k in ("To", "Cc") for v in message.get_all(k, [])])
    return sender, tuple(dict.fromkeys(a for _, a in rcpts if a))


def cpr_forms() -> re.Pattern[bytes]:
    lines = (CORPUS / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    cprs = {c for line in lines for c in json.loads(line)["cprs"]}
    forms = [*cprs, *(f"{c[:6]}-{c[6:]}" for c in cprs)]
    return re.compile("|".join(re.escape(f) for f in forms).encode())


async def test_whole_corpus_through_the_gateway_leaks_no_cpr_in_any_explanation(tmp_path: Path) -> None:
    replies: Counter[int] = Counter()
    async with world(tmp_path) as w:
        for path in MESSAGES:
            raw = path.read_bytes()
            sender, recipients = envelope_of(raw)
            code, _ = await submit(w.port, recipients, raw, sender=sender)
            replies[code] += 1
        notice_bytes = [item.content for item in w.next_hop.received if item.mail_from in ("", "<>")]
        held = len(w.held())
    assert sum(replies.values()) == len(MESSAGES)
    assert set(replies) <= {
        250,
        451,
    }  # 451 only where the test world's uu-center/gymnasium relays are insecure
    assert replies[250] >= 140
    assert len(notice_bytes) >= 20 and held >= 10
    pattern = cpr_forms()
    assert [n for n in notice_bytes if pattern.search(n)] == []
