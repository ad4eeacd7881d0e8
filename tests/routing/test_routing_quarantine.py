"""Quarantine: files 0600, encryption at rest, and `mailvagt quarantine` list/show/release/delete, audited."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.quarantine_store import QuarantineError, QuarantineStore, read_key

from .e2e import CPRS, NOT_REGISTERED, TEXTS, UNKNOWN, compose, submit, world, write_directory

MESSAGE = b"Subject: Freja\r\n\r\nFreja har CPR 140507-4312 og diagnosen ADHD.\r\n"


def put(store: QuarantineStore) -> str:
    return store.put(
        "ref1", "a@skole.example", ("b@gmail.com",), ("b@gmail.com: fortrolig",), "Freja", MESSAGE
    ).id


def test_held_files_are_0600_and_ids_do_not_clash(tmp_path: Path) -> None:
    store = QuarantineStore(tmp_path / "q")
    first, second = put(store), put(store)
    assert (first, second) == ("ref1", "ref1-2")
    for held in (tmp_path / "q").iterdir():
        assert stat.S_IMODE(held.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "q").stat().st_mode) == 0o700
    assert store.get("ref1").message == MESSAGE


def test_encrypted_store_keeps_no_clear_text_on_disk(tmp_path: Path) -> None:
    assert main(["quarantine", "new-key", str(tmp_path / "key")]) == 0
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
    store = QuarantineStore(tmp_path / "q", read_key(tmp_path / "key"))
    held_id = put(store)
    on_disk = (tmp_path / "q" / f"{held_id}.held").read_bytes()
    assert b"140507" not in on_disk and b"ADHD" not in on_disk and b"Freja" not in on_disk
    assert store.get(held_id).message == MESSAGE
    plain = QuarantineStore(tmp_path / "q")
    with pytest.raises(QuarantineError, match="not a quarantine file"):
        plain.get(held_id)
    assert main(["quarantine", "new-key", str(tmp_path / "key")]) == 1  # never overwrite a key in use


def test_bad_references_are_refused(tmp_path: Path) -> None:
    store = QuarantineStore(tmp_path / "q")
    with pytest.raises(QuarantineError, match="not a quarantine reference"):
        store.get("../../etc/passwd")
    with pytest.raises(QuarantineError, match="no held message"):
        store.get("nothing-here")


async def test_list_show_release_delete_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with world(tmp_path) as w:
        recipients = (UNKNOWN, NOT_REGISTERED)
        code, reply = await submit(w.port, recipients, compose("Freja", TEXTS["foelsom"]))
        assert code == 250, reply
        cli = ["quarantine", "--config", str(w.config), "--actor", "admin1"]

        async def run(*args: str) -> tuple[int, str]:
            capsys.readouterr()
            status = await asyncio.to_thread(main, [*cli, *args])
            return status, capsys.readouterr().out

        status, listing = await run("list")
        lines = listing.strip().splitlines()
        assert status == 0 and len(lines) == 2
        by_recipient = {line.split("\t")[3]: line.split("\t")[0] for line in lines}
        status, shown = await run("show", by_recipient[UNKNOWN])
        assert status == 0 and "diagnosen ADHD" in shown and "not_in_directory" in shown

        # The school adds the parent to the directory and the parent registers: release uses Digital Post.
        write_directory(w.folder / "recipients.csv", {**CPRS, UNKNOWN: "2304851190"})
        w.digital_post.behaviour.contacts["2304851190"] = "registered"
        memos = len(w.digital_post.memos)
        status, released = await run("release", by_recipient[UNKNOWN])
        assert status == 0 and "digital_post delivered" in released
        assert len(w.digital_post.memos) == memos + 1
        assert b"2304851190" in w.digital_post.memos[-1].xml

        # Still not registered: a release keeps it held; delete removes it.
        status, released = await run("release", by_recipient[NOT_REGISTERED])
        assert status == 0 and f"{NOT_REGISTERED}: still held" in released
        status, _ = await run("delete", by_recipient[NOT_REGISTERED])
        assert status == 0
        status, listing = await run("list")
        assert by_recipient[UNKNOWN] not in listing and by_recipient[NOT_REGISTERED] not in listing

        rows = w.audit_rows("SELECT action, actor FROM admin_action ORDER BY seq")
        assert ("quarantine.release", "admin1") in rows and ("quarantine.delete", "admin1") in rows
        assert ("quarantine.show", "admin1") in rows
        details = " ".join(r[0] for r in w.audit_rows("SELECT detail FROM admin_action"))
        assert "2304851190" not in details


async def test_a_quarantine_that_cannot_store_answers_451(tmp_path: Path) -> None:
    from gateway.routing.settings import RoutingSettings
    from gateway.transports.quarantine import QuarantineTransport
    from gateway.types import Action, Classification, Envelope, Level, Status, Verdict

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the quarantine folder should be", encoding="utf-8")
    quarantine = QuarantineTransport(QuarantineStore(blocked), RoutingSettings(), Action.QUARANTINE)
    verdict = Verdict(Classification(Level.FOELSOM, ("health",), ()), ())
    envelope = Envelope("r9", "127.0.0.1", "a@skole.example", ("b@gmail.com",))
    (outcome,) = await quarantine.send(envelope, ["b@gmail.com"], MESSAGE, verdict)
    assert outcome.status is Status.DEFERRED and outcome.reply.startswith("451")
