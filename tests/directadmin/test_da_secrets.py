"""No password ever reaches the emulator in a URL, and none appears in any output or
--debug trace, for every DirectAdmin command -- while each one did travel in a POST body."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

from directadmin_support import add_profile
from directadmin_support import MAILBOX_SECRET, SECRET, calls

# Characters that url-encoding, JSON and HTML entities all treat differently.
NEW_BOX = "Fresh&Pass=w0rd+%1"
CHANGED = "Chang3d;Pass/\"x"
SELF = "S3lf'Pass<word>"
ACCOUNT = "Acc0unt#Pass word"
SECRETS = (SECRET, NEW_BOX, CHANGED, SELF, ACCOUNT, MAILBOX_SECRET)


def forms_of(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret)}


def run_every_command(cli, emu) -> list:
    add_profile(cli, emu, "da", "admin", "--login-as", "demo")
    add_profile(cli, emu, "adm", "admin")
    steps = [
        cli("--debug", "session", "login", "--secret-stdin", stdin=SECRET + "\n"),
        cli("--debug", "-p", "adm", "session", "login", "--secret-stdin", stdin=SECRET + "\n"),
        cli("--debug", "--json", "session", "status"),
        cli("--debug", "--json", "domain", "list"),
        cli("--debug", "--json", "pop", "create", "new@example.com", "--quota", "5", "--password-stdin",
            stdin=NEW_BOX + "\n"),
        cli("--debug", "--json", "pop", "list", "example.com"),
        cli("--debug", "--json", "passwd", "new@example.com", "--password-stdin", stdin=CHANGED + "\n"),
        cli("--debug", "--json", "passwd", "new@example.com", "--self", "--password-stdin",
            stdin=f"{CHANGED}\n{SELF}\n"),
        cli("--debug", "--json", "-p", "adm", "account", "passwd", "demo", "--password-stdin", stdin=ACCOUNT + "\n"),
        cli("--debug", "--json", "--yes", "pop", "delete", "new@example.com"),
        # Failures carry server text into error messages: they must not carry secrets.
        cli("--debug", "--json", "passwd", "info@example.com", "--self", "--password-stdin",
            stdin=f"{MAILBOX_SECRET}-wrong\n{NEW_BOX}\n"),
        cli("--debug", "passwd", "info@example.com", "--password-stdin", stdin="weak&pw\n"),
    ]
    return steps


def test_no_secret_in_any_url_output_or_debug_trace(cli, emu, answer_format):
    results = run_every_command(cli, emu)
    assert [r.exit_code for r in results] == [0] * 10 + [4, 1]
    assert emu.state.directadmin.users["demo"].password == ACCOUNT
    output = "\n".join(r.stdout + "\n" + r.stderr for r in results)
    assert "> POST " in output and "***" in output  # the trace was on, with redactions
    for secret in SECRETS + (f"{MAILBOX_SECRET}-wrong", "weak&pw"):
        for form in forms_of(secret):
            assert form not in output, f"{secret!r} leaked as {form!r}"
    requests = calls(emu)
    assert {r.method for r in requests} == {"POST"}
    for request in requests:
        assert request.query == ""
        for secret in SECRETS:
            assert not forms_of(secret) & {request.url, request.path}
    bodies = b"\n".join(r.body for r in requests).decode()
    for secret in (NEW_BOX, CHANGED, SELF, ACCOUNT):  # they did travel, in bodies only
        assert quote_plus(secret) in bodies
