"""Answers in shapes a panel really sends and mailctl once misread: each is reported as
what it is (a refusal, a permission failure, an unreadable answer), never as success and
never as "without metadata"; restrictions the panel reports are shown."""

from __future__ import annotations

import json

import pytest

from hardening_support import DOMAIN, assert_one_error_line, connect
from hostile_server import HostileUapi
from scripted_server import Answer, ScriptedServer, json_answer, jsonrpc

LIMITED = "L" * 32  # a WHM API token (32 upper-case letters and digits)
ACCOUNT_PASSWORD = "N3w-account-pass"
MAILBOX_PASSWORD = "N3w-Mailbox-pass"


def _profile(cli, provider: str, url: str, user: str = "demo") -> None:
    result = cli("profile", "add", "p", "--provider", provider, "--url", url, "--user", user)
    assert result.exit_code == 0, result.stderr


# -- WHM: the cpanelresult envelope ----------------------------------------------------------

@pytest.fixture
def limited_whm(cli, emu):
    emu.state.whm.add_token("root", LIMITED, acls=["list-accts"])
    connect(cli, emu, "whm", secret=LIMITED)
    return emu


def test_whm_access_denied_envelope_on_account_passwd_is_a_permission_failure(cli, limited_whm):
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=ACCOUNT_PASSWORD + "\n")

    assert result.exit_code == 4, result.stderr
    line = assert_one_error_line(result.stderr)
    assert line.startswith("mailctl: error: WHM denied changing the password of account demo to root: Access denied")
    assert "without metadata" not in result.stderr
    assert limited_whm.state.cpanel.accounts["demo"].password == "demo-secret"


def test_whm_access_denied_in_json_mode_is_code_permission(cli, emu):
    emu.state.whm.add_token("root", LIMITED, acls=["passwd"])  # may not act as a cPanel account
    connect(cli, emu, "whm", secret=LIMITED)

    result = cli("--json", "pop", "list", DOMAIN)

    assert result.exit_code == 4
    error = result.error_json["error"]
    assert error["code"] == "permission" and "Access denied" in error["message"]


def test_whm_login_with_a_token_limited_elsewhere_is_accepted_with_a_warning(cli, emu):
    emu.state.whm.add_token("root", LIMITED, acls=["passwd"])
    cli("profile", "add", "w", "--provider", "whm", "--url", emu.url, "--user", "root")

    result = cli("-p", "w", "session", "login", "--secret-stdin", stdin=LIMITED + "\n")

    assert result.exit_code == 0, result.stderr
    assert "the credentials were accepted, but WHM denied" in result.stderr


def test_whm_cpanelresult_refusal_other_than_access_is_exit_1_with_its_reason(cli):
    envelope = {"cpanelresult": {"apiversion": "2", "error": "The account is locked by the administrator",
                                 "data": {"result": "0", "reason": "The account is locked by the administrator"}}}
    with ScriptedServer(lambda seen: json_answer(envelope)) as server:
        _profile(cli, "whm", server.url, user="root")
        result = cli("account", "passwd", "demo", "--password-stdin", stdin=ACCOUNT_PASSWORD + "\n",
                     environ={"MAILCTL_SECRET": LIMITED})

    assert result.exit_code == 1, result.stderr
    assert assert_one_error_line(result.stderr) == (
        "mailctl: error: WHM refused changing the password of account demo: The account is locked by the administrator")
    assert len(server.seen) == 1  # a write: sent once


# -- mailbox.org: mail.set answering false -----------------------------------------------

def test_mailboxorg_mail_set_answering_false_is_not_changed(cli, tmp_path):
    script = jsonrpc({"auth": {"session": "S1", "level": "account"}, "mail.set": False,
                      "mail.get": {"mail": "info@example.com", "type": "inbox", "active": True}})
    with ScriptedServer(script) as server:
        _profile(cli, "mailboxorg", server.url)
        result = cli("passwd", "info@example.com", "--password-stdin", stdin=MAILBOX_PASSWORD + "\n",
                     environ={"MAILCTL_SECRET": "account-secret"})

    assert result.exit_code == 1, result.stderr
    assert "Changed" not in result.stderr and result.stdout == ""
    assert assert_one_error_line(result.stderr) == (
        "mailctl: error: mailbox.org answered mail.set with false: the password of info@example.com was not changed")
    assert [seen.json["method"] for seen in server.seen].count("mail.set") == 1


# -- cPanel: status 1 with errors, and restrictions ----------------------------------------

