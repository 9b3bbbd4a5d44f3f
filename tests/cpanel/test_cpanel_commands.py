"""The cpanel backend through the real `mailctl` commands against the emulator: what goes
over the wire, what is printed, the exit code, and the emulator's state afterwards."""

from __future__ import annotations

import pytest

from cpanel_support import SECRET, STRONG, TOKEN, bodies, form

MB = 1024 * 1024


# -- reads -------------------------------------------------------------------------------


def test_pop_list_reads_quota_and_usage_from_the_byte_fields(cli, cpanel):
    cpanel.state.cpanel.mailbox("sales@example.com").suspended_login = True
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    rows = {row["address"]: row for row in result.json}
    assert set(rows) == set(cpanel.state.cpanel.addresses("example.com"))
    assert rows["info@example.com"]["quota_mb"] is None  # 0 = unlimited
    assert rows["info@example.com"]["usage_bytes"] == int(12.5 * MB)
    assert rows["sales@example.com"]["quota_mb"] == 500
    assert rows["sales@example.com"]["usage_bytes"] == int(230.25 * MB)
    assert rows["sales@example.com"]["suspended"] is True
    [request] = cpanel.requests
    assert (request.method, request.path, form(request)) == ("POST", "/execute/Email/list_pops_with_disk",
                                                             {"domain": "example.com"})
    assert request.headers["authorization"] == f"cpanel demo:{TOKEN}"


def test_pop_list_plain_output_is_tab_separated(cli, cpanel):
    result = cli("pop", "list", "example.com")
    assert result.stdout.splitlines() == [
        f"info@example.com\tunlimited\t{int(12.5 * MB)}\tno\t-\tnone",
        f"sales@example.com\t500\t{int(230.25 * MB)}\tno\t-\tnone",
    ]


def test_pop_list_of_a_domain_the_account_lacks_is_not_found(cli, cpanel):
    result = cli("--json", "pop", "list", "elsewhere.test")
    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    assert "elsewhere.test" in result.error_json["error"]["message"]
    # Decided from the account's domain list, not from the (empty) listing.
    assert [r.path for r in cpanel.requests] == ["/execute/Email/list_pops_with_disk",
                                                 "/execute/Email/list_mail_domains"]


def test_pop_list_of_a_known_domain_without_mailboxes_is_empty(cli, cpanel):
    cpanel.state.cpanel.add_domain("empty.test", "demo")
    result = cli("--json", "pop", "list", "empty.test")
    assert (result.exit_code, result.json) == (0, [])


def test_domain_list(cli, cpanel):
    cpanel.state.cpanel.add_domain("second.test", "demo")
    cpanel.state.cpanel.add_domain("foreign.test", "someoneelse")
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0
    assert [d["name"] for d in result.json] == ["example.com", "second.test"]
    assert result.json[0]["owner"] == "demo"


# -- pop create --------------------------------------------------------------------------


