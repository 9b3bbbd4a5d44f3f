"""domain list, pop list / create / delete through the real CLI against the emulator, in
both answer formats; every test checks the emulator's state or the requests it saw."""

from __future__ import annotations

import pytest

from directadmin_support import STRONG, actions, calls, form

MB = 1024 * 1024


# -- domain list ------------------------------------------------------------------------------------


def test_domain_list_json_plain_and_table(cli, da):
    da.state.directadmin.add_domain("second.test", "demo")
    da.state.directadmin.add_domain("other.test", "admin")
    assert cli("--json", "domain", "list").json == [
        {"name": "example.com", "mailbox_count": None, "owner": "demo"},
        {"name": "second.test", "mailbox_count": None, "owner": "demo"},
    ]
    assert cli("-o", "plain", "domain", "list").stdout == "example.com\t-\tdemo\nsecond.test\t-\tdemo\n"
    table = cli("domain", "list", tty=True).stdout
    assert "Domain" in table and "second.test" in table and "other.test" not in table
    assert {r.path for r in calls(da)} == {"/CMD_API_SHOW_DOMAINS"}


def test_domain_list_of_an_account_without_domains_is_empty(cli, da):
    da.state.directadmin.domains.clear()
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0 and result.json == []


# -- pop list ---------------------------------------------------------------------------------------


def test_pop_list_json_gives_quota_usage_and_suspension_in_one_request(cli, da):
    da.state.directadmin.mailbox("sales@example.com").suspended = True
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"address": "info@example.com", "quota_mb": None, "usage_bytes": round(12.5 * MB), "suspended": False,
         "plan": None, "restrictions": None, "domain": "example.com"},
        {"address": "sales@example.com", "quota_mb": 500, "usage_bytes": round(230.25 * MB), "suspended": True,
         "plan": None, "restrictions": None, "domain": "example.com"},
    ]
    assert actions(da) == [("/CMD_API_POP", "full_list")]


def test_pop_list_plain_and_table(cli, da):
    plain = cli("-o", "plain", "pop", "list", "example.com")
    assert plain.stdout.splitlines() == [
        f"info@example.com\tunlimited\t{round(12.5 * MB)}\tno\t-\t-",
        f"sales@example.com\t500\t{round(230.25 * MB)}\tno\t-\t-",
    ]
    table = cli("pop", "list", "example.com", tty=True).stdout
    assert "Address" in table and "unlimited" in table and "500 MB" in table and "230.2 MB" in table


def test_pop_list_without_full_list_falls_back_to_type_quota(cli, da):
    da.settings.da_full_list = False
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert [(m["address"], m["quota_mb"], m["usage_bytes"], m["suspended"]) for m in result.json] == [
        ("info@example.com", None, round(12.5 * MB), None),
        ("sales@example.com", 500, round(230.25 * MB), None),
    ]
    assert [form(r).get("type") for r in calls(da)] == [None, "quota"]
    assert actions(da) == [("/CMD_API_POP", "full_list"), ("/CMD_API_POP", "list")]


def test_pop_list_of_a_domain_without_mailboxes(cli, da):
    da.state.directadmin.add_domain("empty.test", "demo")  # url-encoded: an empty body
    result = cli("--json", "pop", "list", "empty.test")
    assert result.exit_code == 0, result.stderr
    assert result.json == []


@pytest.mark.parametrize("shape", ["array", "object"])
def test_pop_list_fallback_with_both_json_list_shapes(cli, da, shape):
    da.settings.da_json_list = shape
    da.settings.da_full_list = False
    assert len(cli("--json", "pop", "list", "example.com").json) == 2
    assert [d["name"] for d in cli("--json", "domain", "list").json] == ["example.com"]


def test_pop_list_of_an_unknown_domain_exits_3(cli, da):
    result = cli("--json", "pop", "list", "nowhere.test")
    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    # Decided from the domain list, after the refusals.
    assert [r.path for r in calls(da)][-1] == "/CMD_API_SHOW_DOMAINS"


def test_pop_list_of_an_idn_domain_sends_punycode(cli, da):
    da.state.directadmin.add_domain("xn--bcher-kva.test", "demo")
    da.state.directadmin.add_mailbox("leser@xn--bcher-kva.test", quota_mb=10)
    result = cli("--json", "pop", "list", "Bücher.test")
    assert result.exit_code == 0, result.stderr
    assert result.json[0]["address"] == "leser@xn--bcher-kva.test"
    assert form(calls(da)[0])["domain"] == "xn--bcher-kva.test"


# -- pop create -------------------------------------------------------------------------------------


