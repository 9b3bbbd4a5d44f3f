"""Every verb Virtualmin supports, through the real CLI against the emulator, with the
emulator's state and the requests it received checked; the verbs it lacks refused with
exit 2 before a single request; the credential warning of `profile add`."""

from __future__ import annotations

import pytest

from virtualmin_support import MB, STRONG, assert_post_only, params, programs

PASSWORD = STRONG + "\n"


# -- profile add and sessions -------------------------------------------------------------------


def test_profile_add_warns_once_that_the_credential_is_root_level(cli, emu):
    result = cli("profile", "add", "vm", "--provider", "virtualmin", "--url", emu.url, "--user", "demo")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "master administrator" in warnings[0] and "root" in warnings[0]
    assert "docs/providers/virtualmin.md" in warnings[0]
    assert emu.requests == []  # profile add talks to no one
    # Only when the profile is added: other commands do not repeat it.
    login = cli("session", "login", "--secret-stdin", stdin="demo-secret\n")
    assert login.exit_code == 0 and "warning" not in login.stderr


def test_session_login_and_status_run_list_domains(cli, emu):
    cli("profile", "add", "vm", "--provider", "virtualmin", "--url", emu.url, "--user", "demo")
    assert cli("session", "login", "--secret-stdin", stdin="demo-secret\n").exit_code == 0
    status = cli("--json", "session", "status")
    assert status.exit_code == 0, status.stderr
    assert status.json["authenticated"] is True and status.json["provider"] == "virtualmin"
    assert programs(emu) == ["list-domains", "list-domains"]
    assert_post_only(emu)


def test_a_wrong_password_is_exit_4_and_never_retried(cli, emu):
    cli("profile", "add", "vm", "--provider", "virtualmin", "--url", emu.url, "--user", "demo")
    result = cli("session", "login", "--secret-stdin", stdin="wrong\n")
    assert result.exit_code == 4
    assert "HTTP 401" in result.stderr and "Traceback" not in result.stderr
    assert len(emu.requests) == 1
    assert cli("-p", "vm", "pop", "list", "example.com").exit_code == 4  # nothing was stored


def test_a_login_that_is_not_a_master_administrator_is_exit_4(cli, emu):
    cli("profile", "add", "owner", "--provider", "virtualmin", "--url", emu.url, "--user", "example")
    result = cli("session", "login", "--secret-stdin", stdin="Owner-secret-1\n")
    assert result.exit_code == 4
    assert "not allowed to run remote commands" in result.stderr and "master administrator" in result.stderr
    assert len(emu.requests) == 1


def test_a_password_changed_on_the_server_is_an_auth_failure_in_json(cli, vm):
    vm.state.virtualmin.logins["demo"].password = "Changed-elsewhere-1"
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 4
    assert result.error_json["error"]["code"] == "auth" and result.error_json["error"]["provider"] == "virtualmin"
    assert len(vm.requests) == 1


def test_an_html_page_instead_of_json_is_an_auth_failure(cli, vm):
    vm.add_fault(kind="login_page", provider="virtualmin")
    result = cli("pop", "list", "example.com")
    assert result.exit_code == 4 and "HTML page" in result.stderr
    assert len(vm.requests) == 1


# -- POST only ----------------------------------------------------------------------------------------


