"""TLS over real HTTPS with a test CA: verified by default, a per-profile CA bundle,
certificate pinning (trust on first use or a given fingerprint), --insecure warns."""

import hashlib
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from mailctl.config import Config
from mailctl.errors import TransportError
from mailctl.transport import Transport, TransportSettings


class Hello(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")


def serve_tls(cert):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def https(ca, tmp_path):
    cert = ca.issue_cert("127.0.0.1", "localhost")
    httpd = serve_tls(cert)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    yield {"url": f"https://127.0.0.1:{httpd.server_address[1]}", "bundle": str(bundle),
           "sha256": hashlib.sha256(der).hexdigest()}
    httpd.shutdown()
    httpd.server_close()


def get(url, **settings):
    return Transport(TransportSettings(base_url=url, retries=0, **settings)).request("GET", "/")


def test_unknown_ca_is_refused_by_default(https):
    with pytest.raises(TransportError, match="could not be verified") as err:
        get(https["url"])
    assert err.value.exit_code == 5


def test_ca_bundle_is_trusted(https):
    assert get(https["url"], verify=https["bundle"]).text == "hello"


def test_matching_pin_is_accepted_without_a_ca(https):
    assert get(https["url"], pin_sha256=https["sha256"]).text == "hello"


def test_other_certificate_is_refused_when_pinned(https):
    with pytest.raises(TransportError, match="not the pinned one"):
        get(https["url"], pin_sha256="00" * 32)


def test_insecure_skips_verification(https):
    assert get(https["url"], verify=False).text == "hello"


def test_profile_add_pin_stores_the_fingerprint_and_shows_it(cli, https):
    result = cli("profile", "add", "p", "--provider", "cpanel", "--url", https["url"], "--user", "u", "--pin")
    assert result.exit_code == 0, result.stderr
    assert Config.load().get("p").pin_sha256 == https["sha256"]
    shown = https["sha256"].upper()
    assert ":".join(shown[i:i + 2] for i in range(0, 64, 2)) in result.stderr


def test_profile_add_pin_sha256_accepts_colons_and_rejects_junk(cli, https):
    colons = ":".join(https["sha256"][i:i + 2] for i in range(0, 64, 2)).upper()
    ok = cli("profile", "add", "p", "--provider", "cpanel", "--url", https["url"], "--user", "u", "--pin-sha256", colons)
    assert ok.exit_code == 0 and Config.load().get("p").pin_sha256 == https["sha256"]
    bad = cli("profile", "add", "q", "--provider", "cpanel", "--url", https["url"], "--user", "u", "--pin-sha256", "abc")
    assert bad.exit_code == 2 and "64 hex digits" in bad.stderr


def test_pin_unreachable_server_saves_nothing(cli):
    result = cli("profile", "add", "p", "--provider", "cpanel", "--url", "https://127.0.0.1:1", "--user", "u", "--pin")
    assert result.exit_code == 5
    assert Config.load().names() == []


def test_pin_contradicts_insecure(cli, https):
    result = cli("profile", "add", "p", "--provider", "cpanel", "--url", https["url"], "--user", "u", "--pin", "--insecure")
    assert result.exit_code == 2 and Config.load().names() == []


def test_insecure_profile_warns(cli, https):
    result = cli("profile", "add", "p", "--provider", "cpanel", "--url", https["url"], "--user", "u", "--insecure")
    assert result.exit_code == 0 and "will not verify TLS certificates" in result.stderr
