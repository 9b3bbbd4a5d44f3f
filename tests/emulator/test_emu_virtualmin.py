"""Virtualmin's remote.cgi: auth, the master-administrator rule, the JSON and text
answers, argument building (newlines, repeats, bare flags), the mail-user programs,
the GET-only switch, faults and the state file. Spoken with plain `requests`."""

from __future__ import annotations

import json

import pytest

from mailctl.emulator import Emulator

REMOTE = "/virtual-server/remote.cgi"
DEMO = ("demo", "demo-secret")
STRONG = "Str0ng-pass"
MB = 1024 * 1024


@pytest.fixture
def vm(emu, http):
    """POST a program: vm("list-users", domain="example.com") -> the JSON answer."""

    def call(program: str, auth=DEMO, **params: str):
        response = http.post(emu.url + REMOTE, data={"program": program, **params, "json": "1"}, auth=auth,
                             allow_redirects=False, timeout=5)
        assert response.status_code == 200, response.text
        return json.loads(response.text)

    return call


def values(answer, name):
    return next(row["values"] for row in answer["data"] if row["name"] == name)


# -- auth and refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("auth", [None, ("demo", "wrong"), ("ghost", "demo-secret"), ("demo", "")])
def test_a_failed_login_is_401_with_a_basic_challenge(emu, http, auth):
    response = http.post(emu.url + REMOTE, data={"program": "list-domains", "json": "1"}, auth=auth)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.headers["Content-Type"].startswith("text/html")


def test_a_login_that_is_not_a_master_administrator_may_not_run_remote_commands(emu, http):
    response = http.post(emu.url + REMOTE, data={"program": "list-domains", "json": "1"},
                         auth=("example", "Owner-secret-1"))
    # Refused before the format is read: text, not JSON, and HTTP 200.
    assert (response.status_code, response.text) == (200, "ERROR: You are not allowed to run remote commands\n")
    assert response.headers["Content-Type"].startswith("text/plain")


def test_an_unknown_program_is_an_error_status(vm):
    assert vm("list-everything") == {"status": "error", "error": "Remote program list-everything does not exist"}


def test_other_paths_are_not_found(emu, http):
    assert http.get(emu.url + "/virtual-server/index.cgi", auth=DEMO).status_code == 404


# -- reads --------------------------------------------------------------------------------------------


def test_list_domains(vm):
    answer = vm("list-domains")
    assert answer["status"] == "success" and answer["command"] == "list-domains"
    assert [row["name"] for row in answer["data"]] == ["example.com"]
    assert values(answer, "example.com")["username"] == ["example"]
    assert vm("list-domains", **{"name-only": ""})["data"] == ["example.com"]


def test_list_users_gives_every_value_as_a_list_of_strings(vm):
    answer = vm("list-users", domain="example.com")
    assert [row["name"] for row in answer["data"]] == ["info", "sales"]
    info, sales = values(answer, "info"), values(answer, "sales")
    assert all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in info.values())
    assert info["email_address"] == ["info@example.com"]
    assert info["unix_username"] == ["info.example"]
    assert info["password"] == ["mailbox-secret"]  # plain text, as Virtualmin shows it when it stores it
    assert info["encrypted_password"][0].startswith("$6$")
    assert (info["home_byte_quota"], info["home_byte_quota_used"]) == (["0"], [str(int(12.5 * MB))])
    assert info["home_quota"] == ["Unlimited"]
    assert (sales["home_byte_quota"], sales["home_byte_quota_used"]) == ([str(500 * MB)], [str(int(230.25 * MB))])
    assert sales["disabled"] == ["No"]


def test_list_users_of_one_user_by_short_or_unix_name(vm):
    assert [r["name"] for r in vm("list-users", domain="example.com", user="sales")["data"]] == ["sales"]
    assert [r["name"] for r in vm("list-users", domain="example.com", user="sales.example")["data"]] == ["sales"]
    assert vm("list-users", domain="example.com", user="nobody")["data"] == []


def test_list_users_of_an_unknown_domain_fails(vm):
    answer = vm("list-users", domain="nowhere.test")
    assert answer["status"] == "failure"
    assert answer["error"] == "Virtual server nowhere.test does not exist"
    assert "nowhere.test" in answer["full_error"]


# -- writes -------------------------------------------------------------------------------------------


