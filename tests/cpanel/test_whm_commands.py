"""The whm backend through the real `mailctl` commands against the emulator: `account
passwd` in API 1 and the legacy API 0 form, and every mailbox command run as a cPanel
account through `uapi_cpanel`."""

from __future__ import annotations

import pytest

from cpanel_support import SECRET, STRONG, TOKEN, bodies, form

NEW = "Acc0unt-new-pass"


def whm_profile(cli, emu, *extra: str, name: str = "w", user: str = "root", secret: str = TOKEN) -> None:
    assert cli("profile", "add", name, "--provider", "whm", "--url", emu.url, "--user", user, *extra).exit_code == 0
    assert cli("-p", name, "session", "login", "--secret-stdin", stdin=secret).exit_code == 0
    emu.clear_requests()


# -- account passwd ----------------------------------------------------------------------


def test_account_passwd_api1_lists_the_changed_services(cli, whm):
    result = cli("--json", "account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 0, result.stderr
    assert result.json == {"user": "demo", "changed": True, "services": ["system", "ftp", "mail", "MySQL"]}
    assert "system, ftp, mail, MySQL" in result.stderr
    account = whm.state.cpanel.accounts["demo"]
    assert (account.password, account.db_password) == (NEW, NEW)
    [request] = whm.requests
    assert request.path == "/json-api/passwd" and request.query == ""
    assert form(request) == {"api.version": "1", "user": "demo", "password": NEW, "db_pass_update": "1"}
    assert request.headers["authorization"] == f"whm root:{TOKEN}"


def test_account_passwd_no_db_leaves_the_database_password(cli, whm):
    result = cli("--json", "account", "passwd", "demo", "--no-db", "--password-stdin", stdin=NEW)
    assert result.exit_code == 0
    assert "MySQL" not in result.json["services"]
    account = whm.state.cpanel.accounts["demo"]
    assert (account.password, account.db_password) == (NEW, SECRET)
    assert form(whm.requests[0])["db_pass_update"] == "0"


def test_account_passwd_legacy_profile_speaks_api0(cli, emu):
    whm_profile(cli, emu, "--legacy-api")
    result = cli("--json", "account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 0, result.stderr
    assert result.json["services"] == ["system", "ftp", "mail", "mySQL"]
    assert emu.state.cpanel.accounts["demo"].password == NEW
    sent = form(emu.requests[0])
    assert sent == {"user": "demo", "pass": NEW, "db_pass_update": "1"}  # no api.version, `pass`


def test_legacy_only_server_with_a_legacy_profile(cli, emu, memory_keyring):
    emu.settings.whm_legacy_only = True
    cli("profile", "add", "w", "--provider", "whm", "--url", emu.url, "--user", "root", "--legacy-api")
    login = cli("session", "login", "--secret-stdin", stdin=TOKEN)
    # The server knows no getdomainowner, but its readable answer proves the token.
    assert login.exit_code == 0
    assert "the credentials were accepted" in login.stderr
    assert memory_keyring.store[("mailctl", "w")] == TOKEN
    result = cli("--json", "account", "passwd", "demo", "--no-db", "--password-stdin", stdin=NEW)
    assert result.exit_code == 0
    assert emu.state.cpanel.accounts["demo"].password == NEW


def test_api0_answer_to_an_api1_profile_is_understood_and_explained(cli, whm):
    # A server that ignores api.version reads `pass`, finds none and refuses in API 0 form.
    whm.settings.whm_legacy_only = True
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 1
    assert "WHM refused changing the password of account demo" in result.stderr
    assert "--legacy-api" in result.stderr
    assert whm.state.cpanel.accounts["demo"].password == SECRET


def test_account_passwd_weak_password_refused(cli, whm):
    result = cli("--json", "account", "passwd", "demo", "--password-stdin", stdin="short1")
    assert result.exit_code == 1
    assert "too weak" in result.error_json["error"]["message"]
    assert whm.state.cpanel.accounts["demo"].password == SECRET


def test_account_passwd_suspended_account_refused(cli, whm):
    whm.state.cpanel.accounts["demo"].suspended = True
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 1
    assert "would unsuspend the account" in result.stderr
    assert whm.state.cpanel.accounts["demo"].password == SECRET


def test_reseller_cannot_reach_another_owners_account(cli, emu):
    emu.state.whm.add_user("res", "Res-pass-1", token=TOKEN.replace("A", "B"), role="reseller")
    emu.state.cpanel.add_account("mine", "Mine-pass-1", owner="res", main_domain="mine.test")
    whm_profile(cli, emu, user="res", secret=TOKEN.replace("A", "B"))
    assert cli("account", "passwd", "mine", "--password-stdin", stdin=NEW).exit_code == 0
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 1
    assert "do not own it" in result.stderr
    assert emu.state.cpanel.accounts["mine"].password == NEW
    assert emu.state.cpanel.accounts["demo"].password == SECRET


def test_account_passwd_500_is_ambiguous_and_not_resent(cli, whm):
    whm.add_fault("500,path=/json-api/passwd,when=after")
    result = cli("--json", "account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert len(whm.requests) == 1


def test_account_passwd_secret_never_shown(cli, whm):
    result = cli("--debug", "account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 0 and "> POST" in result.stderr
    assert NEW not in result.stdout + result.stderr and TOKEN not in result.stderr
    assert NEW not in whm.requests[0].url


# -- auth --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_bad_whm_token_is_exit_4_and_sent_once(cli, emu, memory_keyring, status):
    emu.settings.cpanel_auth_status = status
    cli("profile", "add", "w", "--provider", "whm", "--url", emu.url, "--user", "root")
    result = cli("--json", "session", "login", "--secret-stdin", stdin="Z" * 32)
    assert result.exit_code == 4
    assert len(emu.requests) == 1
    assert ("mailctl", "w") not in memory_keyring.store


@pytest.mark.parametrize("status", [401, 403])
def test_revoked_whm_token_on_account_passwd_is_exit_4_sent_once(cli, whm, status):
    whm.settings.cpanel_auth_status = status
    whm.state.whm.users["root"].tokens.remove(TOKEN)
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 4
    assert len(whm.requests) == 1
    assert whm.state.cpanel.accounts["demo"].password == SECRET


def test_whm_login_with_a_password_uses_basic_auth(cli, emu):
    whm_profile(cli, emu, secret=SECRET)
    assert cli("session", "status").exit_code == 0
    assert emu.requests[0].headers["authorization"].startswith("Basic ")


def test_every_whm_call_asks_for_api_version_1_in_the_body(cli, whm):
    cli("pop", "list", "example.com")
    cli("pop", "create", "n@example.com", "--password-stdin", stdin=STRONG)
    cli("session", "status")
    assert len(whm.requests) >= 4
    for request in whm.requests:
        assert form(request)["api.version"] == "1"
        assert request.query == ""


# -- mailboxes through uapi_cpanel -------------------------------------------------------


def test_pop_list_finds_the_domains_owner(cli, whm):
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert {row["address"]: row["quota_mb"] for row in result.json} == {
        "info@example.com": None, "sales@example.com": 500}
    owner, listing = whm.requests
    assert (owner.path, form(owner)["domain"]) == ("/json-api/getdomainowner", "example.com")
    assert listing.path == "/json-api/uapi_cpanel"
    assert form(listing) == {"api.version": "1", "cpanel.user": "demo", "cpanel.module": "Email",
                             "cpanel.function": "list_pops_with_disk", "domain": "example.com"}


def test_pop_list_of_a_domain_nobody_owns_is_not_found(cli, whm):
    result = cli("--json", "pop", "list", "nowhere.test")
    assert result.exit_code == 3
    assert [r.path for r in whm.requests] == ["/json-api/getdomainowner"]


def test_cpanel_user_flag_skips_the_owner_lookup(cli, whm):
    result = cli("--json", "pop", "list", "example.com", "--cpanel-user", "demo")
    assert result.exit_code == 0
    assert [r.path for r in whm.requests] == ["/json-api/uapi_cpanel"]


def test_cpanel_user_from_the_profile(cli, emu):
    emu.state.cpanel.add_account("alice", "Al1ce-pass", main_domain="alice.test")
    emu.state.cpanel.add_mailbox("bob@alice.test", quota_mb=10)
    whm_profile(cli, emu, "--cpanel-user", "alice")
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0
    assert result.json == [{"name": "alice.test", "mailbox_count": None, "owner": "alice"}]
    assert cli("--json", "pop", "list", "alice.test").json[0]["address"] == "bob@alice.test"
    assert all(form(r)["cpanel.user"] == "alice" for r in emu.requests)


def test_domain_of_another_account_with_cpanel_user_is_not_found(cli, whm):
    whm.state.cpanel.add_account("alice", "Al1ce-pass", main_domain="alice.test")
    result = cli("pop", "list", "example.com", "--cpanel-user", "alice")
    assert result.exit_code == 3
    assert "not a mail domain of account alice" in result.stderr


def test_unknown_cpanel_user_is_refused_with_whms_reason(cli, whm):
    result = cli("pop", "list", "example.com", "--cpanel-user", "nosuch")
    assert result.exit_code == 1
    assert 'The user "nosuch" does not exist' in result.stderr


def test_invalid_cpanel_user_is_refused_before_any_request(cli, whm):
    result = cli("pop", "list", "example.com", "--cpanel-user", "bad/name")
    assert result.exit_code == 2
    assert whm.requests == []


def test_domain_list_with_cpanel_user(cli, whm):
    result = cli("--json", "domain", "list", "--cpanel-user", "demo")
    assert (result.exit_code, [d["name"] for d in result.json]) == (0, ["example.com"])


def test_create_through_whm(cli, whm):
    result = cli("--json", "pop", "create", "new@example.com", "--quota", "75", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0, result.stderr
    assert result.json["quota_mb"] == 75
    box = whm.state.cpanel.mailbox("new@example.com")
    assert (box.password, box.quota_mb) == (STRONG, 75)
    sent = form(whm.requests[-1])
    assert (sent["cpanel.function"], sent["email"], sent["quota"]) == ("add_pop", "new", "75")


def test_reserved_local_part_through_whm_sends_nothing(cli, whm):
    result = cli("pop", "create", "cpanel@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 2
    assert whm.requests == []


def test_create_refusal_through_whm_shows_the_uapi_error(cli, whm):
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin="short1")
    assert result.exit_code == 1
    assert "cannot be used" in result.error_json["error"]["message"]
    assert result.error_json["error"]["provider"] == "whm"
    assert not whm.state.cpanel.has_mailbox("new@example.com")


def test_create_500_after_apply_through_whm(cli, whm):
    whm.add_fault("500,path=/json-api/uapi_cpanel,field=cpanel.function:add_pop,when=after")
    result = cli("pop", "create", "new@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr
    adds = [r for r in whm.requests if form(r).get("cpanel.function") == "add_pop"]
    assert len(adds) == 1
    assert whm.state.cpanel.has_mailbox("new@example.com")


@pytest.mark.parametrize("keep", [False, True])
def test_delete_through_whm(cli, whm, keep):
    args = ["--yes", "pop", "delete", "info@example.com", "sales@example.com"] + (["--keep-data"] if keep else [])
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert [(d.address, d.data_kept) for d in whm.state.cpanel.deleted] == [
        ("info@example.com", keep), ("sales@example.com", keep)]
    # The owner is looked up once for both mailboxes of the domain.
    assert len(bodies(whm, "/json-api/getdomainowner")) == 1


def test_delete_unknown_mailbox_through_whm_is_not_found(cli, whm):
    result = cli("--yes", "pop", "delete", "ghost@example.com")
    assert result.exit_code == 3
    assert whm.state.cpanel.deleted == []


def test_passwd_through_whm(cli, whm):
    result = cli("passwd", "sales@example.com", "--password-stdin", stdin=STRONG)
    assert result.exit_code == 0
    assert whm.state.cpanel.mailbox("sales@example.com").password == STRONG
    assert STRONG not in result.stderr


def test_503_on_uapi_read_through_whm_is_retried(cli, whm):
    fault = whm.add_fault("503,path=/json-api/uapi_cpanel,count=1")
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0 and fault.fired == 1


def test_truncated_whm_answer_is_exit_5(cli, whm):
    whm.add_fault("truncate,provider=whm")
    result = cli("pop", "list", "example.com")
    assert result.exit_code == 5
    assert "Traceback" not in result.stderr


def test_uapi_warnings_through_whm_reach_stderr(cli, whm, answers_patched):
    answers_patched(lambda answer, function: {**answer, "warnings": ["Mail delivery is paused."]})
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0
    assert "Mail delivery is paused." in result.stderr
