"""The mailbox lifecycle on Virtualmin through the real CLI against the emulator: pop show
and pop set (quota in 1 kB blocks, login suspension as disable/enable, incoming refused),
and routes -- aliases (list/create/delete-alias, changed by delete + create with the old
alias put back when the create fails) and a mailbox's own forwards (modify-user
add-forward/del-forward). Each test checks the programs sent, their parameters and the
emulator's state."""

from __future__ import annotations

import pytest

from virtualmin_support import MB, assert_post_only, params, programs

INFO, SALES, TEAM = "info@example.com", "sales@example.com", "team@example.com"
OUT1, OUT2 = "a@elsewhere.test", "b@elsewhere.test"
READS = {"list-domains", "list-users", "list-aliases"}


def writes(emu) -> list[str]:
    return [p for p in programs(emu) if p not in READS]


def alias_to(emu, address):
    alias = emu.state.virtualmin.alias(address)
    return None if alias is None else alias.to


# -- pop show ---------------------------------------------------------------------------------------


def test_pop_show_reads_the_user_and_links_aliases_and_extra_addresses(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [SALES, OUT1])
    vm.state.virtualmin.add_alias("other@example.com", [INFO])
    vm.state.virtualmin.mailbox(SALES).extra_addresses = ["verkauf@example.com"]
    result = cli("--json", "pop", "show", SALES)
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": SALES, "quota_mb": 500, "usage_bytes": round(230.25 * MB), "suspended": False,
                           "plan": None, "restrictions": [], "domain": "example.com",
                           "aliases": [TEAM, "verkauf@example.com"]}
    assert programs(vm) == ["list-users", "list-aliases"]
    assert params(vm, "list-users") == [{"program": "list-users", "domain": "example.com", "user": "sales",
                                         "json": "1"}]


def test_pop_show_of_a_missing_mailbox_and_of_an_unknown_domain_is_exit_3(cli, vm):
    assert cli("pop", "show", "ghost@example.com").exit_code == 3
    result = cli("pop", "show", "x@nowhere.test")
    assert result.exit_code == 3 and "no virtual server nowhere.test" in result.stderr
    assert writes(vm) == []


# -- pop set ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("quota, sent, blocks", [("2G", "2097152", 2097152), ("750", "768000", 768000),
                                                 ("unlimited", "UNLIMITED", 0)])
def test_pop_set_quota_goes_out_in_1_kb_blocks(cli, vm, quota, sent, blocks):
    result = cli("pop", "set", SALES, "--quota", quota)
    assert result.exit_code == 0, result.stderr
    assert vm.state.virtualmin.mailbox(SALES).quota_blocks == blocks
    assert params(vm, "modify-user") == [{"program": "modify-user", "domain": "example.com", "user": "sales",
                                          "quota": sent, "json": "1"}]


def test_pop_set_suspend_is_disable_and_unsuspend_is_enable(cli, vm):
    assert cli("pop", "set", SALES, "--suspend").exit_code == 0
    box = vm.state.virtualmin.mailbox(SALES)
    assert box.disabled is True and box.password == "mailbox-secret"  # login only: files and password stay
    assert cli("pop", "set", SALES, "--unsuspend", "--login").exit_code == 0
    assert box.disabled is False
    assert [p["disable" if "disable" in p else "enable"] for p in params(vm, "modify-user")] == ["", ""]
    assert [("disable" in p, "enable" in p) for p in params(vm, "modify-user")] == [(True, False), (False, True)]


def test_quota_and_suspension_are_one_modify_user(cli, vm):
    result = cli("--json", "pop", "set", SALES, "--quota", "1G", "--suspend")
    assert result.exit_code == 0, result.stderr
    assert result.json["changes"] == {"quota_mb": [500, 1024], "suspended": [False, True],
                                      "restrictions": [[], ["login"]]}
    assert writes(vm) == ["modify-user"]
    assert params(vm, "modify-user")[0] == {"program": "modify-user", "domain": "example.com", "user": "sales",
                                            "quota": "1048576", "disable": "", "json": "1"}


def test_a_change_to_what_the_mailbox_already_is_sends_no_write(cli, vm):
    result = cli("--json", "pop", "set", SALES, "--quota", "500", "--unsuspend")
    assert result.exit_code == 0, result.stderr
    assert result.json["outcome"] == "unchanged"
    assert writes(vm) == []


@pytest.mark.parametrize("args", [("--suspend", "--incoming"), ("--unsuspend", "--incoming"),
                                  ("--quota", "1G", "--suspend", "--incoming")])
