"""``mailvagt demo`` end to end: the console command as the README runs it, in a fresh process."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.leaks import shows_digits

REPO = Path(__file__).resolve().parents[2]


def run_demo(folder: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "demo", "--folder", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_demo_shows_every_route_and_the_teachers_explanation(tmp_path: Path) -> None:
    out = run_demo(tmp_path)
    routes = re.findall(r"^   -> (\S+)\s+(\w+)\s+(\w+)\s+(\w+)", out, flags=re.MULTILINE)
    assert routes == [
        ("akt@skole.example", "internal", "deliver", "delivered"),
        ("karina.k@outlook.dk", "external", "deliver", "delivered"),
        ("ppr@kommune.example", "partner", "sikker_mail", "delivered"),
        ("karina.k@outlook.dk", "external", "digital_post", "delivered"),
        ("madsbak@gmail.com", "external", "quarantine", "held"),
        ("akt@skole.example", "internal", "reject", "held"),
        ("madsbak@gmail.com", "external", "reject", "held"),
    ]
    assert out.count("SMTP reply: 250 2.0.0 Ok: queued as") == 5
    assert "sikker_mail   delivered over TLSv1." in out
    assert "the partner's Sikker Mail relay 1, Digital Post 1 MeMo messages; 2 held in quarantine" in out
    # The explanations a teacher gets: what was found, which rule, what happened, how to send safely.
    assert "Mailvagt: din mail er ikke sendt til alle" in out
    assert "Mailvagt: din mail er stoppet" in out
    assert "Den regel, der gælder" in out and "Skriv [sikker] i emnefeltet" in out
    assert "English summary" in out
    # The CPR in the Sikker Mail sample is never shown; the audit log is where the demo says.
    assert not shows_digits("230615", out) and not shows_digits("4127", out)
    with sqlite3.connect(tmp_path / "audit.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM message").fetchone() == (5,)
    assert len(list((tmp_path / "quarantine").glob("*.held"))) == 2