def test_create_user_in_blocks_then_it_is_listed(emu, vm):
    answer = vm("create-user", domain="example.com", user="new", **{"pass": STRONG}, quota="2048", real="New One")
    assert answer == {"command": "create-user", "status": "success", "output": "User new created successfully\n"}
    box = emu.state.virtualmin.mailbox("new@example.com")
    assert (box.password, box.quota_blocks, box.quota_mb, box.real_name) == (STRONG, 2048, 2, "New One")
    assert box.unix_name == "new.example"
    assert values(vm("list-users", domain="example.com"), "new")["home_byte_quota"] == [str(2 * MB)]


def test_create_user_with_unlimited_quota_and_noappend(emu, vm):
    vm("create-user", domain="example.com", user="plain", **{"pass": STRONG, "quota": "UNLIMITED", "noappend": ""})
    box = emu.state.virtualmin.mailbox("plain@example.com")
    assert (box.quota_blocks, box.unix_name) == (0, "plain")


@pytest.mark.parametrize("params, error", [
    ({"user": "info", "pass": STRONG}, "A user named info already exists"),
    ({"user": "new", "pass": "weak"}, "too weak"),
    ({"user": "new"}, "Missing --pass"),
    ({"user": "Bad Name", "pass": STRONG}, "Invalid username"),
    ({"user": "new", "pass": STRONG, "quota": "10MB"}, "Invalid quota"),
    ({"user": "new", "pass": STRONG, "mail-quota": "10"}, "Mail quotas"),
    ({"user": "new", "pass": STRONG, "colour": "blue"}, "Unknown parameter --colour"),
])
def test_create_user_refusals_change_nothing(emu, vm, params, error):
    answer = vm("create-user", domain="example.com", **params)
    assert answer["status"] == "failure" and error in answer["error"]
    assert emu.state.virtualmin.addresses() == ["info@example.com", "sales@example.com"]


def test_create_user_in_an_unknown_domain(vm):
    assert vm("create-user", domain="nowhere.test", user="x", **{"pass": STRONG})["error"] == \
        "Virtual server nowhere.test does not exist"


def test_modify_user_changes_only_what_is_given(emu, vm):
    assert vm("modify-user", domain="example.com", user="sales", **{"pass": STRONG})["status"] == "success"
    box = emu.state.virtualmin.mailbox("sales@example.com")
    assert (box.password, box.quota_blocks, box.real_name) == (STRONG, 500 * 1024, "Sales Team")
    vm("modify-user", domain="example.com", user="sales.example", quota="UNLIMITED", disable="")
    assert (box.quota_blocks, box.disabled) == (0, True)
    assert values(vm("list-users", domain="example.com"), "sales")["disabled"] == ["Yes"]
    vm("modify-user", domain="example.com", user="sales", enable="")
    assert box.disabled is False


def test_modify_user_of_a_missing_user_and_a_weak_password(emu, vm):
    assert vm("modify-user", domain="example.com", user="bob", **{"pass": STRONG})["error"] == \
        "No user named bob was found in the server example.com"
    assert "too weak" in vm("modify-user", domain="example.com", user="info", **{"pass": "short"})["error"]
    assert emu.state.virtualmin.mailbox("info@example.com").password == "mailbox-secret"


def test_modify_user_quota_fails_without_home_quotas(emu, vm):
    emu.state.virtualmin.home_quotas = False
    assert "quotas are not enabled" in vm("modify-user", domain="example.com", user="info", quota="10")["error"]
    assert "home_byte_quota" not in values(vm("list-users", domain="example.com"), "info")


def test_delete_user(emu, vm):
    assert vm("delete-user", domain="example.com", user="info")["status"] == "success"
    assert emu.state.virtualmin.addresses() == ["sales@example.com"]
    assert vm("delete-user", domain="example.com", user="info")["error"] == \
        "No user named info was found in the server example.com"
    assert vm("delete-user", domain="example.com", user="example")["error"] == "The server owner cannot be deleted"


# -- how remote.cgi builds the command line -------------------------------------------------------


def test_a_newline_in_a_value_becomes_more_arguments(emu, vm):
    # The trap clients must avoid: a "password" that smuggles in a flag of its own.
    vm("create-user", domain="example.com", user="smuggled", **{"pass": f"{STRONG}\n--real\nMallory"})
    box = emu.state.virtualmin.mailbox("smuggled@example.com")
    assert (box.password, box.real_name) == (STRONG, "Mallory")


