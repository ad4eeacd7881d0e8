"""ESMTP end to end: SIZE, 8BITMIME/SMTPUTF8, DKIM intact, STARTTLS, AUTH, loop guard, internal errors."""

from __future__ import annotations

import base64
import smtplib
import ssl
import warnings
from pathlib import Path

import dkim
import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.server import hash_password
from tests.gateway.conftest import StartGateway
from tests.gateway.harness import (
    RunningGateway,
    Sink,
    sample_message,
    settings_for,
    unused_port,
    without_trace,
)
from tests.gateway.scan_functions import explode


def test_size_is_advertised_and_enforced(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, limits={"max_message_bytes": 2000})
    with gateway.client() as client:
        client.ehlo()
        assert client.esmtp_features["size"] == "2000"
        code, text = client.mail("a@skole.example", ["SIZE=2001"])
        assert (code, text[:5]) == (552, b"5.3.4")
        assert client.mail("a@skole.example", ["SIZE=1500"])[0] == 250
        assert client.rcpt("b@example.dk")[0] == 250
        code, text = client.data(sample_message(body="x" * 70 + "\r\n") * 40)
        assert (code, text[:5]) == (552, b"5.3.4")
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message())  # the session goes on
    assert len(sink.messages) == 1


def test_8bitmime_and_smtputf8_are_carried(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port)
    message = sample_message(subject="Æblegrød på fredag", body="Kære forældre, vi ses på Ørestad.\r\n")
    with gateway.client() as client:
        client.ehlo()
        assert client.has_extn("8bitmime") and client.has_extn("smtputf8")
        client.sendmail(
            "lærer@skole.example", ["forælder@eksempel.dk"], message, ["SMTPUTF8", "BODY=8BITMIME"]
        )
    (received,) = sink.messages
    assert received.mail_from == "lærer@skole.example" and received.rcpt_tos == ["forælder@eksempel.dk"]
    assert "SMTPUTF8" in received.mail_options and "BODY=8BITMIME" in received.mail_options
    assert without_trace(received.data)[1] == message


def test_smtputf8_message_refused_when_next_hop_lacks_it(start_gateway: StartGateway) -> None:
    hop = Sink(smtputf8=False)
    try:
        gateway = start_gateway(hop.port)
        with gateway.client() as client:
            client.ehlo()
            client.mail("lærer@skole.example", ["SMTPUTF8"])
            client.rcpt("forælder@eksempel.dk")
            code, text = client.data(sample_message())
        assert code == 553 and text.startswith(b"5.6.7")
    finally:
        hop.close()


def dkim_keys() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_dkim_signature_made_before_the_gateway_verifies_after_it(
    sink: Sink, start_gateway: StartGateway
) -> None:
    private, record = dkim_keys()
    message = sample_message(subject="Skema for uge 12", body="Se vedhæftede skema.\r\n.\r\n..\r\nHilsen\r\n")
    signature = dkim.sign(message, b"mv2026", b"skole.example", private, canonicalize=(b"relaxed", b"simple"))
    signed = signature + message
    gateway = start_gateway(sink.port)
    with gateway.client() as client:
        client.sendmail("laerer@skole.example", ["foraelder@example.dk"], signed)
    (received,) = sink.messages

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"mv2026._domainkey.skole.example."
        return record

    assert received.data.startswith(b"X-Mailvagt-Trace:")
    assert dkim.verify(received.data, dnsfunc=dns)
    assert not dkim.verify(received.data.replace(b"Hilsen", b"Hilsen!"), dnsfunc=dns)


def test_loop_guard_refuses_with_554_5_4_6(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, server={"max_loops": 2})
    trace = b"X-Mailvagt-Trace: mailvagt.test; ref=abc; Mon, 1 Jan 2026 00:00:00 -0000\r\n"
    other = b"X-Mailvagt-Trace: other-gateway.example; ref=def; Mon, 1 Jan 2026 00:00:00 -0000\r\n"
    with gateway.client() as client:
        client.sendmail("a@skole.example", ["b@example.dk"], trace * 2 + other * 3 + sample_message())
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("a@skole.example", ["b@example.dk"], trace * 3 + sample_message())
    error = refused.value.smtp_error
    assert refused.value.smtp_code == 554 and isinstance(error, bytes) and error.startswith(b"5.4.6")
    assert len(sink.messages) == 1


def test_a_real_loop_ends_with_554_5_4_6(tmp_path: Path) -> None:
    port = unused_port()
    settings = settings_for(
        tmp_path, port, server={"listen": {"host": "127.0.0.1", "port": port}, "max_loops": 2}
    )
    gateway = RunningGateway(settings)  # its next hop is itself
    try:
        with gateway.client() as client, pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
    finally:
        gateway.close()
    assert refused.value.smtp_code == 554 and b"5.4.6" in refused.value.smtp_error


