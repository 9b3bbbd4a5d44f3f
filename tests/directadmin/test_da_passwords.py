"""passwd (owner path), passwd --self (mailbox self-service) and account passwd, through
the real CLI against the emulator, in both answer formats."""

from __future__ import annotations

from directadmin_support import add_profile
from directadmin_support import MAILBOX_SECRET, SECRET, STRONG, STRONGER, actions, basic_user, calls, form

# -- passwd ADDRESS: CMD_API_POP action=modify ---------------------------------------------------------


def test_passwd_changes_the_password_and_keeps_quota_and_send_limit(cli, da):
    box = da.state.directadmin.mailbox("sales@example.com")
    box.limit = 75
    result = cli("--json", "passwd", "sales@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": "sales@example.com", "changed": True}
    assert (box.password, box.quota_mb, box.limit) == (STRONG, 500, 75)
    # The quota comes from a read of this mailbox alone (type=quota, user=); the send
    # limit, which that read does not tell, is left out of the modify, which keeps it.
    assert actions(da) == [("/CMD_API_POP", "list"), ("/CMD_API_POP", "modify")]
    read, sent = form(calls(da)[0]), form(calls(da)[1])
    assert (read["type"], read["user"]) == ("quota", "sales")
    assert (sent["user"], sent["quota"], sent["passwd"], sent["passwd2"]) == ("sales", "500", STRONG, STRONG)
    assert "limit" not in sent


def test_passwd_keeps_an_unlimited_quota_unlimited(cli, da):
    assert cli("passwd", "info@example.com", "--password-stdin", stdin=STRONG + "\n").exit_code == 0
    box = da.state.directadmin.mailbox("info@example.com")
    assert (box.password, box.quota_mb) == (STRONG, 0)


def test_passwd_on_a_server_without_full_list_keeps_the_quota_from_type_quota(cli, da):
    da.settings.da_full_list = False
    assert cli("passwd", "sales@example.com", "--password-stdin", stdin=STRONG + "\n").exit_code == 0
    assert form(calls(da)[-1])["quota"] == "500"
    assert da.state.directadmin.mailbox("sales@example.com").quota_mb == 500


def test_passwd_on_a_newer_server_goes_to_cmd_api_email_pop(cli, da):
    da.settings.da_email_pop = True
    assert cli("passwd", "sales@example.com", "--password-stdin", stdin=STRONG + "\n").exit_code == 0
    assert da.state.directadmin.mailbox("sales@example.com").password == STRONG
    assert actions(da)[-2:] == [("/CMD_API_POP", "modify"), ("/CMD_API_EMAIL_POP", "modify")]


