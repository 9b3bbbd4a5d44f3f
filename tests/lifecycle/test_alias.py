"""alias list / add / remove through the real CLI against the emulator, for every
provider whose spec has them; the emulator's routes are checked afterwards."""

from __future__ import annotations

import pytest

from lifecycle_support import alias_write, having, panel_for
from provider_table import DOMAIN

INFO = f"info@{DOMAIN}"
SALES = f"sales@{DOMAIN}"
TEAM = f"team@{DOMAIN}"
OUT1, OUT2 = "a@elsewhere.test", "b@elsewhere.test"


@pytest.fixture(params=having("alias add"))
def panel(request, cli, emu):
    return panel_for(cli, emu, request.param)


def _kind(panel, address: str) -> str:
    """mailbox.org: another address of a mailbox is an alias; its own forwards are a
    forwarder. Elsewhere every route is a forwarder."""
    return "alias" if panel.provider == "mailboxorg" and address != INFO and address != SALES else "forwarder"


# The forwarders below are `panel.forwarder`: a mailbox's own address where the provider
# forwards one (mailbox.org forwards nothing else), else an address of its own (mailcow).


# -- add --------------------------------------------------------------------------------

def test_add_a_new_alias(cli, panel):
    result = cli("--json", "alias", "add", TEAM, "--to", INFO)
    assert result.exit_code == 0, result.stderr
    assert result.json == panel.wrote({"address": TEAM, "outcome": "added", "destinations": [INFO],
                                       "kind": _kind(panel, TEAM)})
    assert panel.routes() == {TEAM: [INFO]}


def test_adding_a_destination_keeps_the_others(cli, panel):
    panel.add_route(panel.forwarder, [OUT1])
    result = cli("--json", "alias", "add", panel.forwarder, "--to", OUT2)
    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [OUT1, OUT2]
    assert panel.routes() == {panel.forwarder: [OUT1, OUT2]}


def test_add_several_destinations_at_once(cli, panel):
    result = cli("alias", "add", panel.forwarder, "--to", OUT1, "--to", OUT2)
    assert result.exit_code == 0, result.stderr
    assert panel.routes() == {panel.forwarder: [OUT1, OUT2]}


def test_adding_what_is_there_is_exists_exit_1_or_0_with_exists_ok(cli, panel):
    panel.add_route(panel.forwarder, [OUT1])
    panel.emu.clear_requests()
    result = cli("--json", "alias", "add", panel.forwarder, "--to", OUT1)
    assert result.exit_code == 1
    assert result.error_json["error"]["code"] == "exists"
    result = cli("--json", "alias", "add", panel.forwarder, "--to", OUT1, "--exists-ok")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": panel.forwarder, "outcome": "exists", "destinations": [OUT1]}
    assert panel.routes() == {panel.forwarder: [OUT1]}
    assert panel.writes() == []


@pytest.mark.parametrize("target", [":fail:", ":blackhole:"])
def test_a_special_target_the_provider_lacks_is_exit_2_with_zero_requests(cli, panel, target):
    if target in panel.spec.special_destinations:
        pytest.skip(f"{panel.provider} has {target}")
    result = cli("--json", "alias", "add", TEAM, "--to", target)
    assert result.exit_code == 2
    assert result.error_json["error"]["provider"] == panel.provider
    assert panel.emu.requests == []


@pytest.mark.parametrize("bad", [["--to", "not-an-address"], []])
def test_a_bad_or_missing_destination_is_exit_2(cli, panel, bad):
    assert cli("alias", "add", TEAM, *bad).exit_code == 2
    assert panel.emu.requests == []


# -- list -------------------------------------------------------------------------------

def test_list_in_json_plain_and_table(cli, panel):
    forwarder = panel.forwarder
    panel.add_route(forwarder, [OUT1, OUT2])
    panel.add_route(TEAM, [SALES])
    result = cli("--json", "alias", "list", DOMAIN)
    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"address": forwarder, "destinations": [OUT1, OUT2], "kind": "forwarder", "domain": DOMAIN},
        {"address": TEAM, "destinations": [SALES], "kind": _kind(panel, TEAM), "domain": DOMAIN},
    ]
    plain = cli("-o", "plain", "alias", "list", DOMAIN)
    assert plain.stdout == f"{forwarder}\t{OUT1}\n{forwarder}\t{OUT2}\n{TEAM}\t{SALES}\n"
    table = cli("-o", "table", "alias", "list", DOMAIN)
    assert table.exit_code == 0 and TEAM in table.stdout and "Destinations" in table.stdout
    assert panel.writes() == []


def test_list_of_a_domain_without_aliases_is_empty(cli, panel):
    result = cli("--json", "alias", "list", DOMAIN)
    assert result.exit_code == 0 and result.json == []


def test_list_of_an_unknown_domain_is_exit_3(cli, panel):
    assert cli("alias", "list", "unknown.test").exit_code == 3