def test_incoming_suspension_is_refused_with_zero_requests(cli, vm, args):
    # no-local only turns off local delivery (mail still goes to forwards): not a refusal
    # of incoming mail, so mailctl does not pretend it is one.
    result = cli("--json", "pop", "set", SALES, *args)
    assert result.exit_code == 2
    error = result.error_json["error"]
    assert error["provider"] == "virtualmin" and "--incoming" in error["message"]
    assert "Virtualmin cannot suspend incoming (it can suspend: login)" in error["message"]
    assert vm.requests == []


def test_a_quota_on_a_server_without_home_quotas_is_refused_with_its_words(cli, vm):
    vm.state.virtualmin.home_quotas = False
    result = cli("pop", "set", SALES, "--quota", "1G", "--suspend")
    assert result.exit_code == 1
    assert "Home directory quotas are not enabled" in result.stderr
    assert vm.state.virtualmin.mailbox(SALES).disabled is False  # one program: nothing changed


def test_a_lost_pop_set_is_settled_by_a_read(cli, vm):
    vm.add_fault("reset,provider=virtualmin,field=program:modify-user,when=after")
    result = cli("pop", "set", SALES, "--quota", "2G", "--suspend")
    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert writes(vm) == ["modify-user"]
    box = vm.state.virtualmin.mailbox(SALES)
    assert (box.quota_blocks, box.disabled) == (2097152, True)


# -- alias list -------------------------------------------------------------------------------------


def test_alias_list_has_aliases_and_the_forwards_of_mailboxes(cli, vm):
    vm.state.virtualmin.mailbox(INFO).forwards = [OUT1]
    vm.state.virtualmin.add_alias(TEAM, [INFO, SALES], comment="the team")
    vm.state.virtualmin.add_alias("*@example.com", [INFO])  # the catch-all: no address mailctl can name
    result = cli("--json", "alias", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"address": INFO, "destinations": [OUT1], "kind": "forwarder", "domain": "example.com"},
        {"address": TEAM, "destinations": [INFO, SALES], "kind": "forwarder", "domain": "example.com"},
    ]
    assert programs(vm) == ["list-users", "list-aliases"]
    assert params(vm, "list-users")[0]["simple-aliases"] == ""


def test_alias_list_of_an_unknown_domain_is_exit_3(cli, vm):
    result = cli("alias", "list", "nowhere.test")
    assert result.exit_code == 3 and "no virtual server nowhere.test" in result.stderr


# -- alias add --------------------------------------------------------------------------------------


def test_alias_add_of_a_new_address_is_one_create_alias(cli, vm):
    result = cli("--json", "alias", "add", TEAM, "--to", INFO, "--to", OUT1)
    assert result.exit_code == 0, result.stderr
    assert alias_to(vm, TEAM) == [INFO, OUT1]
    assert writes(vm) == ["create-alias"]
    [sent] = [r for r in vm.requests if "create-alias" in r.body.decode()]
    assert sent.body.decode() == ("program=create-alias&domain=example.com&from=team&to=info%40example.com"
                                  "&to=a%40elsewhere.test&json=1")


def test_alias_add_of_a_mailbox_address_is_a_forward_of_that_user(cli, vm):
    vm.state.virtualmin.mailbox(INFO).forwards = [OUT1]
    result = cli("--json", "alias", "add", INFO, "--to", OUT2)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [OUT1, OUT2]
    box = vm.state.virtualmin.mailbox(INFO)
    assert (box.forwards, box.local_delivery) == ([OUT1, OUT2], True)  # local delivery left as it was
    assert vm.state.virtualmin.aliases.get("example.com", {}) == {}
    assert writes(vm) == ["modify-user"]
    assert params(vm, "modify-user") == [{"program": "modify-user", "domain": "example.com", "user": "info",
                                          "add-forward": OUT2, "json": "1"}]


def test_a_destination_added_to_an_alias_is_a_delete_then_a_create_keeping_its_description(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO], comment="the team")
    result = cli("--json", "alias", "add", TEAM, "--to", SALES)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [INFO, SALES]
    alias = vm.state.virtualmin.alias(TEAM)
    assert (alias.to, alias.comment) == ([INFO, SALES], "the team")
    assert writes(vm) == ["delete-alias", "create-alias"]
    assert params(vm, "create-alias")[0]["desc"] == "the team"


