"""TLS through the API: verified by default, a CA bundle, a pinned certificate and
verify=False, as the CLI's profiles have them."""

from __future__ import annotations

import hashlib
import logging
import ssl

import pytest
import trustme

from provider_table import DEFAULT_MAILBOXES, SECRET
from mailctl import errors
from mailctl.api import Client
from mailctl.emulator import Emulator


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def https(ca, tmp_path):
    server = ca.issue_cert("127.0.0.1")
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    server.cert_chain_pems[0].write_to_path(str(cert))
    server.private_key_pem.write_to_path(str(key))
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    with Emulator(tls=(str(cert), str(key))) as emulator:
        emulator.pin = hashlib.sha256(der).hexdigest()
        yield emulator


@pytest.fixture
def ca_bundle(ca, tmp_path) -> str:
    path = tmp_path / "panel-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def listed(client: Client) -> list[str]:
    with client:
        return sorted(m.address for m in client.mailboxes("example.com"))


def test_an_unknown_certificate_stops_before_any_request(https):
    with pytest.raises(errors.TransportError) as caught:
        listed(Client("cpanel", https.url, "demo", SECRET))
    assert caught.value.exit_code == 5
    assert https.requests == []


def test_a_ca_bundle_is_trusted(https, ca_bundle):
    assert listed(Client("cpanel", https.url, "demo", SECRET, ca_bundle=ca_bundle)) == DEFAULT_MAILBOXES


def test_a_missing_ca_bundle_is_a_config_error(https, tmp_path):
    with pytest.raises(errors.ConfigError):
        listed(Client("cpanel", https.url, "demo", SECRET, ca_bundle=tmp_path / "none.pem"))


def test_a_pinned_certificate_is_accepted_and_another_refused(https):
    assert listed(Client("cpanel", https.url, "demo", SECRET, pin_sha256=https.pin.upper())) == DEFAULT_MAILBOXES
    https.clear_requests()
    with pytest.raises(errors.TransportError, match="pinned"):
        listed(Client("cpanel", https.url, "demo", SECRET, pin_sha256="00" * 32))
    assert https.requests == []


def test_verify_false_works_and_logs_a_warning(https, caplog):
    with caplog.at_level(logging.WARNING, logger="mailctl"):
        assert listed(Client("cpanel", https.url, "demo", SECRET, verify=False)) == DEFAULT_MAILBOXES
    assert "verification is OFF" in caplog.text
