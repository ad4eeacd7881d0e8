"""Open-relay probes from an address outside server.client_networks: nothing may be accepted."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import StartGateway
from tests.gateway.harness import Sink, sample_message

PROBES = [
    ("spammer@evil.example", "victim@other.example"),  # third party to third party
    ("spammer@evil.example", "victim%other.example@mailvagt.test"),  # percent hack
    ("spammer@evil.example", "@mailvagt.test:victim@other.example"),  # source route
    ("spammer@evil.example", '"victim@other.example"@mailvagt.test'),  # quoted local part with @
    ("spammer@evil.example", "other.example!victim@mailvagt.test"),  # bang path
    ("", "victim@other.example"),  # null sender
    ("postmaster@localhost", "victim@other.example"),  # localhost sender
    ("root@[127.0.0.1]", "victim@other.example"),  # address literal sender
    ("laerer@skole.example", "victim@other.example"),  # a sender in our own domain
]


@pytest.mark.parametrize(("sender", "recipient"), PROBES)
def test_outside_client_cannot_relay(
    sink: Sink, start_gateway: StartGateway, sender: str, recipient: str
) -> None:
    gateway = start_gateway(sink.port, server={"client_networks": ["127.0.0.1/32"]})
    with gateway.client(source="127.0.0.2") as client:
        client.ehlo()
        mail_code, mail_text = client.docmd("MAIL", f"FROM:<{sender}>")
        rcpt_code, _ = client.docmd("RCPT", f"TO:<{recipient}>")
        data_code, _ = client.docmd("DATA")
        if data_code == 354:
            client.send(sample_message() + b".\r\n")
            data_code, _ = client.getreply()
    assert mail_code == 554 and mail_text.startswith(b"5.7.1")
    assert rcpt_code >= 500 and data_code >= 500
    assert sink.messages == []


def test_inside_client_relays(sink: Sink, start_gateway: StartGateway) -> None:
    gateway = start_gateway(sink.port, server={"client_networks": ["127.0.0.1/32"]})
    with gateway.client(source="127.0.0.1") as client:
        client.sendmail("laerer@skole.example", ["foraelder@example.dk"], sample_message())
    assert len(sink.messages) == 1