def test_a_server_that_takes_only_get_is_a_clear_error_and_get_is_never_tried(cli, vm):
    vm.state.virtualmin.get_only = True
    result = cli("pop", "create", "new@example.com", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 1
    assert "HTTP 405" in result.stderr and "never falls back to GET" in result.stderr
    assert [r.method for r in vm.requests] == ["POST"]  # sent once, never again as a GET
    assert STRONG not in vm.requests[0].url
    assert not vm.state.virtualmin.has_mailbox("new@example.com")
    listing = cli("pop", "list", "example.com")
    assert listing.exit_code == 1 and [r.method for r in vm.requests] == ["POST", "POST"]


def test_passwords_travel_only_in_post_bodies(cli, vm):
    assert cli("pop", "create", "new@example.com", "--password-stdin", stdin=PASSWORD).exit_code == 0
    assert cli("passwd", "new@example.com", "--password-stdin", stdin="An0ther-pass-word\n").exit_code == 0
    assert_post_only(vm)
    assert not any(STRONG in r.url or "An0ther" in r.url for r in vm.requests)


@pytest.mark.parametrize("password", ["N3w-Mailbox\rpass", "N3w-Mailbox\r--quota"])
def test_a_password_with_a_line_break_is_refused_before_sending(cli, vm, password):
    # remote.cgi would split it into more arguments: flags of the writer's choosing.
    for command in (("pop", "create", "new@example.com"), ("passwd", "info@example.com")):
        result = cli(*command, "--password-stdin", stdin=password + "\n")
        assert result.exit_code == 2, result.stderr
        assert "line break" in result.stderr
    assert vm.requests == []


# -- domain list and pop list --------------------------------------------------------------------


def test_domain_list(cli, vm):
    vm.state.virtualmin.add_domain("second.test", "second")
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0, result.stderr
    assert result.json == [{"name": "example.com", "mailbox_count": 2, "owner": "example"},
                           {"name": "second.test", "mailbox_count": 0, "owner": "second"}]
    assert programs(vm) == ["list-domains"]


def test_pop_list_reads_bytes_and_the_disabled_flag(cli, vm):
    vm.state.virtualmin.mailbox("sales@example.com").disabled = True
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"address": "info@example.com", "quota_mb": None, "usage_bytes": round(12.5 * MB), "suspended": False,
         "plan": None, "restrictions": None, "domain": "example.com"},
        {"address": "sales@example.com", "quota_mb": 500, "usage_bytes": round(230.25 * MB), "suspended": True,
         "plan": None, "restrictions": None, "domain": "example.com"},
    ]
    assert params(vm, "list-users") == [{"program": "list-users", "domain": "example.com", "json": "1"}]


def test_pop_list_of_a_quota_in_odd_blocks_rounds_up_to_a_whole_mb(cli, vm):
    vm.state.virtualmin.mailbox("sales@example.com").quota_blocks = 1025  # 1 MB and 1 kB
    result = cli("--json", "pop", "list", "example.com")
    assert [box["quota_mb"] for box in result.json] == [None, 2]


def test_pop_list_of_all_domains(cli, vm):
    vm.state.virtualmin.add_domain("second.test", "second")
    vm.state.virtualmin.add_mailbox("x@second.test", quota_blocks=1024)
    result = cli("--json", "pop", "list", "--all-domains")
    assert result.exit_code == 0, result.stderr
    assert [(b["address"], b["quota_mb"]) for b in result.json] == [
        ("info@example.com", None), ("sales@example.com", 500), ("x@second.test", 1)]


def test_pop_list_of_an_unknown_domain_is_exit_3(cli, vm):
    result = cli("pop", "list", "nowhere.test")
    assert result.exit_code == 3
    assert "no virtual server nowhere.test" in result.stderr
    assert programs(vm) == ["list-users", "list-domains"]


def test_pop_list_without_home_quotas_says_unknown_not_unlimited(cli, vm):
    vm.state.virtualmin.home_quotas = False
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0
    assert [(b["quota_mb"], b["usage_bytes"]) for b in result.json] == [(None, None), (None, None)]


def test_the_debug_trace_never_shows_the_passwords_list_users_gives(cli, vm):
    vm.state.virtualmin.mailbox("info@example.com").password = "Plain-text-Secret-9"
    result = cli("--debug", "pop", "list", "example.com")
    assert result.exit_code == 0
    assert '"password": ["***"]' in result.stderr and '"encrypted_password": ["***"]' in result.stderr
    assert "Plain-text-Secret-9" not in result.stderr and "$6$" not in result.stderr
    assert "demo-secret" not in result.stderr


# -- pop create -------------------------------------------------------------------------------------


@pytest.mark.parametrize("quota, sent, blocks", [("100", "102400", 102400), ("0", "UNLIMITED", 0),
                                                 ("unlimited", "UNLIMITED", 0)])
