"""Plesk's mailbox lifecycle through the real CLI against the emulator: pop show, pop set
(the quota; suspension refused), and aliases as forwarding addresses, mail names that
only forward, and mail aliases. The emulator's state and the packets sent are checked."""

from __future__ import annotations

import pytest

MB = 1024 * 1024
INFO, SALES, TEAM = "info@example.com", "sales@example.com", "team@example.com"
OUT1, OUT2 = "a@elsewhere.test", "b@elsewhere.test"


def writes(packets) -> list:
    """The packets that change something: (operation path, the packet)."""
    found = []
    for packet in packets():
        for path in ("mail/create", "mail/update/add", "mail/update/remove", "mail/update/set", "mail/remove",
                     "customer/set"):
            if packet.find(path) is not None:
                found.append((path, packet))
    return found


def forwarder(plesk, address: str, destinations: list[str], **fields) -> None:
    plesk.add_mailbox(address, password=None, mailbox=False, forwarding=list(destinations), **fields)


# -- pop show ------------------------------------------------------------------------------

def test_pop_show_links_mail_aliases_and_addresses_that_forward_to_it(cli, plesk, logged_in, packets):
    plesk.mailbox(SALES).aliases = ["orders", "shop"]
    forwarder(plesk, TEAM, [SALES, OUT1])
    result = cli("--json", "pop", "show", SALES)
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": SALES, "quota_mb": 500, "usage_bytes": int(230.25 * MB), "suspended": None,
                           "plan": None, "restrictions": [], "domain": "example.com",
                           "aliases": ["orders@example.com", "shop@example.com", TEAM]}
    [get_info] = [p for p in packets() if p.find("mail/get_info") is not None]
    # One read of the site, its flags in the schema's order.
    assert [child.tag for child in get_info.find("mail/get_info")] == [
        "filter", "mailbox", "mailbox-usage", "forwarding", "aliases"]


def test_pop_show_of_an_address_that_only_forwards_is_not_a_mailbox(cli, plesk, logged_in):
    forwarder(plesk, TEAM, [OUT1])
    assert cli("pop", "show", TEAM).exit_code == 3


# -- pop set -------------------------------------------------------------------------------

def test_pop_set_sends_the_quota_in_bytes_with_set_and_nothing_else(cli, plesk, logged_in, packets):
    plesk.mailbox(SALES).aliases = ["orders"]
    plesk.mailbox(SALES).forwarding = [OUT1]
    result = cli("pop", "set", SALES, "--quota", "1G")
    assert result.exit_code == 0, result.stderr
    assert plesk.mailbox(SALES).quota_bytes == 1024 * MB
    assert (plesk.mailbox(SALES).aliases, plesk.mailbox(SALES).forwarding) == (["orders"], [OUT1])
    [(path, packet)] = writes(packets)
    assert path == "mail/update/set"
    mailname = packet.find("mail/update/set/filter/mailname")
    assert [child.tag for child in mailname] == ["name", "mailbox"]  # no list a set would replace
    assert [child.tag for child in mailname.find("mailbox")] == ["quota"]
    assert mailname.findtext("mailbox/quota") == str(1024 * MB)


def test_pop_set_unlimited_sends_plesks_minus_one(cli, plesk, logged_in, packets):
    result = cli("--json", "pop", "set", SALES, "--quota", "unlimited")
    assert result.exit_code == 0, result.stderr
    assert plesk.mailbox(SALES).quota_bytes is None
    assert result.json["changes"] == {"quota_mb": [500, None]}
    [(_, packet)] = writes(packets)
    assert packet.findtext("mail/update/set/filter/mailname/mailbox/quota") == "-1"


def test_pop_set_of_an_address_that_only_forwards_gives_it_no_mailbox(cli, plesk, logged_in, packets):
    forwarder(plesk, TEAM, [OUT1])
    result = cli("pop", "set", TEAM, "--quota", "1G")
    assert result.exit_code == 3
    assert plesk.mailbox(TEAM).mailbox is False
    assert writes(packets) == []


@pytest.mark.parametrize("args, flag", [(("--suspend",), "--suspend"), (("--unsuspend",), "--unsuspend"),
                                        (("--quota", "1G", "--suspend"), "--suspend"),
                                        (("--suspend", "--incoming"), "--suspend")])
def test_suspension_is_refused_with_exit_2_and_nothing_sent(cli, emu, plesk, logged_in, args, flag):
    result = cli("--json", "pop", "set", SALES, *args)
    assert result.exit_code == 2
    assert result.error_json["error"] == {"code": "usage", "message": f"{flag}: Plesk cannot suspend mailboxes",
                                          "provider": "plesk"}
    assert emu.requests == []
    assert plesk.mailbox(SALES).quota_bytes == 500 * MB