def test_query_string_parameters_count_too_and_get_works(emu, http):
    response = http.get(emu.url + REMOTE + "?program=list-users&domain=example.com&json=1", auth=DEMO)
    assert [row["name"] for row in json.loads(response.text)["data"]] == ["info", "sales"]
    response = http.post(emu.url + REMOTE + "?json=1&domain=example.com", data={"program": "list-users"}, auth=DEMO)
    assert json.loads(response.text)["status"] == "success"


def test_without_a_format_the_answer_is_text_with_the_raw_exit_status(emu, http):
    ok = http.post(emu.url + REMOTE, data={"program": "list-domains", "name-only": ""}, auth=DEMO)
    assert ok.text == "example.com\n\nExit status: 0\n"
    failed = http.post(emu.url + REMOTE, data={"program": "delete-user", "domain": "example.com", "user": "x"},
                       auth=DEMO)
    assert failed.text.endswith("\nExit status: 256\n")  # exit 1, as a wait status


def test_the_get_only_switch_refuses_post_with_405(emu, http):
    emu.state.virtualmin.get_only = True
    response = http.post(emu.url + REMOTE, data={"program": "list-domains", "json": "1"}, auth=DEMO)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert http.get(emu.url + REMOTE + "?program=list-domains&json=1", auth=DEMO).status_code == 200


# -- faults and state ---------------------------------------------------------------------------------


def test_a_fault_matches_on_the_program(emu, http, vm):
    fault = emu.add_fault("500,provider=virtualmin,field=program:create-user,when=after")
    response = http.post(emu.url + REMOTE, data={"program": "create-user", "domain": "example.com", "user": "late",
                                                 "pass": STRONG, "json": "1"}, auth=DEMO)
    assert response.status_code == 500 and fault.fired == 1
    assert emu.state.virtualmin.has_mailbox("late@example.com")  # applied, then the answer was lost
    assert vm("list-domains")["status"] == "success"  # other programs untouched


def test_the_state_file_keeps_users_logins_and_switches(tmp_path, http):
    path = tmp_path / "world.json"
    with Emulator(state_file=str(path)) as emu:
        emu.state.virtualmin.get_only = True
        emu.state.virtualmin.add_login("limited", "L1mited-pass", master=False)
        http.get(emu.url + REMOTE + "?" + "&".join(["program=create-user", "domain=example.com", "user=kept",
                                                    f"pass={STRONG}", "json=1"]), auth=DEMO)
    saved = json.loads(path.read_text())["virtualmin"]
    assert saved["get_only"] is True and saved["logins"]["limited"]["master"] is False
    with Emulator(state_file=str(path)) as again:
        vm = again.state.virtualmin
        assert vm.get_only and vm.mailbox("kept@example.com").password == STRONG
        assert vm.logins["limited"].master is False


def test_an_older_state_file_without_virtualmin_loads_it_empty(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"directadmin": {}}))
    with Emulator(state_file=str(path)) as emu:
        assert emu.state.virtualmin.addresses() == [] and emu.state.virtualmin.get_only is False


# -- aliases and a user's own forwards -----------------------------------------------------------------