def test_adding_what_an_alias_has_is_exists_with_no_write(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, ["Info@Example.com"])
    result = cli("--json", "alias", "add", TEAM, "--to", INFO)
    assert result.exit_code == 1 and result.error_json["error"]["code"] == "exists"
    assert writes(vm) == []


def test_when_the_new_alias_cannot_be_created_the_old_one_is_put_back(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO], comment="the team")
    failed = vm.add_fault("500,provider=virtualmin,field=program:create-alias,count=1")
    result = cli("--json", "alias", "add", TEAM, "--to", SALES)
    assert failed.fired == 1
    assert result.exit_code == 5
    message = result.error_json["error"]["message"]
    assert "NOT applied" in message and f"{TEAM} was put back as it was (to {INFO})" in message
    alias = vm.state.virtualmin.alias(TEAM)
    assert (alias.to, alias.comment) == ([INFO], "the team")
    assert writes(vm) == ["delete-alias", "create-alias", "create-alias"]
    assert [p.get("to") for p in params(vm, "create-alias")] == [SALES, INFO]  # the last repeat of `to`


def test_when_putting_the_old_alias_back_fails_too_the_error_says_how_to_restore_it(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO, OUT1])
    vm.add_fault("500,provider=virtualmin,field=program:create-alias,count=2")
    result = cli("--json", "alias", "add", TEAM, "--to", SALES)
    assert result.exit_code == 5
    message = result.error_json["error"]["message"]
    assert "has NO route now" in message
    assert message.endswith(f"re-create it with mailctl alias add {TEAM} --to {INFO} --to {OUT1}")
    assert vm.state.virtualmin.alias(TEAM) is None


def test_a_lost_answer_to_the_new_create_is_settled_not_sent_again(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO])
    vm.add_fault("reset,provider=virtualmin,field=program:create-alias,when=after")
    result = cli("alias", "add", TEAM, "--to", SALES)
    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert alias_to(vm, TEAM) == [INFO, SALES]
    assert writes(vm) == ["delete-alias", "create-alias"]


def test_a_delete_that_failed_changes_nothing(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO])
    vm.add_fault("500,provider=virtualmin,field=program:delete-alias")
    result = cli("--json", "alias", "add", TEAM, "--to", SALES)
    assert result.exit_code == 5 and "NOT applied" in result.error_json["error"]["message"]
    assert alias_to(vm, TEAM) == [INFO]
    assert writes(vm) == ["delete-alias"]


@pytest.mark.parametrize("kept", ["|/etc/webmin/virtual-server/autoreply.pl /home/example/autoreply-team.txt team",
                                  "/home/example/mail-archive"])
def test_an_alias_with_an_autoreply_or_a_file_is_not_recreated(cli, vm, kept):
    vm.state.virtualmin.add_alias(TEAM, [INFO, kept])
    for args in (("alias", "add", TEAM, "--to", SALES), ("-y", "alias", "remove", TEAM, "--to", INFO)):
        result = cli(*args)
        assert result.exit_code == 1
        assert "change it in Virtualmin; nothing was sent" in result.stderr
    assert writes(vm) == []
    assert alias_to(vm, TEAM) == [INFO, kept]
    assert cli("-y", "alias", "remove", TEAM).exit_code == 0  # removing the whole alias is what was asked
    assert alias_to(vm, TEAM) is None


# -- alias remove ----------------------------------------------------------------------------------


def test_removing_a_destination_of_an_alias_recreates_it_with_the_rest(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO, SALES, OUT1])
    result = cli("--json", "-y", "alias", "remove", TEAM, "--to", SALES)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [INFO, OUT1]
    assert alias_to(vm, TEAM) == [INFO, OUT1]
    assert writes(vm) == ["delete-alias", "create-alias"]


def test_removing_a_whole_alias_is_one_delete_alias(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO])
    assert cli("-y", "alias", "remove", TEAM).exit_code == 0
    assert alias_to(vm, TEAM) is None
    assert params(vm, "delete-alias") == [{"program": "delete-alias", "domain": "example.com", "from": "team",
                                           "json": "1"}]


def test_removing_a_forward_sends_it_as_the_server_keeps_it(cli, vm):
    vm.state.virtualmin.mailbox(INFO).forwards = ["A@Elsewhere.test", OUT2]
    result = cli("--json", "-y", "alias", "remove", INFO, "--to", OUT1)
    assert result.exit_code == 0, result.stderr
    assert vm.state.virtualmin.mailbox(INFO).forwards == [OUT2]
    # del-forward matches exactly: the stored spelling, not the typed one.
    assert params(vm, "modify-user")[0]["del-forward"] == "A@Elsewhere.test"


