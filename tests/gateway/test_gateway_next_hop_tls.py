"""The next hop over STARTTLS or implicit TLS, with AUTH: delivered, certificate checked."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.gateway.conftest import StartGateway
from tests.gateway.harness import Sink, sample_message


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def only_skole(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"skole", b"relay-kode")
    return AuthResult(success=ok, auth_data=data.login if ok else None)


def ca_file(tmp_path: Path, ca: trustme.CA) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def test_starttls_and_auth_to_the_next_hop(start_gateway: StartGateway, tmp_path: Path) -> None:
    ca = trustme.CA()
    hop = Sink(tls_context=server_context(ca), authenticator=only_skole)
    try:
        settings = {
            "tls": "starttls",
            "ca_file": ca_file(tmp_path, ca),
            "username": "skole",
            "password": "relay-kode",
        }
        gateway = start_gateway(hop.port, next_hop=settings)
        with gateway.client() as client:
            client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
        assert len(hop.messages) == 1
        assert hop.handler.tls_versions[0] in ("TLSv1.2", "TLSv1.3")
        assert hop.handler.logins == [b"skole"]
    finally:
        hop.close()


def test_implicit_tls_to_the_next_hop(start_gateway: StartGateway, tmp_path: Path) -> None:
    ca = trustme.CA()
    hop = Sink(implicit_tls=server_context(ca))
    try:
        gateway = start_gateway(hop.port, next_hop={"tls": "implicit", "ca_file": ca_file(tmp_path, ca)})
        with gateway.client() as client:
            client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
        assert len(hop.messages) == 1 and hop.handler.tls_versions[0] in ("TLSv1.2", "TLSv1.3")
    finally:
        hop.close()


def test_an_untrusted_next_hop_certificate_is_not_used(start_gateway: StartGateway, tmp_path: Path) -> None:
    hop = Sink(tls_context=server_context(trustme.CA()))
    try:
        gateway = start_gateway(
            hop.port, next_hop={"tls": "starttls", "ca_file": ca_file(tmp_path, trustme.CA())}
        )
        with gateway.client() as client:
            client.ehlo()
            client.mail("a@skole.example")
            client.rcpt("b@example.dk")
            code, _ = client.data(sample_message())
        assert code == 451 and hop.messages == []
    finally:
        hop.close()