def post(emu, http, pairs: list[tuple[str, str]]) -> dict:
    """POST with repeated parameters (to=a&to=b), as remote.cgi takes them."""
    response = http.post(emu.url + REMOTE, data=[*pairs, ("json", "1")], auth=DEMO, timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    return json.loads(response.text)


def test_create_alias_with_repeated_to_then_list_aliases_shows_it(emu, http, vm):
    answer = post(emu, http, [("program", "create-alias"), ("domain", "example.com"), ("from", "team"),
                              ("to", "info@example.com"), ("to", "sales@example.com"), ("desc", "the team")])
    assert answer == {"command": "create-alias", "status": "success",
                      "output": "Alias for team@example.com created successfully\n"}
    post(emu, http, [("program", "create-alias"), ("domain", "example.com"), ("from", "*"), ("to", "info")])
    listed = vm("list-aliases", domain="example.com")
    assert listed == {"command": "list-aliases", "status": "success", "data": [
        {"name": "team@example.com", "values": {"comment": ["the team"],
                                                "to": ["info@example.com", "sales@example.com"]}},
        {"name": "@example.com", "values": {"to": ["info"]}},  # the catch-all
    ]}
    assert vm("list-aliases", domain="example.com", **{"name-only": ""})["data"] == ["team", "*"]
    assert emu.state.virtualmin.alias("team@example.com").to == ["info@example.com", "sales@example.com"]


@pytest.mark.parametrize("pairs, error", [
    ([("from", "taken"), ("to", "x@elsewhere.test")], "An alias for the same email address already exists"),
    ([("from", "team@example.com"), ("to", "x@elsewhere.test")], "No domain name is needed in the --from parameter"),
    ([("from", "info"), ("to", "x@elsewhere.test")], "info@example.com is the address of a mail user"),
    ([("from", "team")], "Adds a mail alias to a virtual server."),
])
def test_create_alias_refusals_change_nothing(emu, http, pairs, error):
    emu.state.virtualmin.add_alias("taken@example.com", ["info@example.com"])
    answer = post(emu, http, [("program", "create-alias"), ("domain", "example.com"), *pairs])
    assert answer["status"] == "failure" and answer["error"].startswith(error)
    assert list(emu.state.virtualmin.aliases["example.com"]) == ["taken"]
    assert emu.state.virtualmin.mailbox("info@example.com").forwards == []


def test_delete_alias_and_its_refusals(emu, vm):
    emu.state.virtualmin.add_alias("team@example.com", ["info@example.com"])
    assert vm("delete-alias", domain="example.com", **{"from": "team"})["output"] == \
        "Alias for team@example.com deleted successfully\n"
    assert emu.state.virtualmin.alias("team@example.com") is None
    missing = vm("delete-alias", domain="example.com", **{"from": "team"})
    assert missing["error"] == "No alias for the email address team@example.com exists"
    assert vm("delete-alias", domain="nowhere.test", **{"from": "team"})["error"] == \
        "Virtual server nowhere.test does not exist"
    assert vm("list-aliases")["error"] == "No domains or users specified"


def test_modify_user_forwards_and_local_delivery_as_list_users_shows_them(emu, http, vm):
    post(emu, http, [("program", "modify-user"), ("domain", "example.com"), ("user", "info"),
                     ("add-forward", "a@elsewhere.test"), ("add-forward", "b@elsewhere.test"),
                     ("add-forward", "a@elsewhere.test"), ("no-local", "")])
    box = emu.state.virtualmin.mailbox("info@example.com")
    assert (box.forwards, box.local_delivery) == (["a@elsewhere.test", "b@elsewhere.test"], False)
    simple = values(vm("list-users", domain="example.com", **{"simple-aliases": ""}), "info")
    assert (simple["deliver_to_user"], simple["forward"]) == (["No"], ["a@elsewhere.test", "b@elsewhere.test"])
    vm("modify-user", domain="example.com", user="info", local="")
    raw = values(vm("list-users", domain="example.com"), "info")
    assert raw["forward_mail_to"] == ["\\info.example", "a@elsewhere.test", "b@elsewhere.test"]
    assert "forward" not in raw and "deliver_to_user" not in raw
    # A forward the user does not have is ignored without a word, as modify-user.pl does.
    answer = post(emu, http, [("program", "modify-user"), ("domain", "example.com"), ("user", "info"),
                              ("del-forward", "a@elsewhere.test"), ("del-forward", "never@elsewhere.test")])
    assert answer["status"] == "success" and box.forwards == ["b@elsewhere.test"]
    sales = values(vm("list-users", domain="example.com", **{"simple-aliases": ""}), "sales")
    assert sales["deliver_to_user"] == ["Yes"] and "forward" not in sales


def test_extra_addresses_are_one_space_separated_string(emu, vm):
    emu.state.virtualmin.mailbox("sales@example.com").extra_addresses = ["a@example.com", "b@example.com"]
    assert values(vm("list-users", domain="example.com"), "sales")["extra_addresses"] == ["a@example.com b@example.com"]


def test_the_state_file_keeps_aliases_and_forwards(tmp_path, http):
    path = tmp_path / "world.json"
    with Emulator(state_file=str(path)) as emu:
        post(emu, http, [("program", "create-alias"), ("domain", "example.com"), ("from", "team"),
                         ("to", "info@example.com"), ("desc", "kept")])
        post(emu, http, [("program", "modify-user"), ("domain", "example.com"), ("user", "sales"),
                         ("add-forward", "a@elsewhere.test"), ("no-local", "")])
    with Emulator(state_file=str(path)) as again:
        vm = again.state.virtualmin
        assert (vm.alias("team@example.com").to, vm.alias("team@example.com").comment) == (["info@example.com"], "kept")
        box = vm.mailbox("sales@example.com")
        assert (box.forwards, box.local_delivery) == (["a@elsewhere.test"], False)