def test_create_with_quota(cli, cpanel):
    result = cli("--json", "pop", "create", "new@example.com", "--quota", "250", "--password-stdin",
                 stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json["address"] == "new@example.com"
    assert result.json["quota_mb"] == 250
    created = cpanel.state.cpanel.mailbox("new@example.com")
    assert (created.password, created.quota_mb) == (STRONG, 250)
    assert form(cpanel.requests[0]) == {"email": "new", "domain": "example.com", "password": STRONG, "quota": "250"}


def test_create_unlimited_sends_unlimited(cli, cpanel):
    result = cli("--json", "pop", "create", "big@example.com", "--quota", "0", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0
    assert result.json["quota_mb"] is None
    assert form(cpanel.requests[0])["quota"] == "unlimited"
    assert cpanel.state.cpanel.mailbox("big@example.com").quota_mb == 0


def test_create_without_quota_reports_what_the_server_chose(cli, cpanel):
    result = cli("--json", "pop", "create", "dflt@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0
    assert "quota" not in form(cpanel.requests[0])
    assert result.json["quota_mb"] is None  # the emulator's default is unlimited
    assert cpanel.requests[1].path == "/execute/Email/list_pops_with_disk"


def test_create_generated_password_is_shown_once_and_stored(cli, cpanel):
    result = cli("--json", "pop", "create", "gen@example.com", "--generate")
    assert result.exit_code == 0
    assert cpanel.state.cpanel.mailbox("gen@example.com").password == result.json["password"]


def test_weak_password_is_refused_with_the_servers_message(cli, cpanel):
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin="short1\n")
    assert result.exit_code == 1
    error = result.error_json["error"]
    assert error["code"] == "refused" and error["provider"] == "cpanel"
    assert "Sorry, the password you selected cannot be used" in error["message"]
    assert not cpanel.state.cpanel.has_mailbox("new@example.com")


def test_existing_mailbox_is_refused(cli, cpanel):
    result = cli("pop", "create", "info@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 1
    assert "already exists" in result.stderr


def test_create_on_a_foreign_domain_is_not_found(cli, cpanel):
    cpanel.state.cpanel.add_domain("foreign.test", "someoneelse")
    result = cli("--json", "pop", "create", "x@foreign.test", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 3
    assert not cpanel.state.cpanel.has_mailbox("x@foreign.test")


def test_reserved_local_part_is_refused_before_any_request(cli, cpanel):
    result = cli("pop", "create", "cpanel@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 2
    assert "reserves" in result.stderr
    assert cpanel.requests == []


def test_all_errors_are_shown_and_warnings_go_to_stderr(cli, cpanel, answers_patched):
    def two_errors(answer, function):
        if function == "add_pop":
            return {**answer, "status": 0, "errors": ["Quota exceeded.", "Contact your host."],
                    "warnings": ["The account is near its disk limit."]}
        return answer

    answers_patched(two_errors)
    result = cli("pop", "create", "new@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 1
    assert "Quota exceeded." in result.stderr and "Contact your host." in result.stderr
    assert "warning: cPanel: The account is near its disk limit." in result.stderr
    assert result.stdout == ""


def test_warnings_on_success_go_to_stderr_not_stdout(cli, cpanel, answers_patched):
    answers_patched(lambda answer, function: {**answer, "warnings": "Mailbox list may be stale."})
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0
    assert result.stderr == '{"warning": "cPanel: Mailbox list may be stale."}\n'  # JSON lines only
    assert len(result.json) == 2


# -- pop delete --------------------------------------------------------------------------


def test_delete_destroys_the_mail_by_default(cli, cpanel):
    result = cli("--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert not cpanel.state.cpanel.has_mailbox("sales@example.com")
    [deleted] = cpanel.state.cpanel.deleted
    assert (deleted.address, deleted.data_kept) == ("sales@example.com", False)
    assert "flags" not in form(cpanel.requests[0])


def test_delete_keep_data_sends_flags_passwd(cli, cpanel):
    result = cli("--yes", "--json", "pop", "delete", "sales@example.com", "--keep-data")
    assert result.exit_code == 0
    assert result.json == [{"address": "sales@example.com", "outcome": "deleted", "error": None, "data_kept": True}]
    [deleted] = cpanel.state.cpanel.deleted
    assert deleted.data_kept is True
    assert form(cpanel.requests[0]) == {"email": "sales", "domain": "example.com", "flags": "passwd"}


@pytest.mark.parametrize("keep, says", [(False, "ALL MAIL"), (True, "keeping the mail files")])
def test_delete_confirmation_says_what_happens_to_the_mail(cli, cpanel, keep, says):
    args = ["pop", "delete", "sales@example.com"] + (["--keep-data"] if keep else [])
    result = cli(*args)  # no terminal, no --yes: the question is the error
    assert result.exit_code == 2
    assert says in result.stderr
    assert cpanel.requests == [] and cpanel.state.cpanel.has_mailbox("sales@example.com")


def test_delete_unknown_mailbox_is_not_found(cli, cpanel):
    result = cli("--yes", "--json", "pop", "delete", "ghost@example.com")
    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    assert cpanel.state.cpanel.deleted == []


def test_delete_several_reports_each(cli, cpanel):
    result = cli("--yes", "--json", "pop", "delete", "info@example.com", "ghost@example.com", "sales@example.com")
    assert result.exit_code == 6
    outcomes = {row["address"]: row["outcome"] for row in result.json}
    assert outcomes == {"info@example.com": "deleted", "ghost@example.com": "failed", "sales@example.com": "deleted"}
    assert cpanel.state.cpanel.addresses("example.com") == []


# -- passwd ------------------------------------------------------------------------------


def test_passwd_changes_the_mailbox_password(cli, cpanel):
    result = cli("--json", "passwd", "info@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0
    assert result.json == {"address": "info@example.com", "changed": True}
    assert cpanel.state.cpanel.mailbox("info@example.com").password == STRONG
    assert form(cpanel.requests[0]) == {"email": "info", "domain": "example.com", "password": STRONG}
    assert cpanel.requests[0].path == "/execute/Email/passwd_pop"


def test_passwd_unknown_mailbox_is_not_found(cli, cpanel):
    result = cli("passwd", "ghost@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 3


def test_passwd_weak_is_refused(cli, cpanel):
    result = cli("passwd", "info@example.com", "--password-stdin", stdin="short1")
    assert result.exit_code == 1
    assert "cannot be used" in result.stderr
    assert cpanel.state.cpanel.mailbox("info@example.com").password == "mailbox-secret"


def test_passwd_require_reset_is_unsupported_and_sends_nothing(cli, cpanel):
    result = cli("passwd", "info@example.com", "--require-reset", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 2
    assert cpanel.requests == []


# -- session -----------------------------------------------------------------------------


def test_login_checks_with_one_read_then_stores(cli, emu, memory_keyring):
    cli("profile", "add", "cp", "--provider", "cpanel", "--url", emu.url, "--user", "demo")
    result = cli("--json", "session", "login", "--secret-stdin", stdin=TOKEN + "\n")
    assert result.exit_code == 0
    assert result.json["authenticated"] is True
    assert memory_keyring.store[("mailctl", "cp")] == TOKEN
    [request] = emu.requests
    assert request.headers["authorization"] == f"cpanel demo:{TOKEN}"


def test_login_with_a_password_uses_basic_auth(cli, emu, memory_keyring):
    cli("profile", "add", "cp", "--provider", "cpanel", "--url", emu.url, "--user", "demo")
    assert cli("session", "login", "--secret-stdin", stdin=SECRET).exit_code == 0
    assert emu.requests[0].headers["authorization"].startswith("Basic ")
    assert cli("--json", "pop", "list", "example.com").exit_code == 0


@pytest.mark.parametrize("status", [401, 403])
def test_bad_token_at_login_is_exit_4_sent_once_and_not_stored(cli, emu, memory_keyring, status):
    emu.settings.cpanel_auth_status = status
    cli("profile", "add", "cp", "--provider", "cpanel", "--url", emu.url, "--user", "demo")
    result = cli("--json", "session", "login", "--secret-stdin", stdin="Z" * 32)
    assert result.exit_code == 4
    assert result.error_json["error"]["code"] == "auth"
    assert len(emu.requests) == 1  # never retried: cPHulk counts every failure
    assert ("mailctl", "cp") not in memory_keyring.store


@pytest.mark.parametrize("status", [401, 403])
def test_revoked_token_on_a_read_is_exit_4_sent_once(cli, cpanel, status):
    cpanel.settings.cpanel_auth_status = status
    cpanel.state.cpanel.accounts["demo"].tokens.remove(TOKEN)
    result = cli("pop", "list", "example.com")
    assert result.exit_code == 4
    assert "Traceback" not in result.stderr
    assert len(cpanel.requests) == 1


def test_status_checks_the_stored_token(cli, cpanel):
    assert cli("--json", "session", "status").json["authenticated"] is True
    cpanel.state.cpanel.accounts["demo"].tokens.remove(TOKEN)
    assert cli("session", "status").exit_code == 4


def test_logout_forgets_the_token(cli, cpanel, memory_keyring):
    result = cli("session", "logout")
    assert result.exit_code == 0
    assert ("mailctl", "cp") not in memory_keyring.store
    assert cli("pop", "list", "example.com").exit_code == 4  # no stored credentials
    assert cpanel.requests == []


# -- transport failures ------------------------------------------------------------------


def test_503_on_a_read_is_retried_and_recovers(cli, cpanel):
    fault = cpanel.add_fault("503,path=/execute/Email/list_pops_with_disk,count=2")
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0
    assert fault.fired == 2 and len(result.json) == 2


def test_500_on_every_read_ends_in_exit_5(cli, cpanel):
    cpanel.add_fault("500,path=/execute/")
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "transport"
    assert len(cpanel.requests) == 4  # first try + 3 retries


def test_non_json_answer_is_exit_5_without_traceback(cli, cpanel):
    cpanel.add_fault("nonjson,path=/execute/")
    result = cli("pop", "list", "example.com")
    assert result.exit_code == 5
    assert "not JSON" in result.stderr and "Traceback" not in result.stderr


def test_create_500_after_apply_is_checked_and_succeeds_once(cli, cpanel):
    cpanel.add_fault("500,path=/execute/Email/add_pop,when=after")
    result = cli("--json", "pop", "create", "new@example.com", "--quota", "20", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr and "applied" in result.stderr
    assert result.json["quota_mb"] == 20
    assert len(bodies(cpanel, "/execute/Email/add_pop")) == 1  # never re-sent
    assert cpanel.state.cpanel.has_mailbox("new@example.com")


def test_create_500_before_apply_says_not_applied(cli, cpanel):
    cpanel.add_fault("500,path=/execute/Email/add_pop")
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 5
    assert "NOT applied" in result.error_json["error"]["message"]
    assert len(bodies(cpanel, "/execute/Email/add_pop")) == 1
    assert not cpanel.state.cpanel.has_mailbox("new@example.com")


def test_create_timeout_after_apply_is_checked(cli, cpanel):
    cpanel.add_fault("stall,path=/execute/Email/add_pop,when=after,seconds=3")
    result = cli("--timeout", "0.3", "pop", "create", "slow@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr
    assert len(bodies(cpanel, "/execute/Email/add_pop")) == 1


def test_delete_reset_after_apply_is_checked(cli, cpanel):
    cpanel.add_fault("reset,path=/execute/Email/delete_pop,when=after")
    result = cli("--yes", "pop", "delete", "info@example.com")
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr
    assert len(bodies(cpanel, "/execute/Email/delete_pop")) == 1
    assert len(cpanel.state.cpanel.deleted) == 1


def test_delete_500_before_apply_says_not_applied(cli, cpanel):
    cpanel.add_fault("500,path=/execute/Email/delete_pop")
    result = cli("--yes", "pop", "delete", "info@example.com")
    assert result.exit_code == 5
    assert "NOT applied" in result.stderr
    assert cpanel.state.cpanel.has_mailbox("info@example.com")


def test_passwd_500_is_ambiguous(cli, cpanel):
    cpanel.add_fault("500,path=/execute/Email/passwd_pop,when=after")
    result = cli("--json", "passwd", "info@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert len(bodies(cpanel, "/execute/Email/passwd_pop")) == 1


def test_state_check_failing_too_is_ambiguous(cli, cpanel):
    cpanel.add_fault("500,path=/execute/Email/add_pop,when=after")
    cpanel.add_fault("500,path=/execute/Email/list_pops_with_disk")
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"


# -- secrets -----------------------------------------------------------------------------


def test_no_password_or_token_in_urls_output_or_debug_trace(cli, cpanel):
    runs = [
        cli("--debug", "pop", "create", "new@example.com", "--password-stdin", stdin=STRONG),
        cli("--debug", "passwd", "info@example.com", "--password-stdin", stdin=STRONG + "2"),
        cli("--debug", "--json", "pop", "create", "x@example.com", "--password-stdin", stdin="short1"),
        cli("--debug", "session", "status"),
    ]
    assert all("> POST" in run.stderr for run in runs)  # the trace is really there
    for run in runs:
        for secret in (STRONG, "short1", TOKEN):
            assert secret not in run.stdout + run.stderr
    for request in cpanel.requests:
        assert request.query == ""
        for secret in (STRONG, "short1", TOKEN):
            assert secret not in request.url
    assert STRONG.encode() in cpanel.requests[0].body  # it travelled, in the POST body


def test_login_refused_read_still_proves_the_token_and_warns(cli, emu, memory_keyring, answers_patched):
    # Only a 401/403 means bad credentials; a status-0 answer means they were accepted.
    answers_patched(lambda answer, function: {**answer, "status": 0, "errors": ["Email is disabled."]})
    cli("profile", "add", "cp", "--provider", "cpanel", "--url", emu.url, "--user", "demo")
    result = cli("session", "login", "--secret-stdin", stdin=TOKEN)
    assert result.exit_code == 0
    assert "warning: the credentials were accepted, but cPanel refused" in result.stderr
    assert "Email is disabled." in result.stderr
    assert memory_keyring.store[("mailctl", "cp")] == TOKEN