def test_an_internal_error_is_451_with_a_reference_and_no_details(
    sink: Sink, start_gateway: StartGateway
) -> None:
    gateway = start_gateway(sink.port, scan_function=explode)
    with gateway.client() as client:
        client.ehlo()
        client.mail("a@skole.example")
        client.rcpt("b@example.dk")
        code, text = client.data(sample_message())
    assert code == 451 and text.startswith(b"4.3.0 ") and b"(ref " in text
    assert b"CPR" not in text and b"010203" not in text and b"ValueError" not in text
    assert sink.messages == []


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, trustme.CA]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "mailvagt.test")
    folder = tmp_path_factory.mktemp("tls")
    cert.private_key_pem.write_to_path(str(folder / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    for extra in cert.cert_chain_pems[1:]:
        with (folder / "cert.pem").open("ab") as file:
            file.write(extra.bytes())
    return folder / "cert.pem", folder / "key.pem", ca


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_starttls_with_tls_1_2_or_newer(
    sink: Sink, start_gateway: StartGateway, tls_files: tuple[Path, Path, trustme.CA]
) -> None:
    cert, key, ca = tls_files
    gateway = start_gateway(sink.port, server={"tls": {"cert_file": str(cert), "key_file": str(key)}})
    with gateway.client() as client:
        client.ehlo()
        assert client.has_extn("starttls")
        client.starttls(context=client_context(ca))
        assert client.sock.version() in ("TLSv1.2", "TLSv1.3")  # type: ignore[union-attr]
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
    assert len(sink.messages) == 1
    with warnings.catch_warnings():  # an old client on purpose
        warnings.simplefilter("ignore", DeprecationWarning)
        old = client_context(ca)
        old.minimum_version = ssl.TLSVersion.TLSv1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        old.set_ciphers("DEFAULT:@SECLEVEL=0")
    with gateway.client() as client:
        client.ehlo()
        with pytest.raises(ssl.SSLError, match=r"PROTOCOL_VERSION|UNEXPECTED_EOF"):  # the server says no
            client.starttls(context=old)


def test_tls_can_be_required(
    sink: Sink, start_gateway: StartGateway, tls_files: tuple[Path, Path, trustme.CA]
) -> None:
    cert, key, ca = tls_files
    tls = {"cert_file": str(cert), "key_file": str(key), "require": True}
    gateway = start_gateway(sink.port, server={"tls": tls})
    with gateway.client() as client:
        client.ehlo()
        assert client.mail("a@skole.example")[0] == 530
        client.starttls(context=client_context(ca))
        client.ehlo()
        assert client.mail("a@skole.example")[0] == 250


def gateway_with_auth(
    sink: Sink, start_gateway: StartGateway, tls_files: tuple[Path, Path, trustme.CA], tmp_path: Path
) -> RunningGateway:
    """STARTTLS and AUTH (user skole, password hemmelig-kode); only 127.0.0.1 may relay without it."""
    cert, key, _ = tls_files
    users = tmp_path / "users"
    users.write_text(f"skole:{hash_password('hemmelig-kode')}\n")
    return start_gateway(
        sink.port,
        server={
            "tls": {"cert_file": str(cert), "key_file": str(key)},
            "auth": {"enabled": True, "users_file": str(users)},
            "client_networks": ["127.0.0.1/32"],
        },
    )


def test_auth_only_after_starttls_and_then_relays_for_outside_clients(
    sink: Sink, start_gateway: StartGateway, tls_files: tuple[Path, Path, trustme.CA], tmp_path: Path
) -> None:
    ca = tls_files[2]
    gateway = gateway_with_auth(sink, start_gateway, tls_files, tmp_path)
    with gateway.client(source="127.0.0.2") as client:
        client.ehlo()
        assert not client.has_extn("auth")
        assert client.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0skole\0hemmelig-kode").decode())[0] != 235
        client.starttls(context=client_context(ca))
        client.ehlo()
        assert client.has_extn("auth")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login("skole", "forkert")
        assert client.mail("a@skole.example")[0] == 554
        client.rset()
        client.login("skole", "hemmelig-kode")
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
    assert len(sink.messages) == 1


def encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_auth_login_and_malformed_auth_data(
    sink: Sink, start_gateway: StartGateway, tls_files: tuple[Path, Path, trustme.CA], tmp_path: Path
) -> None:
    ca = tls_files[2]
    gateway = gateway_with_auth(sink, start_gateway, tls_files, tmp_path)
    with gateway.client(source="127.0.0.2") as client:
        client.starttls(context=client_context(ca))
        client.ehlo()
        assert client.docmd("AUTH", "PLAIN not-base64!")[0] == 501
        assert client.docmd("AUTH", "LOGIN " + encode("skole"))[0] == 334
        assert client.docmd(encode("forkert"))[0] == 535
        assert client.docmd("AUTH", "LOGIN " + encode("skole"))[0] == 334
        assert client.docmd(encode("hemmelig-kode"))[0] == 235
        client.sendmail("a@skole.example", ["b@example.dk"], sample_message())
    assert len(sink.messages) == 1
