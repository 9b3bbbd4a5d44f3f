"""mailbox.org over a bad wire: lost answers to writes are settled from the server's
state, never re-sent; answers that cannot be read end in exit 5, never a traceback."""

from __future__ import annotations

import pytest

NEW = ("pop", "create", "new@example.com", "--password-stdin")
NEW_PASSWORD = "New-pass-123\n"


@pytest.mark.parametrize("kind", ["reset", "500", "nonjson", "truncate"])
def test_create_whose_answer_is_lost_after_it_was_applied_succeeds_once(cli, emu, mbo, logged_in, wire, kind):
    emu.add_fault(kind=kind, method="mail.add", when="after")

    result = cli("--json", *NEW, stdin=NEW_PASSWORD)

    assert result.exit_code == 0, result.stderr
    assert result.json["address"] == "new@example.com" and result.json["created"] is True
    assert "answer to creating new@example.com was lost" in result.stderr
    assert wire.calls() == ["mail.add", "mail.get"]  # checked, not re-sent
    assert mbo.addresses("example.com") == ["info@example.com", "new@example.com", "sales@example.com"]


def test_create_that_timed_out_after_it_was_applied_succeeds_once(cli, emu, mbo, logged_in, wire):
    emu.add_fault(kind="stall", seconds=3, method="mail.add", when="after")

    result = cli("--json", "--timeout", "0.5", *NEW, stdin=NEW_PASSWORD)

    assert result.exit_code == 0, result.stderr
    assert "did not answer within 0.5s" in result.stderr
    assert wire.calls() == ["mail.add", "mail.get"]
    assert mbo.has_mailbox("new@example.com")


@pytest.mark.parametrize("kind", ["reset", "500", "503"])
def test_create_that_failed_before_it_was_applied_is_exit_5_saying_so(cli, emu, mbo, logged_in, wire, kind):
    emu.add_fault(kind=kind, method="mail.add")

    result = cli("--json", *NEW, stdin=NEW_PASSWORD)

    assert result.exit_code == 5
    error = result.error_json["error"]
    assert error["code"] == "transport"
    assert "creating new@example.com was NOT applied" in error["message"]
    assert "safe to retry" in error["message"]
    assert wire.calls() == ["mail.add", "mail.get", "mail.list"]
    assert not mbo.has_mailbox("new@example.com")


def test_create_whose_outcome_cannot_be_read_is_an_ambiguous_exit_5(cli, emu, mbo, logged_in, wire):
    emu.add_fault(kind="reset", method="mail.add", when="after")
    emu.add_fault(kind="nonjson", method="mail.get")

    result = cli("--json", *NEW, stdin=NEW_PASSWORD)

    assert result.exit_code == 5
    error = result.error_json["error"]
    assert error["code"] == "ambiguous_write"
    assert "check on the server before retrying" in error["message"]
    assert wire.calls().count("mail.add") == 1
    assert mbo.addresses("example.com") == ["info@example.com", "new@example.com", "sales@example.com"]


def test_delete_whose_answer_is_lost_after_it_was_applied_succeeds(cli, emu, mbo, logged_in, wire):
    emu.add_fault(kind="reset", method="mail.del", when="after")

    result = cli("--json", "--yes", "pop", "delete", "info@example.com")

    assert result.exit_code == 0, result.stderr
    assert result.json == [{"address": "info@example.com", "outcome": "deleted", "error": None}]
    assert "answer to deleting info@example.com was lost" in result.stderr
    assert wire.calls() == ["mail.del", "mail.get", "mail.list"]
    assert not mbo.has_mailbox("info@example.com")


def test_delete_that_failed_before_it_was_applied_is_exit_5_not_applied(cli, emu, mbo, logged_in, wire):
    emu.add_fault(kind="reset", method="mail.del")

    result = cli("--json", "--yes", "pop", "delete", "info@example.com")

    assert result.exit_code == 5
    assert "deleting info@example.com was NOT applied" in result.error_json["error"]["message"]
    assert wire.calls() == ["mail.del", "mail.get"]
    assert mbo.has_mailbox("info@example.com")


@pytest.mark.parametrize("when", ["before", "after"])
def test_passwd_whose_answer_is_lost_is_ambiguous_and_never_re_sent(cli, emu, mbo, logged_in, wire, when):
    emu.add_fault(kind="reset", method="mail.set", when=when)

    result = cli("--json", "passwd", "info@example.com", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 5
    error = result.error_json["error"]
    assert error["code"] == "ambiguous_write"
    assert "password of info@example.com" in error["message"]
    assert "New-pass-123" not in result.stderr
    assert wire.calls() == ["mail.set"]
    expected = "New-pass-123" if when == "after" else "mailbox-secret"
    assert mbo.mailbox("info@example.com").password == expected


def test_reads_are_retried_after_server_errors(cli, emu, logged_in, wire):
    emu.add_fault(kind="503", method="mail.list", count=2)

    result = cli("--json", "pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert len(result.json) == 2
    assert wire.calls() == ["mail.list"] * 3


def test_a_read_that_keeps_failing_is_exit_5(cli, emu, logged_in, wire):
    emu.add_fault(kind="500", method="domain.list")

    result = cli("--json", "domain", "list")

    assert result.exit_code == 5
    assert "HTTP 500" in result.error_json["error"]["message"]
    assert wire.calls() == ["domain.list"] * 4  # the first try and three retries


@pytest.mark.parametrize("method, command", [
    ("domain.list", ["domain", "list"]),
    ("mail.list", ["pop", "list", "example.com"]),
    ("hello.innerworld", ["session", "status"]),
])
def test_a_non_json_answer_is_exit_5_with_a_clear_message(cli, emu, logged_in, method, command):
    emu.add_fault(kind="nonjson", method=method)

    result = cli("--json", *command)

    assert result.exit_code == 5
    error = result.error_json["error"]
    assert error["code"] == "bad_response" and error["provider"] == "mailboxorg"
    assert "mailbox.org answered HTTP 200 with something that is not JSON" in error["message"]
    assert "Traceback" not in result.stderr


def test_a_cut_off_answer_to_a_read_is_exit_5(cli, emu, logged_in):
    emu.add_fault(kind="truncate", method="mail.list")

    result = cli("--json", "pop", "list", "example.com")

    assert result.exit_code == 5
    assert result.error_json["error"]["code"] in ("transport", "bad_response")


def test_a_non_json_answer_to_auth_is_exit_5_and_stores_nothing(cli, emu, profile, keys):
    emu.add_fault(kind="nonjson", method="auth")

    result = cli("--json", "session", "login", "--secret-stdin", stdin="demo-secret\n")

    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "bad_response"
    assert keys.secret is None and keys.session is None