def test_a_quota_change_that_failed_before_acting_says_so(cli, emu, plesk, logged_in):
    emu.add_fault(kind="500", when="before", field="operation:mail.update")
    result = cli("pop", "set", SALES, "--quota", "1G")
    assert result.exit_code == 5 and "NOT applied" in result.stderr
    assert plesk.mailbox(SALES).quota_bytes == 500 * MB


# -- alias add -----------------------------------------------------------------------------

def test_a_new_alias_is_a_mail_name_without_a_mailbox_that_forwards(cli, plesk, logged_in, packets):
    result = cli("--json", "alias", "add", TEAM, "--to", INFO, "--to", OUT1)
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": TEAM, "outcome": "added", "destinations": [INFO, OUT1], "kind": "forwarder"}
    box = plesk.mailbox(TEAM)
    assert (box.mailbox, box.forwarding, box.password) == (False, [INFO, OUT1], None)
    [(path, packet)] = writes(packets)
    mailname = packet.find("mail/create/filter/mailname")
    assert path == "mail/create" and mailname.find("mailbox") is None and mailname.find("password") is None
    assert mailname.findtext("forwarding/enabled") == "true"
    # pop list still shows mailboxes only
    listed = cli("-o", "plain", "pop", "list", "example.com").stdout
    assert TEAM not in listed


def test_adding_to_a_mailbox_uses_update_add_and_keeps_what_it_has(cli, plesk, logged_in, packets):
    plesk.mailbox(INFO).forwarding = [OUT1]
    plesk.mailbox(INFO).aliases = ["hello"]
    result = cli("--json", "alias", "add", INFO, "--to", OUT2)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [OUT1, OUT2]
    assert (plesk.mailbox(INFO).forwarding, plesk.mailbox(INFO).aliases) == ([OUT1, OUT2], ["hello"])
    [(path, packet)] = writes(packets)
    assert path == "mail/update/add"
    assert [a.text for a in packet.iterfind("mail/update/add/filter/mailname/forwarding/address")] == [OUT2]


def test_switched_off_forwarding_is_not_a_route_and_its_old_addresses_do_not_come_back(cli, plesk, logged_in,
                                                                                        packets):
    plesk.mailbox(INFO).forwarding = [OUT1]
    plesk.mailbox(INFO).forwarding_enabled = False
    assert cli("--json", "alias", "list", "example.com").json == []
    result = cli("alias", "add", INFO, "--to", OUT2)
    assert result.exit_code == 0, result.stderr
    assert (plesk.mailbox(INFO).forwarding, plesk.mailbox(INFO).forwarding_enabled) == ([OUT2], True)
    [(path, _)] = writes(packets)
    assert path == "mail/update/set"


def test_a_mail_alias_delivers_only_to_its_mailbox(cli, plesk, logged_in, packets):
    plesk.mailbox(SALES).aliases = ["orders"]
    same = cli("--json", "alias", "add", "orders@example.com", "--to", SALES)
    assert same.exit_code == 1 and same.error_json["error"]["code"] == "exists"
    assert cli("--json", "alias", "add", "orders@example.com", "--to", SALES, "--exists-ok").exit_code == 0
    other = cli("alias", "add", "orders@example.com", "--to", OUT1)
    assert other.exit_code == 1
    assert "mail alias of sales@example.com" in other.stderr and "alias remove" in other.stderr
    assert writes(packets) == []
    assert plesk.mailbox(SALES).aliases == ["orders"]


def test_an_alias_to_itself_is_exit_2_with_nothing_sent(cli, emu, logged_in):
    assert cli("alias", "add", INFO, "--to", INFO).exit_code == 2
    assert emu.requests == []


def test_a_refused_forwarding_address_is_exit_1_with_plesks_errcode(cli, plesk, logged_in, monkeypatch):
    # mailctl checks addresses itself; a server that still refuses one answers an errcode.
    from mailctl.emulator import plesk as app

    def refuse(node):
        if node.find("forwarding/address") is not None:
            raise app.PleskError(app.INVALID, "Invalid forwarding address")
        return []

    monkeypatch.setattr(app, "_forwarding", refuse)
    result = cli("alias", "add", INFO, "--to", OUT1)
    assert result.exit_code == 1 and "errcode 1019" in result.stderr
    assert plesk.mailbox(INFO).forwarding == []


# -- alias list ----------------------------------------------------------------------------

