"""TLS end to end: the emulator over HTTPS with a certificate from a test CA, and the
real CLI. Verified by default (a certificate nobody vouched for stops everything before
a request is made), a profile's CA bundle, a pinned certificate that stops being
accepted the moment the server shows another one, and --insecure, which works and says
so on every run."""

from __future__ import annotations

import json
import os

import pytest
import trustme

from hardening_support import DEFAULT_MAILBOXES, LOGIN, PROVIDERS, SECRET, assert_one_error_line
from mailctl.emulator import Emulator

WITH_SECRET = {"MAILCTL_SECRET": SECRET}


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def certificate(ca, tmp_path):
    """Issues a new server certificate for 127.0.0.1 each call: (cert file, key file)."""
    issued = []

    def issue() -> tuple[str, str]:
        server = ca.issue_cert("127.0.0.1")
        cert, key = tmp_path / f"server{len(issued)}.pem", tmp_path / f"server{len(issued)}.key"
        server.cert_chain_pems[0].write_to_path(str(cert))
        server.private_key_pem.write_to_path(str(key))
        issued.append(cert)
        return str(cert), str(key)

    return issue


@pytest.fixture
def https(certificate):
    with Emulator(tls=certificate()) as emulator:
        yield emulator


@pytest.fixture
def ca_bundle(ca, tmp_path) -> str:
    path = tmp_path / "panel-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def add(cli, emu, *options: str, provider: str = "cpanel") -> None:
    result = cli("profile", "add", "tls", "--provider", provider, "--url", emu.url, "--user", LOGIN[provider],
                 *options)
    assert result.exit_code == 0, result.stderr


def addresses(stdout: str) -> list[str]:
    return [line.split("\t")[0] for line in stdout.splitlines()]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_unverifiable_certificate_stops_everything_before_a_request(cli, https, provider):
    add(cli, https, provider=provider)

    login = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    listing = cli("pop", "list", "example.com", environ=WITH_SECRET)

    for result in (login, listing):
        assert result.exit_code == 5
        assert "could not be verified" in assert_one_error_line(result.stderr)
    assert https.requests == []  # no request got past the handshake


def test_the_profiles_ca_bundle_is_trusted(cli, https, ca_bundle):
    add(cli, https, "--ca-bundle", ca_bundle)

    login = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    listing = cli("pop", "list", "example.com")

    assert login.exit_code == 0, login.stderr
    assert listing.exit_code == 0, listing.stderr
    assert addresses(listing.stdout) == DEFAULT_MAILBOXES
    assert listing.stderr == ""


def test_a_ca_bundle_that_is_gone_is_a_clear_error_not_a_traceback(cli, https, ca_bundle):
    add(cli, https, "--ca-bundle", ca_bundle)
    os.unlink(ca_bundle)

    result = cli("pop", "list", "example.com", environ=WITH_SECRET)

    assert result.exit_code == 2
    assert "CA bundle" in assert_one_error_line(result.stderr) and ca_bundle in result.stderr
    assert https.requests == []


def test_a_pinned_certificate_is_accepted_and_no_other(cli, https, certificate):
    add(cli, https, "--pin")
    pinned = cli("pop", "list", "example.com", environ=WITH_SECRET)
    assert pinned.exit_code == 0 and pinned.stderr == "", pinned.stderr
    assert addresses(pinned.stdout) == DEFAULT_MAILBOXES

    # The same server, same address and same world, with another certificate (from the
    # same CA: a valid certificate, only not the pinned one).
    port, world = https.port, https.state
    https.stop()
    with Emulator(tls=certificate(), port=port, state=world) as replaced:
        listing = cli("pop", "list", "example.com", environ=WITH_SECRET)
        create = cli("pop", "create", "new@example.com", "--password-stdin", stdin="N3w-Mailbox-pass\n",
                     environ=WITH_SECRET)
        for result in (listing, create):
            assert result.exit_code == 5
            assert "not the pinned one" in assert_one_error_line(result.stderr)
        assert replaced.requests == []  # nothing was sent: not the secret, not the password
    assert world.cpanel.addresses() == DEFAULT_MAILBOXES


def test_insecure_works_and_warns_on_every_run(cli, https):
    add(cli, https, "--insecure")
    warning = "warning: TLS certificate verification is OFF for profile 'tls' (--insecure)"

    runs = [cli("pop", "list", "example.com", environ=WITH_SECRET) for _ in range(2)]
    runs.append(cli("--json", "pop", "list", "example.com", environ=WITH_SECRET))

    for result in runs[:2]:
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines() == [warning]
    # In json mode stderr carries JSON lines only.
    assert runs[2].exit_code == 0, runs[2].stderr
    assert [json.loads(line) for line in runs[2].stderr.splitlines()] == [
        {"warning": warning.removeprefix("warning: ")}]
    assert addresses(runs[0].stdout) == DEFAULT_MAILBOXES
    assert [m["address"] for m in runs[2].json] == DEFAULT_MAILBOXES


def test_an_unverifiable_certificate_names_the_profile_add_that_trusts_it(cli, https):
    cli("profile", "add", "first", "--provider", "cpanel", "--url", https.url, "--user", "demo")
    add(cli, https)  # "tls", not the default: its hint needs -p tls

    result = cli("-p", "tls", "pop", "list", "example.com", environ=WITH_SECRET)

    assert result.exit_code == 5
    pin = f"'mailctl profile add tls --replace --provider cpanel --url {https.url} --user demo --pin'"
    assert assert_one_error_line(result.stderr) == (
        f"mailctl: error: TLS certificate of {https.url} could not be verified: give the profile a CA bundle or "
        f"pin its certificate; --insecure skips the check; pin it with {pin} (compare the fingerprint it shows "
        "with the panel's), or give a CA bundle: the same with --ca-bundle PATH in place of --pin")
    # The hint is the command that works.
    assert cli("profile", "add", "tls", "--replace", "--provider", "cpanel", "--url", https.url, "--user", "demo",
               "--pin").exit_code == 0
    assert cli("-p", "tls", "pop", "list", "example.com", environ=WITH_SECRET).exit_code == 0


def test_a_certificate_that_is_not_the_pinned_one_names_the_command_that_pins_again(cli, https, certificate):
    add(cli, https, "--pin")
    port, world = https.port, https.state
    https.stop()
    with Emulator(tls=certificate(), port=port, state=world) as replaced:
        result = cli("--json", "pop", "list", "example.com", environ=WITH_SECRET)
        assert result.exit_code == 5
        message = result.error_json["error"]["message"]
        assert result.error_json["error"]["code"] == "transport"
        assert message == (
            f"the TLS certificate of {replaced.url} is not the pinned one: refusing to send anything; if the "
            f"server's certificate was replaced on purpose, pin it again with 'mailctl profile add tls --replace "
            f"--provider cpanel --url {replaced.url} --user demo --pin'")
        assert replaced.requests == []


def test_a_ca_bundle_that_is_gone_names_the_command_that_gives_another(cli, https, ca_bundle):
    add(cli, https, "--ca-bundle", ca_bundle)
    os.unlink(ca_bundle)
    result = cli("pop", "list", "example.com", environ=WITH_SECRET)
    assert result.exit_code == 2
    assert assert_one_error_line(result.stderr).endswith(
        f"give the profile another one with 'mailctl profile add tls --replace --provider cpanel --url {https.url} "
        "--user demo --ca-bundle PATH'")
