"""The first-phase verbs on ISPConfig (sessions, domains, pop list/create/delete, passwd),
through the real CLI against the emulator, with the emulator's state checked; every verb
it lacks refused (exit 2) before any request. The lifecycle verbs: test_isp_lifecycle.py."""

from __future__ import annotations

import pytest

MB = 1024 * 1024
NEW = "new@example.com"
PASSWORD = "Str0ng-pass-1"


def test_login_stores_secret_and_session_and_status_is_active(cli, emu, isp, profile, wire, session_of):
    result = cli("--json", "session", "login", "--secret-stdin", stdin="demo-secret\n")

    assert result.exit_code == 0, result.stderr
    assert wire.calls() == ["login"]
    assert wire.bodies("login") == [{"username": "demo", "password": "demo-secret"}]
    assert session_of() in isp.sessions

    emu.clear_requests()
    status = cli("--json", "session", "status")
    assert status.exit_code == 0, status.stderr
    assert status.json["session"] == "active"
    assert wire.calls() == ["mail_domain_get"]
    assert wire.bodies("mail_domain_get")[0]["session_id"] == session_of()


def test_a_bad_password_is_exit_4_sent_once_and_stores_nothing(cli, isp, profile, wire, session_of):
    result = cli("--json", "session", "login", "--secret-stdin", stdin="wrong\n")

    assert result.exit_code == 4
    assert result.error_json["error"]["code"] == "auth"
    assert "The login failed" in result.error_json["error"]["message"]
    assert wire.calls() == ["login"]
    assert session_of() is None and isp.sessions == {}


def test_logout_ends_the_session_on_the_server(cli, isp, logged_in, wire, session_of):
    session = session_of()

    result = cli("session", "logout")

    assert result.exit_code == 0, result.stderr
    assert wire.calls() == ["logout"]
    assert wire.bodies("logout") == [{"session_id": session}]
    assert session not in isp.sessions and session_of() is None


def test_domain_list_and_pop_list(cli, isp, logged_in, wire):
    domains = cli("--json", "domain", "list")
    listing = cli("--json", "pop", "list", "example.com")

    assert domains.exit_code == 0 and listing.exit_code == 0, domains.stderr + listing.stderr
    assert [d["name"] for d in domains.json] == ["example.com"]
    assert [(m["address"], m["quota_mb"], m["usage_bytes"]) for m in listing.json] == [
        ("info@example.com", None, None), ("sales@example.com", 500, None)]
    assert wire.bodies("mail_user_get")[0]["primary_id"] == {"email": "%@example.com"}


def test_pop_list_of_an_unknown_domain_is_exit_3(cli, logged_in):
    assert cli("pop", "list", "nope.test").exit_code == 3


def test_pop_create_sends_the_quota_in_bytes_and_says_it_was_accepted(cli, isp, logged_in, wire):
    result = cli("pop", "create", NEW, "--quota", "50", "--password-stdin", stdin=PASSWORD + "\n")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Accepted: created {NEW} (ISPConfig applies queued changes shortly)\n"
    [body] = wire.bodies("mail_user_add")
    assert body["client_id"] == 1
    params = body["params"]
    assert params["quota"] == 50 * MB and params["email"] == NEW and params["login"] == NEW
    assert params["postfix"] == "y" and params["maildir"] == "/var/vmail/example.com/new"
    assert (params["uid"], params["gid"], params["homedir"]) == ("5000", "5000", "/var/vmail")
    box = isp.mailbox(NEW)
    assert box.password == PASSWORD and box.quota == 50 * MB and box.client_id == 1
    assert isp.jobs[-1][:2] == ["mail_user", "i"]


def test_pop_create_unlimited_sends_zero(cli, isp, logged_in, wire):
    result = cli("pop", "create", NEW, "--quota", "unlimited", "--password-stdin", stdin=PASSWORD + "\n")

    assert result.exit_code == 0, result.stderr
    assert wire.bodies("mail_user_add")[0]["params"]["quota"] == 0
    assert isp.mailbox(NEW).quota == 0


def test_pop_create_refusals(cli, isp, logged_in, wire):
    exists = cli("pop", "create", "info@example.com", "--password-stdin", stdin=PASSWORD + "\n")
    unknown = cli("pop", "create", "a@nope.test", "--password-stdin", stdin=PASSWORD + "\n")
    weak = cli("pop", "create", NEW, "--password-stdin", stdin="short\n")

    assert exists.exit_code == 1 and "email_error_unique" in exists.stderr
    assert unknown.exit_code == 3
    assert weak.exit_code == 1 and "weak_password_txt" in weak.stderr
    assert wire.calls().count("mail_user_add") == 2  # the unknown domain was found before any write
    assert not isp.has_mailbox(NEW)


