"""`mailvagt scan` and `mailvagt fingerprint`: the gateway's pipeline on .eml files, the exact JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from detectors.cpr import fingerprint
from gateway.cli import BROKEN_PIPE, main

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "config" / "mailvagt.yaml")


def write_eml(path: Path, subject: str, body: str) -> Path:
    message = EmailMessage()
    message["From"] = "Anne Bach <asb@skole.example>"
    message["To"] = "hanne@skole.example"
    message["Cc"] = "Lene Holm <lene.holm82@gmail.com>"
    message["Subject"] = subject
    message.set_content(body)
    path.write_bytes(bytes(message))
    return path


@pytest.fixture
def emails(tmp_path: Path) -> list[Path]:
    return [
        write_eml(
            tmp_path / "freja.eml",
            "Freja 3.A - handleplan",
            "Hej Hanne\n\nFreja Holm har diabetes og skal have insulin til frokost.\nCPR-nr.: 150315-8114\n",
        ),
        write_eml(tmp_path / "tur.eml", "Tur til Zoologisk Have", "Bookingnr. 1410251045. Husk madpakke.\n"),
    ]


def test_scan_json_shape(
    emails: list[Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILVAGT_HASH_KEY", "cli-key")
    assert main(["scan", "--config", CONFIG, "--json", *map(str, emails)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in lines] == [str(p) for p in emails]
    sensitive, ordinary = lines
    assert set(sensitive) == {"file", "level", "categories", "findings", "decision"}
    assert sensitive["level"] == "foelsom"
    assert sensitive["categories"] == sorted(sensitive["categories"]) and {"cpr", "health"} <= set(
        sensitive["categories"]
    )
    for finding in sensitive["findings"]:
        assert set(finding) == {"category", "where", "score", "masked", "fingerprint"}
        assert isinstance(finding["score"], float)
        assert (finding["fingerprint"] is not None) == (finding["category"] == "cpr")
    (cpr,) = [f for f in sensitive["findings"] if f["category"] == "cpr"]
    assert cpr["fingerprint"] == fingerprint("1503158114", "cli-key") and cpr["where"] == "body"
    assert "8114" not in json.dumps(sensitive)
    recipients = {d["recipient"] for d in sensitive["decision"]["recipients"]}
    assert recipients == {"hanne@skole.example", "lene.holm82@gmail.com"}
    assert ordinary["level"] == "almindelig" and ordinary["categories"] == []


def test_scan_for_a_person_explains(
    emails: list[Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILVAGT_HASH_KEY", raising=False)
    assert main(["scan", "--config", CONFIG, str(emails[0])]) == 0
    captured = capsys.readouterr()
    assert "foelsom" in captured.out and "health" in captured.out and "******-****" in captured.out
    assert "/ 1.00" in captured.out  # score against threshold
    assert "development key" in captured.err


def test_scan_reports_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["scan", "--config", CONFIG, str(tmp_path / "missing.eml")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_fingerprint_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILVAGT_HASH_KEY", "cli-key")
    assert main(["fingerprint", "--config", CONFIG, "150315-8114"]) == 0
    assert capsys.readouterr().out.strip() == fingerprint("1503158114", "cli-key")
    assert main(["fingerprint", "--config", CONFIG, "15031"]) == 2
    assert "10 digits" in capsys.readouterr().err


def test_scan_into_a_closed_pipe_stops_quietly(emails: list[Path]) -> None:
    """`mailvagt scan ... | head -1`: the reader went away; no traceback, the shell's SIGPIPE status."""
    command = [sys.executable, "-m", "gateway.cli", "scan", "--config", CONFIG, *map(str, emails)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # before anything is written: the first line meets a closed pipe
        errors = process.stderr.read().decode()
        assert process.wait(timeout=120) == BROKEN_PIPE
    assert "Traceback" not in errors