def test_the_last_forward_of_a_mailbox_without_local_delivery_is_kept(cli, vm):
    box = vm.state.virtualmin.mailbox(INFO)
    box.forwards, box.local_delivery = [OUT1], False
    result = cli("-y", "alias", "remove", INFO)
    assert result.exit_code == 1
    assert "local delivery is off" in result.stderr and "nothing was sent" in result.stderr
    assert writes(vm) == [] and box.forwards == [OUT1]


def test_removing_a_route_that_is_not_there_is_exit_3(cli, vm):
    assert cli("-y", "alias", "remove", INFO).exit_code == 3  # a mailbox without forwards
    assert cli("-y", "alias", "remove", TEAM).exit_code == 3
    assert cli("-y", "alias", "remove", TEAM, "--missing-ok").exit_code == 0
    assert writes(vm) == []


# -- what travels ----------------------------------------------------------------------------------


def test_every_lifecycle_call_is_a_post_with_nothing_in_the_url(cli, vm):
    vm.state.virtualmin.add_alias(TEAM, [INFO])
    for args in (("pop", "show", SALES), ("pop", "set", SALES, "--quota", "1G", "--suspend"),
                 ("alias", "list", "example.com"), ("alias", "add", TEAM, "--to", SALES),
                 ("alias", "add", INFO, "--to", OUT1), ("-y", "alias", "remove", INFO),
                 ("-y", "alias", "remove", TEAM, "--to", SALES), ("-y", "alias", "remove", TEAM)):
        assert cli(*args).exit_code == 0, args
    assert set(programs(vm)) == READS - {"list-domains"} | {"modify-user", "create-alias", "delete-alias"}
    assert_post_only(vm)


def test_the_debug_trace_of_show_and_alias_list_hides_mailbox_passwords(cli, vm):
    vm.state.virtualmin.mailbox(SALES).password = "Plain-text-Secret-9"
    for args in (("pop", "show", SALES), ("alias", "list", "example.com"), ("alias", "add", SALES, "--to", OUT1)):
        result = cli("--debug", *args)
        assert result.exit_code == 0, result.stderr
        assert '"password": ["***"]' in result.stderr
        assert "Plain-text-Secret-9" not in result.stderr and "$6$" not in result.stderr
        assert "demo-secret" not in result.stderr


@pytest.mark.parametrize("target", [":fail:", ":blackhole:"])
def test_a_special_target_is_exit_2_with_zero_requests(cli, vm, target):
    result = cli("alias", "add", TEAM, "--to", target)
    assert result.exit_code == 2 and "Virtualmin has no such target" in result.stderr
    assert vm.requests == []


LIFECYCLE_COMMANDS = [
    pytest.param(("pop", "show", SALES), id="pop-show"),
    pytest.param(("pop", "set", SALES, "--quota", "1G"), id="pop-set"),
    pytest.param(("alias", "list", "example.com"), id="alias-list"),
    pytest.param(("alias", "add", TEAM, "--to", INFO), id="alias-add"),
    pytest.param(("-y", "alias", "remove", "old@example.com"), id="alias-remove"),
]


@pytest.mark.parametrize("args", LIFECYCLE_COMMANDS)
def test_a_server_that_takes_only_get_stops_every_lifecycle_command_after_one_post(cli, vm, args):
    vm.state.virtualmin.add_alias("old@example.com", [INFO])
    vm.state.virtualmin.get_only = True
    result = cli(*args)
    assert result.exit_code == 1, result.stderr
    assert "HTTP 405" in result.stderr and "never falls back to GET" in result.stderr
    assert [r.method for r in vm.requests] == ["POST"]
    assert vm.state.virtualmin.mailbox(SALES).quota_blocks == 500 * 1024
    assert vm.state.virtualmin.alias(TEAM) is None and vm.state.virtualmin.alias("old@example.com") is not None


@pytest.mark.parametrize("args", LIFECYCLE_COMMANDS)
def test_a_refused_login_stops_every_lifecycle_command_after_one_request(cli, vm, args):
    vm.state.virtualmin.add_alias("old@example.com", [INFO])
    vm.state.virtualmin.logins["demo"].password = "Changed-elsewhere-1"
    result = cli("--json", *args)
    assert result.exit_code == 4
    assert result.error_json["error"]["provider"] == "virtualmin" and "HTTP 401" in result.error_json["error"]["message"]
    assert len(vm.requests) == 1  # never retried: Webmin blocks hosts after failed logins
