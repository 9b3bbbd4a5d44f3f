"""mailbox.org sessions: login, status, logout, transparent renewal after 253, code 2."""

from __future__ import annotations

import time


SPECIAL = set(";%)&")


def test_login_stores_secret_and_session_verbatim_and_sends_it_back(cli, emu, mbo, profile, keys, wire):
    result = cli("--json", "session", "login", "--secret-stdin", stdin="demo-secret\n")

    assert result.exit_code == 0, result.stderr
    assert result.json["session"] == "active"
    assert wire.calls() == ["auth"]
    assert wire.params("auth") == [{"user": "demo", "pass": "demo-secret"}]
    assert keys.secret == "demo-secret"
    # The id the server issued, byte for byte, with its ; % ) & intact.
    assert keys.session in mbo.sessions
    assert SPECIAL <= set(keys.session)

    emu.clear_requests()
    assert cli("domain", "list").exit_code == 0
    assert wire.calls() == ["domain.list"]
    assert wire.sessions_sent() == [keys.session]


def test_login_with_a_bad_password_is_exit_4_sent_once_and_stores_nothing(cli, mbo, profile, keys, wire):
    result = cli("--json", "session", "login", "--secret-stdin", stdin="wrong-secret\n")

    assert result.exit_code == 4
    assert result.error_json["error"]["code"] == "auth"
    assert "demo" in result.error_json["error"]["message"]
    assert wire.calls() == ["auth"]  # an auth failure is never retried
    assert keys.secret is None and keys.session is None
    assert mbo.sessions == {}


def test_debug_trace_shows_neither_secret_nor_session_id(cli, emu, profile, keys):
    login = cli("--debug", "session", "login", "--secret-stdin", stdin="demo-secret\n")
    listing = cli("--debug", "domain", "list")

    assert login.exit_code == 0 and listing.exit_code == 0
    session = keys.session
    trace = login.stderr + listing.stderr
    assert '"method": "auth"' in trace and "HPLS-AUTH: ***" in trace
    assert "demo-secret" not in trace
    assert session not in trace
    # The id's JSON-escaped and URL-encoded forms must not leak either.
    assert session.split(";")[0] not in trace


def test_status_with_a_live_session_is_active_and_logs_in_no_more(cli, logged_in, keys, wire):
    session = keys.session

    result = cli("--json", "session", "status")

    assert result.exit_code == 0, result.stderr
    assert result.json["session"] == "active"
    assert result.json["authenticated"] is True
    assert wire.calls() == ["hello.world", "hello.innerworld"]
    assert wire.sessions_sent() == [None, session]
    assert keys.session == session


def test_status_after_idle_timeout_renews_with_exactly_one_auth(cli, emu, mbo, logged_in, keys, wire):
    old = keys.session
    emu.settings.mbo_session_idle = 0.1
    time.sleep(0.2)

    result = cli("--json", "session", "status")

    assert result.exit_code == 0, result.stderr
    assert result.json["session"] == "renewed"
    assert wire.calls() == ["hello.world", "hello.innerworld", "auth", "hello.innerworld"]
    assert keys.session != old and keys.session in mbo.sessions
    assert old not in mbo.sessions


def test_status_without_a_stored_session_logs_in_with_the_environment_secret(cli, mbo, profile, keys, wire):
    result = cli("--json", "session", "status", environ={"MAILCTL_SECRET": "demo-secret"})

    assert result.exit_code == 0, result.stderr
    assert result.json["session"] == "renewed"
    assert result.json["secret_source"] == "environment"
    assert wire.calls() == ["hello.world", "auth", "hello.innerworld"]
    assert keys.session in mbo.sessions
    assert keys.secret is None  # the environment's secret is not written anywhere


def test_status_without_any_credentials_is_exit_4(cli, profile, wire):
    result = cli("--json", "session", "status")

    assert result.exit_code == 4
    assert result.error_json["error"]["code"] == "no_credentials"
    assert "auth" not in wire.calls()


def test_status_survives_a_broken_hello_world(cli, emu, logged_in, wire):
    # The live service has been seen breaking hello.world; the session check decides.
    emu.add_fault(kind="nonjson", method="hello.world")

    result = cli("--json", "session", "status")

    assert result.exit_code == 0, result.stderr
    assert result.json["session"] == "active"
    assert wire.calls() == ["hello.world", "hello.innerworld"]


def test_status_of_an_unreachable_server_is_exit_5(cli, emu, logged_in):
    emu.stop()

    result = cli("--json", "--timeout", "1", "session", "status")

    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "transport"


def test_expired_session_is_renewed_transparently_for_a_read(cli, mbo, logged_in, keys, wire):
    old = keys.session
    mbo.expire_sessions()

    result = cli("--json", "pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert [m["address"] for m in result.json] == ["info@example.com", "sales@example.com"]
    assert wire.calls() == ["mail.list", "auth", "mail.list"]
    assert wire.sessions_sent() == [old, None, keys.session]
    assert keys.session != old and keys.session in mbo.sessions


def test_expired_session_is_renewed_for_a_write_the_server_refused_before_acting(cli, mbo, logged_in, wire):
    mbo.expire_sessions()

    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin="New-pass-123\n")

    assert result.exit_code == 0, result.stderr
    assert wire.calls() == ["mail.add", "auth", "mail.add"]
    assert mbo.addresses("example.com") == ["info@example.com", "new@example.com", "sales@example.com"]


def test_renewal_with_a_secret_the_server_no_longer_accepts_is_exit_4_without_a_loop(cli, mbo, logged_in, keys, wire):
    mbo.expire_sessions()
    mbo.accounts["demo"].password = "changed-elsewhere"

    result = cli("--json", "domain", "list")

    assert result.exit_code == 4
    assert result.error_json["error"]["code"] == "auth"
    assert wire.calls() == ["domain.list", "auth"]
    assert keys.session is None  # the dead session is not kept


def test_an_expired_session_and_no_secret_is_exit_4_telling_to_log_in(cli, mbo, logged_in, memory_keyring, wire):
    del memory_keyring.store[("mailctl", "x")]
    mbo.expire_sessions()

    result = cli("--json", "domain", "list")

    assert result.exit_code == 4
    assert "session login" in result.error_json["error"]["message"]
    assert wire.calls() == ["domain.list"]


def test_access_denied_on_a_call_is_exit_4_and_never_logs_in_again(cli, mbo, logged_in, keys, wire):
    # The session now belongs to another account: domain.list for demo is denied (2).
    mbo.sessions[keys.session].account = "someone-else"

    result = cli("--json", "domain", "list")

    assert result.exit_code == 4
    error = result.error_json["error"]
    assert error["code"] == "permission" and "error 2" in error["message"]
    assert wire.calls() == ["domain.list"]


def test_logout_ends_the_session_on_the_server_and_forgets_both_entries(cli, mbo, logged_in, keys, wire):
    session = keys.session

    result = cli("session", "logout")

    assert result.exit_code == 0, result.stderr
    assert wire.calls() == ["deauth"]
    assert wire.sessions_sent() == [session]
    assert session not in mbo.sessions
    assert keys.secret is None and keys.session is None


def test_logout_with_an_already_expired_session_still_succeeds(cli, mbo, logged_in, keys, wire):
    mbo.expire_sessions()

    result = cli("session", "logout")

    assert result.exit_code == 0, result.stderr
    assert "could not end" not in result.stderr
    assert wire.calls() == ["deauth"]  # no login just to log out
    assert keys.secret is None and keys.session is None