@pytest.mark.parametrize("provider", [p for p in having("alias list") if p != "whm"])
def test_list_all_domains(cli, emu, provider):
    panel = panel_for(cli, emu, provider)
    panel.add_route(TEAM, [SALES])
    result = cli("--json", "alias", "list", "--all-domains")
    assert result.exit_code == 0, result.stderr
    assert [a["address"] for a in result.json] == [TEAM]


def test_list_takes_a_domain_or_all_domains(cli, panel):
    assert cli("alias", "list").exit_code == 2
    assert cli("alias", "list", DOMAIN, "--all-domains").exit_code == 2


# -- remove -----------------------------------------------------------------------------

def test_remove_one_destination_keeps_the_rest(cli, panel):
    panel.add_route(panel.forwarder, [OUT1, OUT2])
    result = cli("--json", "-y", "alias", "remove", panel.forwarder, "--to", OUT1)
    assert result.exit_code == 0, result.stderr
    assert result.json == panel.wrote({"address": panel.forwarder, "outcome": "removed", "destinations": [OUT2]})
    assert panel.routes() == {panel.forwarder: [OUT2]}


def test_remove_the_whole_alias(cli, panel):
    panel.add_route(TEAM, [SALES])
    result = cli("--json", "-y", "alias", "remove", TEAM)
    assert result.exit_code == 0, result.stderr
    assert result.json == panel.wrote({"address": TEAM, "outcome": "removed", "destinations": None})
    assert panel.routes() == {}


def test_removing_a_mailboxs_own_forwarding_does_not_read_as_removing_the_mailbox(cli, panel):
    panel.add_route(panel.forwarder, [OUT1])
    result = cli("-y", "alias", "remove", panel.forwarder)
    assert result.exit_code == 0, result.stderr
    assert f"every destination of {panel.forwarder}" in result.stderr.splitlines()[-1]
    assert panel.routes() == {}


def test_remove_is_confirmed_like_pop_delete(cli, panel):
    panel.add_route(TEAM, [SALES])
    panel.emu.clear_requests()
    result = cli("alias", "remove", TEAM)
    assert result.exit_code == 2 and "--yes" in result.stderr
    declined = cli("alias", "remove", TEAM, tty=True, stdin="n\n")
    assert declined.exit_code == 2
    assert panel.routes() == {TEAM: [SALES]}
    assert panel.emu.requests == []


def test_remove_of_a_missing_alias_is_exit_3_or_absent_with_missing_ok(cli, panel):
    result = cli("--json", "-y", "alias", "remove", TEAM)
    assert result.exit_code == 3
    result = cli("--json", "-y", "alias", "remove", TEAM, "--missing-ok")
    assert result.exit_code == 0
    assert result.json == {"address": TEAM, "outcome": "absent", "destinations": None}
    assert panel.writes() == []


def test_remove_of_a_destination_it_does_not_have_is_exit_3(cli, panel):
    panel.add_route(panel.forwarder, [OUT1])
    assert cli("-y", "alias", "remove", panel.forwarder, "--to", OUT2).exit_code == 3
    assert panel.routes() == {panel.forwarder: [OUT1]}


def test_alias_writes_are_in_the_audit_log(cli, panel):
    assert cli("alias", "add", TEAM, "--to", INFO).exit_code == 0
    assert cli("-y", "alias", "remove", TEAM).exit_code == 0
    entries = [(e["command"], e["target"], e["outcome"]) for e in cli("--json", "audit").json]
    assert entries[-2:] == [("alias add", TEAM, "ok"), ("alias remove", TEAM, "ok")]


# The one request of `alias add panel.forwarder --to OUT1` (a mailbox's forwarding) that
# writes, where it is not the one of a new alias (alias_write).
FORWARD_WRITE = {"plesk": {"field": "operation:mail.update"},  # a new alias is a mail.create there
                 "virtualmin": {"field": "program:modify-user"}}  # a user's add-forward; a new alias: create-alias


def test_a_lost_add_is_settled_by_a_read(cli, panel):
    panel.emu.add_fault(kind="reset", when="after",
                        **FORWARD_WRITE.get(panel.provider, alias_write(panel.provider)))
    result = cli("alias", "add", panel.forwarder, "--to", OUT1)
    assert result.exit_code == 0, result.stderr
    assert "applied" in result.stderr
    assert panel.routes() == {panel.forwarder: [OUT1]}
    assert len(panel.writes()) == 1


# -- mailbox.org: aliases belong to a mailbox -------------------------------------------

@pytest.mark.parametrize("provider", [p for p in having("alias add") if p == "mailboxorg"])
def test_mailboxorg_alias_of_a_non_mailbox_needs_one_mailbox(cli, emu, provider):
    panel = panel_for(cli, emu, provider)
    assert cli("alias", "add", TEAM, "--to", OUT1).exit_code == 3
    assert cli("alias", "add", TEAM, "--to", INFO, "--to", SALES).exit_code == 1
    assert panel.writes() == []
    assert cli("alias", "add", TEAM, "--to", INFO).exit_code == 0
    assert emu.state.mailboxorg.mailbox(INFO).aliases == [TEAM]
    # pop show links it
    assert cli("--json", "pop", "show", INFO).json["aliases"] == [TEAM]