def test_create_with_quota_and_send_limit(cli, da):
    result = cli("--json", "pop", "create", "New.User@example.com", "--quota", "250", "--send-limit", "50",
                 "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": "new.user@example.com", "quota_mb": 250, "usage_bytes": None,
                           "suspended": None, "plan": None, "restrictions": None, "domain": "example.com", "created": True}
    box = da.state.directadmin.mailbox("new.user@example.com")
    assert (box.password, box.quota_mb, box.limit) == (STRONG, 250, 50)
    [request] = calls(da)
    sent = form(request)
    assert (sent["action"], sent["domain"], sent["user"], sent["quota"], sent["limit"]) == (
        "create", "example.com", "new.user", "250", "50")
    assert sent["passwd"] == sent["passwd2"] == STRONG


def test_create_without_quota_reads_back_the_servers_default(cli, da):
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json["quota_mb"] is None  # the emulator's default: 0 = unlimited
    assert "quota" not in form(calls(da)[0]) and "limit" not in form(calls(da)[0])
    # Read back alone (type=quota for one user), not with the whole domain.
    assert actions(da) == [("/CMD_API_POP", "create"), ("/CMD_API_POP", "list")]
    assert (form(calls(da)[1])["type"], form(calls(da)[1])["user"]) == ("quota", "new")
    assert da.state.directadmin.mailbox("new@example.com").quota_mb == 0


