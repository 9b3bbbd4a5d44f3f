"""The hints after a failure point the right way: the command that fixes it, exactly as to
type it (`-p NAME` for a profile that is not the default), the right culprit (a wrong
MAILCTL_SECRET, a permission rather than a secret, a mailbox's own old password), and
never the command that just failed -- driven through the real CLI against the emulator."""

from __future__ import annotations

from directadmin_support import SECRET, STRONG, add_profile, basic_user, calls


def two_profiles(cli, emu) -> None:
    """`da` (the default) and `other`, both user demo, both logged in."""
    add_profile(cli, emu, "da", "demo")
    add_profile(cli, emu, "other", "demo")
    for name in ("da", "other"):
        assert cli("-p", name, "session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    emu.clear_requests()


def test_session_login_without_a_terminal_names_its_own_option(cli, emu, answer_format):
    add_profile(cli, emu, "da", "demo")
    result = cli("session", "login")
    assert result.exit_code == 2
    assert result.stderr == (f"mailctl: error: secret for demo on {emu.url} needed but there is no terminal to ask "
                             "on: pipe it in with --secret-stdin, or set MAILCTL_SECRET for each run\n")
    assert calls(emu) == []


def test_passwd_self_without_a_terminal_names_the_old_password_options(cli, da):
    result = cli("passwd", "--self", "info@example.com")
    assert result.exit_code == 2
    assert result.stderr.endswith("no terminal to ask on: use --old-password-file PATH, or --password-stdin with "
                                  "the old password on the first line and the new one on the second\n")
    assert calls(da) == []


def test_a_refused_stored_secret_points_at_session_login_with_the_profile(cli, emu, answer_format, memory_keyring):
    two_profiles(cli, emu)
    memory_keyring.store[("mailctl", "other")] = "no-longer-valid"
    memory_keyring.store[("mailctl", "da")] = "no-longer-valid"

    other = cli("-p", "other", "domain", "list")
    assert other.exit_code == 4
    assert other.stderr == (
        "mailctl: error: DirectAdmin refused the login for CMD_API_SHOW_DOMAINS (X-DirectAdmin: Unauthorized): "
        "check the secret of demo; a login key must allow CMD_API_SHOW_DOMAINS; "
        "store the right secret with 'mailctl -p other session login'\n")

    default = cli("--json", "domain", "list")
    assert default.exit_code == 4
    error = default.error_json["error"]
    assert error["code"] == "auth"
    assert error["message"].endswith("; store the right secret with 'mailctl session login'")


def test_a_profile_chosen_by_mailctl_profile_still_gets_p_in_the_hint(cli, emu, answer_format, memory_keyring):
    two_profiles(cli, emu)
    memory_keyring.store[("mailctl", "other")] = "no-longer-valid"
    result = cli("domain", "list", environ={"MAILCTL_PROFILE": "other"})
    assert result.exit_code == 4
    assert result.stderr.endswith("store the right secret with 'mailctl -p other session login'\n")


def test_no_stored_secret_names_the_login_of_that_profile(cli, emu, answer_format):
    add_profile(cli, emu, "da", "demo")
    add_profile(cli, emu, "other", "demo")
    result = cli("-p", "other", "pop", "list", "example.com")
    assert result.exit_code == 4
    assert result.stderr == ("mailctl: error: no stored credentials for profile 'other'; "
                             "run 'mailctl -p other session login' or set MAILCTL_SECRET\n")
    assert calls(emu) == []


def test_a_wrong_mailctl_secret_is_blamed_not_the_stored_secret(cli, emu, answer_format, memory_keyring):
    two_profiles(cli, emu)
    result = cli("--json", "-p", "other", "pop", "list", "example.com", environ={"MAILCTL_SECRET": "wrong"})
    assert result.exit_code == 4
    error = result.error_json["error"]
    assert error["code"] == "auth"
    assert error["message"].endswith("; the secret came from MAILCTL_SECRET: correct it, or run "
                                     "'unset MAILCTL_SECRET' to use the one stored for profile 'other'")
    assert "session login" not in error["message"]
    assert memory_keyring.store[("mailctl", "other")] == SECRET  # nothing touched


def test_a_rejected_session_login_does_not_point_at_itself(cli, emu, answer_format, memory_keyring):
    add_profile(cli, emu, "da", "demo")
    add_profile(cli, emu, "other", "demo", "--login-as", "demo")
    result = cli("-p", "other", "session", "login", "--secret-stdin", stdin="wrong\n")
    assert result.exit_code == 4
    assert "session login" not in result.stderr
    assert result.stderr.endswith(
        "; nothing was stored; if demo is not the right user name, change it with 'mailctl profile add other "
        f"--replace --provider directadmin --url {emu.url} --user USER --login-as demo'\n")
    assert ("mailctl", "other") not in memory_keyring.store
    assert len(calls(emu)) == 1


def test_account_passwd_by_a_user_level_login_is_a_permission_problem(cli, da):
    before = da.state.directadmin.users["demo"].password
    result = cli("--json", "account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 4
    assert result.error_json == {"error": {
        "code": "permission",
        "message": "DirectAdmin accepted the login of demo but not CMD_API_USER_PASSWD: only admins and resellers "
                   "may change an account's password (and a login key must allow CMD_API_USER_PASSWD); use a "
                   "profile that logs in as one: 'mailctl profile add NAME --provider directadmin --url "
                   f"{da.url} --user ADMIN'",
        "provider": "directadmin"}}
    assert "secret" not in result.error_json["error"]["message"].split(";")[-1]
    assert da.state.directadmin.users["demo"].password == before
    # The login was checked first, so the refusal of the write could only be the level.
    assert [r.path for r in calls(da)] == ["/CMD_API_LOGIN_TEST", "/CMD_API_USER_PASSWD"]


def test_account_passwd_with_a_wrong_secret_is_the_secret_and_sends_no_write(cli, da):
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n",
                 environ={"MAILCTL_SECRET": "wrong"})
    assert result.exit_code == 4
    assert "CMD_API_LOGIN_TEST" in result.stderr and "the secret came from MAILCTL_SECRET" in result.stderr
    assert [r.path for r in calls(da)] == ["/CMD_API_LOGIN_TEST"]


def test_account_passwd_by_an_admin_still_works(cli, da):
    add_profile(cli, da, "adm", "admin")
    assert cli("-p", "adm", "session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    result = cli("-p", "adm", "account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert da.state.directadmin.users["demo"].password == STRONG


def test_passwd_self_with_a_wrong_old_password_is_an_authentication_failure(cli, da):
    before = da.state.directadmin.mailbox("info@example.com").password
    result = cli("--json", "passwd", "--self", "info@example.com", "--password-stdin",
                 stdin=f"not-the-old-one\n{STRONG}\n")
    assert result.exit_code == 4
    assert result.error_json == {"error": {
        "code": "auth",
        "message": "DirectAdmin did not accept the old password of info@example.com (it says the same for an "
                   "address that does not exist): Unable to change password",
        "provider": "directadmin", "details": ["Wrong e-mail address or password"]}}
    assert da.state.directadmin.mailbox("info@example.com").password == before


def test_passwd_self_with_a_weak_new_password_stays_a_refusal(cli, da):
    from directadmin_support import MAILBOX_SECRET

    result = cli("--json", "passwd", "--self", "info@example.com", "--password-stdin",
                 stdin=f"{MAILBOX_SECRET}\nweak\n")
    assert result.exit_code == 1
    assert result.error_json["error"]["code"] == "refused"


def test_an_admins_empty_domain_list_hints_at_login_as_on_a_terminal(cli, da):
    add_profile(cli, da, "adm", "admin")
    assert cli("-p", "adm", "session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    result = cli("-p", "adm", "domain", "list", tty=True)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ("no domain belongs to admin itself; an admin or reseller reaches a user's domains by "
                             "acting as that user: 'mailctl -p adm domain list --login-as USER'\n")
    assert cli("-p", "adm", "--json", "domain", "list").json == []

    # The hint is the command that works.
    listed = cli("-p", "adm", "--json", "domain", "list", "--login-as", "demo")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json == [{"name": "example.com", "mailbox_count": None, "owner": "demo"}]
    assert basic_user(calls(da, "/CMD_API_SHOW_DOMAINS")[-1]) == "admin|demo"


def test_a_users_domain_list_has_no_hint(cli, da):
    result = cli("domain", "list", tty=True)
    assert result.exit_code == 0
    assert "example.com" in result.stdout and "--login-as" not in result.stderr


def test_the_no_keyring_remedy_names_the_plaintext_login_of_that_profile(cli, emu, answer_format):
    import keyring
    from keyring.backends import fail

    add_profile(cli, emu, "da", "demo")
    add_profile(cli, emu, "other", "demo")
    keyring.set_keyring(fail.Keyring())  # the isolated fixture puts the memory keyring back
    other = cli("-p", "other", "domain", "list")
    default = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert (other.exit_code, default.exit_code) == (4, 4)
    assert other.stderr.startswith("mailctl: error: no usable OS keyring found;")
    assert other.stderr.endswith("or for this profile with 'mailctl -p other session login --store plaintext'\n")
    assert default.stderr.endswith("or for this profile with 'mailctl session login --store plaintext'\n")
    assert calls(emu) == []