def test_pop_create_sends_the_quota_in_1_kb_blocks(cli, vm, quota, sent, blocks):
    result = cli("pop", "create", "new@example.com", "--quota", quota, "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Created new@example.com\n"
    box = vm.state.virtualmin.mailbox("new@example.com")
    assert (box.password, box.quota_blocks) == (STRONG, blocks)
    assert params(vm, "create-user") == [{"program": "create-user", "domain": "example.com", "user": "new",
                                          "pass": STRONG, "quota": sent, "json": "1"}]
    assert programs(vm) == ["create-user"]
    assert_post_only(vm)


def test_pop_create_without_a_quota_leaves_the_default_and_reads_it_back(cli, vm):
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 0, result.stderr
    assert result.json["quota_mb"] is None and result.json["usage_bytes"] == 0
    assert "quota" not in params(vm, "create-user")[0]
    assert programs(vm) == ["create-user", "list-users"]


def test_pop_create_of_an_existing_mailbox_is_refused_with_the_servers_words(cli, vm):
    result = cli("pop", "create", "info@example.com", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 1
    assert "A user named info already exists" in result.stderr
    assert vm.state.virtualmin.mailbox("info@example.com").password == "mailbox-secret"


def test_pop_create_with_a_weak_password_is_refused(cli, vm):
    result = cli("pop", "create", "new@example.com", "--password-stdin", stdin="weak\n")
    assert result.exit_code == 1 and "too weak" in result.stderr
    assert not vm.state.virtualmin.has_mailbox("new@example.com")


def test_pop_create_in_an_unknown_domain_is_exit_3(cli, vm):
    result = cli("pop", "create", "x@nowhere.test", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 3 and "nowhere.test" in result.stderr


def test_pop_create_whose_answer_was_lost_is_settled_by_reading(cli, vm):
    vm.add_fault("reset,provider=virtualmin,field=program:create-user,when=after")
    result = cli("pop", "create", "new@example.com", "--quota", "10", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr and "the change was applied" in result.stderr
    assert programs(vm) == ["create-user", "list-users"]  # never sent twice
    assert vm.state.virtualmin.mailbox("new@example.com").quota_blocks == 10240


# -- pop delete --------------------------------------------------------------------------------------


def test_pop_delete(cli, vm):
    result = cli("--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert vm.state.virtualmin.addresses() == ["info@example.com"]
    assert params(vm, "delete-user") == [{"program": "delete-user", "domain": "example.com", "user": "sales",
                                          "json": "1"}]


def test_pop_delete_of_a_missing_mailbox_is_exit_3(cli, vm):
    result = cli("--yes", "pop", "delete", "ghost@example.com")
    assert result.exit_code == 3 and "no mailbox ghost@example.com" in result.stderr
    assert programs(vm) == ["delete-user", "list-users"]
    assert vm.state.virtualmin.addresses() == ["info@example.com", "sales@example.com"]


# -- passwd ------------------------------------------------------------------------------------------


def test_passwd_changes_only_the_password(cli, vm):
    result = cli("passwd", "sales@example.com", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 0, result.stderr
    box = vm.state.virtualmin.mailbox("sales@example.com")
    assert (box.password, box.quota_blocks, box.real_name) == (STRONG, 500 * 1024, "Sales Team")
    assert programs(vm) == ["list-users", "modify-user"]
    assert params(vm, "modify-user") == [{"program": "modify-user", "domain": "example.com", "user": "sales",
                                          "pass": STRONG, "json": "1"}]


def test_passwd_of_a_missing_mailbox_is_exit_3_and_sends_no_password(cli, vm):
    result = cli("passwd", "ghost@example.com", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 3
    assert programs(vm) == ["list-users"]


def test_passwd_whose_answer_was_lost_is_ambiguous_and_not_resent(cli, vm):
    vm.add_fault("500,provider=virtualmin,field=program:modify-user")
    result = cli("passwd", "sales@example.com", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 5 and "check on the server before retrying" in result.stderr
    assert programs(vm) == ["list-users", "modify-user"]


# -- what Virtualmin does not do here --------------------------------------------------------------

REFUSED = [
    pytest.param(("account", "passwd", "example", "--password-stdin"), PASSWORD, "account passwd",
                 id="account-passwd"),
    pytest.param(("passwd", "--self", "info@example.com", "--password-stdin"), "mailbox-secret\n" + PASSWORD,
                 "passwd --self", id="passwd-self"),
    pytest.param(("passwd", "info@example.com", "--require-reset", "--password-stdin"), PASSWORD, "--require-reset",
                 id="require-reset"),
    pytest.param(("--yes", "pop", "delete", "info@example.com", "--keep-data"), "", "--keep-data", id="keep-data"),
    pytest.param(("pop", "create", "new@example.com", "--send-limit", "5", "--password-stdin"), PASSWORD,
                 "send limit", id="send-limit"),
    pytest.param(("pop", "create", "new@example.com", "--plan", "light", "--password-stdin"), PASSWORD, "plan",
                 id="plan"),
]


@pytest.mark.parametrize("args, stdin, says", REFUSED)
def test_a_verb_or_option_virtualmin_lacks_is_exit_2_with_no_request(cli, vm, args, stdin, says):
    result = cli(*args, stdin=stdin)
    assert result.exit_code == 2, result.stderr
    assert says in result.stderr and "virtualmin" in result.stderr.lower()
    assert vm.requests == []
    assert vm.state.virtualmin.mailbox("info@example.com").password == "mailbox-secret"