def test_create_unlimited_sends_quota_0(cli, da):
    result = cli("pop", "create", "new@example.com", "--quota", "unlimited", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0
    assert form(calls(da)[0])["quota"] == "0"
    assert da.state.directadmin.mailbox("new@example.com").quota_mb == 0


def test_create_generated_password_is_the_one_the_server_got(cli, da):
    result = cli("--json", "pop", "create", "gen@example.com", "--generate")
    assert result.exit_code == 0
    assert da.state.directadmin.mailbox("gen@example.com").password == result.json["password"]
    plain = cli("-o", "plain", "pop", "create", "gen2@example.com", "--quota", "5", "--generate")
    address, quota, password = plain.stdout.rstrip("\n").split("\t")
    assert (address, quota) == ("gen2@example.com", "5")
    assert da.state.directadmin.mailbox("gen2@example.com").password == password


def test_create_an_existing_mailbox_is_refused_with_the_servers_words(cli, da):
    result = cli("pop", "create", "info@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 1
    assert "Cannot create email account" in result.stderr
    assert "info@example.com already exists" in result.stderr  # details, entities decoded
    assert "<" not in result.stderr and "&#" not in result.stderr
    assert da.state.directadmin.mailbox("info@example.com").password == "mailbox-secret"


def test_create_with_a_weak_password_is_refused_and_shows_every_message(cli, da):
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin="weak\n")
    assert result.exit_code == 1
    error = result.error_json["error"]
    assert error["message"] == "Invalid password" and "too weak" in " ".join(error["details"])
    assert not da.state.directadmin.has_mailbox("new@example.com")


def test_create_on_an_unknown_domain_exits_3(cli, da):
    result = cli("pop", "create", "x@nowhere.test", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 3
    assert da.state.directadmin.domains.get("nowhere.test") is None


def test_create_on_an_idn_domain_sends_punycode(cli, da):
    da.state.directadmin.add_domain("xn--mnchen-3ya.test", "demo")
    result = cli("pop", "create", "post@München.test", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert da.state.directadmin.has_mailbox("post@xn--mnchen-3ya.test")
    assert form(calls(da)[0])["domain"] == "xn--mnchen-3ya.test"


@pytest.mark.parametrize("args", [
    ["bad..dots@example.com"],
    ["plus+tag@example.com"],
    ["ends-@example.com"],
    ["ok@exa_mple.com"],
    ["ok@example.com", "--quota", "-5"],
    ["ok@example.com", "--quota", "12.5"],
    ["ok@example.com", "--quota", "lots"],
    ["ok@example.com", "--send-limit", "-1"],
])
def test_invalid_input_exits_2_before_any_request(cli, da, args):
    result = cli("pop", "create", *args, "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 2, result.stderr
    assert da.requests == []
    assert da.state.directadmin.addresses("example.com") == ["info@example.com", "sales@example.com"]


def test_a_newer_server_takes_the_writes_on_cmd_api_email_pop(cli, da):
    da.settings.da_email_pop = True
    assert cli("pop", "create", "a@example.com", "--quota", "5", "--password-stdin", stdin=STRONG + "\n").exit_code == 0
    assert cli("pop", "create", "b@example.com", "--quota", "5", "--password-stdin", stdin=STRONG + "\n").exit_code == 0
    assert da.state.directadmin.has_mailbox("a@example.com") and da.state.directadmin.has_mailbox("b@example.com")
    assert actions(da) == [
        ("/CMD_API_POP", "create"), ("/CMD_API_EMAIL_POP", "create"),  # each run learns it once
        ("/CMD_API_POP", "create"), ("/CMD_API_EMAIL_POP", "create"),
    ]
    result = cli("--yes", "pop", "delete", "a@example.com", "b@example.com")
    assert result.exit_code == 0, result.stderr
    assert not da.state.directadmin.has_mailbox("a@example.com")
    assert not da.state.directadmin.has_mailbox("b@example.com")
    assert actions(da)[4:] == [("/CMD_API_POP", "delete"), ("/CMD_API_EMAIL_POP", "delete"),
                               ("/CMD_API_EMAIL_POP", "delete")]


def test_an_older_server_reports_a_real_refusal_not_unknown_command(cli, da):
    # On a server with CMD_API_POP writes, a refusal is reported as it is: no detour.
    result = cli("pop", "create", "info@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 1
    assert [r.path for r in calls(da)][0] == "/CMD_API_POP"
    assert "/CMD_API_EMAIL_POP" not in [r.path for r in calls(da)]


# -- pop delete -------------------------------------------------------------------------------------


def test_delete_with_yes(cli, da):
    result = cli("--json", "--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert result.json == [{"address": "sales@example.com", "outcome": "deleted", "error": None}]
    assert da.state.directadmin.addresses("example.com") == ["info@example.com"]
    sent = form(calls(da)[0])
    assert (sent["action"], sent["user"], sent["select0"]) == ("delete", "sales", "sales")


def test_delete_asks_on_a_terminal_and_a_no_deletes_nothing(cli, da):
    result = cli("pop", "delete", "sales@example.com", tty=True, stdin="n\n")
    assert result.exit_code == 2
    assert "Delete sales@example.com" in result.stderr
    assert da.state.directadmin.has_mailbox("sales@example.com")
    yes = cli("pop", "delete", "sales@example.com", tty=True, stdin="y\n")
    assert yes.exit_code == 0
    assert not da.state.directadmin.has_mailbox("sales@example.com")


def test_delete_without_yes_and_without_a_terminal_exits_2_and_sends_nothing(cli, da):
    result = cli("pop", "delete", "sales@example.com", "info@example.com")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert da.requests == []
    assert da.state.directadmin.addresses("example.com") == ["info@example.com", "sales@example.com"]


def test_delete_several_with_one_unknown_exits_6_and_deletes_the_others(cli, da):
    result = cli("--json", "--yes", "pop", "delete", "info@example.com", "ghost@example.com", "sales@example.com")
    assert result.exit_code == 6
    assert [(r["address"], r["outcome"]) for r in result.json] == [
        ("info@example.com", "deleted"), ("ghost@example.com", "failed"), ("sales@example.com", "deleted")]
    assert "no mailbox ghost@example.com" in result.json[1]["error"]
    assert da.state.directadmin.addresses("example.com") == []


def test_delete_several_plain_output_reports_the_failure(cli, da):
    result = cli("-o", "plain", "--yes", "pop", "delete", "info@example.com", "ghost@example.com")
    assert result.exit_code == 6
    lines = result.stdout.splitlines()
    assert lines[0] == "info@example.com\tdeleted\t-"
    assert lines[1].startswith("ghost@example.com\tfailed\tno mailbox ghost@example.com")


def test_delete_an_unknown_mailbox_exits_3(cli, da):
    result = cli("--json", "--yes", "pop", "delete", "ghost@example.com")
    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    assert da.state.directadmin.addresses("example.com") == ["info@example.com", "sales@example.com"]


def test_delete_on_an_unknown_domain_exits_3(cli, da):
    result = cli("--yes", "pop", "delete", "x@nowhere.test")
    assert result.exit_code == 3


def test_delete_keep_data_is_a_usage_error(cli, da):
    result = cli("--yes", "pop", "delete", "--keep-data", "info@example.com")
    assert result.exit_code == 2
    assert da.requests == []


def test_create_table_output_with_a_generated_password(cli, da):
    result = cli("pop", "create", "gen@example.com", "--quota", "20", "--generate", tty=True)
    assert result.exit_code == 0, result.stderr
    password = da.state.directadmin.mailbox("gen@example.com").password
    assert password in result.stdout and "20 MB" in result.stdout
