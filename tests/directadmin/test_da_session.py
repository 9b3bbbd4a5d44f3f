"""session login / status / logout, login keys, login-as, and every way DirectAdmin says
"not logged in" -- driven through the real CLI against the emulator."""

from __future__ import annotations

import pytest

from directadmin_support import add_profile
from directadmin_support import SECRET, basic_user, calls, form

AUTH_FAILURES = [
    pytest.param({"da_auth_failure": "login_page"}, id="login-page"),
    pytest.param({"da_auth_failure": "login_page", "da_unauthorized_header": True}, id="login-page+header"),
    pytest.param({"da_auth_failure": "redirect"}, id="redirect"),
    pytest.param({"da_auth_failure": "json401"}, id="json-401"),
]


def stored_secret(keyring, profile: str = "da") -> str | None:
    return keyring.store.get(("mailctl", profile))


def test_login_checks_the_secret_with_login_test_then_stores_it(cli, emu, answer_format, memory_keyring):
    add_profile(cli, emu, "da", "demo")
    result = cli("--json", "session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json["authenticated"] is True and result.json["provider"] == "directadmin"
    assert stored_secret(memory_keyring) == SECRET
    [request] = calls(emu)
    assert request.method == "POST" and request.path == "/CMD_API_LOGIN_TEST"
    assert basic_user(request) == "demo"
    assert form(request).get("json") == ("yes" if answer_format == "json" else None)


@pytest.mark.parametrize("failure", AUTH_FAILURES)
def test_a_refused_login_exits_4_stores_nothing_and_is_not_retried(cli, emu, answer_format, memory_keyring, failure):
    for name, value in failure.items():
        setattr(emu.settings, name, value)
    add_profile(cli, emu, "da", "demo")
    result = cli("--json", "session", "login", "--secret-stdin", stdin="wrong-secret\n")
    assert result.exit_code == 4
    assert result.error_json["error"]["code"] == "auth"
    assert stored_secret(memory_keyring) is None
    assert len(calls(emu)) == 1  # a retry would count towards the server's lock-out


@pytest.mark.parametrize("failure", AUTH_FAILURES)
def test_every_auth_failure_shape_on_a_mailbox_command_exits_4(cli, da, failure):
    for name, value in failure.items():
        setattr(da.settings, name, value)
    result = cli("pop", "list", "example.com", environ={"MAILCTL_SECRET": "wrong-secret"})
    assert result.exit_code == 4, result.stderr
    assert "DirectAdmin refused the login for CMD_API_POP" in result.stderr
    assert len(calls(da)) == 1


def test_a_login_page_on_a_write_exits_4_and_changes_nothing(cli, da):
    da.add_fault(kind="login_page", path="/CMD_API_POP", field="action:create")
    result = cli("pop", "create", "new@example.com", "--password-stdin", stdin="N3w-Mailbox-pass\n")
    assert result.exit_code == 4
    assert not da.state.directadmin.has_mailbox("new@example.com")
    assert [r.path for r in calls(da)] == ["/CMD_API_POP"]  # no state check, no re-send


def test_status_checks_the_stored_secret(cli, da):
    result = cli("--json", "session", "status")
    assert result.exit_code == 0
    assert result.json["authenticated"] is True and result.json["secret_source"] == "keyring"
    assert [r.path for r in calls(da)] == ["/CMD_API_LOGIN_TEST"]


def test_status_with_a_secret_that_no_longer_works_exits_4(cli, da):
    da.state.directadmin.users["demo"].password = "changed-elsewhere-1A"
    result = cli("session", "status")
    assert result.exit_code == 4
    assert "CMD_API_LOGIN_TEST" in result.stderr


def test_logout_forgets_the_secret_without_asking_the_server(cli, da, memory_keyring):
    assert stored_secret(memory_keyring) == SECRET
    result = cli("session", "logout")
    assert result.exit_code == 0
    assert stored_secret(memory_keyring) is None
    assert calls(da) == []  # DirectAdmin's Basic auth has no server session to end
    assert cli("domain", "list").exit_code == 4


def test_a_login_key_limited_to_the_commands_mailctl_needs(cli, emu, answer_format):
    key = "K3yForMailctl0123456789"
    emu.state.directadmin.add_login_key("demo", key, ["CMD_API_LOGIN_TEST", "CMD_API_POP", "CMD_API_SHOW_DOMAINS"])
    add_profile(cli, emu, "da", "demo")
    assert cli("session", "login", "--secret-stdin", stdin=key + "\n").exit_code == 0
    listed = cli("--json", "pop", "list", "example.com")
    assert listed.exit_code == 0
    assert [m["address"] for m in listed.json] == ["info@example.com", "sales@example.com"]
    assert cli("--json", "domain", "list").json[0]["name"] == "example.com"


def test_a_login_key_without_the_command_is_an_auth_failure_with_a_hint(cli, emu, answer_format):
    key = "K3yForLoginTestOnly0123"
    emu.state.directadmin.add_login_key("demo", key, ["CMD_API_LOGIN_TEST"])
    emu.settings.da_auth_failure = "redirect"  # what 1.708 does for a key lacking the command
    add_profile(cli, emu, "da", "demo")
    assert cli("session", "login", "--secret-stdin", stdin=key + "\n").exit_code == 0
    result = cli("domain", "list")
    assert result.exit_code == 4
    assert "a login key must allow CMD_API_SHOW_DOMAINS" in result.stderr


def test_login_as_authenticates_as_admin_pipe_user(cli, emu, answer_format):
    add_profile(cli, emu, "adm", "admin", "--login-as", "demo")
    assert cli("session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0
    assert len(result.json) == 2
    assert {basic_user(r) for r in calls(emu)} == {"admin|demo"}
    domains = cli("--json", "domain", "list")
    assert domains.json == [{"name": "example.com", "mailbox_count": None, "owner": "demo"}]


def test_login_as_a_user_the_login_may_not_act_for_is_refused_at_login(cli, emu, answer_format, memory_keyring):
    emu.state.directadmin.add_user("res", "Res3ller-pass", role="reseller")
    add_profile(cli, emu, "r", "res", "--login-as", "demo")  # demo was created by admin, not res
    result = cli("session", "login", "--secret-stdin", stdin="Res3ller-pass\n")
    assert result.exit_code == 4
    assert "may log in as demo" in result.stderr
    assert stored_secret(memory_keyring, "r") is None


def test_without_login_as_another_accounts_domain_is_not_found_with_a_hint(cli, emu, answer_format):
    add_profile(cli, emu, "adm", "admin")
    assert cli("session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 3
    assert "--login-as" in result.error_json["error"]["message"]


def test_status_plain_and_table_output(cli, da):
    plain = cli("-o", "plain", "session", "status")
    assert plain.stdout.rstrip("\n").split("\t") == ["da", "directadmin", da.url, "demo", "keyring", "yes", "-"]
    table = cli("session", "status", tty=True).stdout
    assert "Authenticated" in table and "keyring" in table
