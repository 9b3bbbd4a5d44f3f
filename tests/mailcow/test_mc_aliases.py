"""Aliases (mailcow's forwarders) through the real CLI against the emulator: `get/alias`,
`add/alias` with `active: 1`, `edit/alias` by id (goto replaces the list), `delete/alias`
by id; what a mailbox's deletion does to them; the emulator's state after each command."""

from __future__ import annotations

TEAM = "team@example.com"
INFO, SALES = "info@example.com", "sales@example.com"
OUT = "x@other.test"


def goto(mc, name=TEAM):
    found = mc.alias_by_address(name)
    return None if found is None else (found[1].goto, found[1].active)


def test_list_reads_the_domains_aliases(cli, logged_in, mc, wire):
    assert cli("--json", "alias", "list", "example.com").json == []  # {} of a known domain: none
    mc.add_alias(TEAM, [INFO, OUT])
    mc.add_alias("list@example.com", [SALES])  # a later id, listed by address
    result = cli("--json", "alias", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert result.json == [{"address": "list@example.com", "destinations": [SALES], "kind": "forwarder",
                            "domain": "example.com"},
                           {"address": TEAM, "destinations": [INFO, OUT], "kind": "forwarder",
                            "domain": "example.com"}]
    assert wire.calls()[-1] == "GET get/alias/all/example.com"
    assert cli("alias", "list", "nope.example").exit_code == 3


def test_add_creates_an_active_alias(cli, logged_in, mc, wire):
    result = cli("--json", "alias", "add", TEAM, "--to", INFO, "--to", "X@Other.test")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": TEAM, "outcome": "added", "destinations": [INFO, OUT], "kind": "forwarder"}
    assert goto(mc) == ([INFO, OUT], 1)
    assert wire.bodies("add/alias") == [{"address": TEAM, "goto": f"{INFO},{OUT}", "active": 1}]


def test_add_to_an_existing_alias_sends_its_whole_list_by_id(cli, logged_in, mc, wire):
    alias_id = mc.add_alias(TEAM, [INFO])
    result = cli("--json", "alias", "add", TEAM, "--to", SALES, "--to", INFO)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [INFO, SALES]
    assert wire.bodies("edit/alias") == [{"items": [alias_id], "attr": {"goto": f"{INFO},{SALES}"}}]
    assert goto(mc) == ([INFO, SALES], 1)


def test_adding_what_is_there_sends_nothing(cli, logged_in, mc, wire):
    mc.add_alias(TEAM, [INFO])
    assert cli("alias", "add", TEAM, "--to", INFO).exit_code == 1
    result = cli("--json", "alias", "add", TEAM, "--to", INFO, "--exists-ok")
    assert result.exit_code == 0 and result.json["outcome"] == "exists"
    assert [r for r in wire.requests() if r.method == "POST"] == []


def test_a_mailbox_address_cannot_forward_exit_1(cli, logged_in, mc):
    result = cli("--json", "alias", "add", INFO, "--to", OUT)
    assert result.exit_code == 1
    assert result.error_json["error"]["message"] == (
        "mailcow cannot forward info@example.com: it is a mailbox, whose address mailcow keeps for the mailbox "
        "itself (forward its mail with a Sieve filter, or use another address for the alias)")
    assert mc.aliases == {}


def test_add_on_an_unknown_domain_is_exit_3_and_a_special_target_exit_2(cli, logged_in, emu, mc):
    assert cli("alias", "add", "a@nope.example", "--to", INFO).exit_code == 3
    emu.clear_requests()
    result = cli("--json", "alias", "add", TEAM, "--to", ":blackhole:")
    assert result.exit_code == 2 and result.error_json["error"]["provider"] == "mailcow"
    assert emu.requests == [] and mc.aliases == {}


def test_a_lost_add_answer_is_settled_by_reading(cli, logged_in, emu, mc, wire):
    emu.add_fault(kind="reset", path="/api/v1/add/alias", when="after")
    result = cli("alias", "add", TEAM, "--to", INFO)
    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert len(wire.bodies("add/alias")) == 1 and goto(mc) == ([INFO], 1)


def test_remove_some_destinations_then_the_rest(cli, logged_in, mc, wire):
    alias_id = mc.add_alias(TEAM, [INFO, SALES])
    result = cli("--json", "-y", "alias", "remove", TEAM, "--to", SALES)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [INFO] and goto(mc) == ([INFO], 1)
    assert wire.bodies("edit/alias") == [{"items": [alias_id], "attr": {"goto": INFO}}]
    result = cli("--json", "-y", "alias", "remove", TEAM, "--to", INFO)
    assert result.exit_code == 0 and result.json["destinations"] is None
    assert mc.aliases == {}
    assert wire.bodies("delete/alias") == [[alias_id]]


def test_remove_missing_alias_or_destination_is_exit_3(cli, logged_in, mc):
    result = cli("--json", "-y", "alias", "remove", TEAM)
    assert result.exit_code == 3
    assert result.error_json["error"]["message"] == "no alias team@example.com on mailcow"
    mc.add_alias(TEAM, [INFO])
    result = cli("--json", "-y", "alias", "remove", TEAM, "--to", OUT)
    assert result.exit_code == 3
    assert result.error_json["error"]["message"] == "team@example.com does not forward to x@other.test"
    assert goto(mc) == ([INFO], 1)


def test_deleting_a_mailbox_takes_the_aliases_that_delivered_only_to_it(cli, logged_in, mc):
    mc.add_alias(TEAM, [SALES])
    mc.add_alias("list@example.com", [SALES, OUT])
    assert cli("-y", "pop", "delete", SALES).exit_code == 0
    result = cli("--json", "alias", "list", "example.com")
    assert result.json == [{"address": "list@example.com", "destinations": [OUT], "kind": "forwarder",
                            "domain": "example.com"}]


def test_the_read_only_key_is_exit_4_on_alias_writes(cli, read_only, mc):
    result = cli("--json", "alias", "add", TEAM, "--to", INFO)
    assert result.exit_code == 4
    assert "read-only" in result.error_json["error"]["message"]
    assert mc.aliases == {}