def test_passwd_sends_only_the_change_and_the_email(cli, isp, logged_in, wire):
    result = cli("passwd", "sales@example.com", "--password-stdin", stdin=PASSWORD + "\n")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Accepted: changed the password of sales@example.com "
                             "(ISPConfig applies queued changes shortly)\n")
    [body] = wire.bodies("mail_user_update")
    assert body["params"] == {"email": "sales@example.com", "password": PASSWORD}
    assert body["primary_id"] == isp.mailbox("sales@example.com").mailuser_id
    assert isp.mailbox("sales@example.com").password == PASSWORD
    assert isp.mailbox("sales@example.com").quota == 500 * MB  # nothing else changed


def test_passwd_of_a_missing_mailbox_is_exit_3_without_a_write(cli, logged_in, wire):
    result = cli("passwd", "ghost@example.com", "--password-stdin", stdin=PASSWORD + "\n")

    assert result.exit_code == 3
    assert "mail_user_update" not in wire.calls()


def test_pop_delete_by_id(cli, isp, logged_in, wire):
    sales_id = isp.mailbox("sales@example.com").mailuser_id

    result = cli("--yes", "pop", "delete", "sales@example.com")

    assert result.exit_code == 0, result.stderr
    assert wire.bodies("mail_user_delete") == [{"session_id": wire.bodies("mail_user_delete")[0]["session_id"],
                                                "primary_id": sales_id}]
    assert isp.addresses() == ["info@example.com"]
    missing = cli("--yes", "pop", "delete", "sales@example.com")
    assert missing.exit_code == 3


def test_an_underscore_in_the_address_is_not_a_wildcard(cli, isp, logged_in):
    isp.add_mailbox("a_b@example.com", client_id=1)
    isp.add_mailbox("axb@example.com", client_id=1)

    result = cli("--yes", "pop", "delete", "a_b@example.com")

    assert result.exit_code == 0, result.stderr
    assert isp.has_mailbox("axb@example.com") and not isp.has_mailbox("a_b@example.com")


@pytest.mark.parametrize("args", [
    ("passwd", "--self", "info@example.com", "--password-stdin"),
    ("account", "passwd", "demo", "--password-stdin"),
])
def test_verbs_it_lacks_are_exit_2_with_no_request(cli, emu, logged_in, args):
    result = cli(*args, stdin="old-Pass-1\nN3w-pass-1\n")

    assert result.exit_code == 2, result.stderr
    assert "ispconfig" in result.stderr
    assert emu.requests == []


def test_no_permission_is_exit_4(cli, isp, emu, profile):
    isp.add_remote_user("mailonly", "Mail-only-1", groups=["mail_user"])
    assert cli("profile", "add", "m", "--provider", "ispconfig", "--url", emu.url, "--user", "mailonly").exit_code == 0
    assert cli("-p", "m", "session", "login", "--secret-stdin", stdin="Mail-only-1\n").exit_code == 0

    result = cli("-p", "m", "domain", "list")

    assert result.exit_code == 4
    assert "may not call mail_domain_get" in result.stderr


def test_a_url_naming_the_endpoint_works(cli, emu):
    url = emu.url + "/remote/json.php"
    assert cli("profile", "add", "y", "--provider", "ispconfig", "--url", url, "--user", "demo").exit_code == 0
    assert cli("-p", "y", "session", "login", "--secret-stdin", stdin="demo-secret\n").exit_code == 0
    assert emu.requests[-1].path == "/remote/json.php" and emu.requests[-1].query == "login"


def test_debug_trace_hides_secret_and_session(cli, logged_in, session_of):
    result = cli("--debug", "pop", "create", NEW, "--password-stdin", stdin=PASSWORD + "\n")

    assert result.exit_code == 0, result.stderr
    assert "mail_user_add" in result.stderr
    assert PASSWORD not in result.stderr and session_of() not in result.stderr


def test_a_lost_add_is_settled_by_reading_never_sent_again(cli, emu, isp, logged_in, wire):
    emu.add_fault("reset,when=after,field=mail_user_add:")

    result = cli("pop", "create", NEW, "--password-stdin", stdin=PASSWORD + "\n")

    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr
    assert result.stderr.splitlines()[-1] == f"Accepted: created {NEW} (ISPConfig applies queued changes shortly)"
    assert wire.calls().count("mail_user_add") == 1
    assert isp.mailbox(NEW).password == PASSWORD


def test_a_lost_delete_is_settled_by_reading(cli, emu, isp, logged_in, wire):
    emu.add_fault("503,when=after,field=mail_user_delete:")

    result = cli("--yes", "pop", "delete", "sales@example.com")

    assert result.exit_code == 0, result.stderr
    assert "the change was applied" in result.stderr
    assert wire.calls().count("mail_user_delete") == 1
    assert not isp.has_mailbox("sales@example.com")


def test_a_lost_password_change_is_ambiguous_and_not_resent(cli, emu, isp, logged_in, wire):
    emu.add_fault("reset,when=after,field=mail_user_update:")

    result = cli("passwd", "sales@example.com", "--password-stdin", stdin=PASSWORD + "\n")

    assert result.exit_code == 5
    assert "check on the server before retrying" in result.stderr
    assert wire.calls().count("mail_user_update") == 1