def test_alias_list_shows_forwarders_and_mail_aliases(cli, plesk, logged_in):
    plesk.mailbox(INFO).forwarding = [OUT1]
    plesk.mailbox(SALES).aliases = ["orders"]
    forwarder(plesk, TEAM, [INFO, SALES])
    result = cli("--json", "alias", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert [(a["address"], a["destinations"], a["kind"]) for a in result.json] == [
        (INFO, [OUT1], "forwarder"), ("orders@example.com", [SALES], "alias"), (TEAM, [INFO, SALES], "forwarder")]


# -- alias remove --------------------------------------------------------------------------

def test_removing_a_forwarders_last_destination_removes_the_mail_name(cli, plesk, logged_in, packets):
    forwarder(plesk, TEAM, [OUT1, OUT2])
    assert cli("-y", "alias", "remove", TEAM, "--to", OUT1).exit_code == 0
    assert plesk.mailbox(TEAM).forwarding == [OUT2]
    assert cli("-y", "alias", "remove", TEAM, "--to", OUT2).exit_code == 0
    assert plesk.mailbox(TEAM) is None
    removes = [p.find("mail/remove/filter") for path, p in writes(packets) if path == "mail/remove"]
    assert [r.findtext("name") for r in removes] == ["team"]  # never a remove without a name


def test_removing_a_mailboxs_forwarding_never_removes_the_mailbox(cli, plesk, logged_in, packets):
    plesk.mailbox(INFO).forwarding = [OUT1, OUT2]
    result = cli("--json", "-y", "alias", "remove", INFO)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] is None
    box = plesk.mailbox(INFO)
    assert (box.mailbox, box.forwarding, box.password) == (True, [], "mailbox-secret")
    [(path, packet)] = writes(packets)
    assert path == "mail/update/remove"
    assert [a.text for a in packet.iterfind("mail/update/remove/filter/mailname/forwarding/address")] == [OUT1, OUT2]


def test_removing_a_mail_alias_uses_update_remove_on_its_mailbox(cli, plesk, logged_in, packets):
    plesk.mailbox(SALES).aliases = ["orders", "shop"]
    wrong = cli("-y", "alias", "remove", "orders@example.com", "--to", INFO)
    assert wrong.exit_code == 3 and "alias of sales@example.com" in wrong.stderr
    result = cli("-y", "alias", "remove", "orders@example.com")
    assert result.exit_code == 0, result.stderr
    assert plesk.mailbox(SALES).aliases == ["shop"]
    assert plesk.has_mailbox(SALES)
    [(path, packet)] = writes(packets)
    mailname = packet.find("mail/update/remove/filter/mailname")
    assert path == "mail/update/remove" and (mailname.findtext("name"), mailname.findtext("alias")) == (
        "sales", "orders")


def test_a_forwarder_with_mail_aliases_is_not_removed_under_them(cli, plesk, logged_in, packets):
    forwarder(plesk, TEAM, [OUT1], aliases=["crew"])
    result = cli("-y", "alias", "remove", TEAM)
    assert result.exit_code == 1
    assert "crew@example.com" in result.stderr
    assert plesk.mailbox(TEAM).forwarding == [OUT1]
    assert writes(packets) == []


def test_a_lost_forwarder_removal_is_settled_by_a_read(cli, emu, plesk, logged_in):
    forwarder(plesk, TEAM, [OUT1])
    lost = emu.add_fault(kind="reset", when="after", field="operation:mail.remove")
    result = cli("-y", "alias", "remove", TEAM)
    assert result.exit_code == 0, result.stderr
    assert "applied" in result.stderr and lost.matched == 1
    assert plesk.mailbox(TEAM) is None


# -- estate: a forwarder is an alias, not a mailbox ----------------------------------------

def test_export_lists_forwarders_and_mail_aliases_as_aliases(cli, plesk, logged_in, tmp_path):
    plesk.mailbox(SALES).aliases = ["orders"]
    forwarder(plesk, TEAM, [INFO])
    path = tmp_path / "estate.toml"
    assert cli("export", "example.com", "--file", str(path)).exit_code == 0
    text = path.read_text()
    assert "mailboxes.team" not in text
    assert 'aliases.team = ["info@example.com"]' in text and 'aliases.orders = ["sales@example.com"]' in text
    planned = cli("plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stderr


def test_a_declared_suspension_is_a_plan_warning_and_apply_sends_nothing(cli, emu, logged_in, tmp_path):
    path = tmp_path / "estate.toml"
    path.write_text('[x."example.com"]\nmailboxes.info = {}\nmailboxes.sales = { quota = 500, suspended = true }\n')
    planned = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stderr
    assert planned.json["changes"] == []
    assert planned.json["warnings"] == [f"{SALES}: Plesk cannot suspend a mailbox through mailctl; left as it is"]
    emu.clear_requests()
    applied = cli("apply", str(path), "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert "Plesk cannot suspend" in applied.stderr
    assert not [r for r in emu.requests if b"<update>" in r.body or b"<create>" in r.body or b"<remove>" in r.body]