def test_cpanel_status_1_with_errors_on_a_write_is_not_reported_as_done(cli):
    answers = {"passwd_pop": b'{"status": 1, "data": null, "errors": ["The password could not be stored"]}',
               "list_mail_domains": b'{"status": 1, "data": [{"domain": "example.com"}]}',
               "list_pops_with_disk": b'{"status": 1, "data": [{"email": "info@example.com"}]}'}
    with HostileUapi(answers) as server:
        _profile(cli, "cpanel", server.url)
        result = cli("--json", "passwd", "info@example.com", "--password-stdin", stdin=MAILBOX_PASSWORD + "\n",
                     environ={"MAILCTL_SECRET": "Api-token-1"})

    assert result.exit_code == 1
    assert result.stdout == ""
    error = result.error_json["error"]
    assert error["code"] == "refused"
    assert error["message"] == ("cPanel reported errors for changing the password of info@example.com although its "
                                "status says success: The password could not be stored (check whether the change "
                                "took effect)")


@pytest.mark.parametrize("provider", ["cpanel", "whm"])
def test_cpanel_held_and_suspended_outgoing_mail_fills_restrictions(cli, emu, provider):
    box = emu.state.cpanel.mailbox("info@example.com")
    box.hold_outgoing = True
    sales = emu.state.cpanel.mailbox("sales@example.com")
    sales.suspended_outgoing = sales.suspended_login = True
    connect(cli, emu, provider)

    result = cli("--json", "pop", "list", DOMAIN)
    plain = cli("pop", "list", DOMAIN)

    assert result.exit_code == 0, result.stderr
    shown = {m["address"]: (m["restrictions"], m["suspended"]) for m in result.json}
    assert shown == {"info@example.com": (["hold_outgoing"], False),
                     "sales@example.com": (["login", "outgoing"], True)}
    assert [line.split("\t")[3:] for line in plain.stdout.splitlines()] == [
        ["no", "-", "hold_outgoing"], ["yes", "-", "login,outgoing"]]


def test_mailboxes_without_restrictions_show_an_empty_list_not_null(cli, emu):
    connect(cli, emu, "cpanel")
    result = cli("--json", "pop", "list", DOMAIN)
    assert [m["restrictions"] for m in result.json] == [[], []]


# -- DirectAdmin: bodies that are not an answer ------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(("body", "content_type", "why"), [
    (PNG, "image/png", "it is not UTF-8 text (image/png, 33 bytes)"),
    (b"\x00\x01\x02list", "application/octet-stream", "it is binary data, not text (application/octet-stream, 7 bytes)"),
    ("quota=5\xe9&x=1".encode("latin-1"), "text/plain", "it is not UTF-8 text (text/plain, 12 bytes)"),
    (b"just some words", "text/plain", "it is not url-encoded text (text/plain, 15 bytes)"),
])
def test_directadmin_answer_that_is_no_text_is_unreadable_not_an_empty_list(cli, body, content_type, why):
    with ScriptedServer(lambda seen: Answer(200, body, content_type)) as server:
        _profile(cli, "directadmin", server.url)
        result = cli("pop", "list", DOMAIN, environ={"MAILCTL_SECRET": "da-secret"})

    assert (result.exit_code, result.stdout) == (5, "")
    assert assert_one_error_line(result.stderr) == (
        f"mailctl: error: DirectAdmin sent an unreadable answer to CMD_API_POP: {why}")


def test_directadmin_empty_body_is_still_an_empty_list(cli):
    with ScriptedServer(lambda seen: Answer(200, b"", "text/plain")) as server:
        _profile(cli, "directadmin", server.url)
        result = cli("--json", "pop", "list", DOMAIN, environ={"MAILCTL_SECRET": "da-secret"})

    assert (result.exit_code, result.json, result.stderr) == (0, [], "")


@pytest.mark.parametrize(("status", "code", "exit_code"), [(500, "transport", 5), (400, "bad_response", 5)])
def test_directadmin_json_error_body_on_an_http_error_keeps_the_reason(cli, status, code, exit_code):
    body = json.dumps({"error": "Unable to read the mail quota file", "result": "disk full"}).encode()
    with ScriptedServer(lambda seen: Answer(status, body)) as server:
        _profile(cli, "directadmin", server.url)
        result = cli("--json", "pop", "list", DOMAIN, environ={"MAILCTL_SECRET": "da-secret"})

    assert result.exit_code == exit_code
    error = result.error_json["error"]
    assert error["code"] == code
    assert error["message"] == f"DirectAdmin answered HTTP {status} to CMD_API_POP: Unable to read the mail quota file"
    assert error["details"] == ["disk full"]