def test_passwd_plain_output_is_silent_and_generate_prints_it_once(cli, da):
    quiet = cli("-o", "plain", "passwd", "info@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    generated = cli("-o", "plain", "passwd", "info@example.com", "--generate")
    address, password = generated.stdout.rstrip("\n").split("\t")
    assert address == "info@example.com"
    assert da.state.directadmin.mailbox("info@example.com").password == password


def test_passwd_of_an_unknown_mailbox_exits_3_without_sending_a_change(cli, da):
    result = cli("passwd", "ghost@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 3
    assert [a for _, a in actions(da)] == ["list", "full_list"]  # no modify


def test_passwd_weak_password_is_refused_and_nothing_changes(cli, da):
    result = cli("passwd", "info@example.com", "--password-stdin", stdin="short\n")
    assert result.exit_code == 1
    assert "Invalid password" in result.stderr
    assert da.state.directadmin.mailbox("info@example.com").password == MAILBOX_SECRET


def test_passwd_require_reset_is_not_a_directadmin_option(cli, da):
    result = cli("passwd", "info@example.com", "--require-reset", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 2
    assert da.requests == []


# -- passwd ADDRESS --self: CMD_CHANGE_EMAIL_PASSWORD, no panel login ----------------------------------


def test_self_service_needs_no_stored_secret_and_sends_no_authorization(cli, emu, answer_format, memory_keyring):
    add_profile(cli, emu, "da", "nobody-in-particular")  # never logged in: no secret anywhere
    result = cli("--json", "passwd", "info@example.com", "--self", "--password-stdin",
                 stdin=f"{MAILBOX_SECRET}\n{STRONG}\n")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": "info@example.com", "changed": True}
    assert emu.state.directadmin.mailbox("info@example.com").password == STRONG
    [request] = calls(emu)
    assert request.path == "/CMD_CHANGE_EMAIL_PASSWORD"
    assert "authorization" not in request.headers
    sent = form(request)
    assert (sent["email"], sent["oldpassword"], sent["password1"], sent["password2"]) == (
        "info@example.com", MAILBOX_SECRET, STRONG, STRONG)
    assert "api" in sent
    assert memory_keyring.store == {}


def test_self_service_with_the_old_password_from_a_file_and_a_prompt(cli, emu, answer_format, tmp_path):
    add_profile(cli, emu, "da", "demo")
    old = tmp_path / "old"
    old.write_text(MAILBOX_SECRET + "\n")
    result = cli("passwd", "sales@example.com", "--self", "--old-password-file", str(old), tty=True,
                 answers=[STRONGER, STRONGER])
    assert result.exit_code == 0, result.stderr
    assert emu.state.directadmin.mailbox("sales@example.com").password == STRONGER


def test_self_service_with_a_wrong_old_password_is_an_authentication_failure(cli, emu, answer_format):
    add_profile(cli, emu, "da", "demo")
    result = cli("--json", "passwd", "info@example.com", "--self", "--password-stdin",
                 stdin=f"not-the-password\n{STRONG}\n")
    assert result.exit_code == 4
    assert result.error_json["error"]["message"].endswith(": Unable to change password")
    assert emu.state.directadmin.mailbox("info@example.com").password == MAILBOX_SECRET


def test_self_service_does_not_use_login_as_or_the_secret_even_when_present(cli, emu, answer_format):
    add_profile(cli, emu, "adm", "admin", "--login-as", "demo")
    result = cli("passwd", "info@example.com", "--self", "--password-stdin", stdin=f"{MAILBOX_SECRET}\n{STRONG}\n",
                 environ={"MAILCTL_SECRET": SECRET})
    assert result.exit_code == 0
    assert all("authorization" not in r.headers for r in calls(emu))


# -- account passwd USER: CMD_API_USER_PASSWD ------------------------------------------------------------


def admin_profile(cli, emu, *extra: str) -> None:
    add_profile(cli, emu, "adm", "admin", *extra)
    assert cli("session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    emu.clear_requests()


def test_account_passwd_changes_system_ftp_and_database(cli, emu, answer_format):
    admin_profile(cli, emu)
    result = cli("--json", "account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"user": "demo", "changed": True, "services": ["system", "ftp", "database"]}
    user = emu.state.directadmin.users["demo"]
    assert (user.password, user.ftp_password, user.db_password) == (STRONG, STRONG, STRONG)
    assert [r.path for r in calls(emu)] == ["/CMD_API_LOGIN_TEST", "/CMD_API_USER_PASSWD"]
    sent = form(calls(emu)[1])
    assert (sent["username"], sent["options"], sent["system"], sent["ftp"], sent["database"]) == (
        "demo", "yes", "yes", "yes", "yes")


def test_account_passwd_no_db_leaves_the_database_password(cli, emu, answer_format):
    admin_profile(cli, emu)
    result = cli("-o", "plain", "account", "passwd", "demo", "--no-db", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert "system, ftp" in result.stderr
    user = emu.state.directadmin.users["demo"]
    assert (user.password, user.ftp_password, user.db_password) == (STRONG, STRONG, SECRET)
    assert "database" not in form(calls(emu, "/CMD_API_USER_PASSWD")[0])


def test_account_passwd_uses_the_admins_own_login_not_login_as(cli, emu, answer_format):
    admin_profile(cli, emu, "--login-as", "demo")
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert emu.state.directadmin.users["demo"].password == STRONG
    assert [basic_user(r) for r in calls(emu)] == ["admin", "admin"]  # the login check too


def test_account_passwd_of_an_unknown_user_is_refused_plainly(cli, emu, answer_format):
    admin_profile(cli, emu)
    result = cli("account", "passwd", "ghost", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 1
    assert "refused to change the password of account ghost: No such user" in result.stderr


def test_account_passwd_as_a_plain_user_says_it_needs_an_admin_or_reseller(cli, da):
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 4
    assert result.stderr.startswith("mailctl: error: DirectAdmin accepted the login of demo but not")
    assert "only admins and resellers may change an account's password" in result.stderr
    assert da.state.directadmin.users["demo"].password == SECRET


def test_account_passwd_by_a_reseller_for_someone_elses_user_is_refused(cli, emu, answer_format):
    emu.state.directadmin.add_user("res", "Res3ller-pass", role="reseller")
    add_profile(cli, emu, "r", "res")
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n",
                 environ={"MAILCTL_SECRET": "Res3ller-pass"})
    assert result.exit_code == 1
    assert "does not belong to you" in result.stderr
    assert emu.state.directadmin.users["demo"].password == SECRET


def test_account_passwd_table_output_with_a_generated_password(cli, emu, answer_format):
    admin_profile(cli, emu)
    result = cli("account", "passwd", "demo", "--generate", tty=True)
    assert result.exit_code == 0, result.stderr
    password = emu.state.directadmin.users["demo"].password
    assert password in result.stdout and "system,ftp,database" in result.stdout
