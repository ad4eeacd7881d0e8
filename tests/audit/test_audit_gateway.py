"""End to end through the real gateway: a dead PostgreSQL store means 451 and nothing delivered."""

from __future__ import annotations

import smtplib
import uuid
from pathlib import Path

import psycopg

from gateway.audit.queries import Criteria, search
from tests.gateway.harness import RunningGateway, Sink, sample_message, settings_for

from .postgres_server import PostgresServer


def send(gateway: RunningGateway) -> tuple[int, str]:
    with gateway.client() as client:
        client.ehlo()
        client.mail("laerer@skole.example")
        client.rcpt("ppr@kommune.example")
        try:
            code, text = client.data(sample_message())
        except smtplib.SMTPDataError as exc:
            return exc.smtp_code, str(exc.smtp_error)
        return code, text.decode()


def test_gateway_answers_451_while_postgres_is_down_and_delivers_after(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    name = f"audit_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    sink = Sink()
    audit_section = {"url": postgres.url(name), "auto_purge": False, "connect_timeout": 1.0}
    gateway = RunningGateway(settings_for(tmp_path, sink.port, audit=audit_section))
    try:
        postgres.stop()
        try:
            code, text = send(gateway)
        finally:
            postgres.start()
        assert code == 451 and sink.messages == []
        code, text = send(gateway)
        assert code == 250 and len(sink.messages) == 1
        ref = text.split()[-1]
        [found] = gateway.thread.call(gateway.audit.read(lambda: search(gateway.audit.db, Criteria(ref=ref))))
        assert [(o["recipient"], o["status"]) for o in found["outcomes"]] == [
            ("ppr@kommune.example", "delivered")
        ]
    finally:
        gateway.close()
        sink.close()
