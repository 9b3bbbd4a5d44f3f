"""pop show and pop set through the real CLI against the emulator, for every provider
whose spec has them: the JSON, the exit codes, and the emulator's state afterwards."""

from __future__ import annotations

import json

import pytest

from lifecycle_support import having, lacking, panel_for
from provider_table import DOMAIN

SALES = f"sales@{DOMAIN}"
INFO = f"info@{DOMAIN}"


@pytest.fixture(params=having("pop show"))
def shown(request, cli, emu):
    return panel_for(cli, emu, request.param)


@pytest.fixture(params=having("pop show", lambda spec: spec.suspend_kinds and spec.supports("pop set")))
def shown_suspending(request, cli, emu):
    return panel_for(cli, emu, request.param)


@pytest.fixture(params=having("pop set"))
def panel(request, cli, emu):
    return panel_for(cli, emu, request.param)


@pytest.fixture(params=having("pop set", lambda spec: spec.suspend_kinds))
def suspending(request, cli, emu):
    """A provider that can suspend mailboxes."""
    return panel_for(cli, emu, request.param)


def _a_change(panel) -> tuple[str, ...]:
    """pop set arguments that change SALES on this provider (its quota, else a suspension)."""
    return ("--quota", "2G") if panel.spec.takes_quota else ("--suspend",)



# -- pop show ---------------------------------------------------------------------------

def test_show_is_a_pop_list_row_with_restrictions_and_aliases(cli, shown):
    listed = {row["address"]: row for row in cli("--json", "pop", "list", DOMAIN).json}
    shown.add_route(f"team@{DOMAIN}", [SALES])
    shown.emu.clear_requests()
    result = cli("--json", "pop", "show", SALES)
    assert result.exit_code == 0, result.stderr
    assert result.json == {**listed[SALES], "restrictions": [], "aliases": [f"team@{DOMAIN}"]}
    assert shown.writes() == []


def test_show_reports_a_suspension_as_restrictions(cli, shown_suspending):
    assert cli("pop", "set", SALES, "--suspend").exit_code == 0
    data = cli("--json", "pop", "show", SALES).json
    assert data["suspended"] is True
    assert data["restrictions"] == list(shown_suspending.spec.suspend_kinds)


def test_show_of_a_missing_mailbox_is_exit_3(cli, shown):
    result = cli("--json", "pop", "show", f"nobody@{DOMAIN}")
    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    assert result.stdout == ""


def test_show_in_table_and_plain(cli, shown):
    plain = cli("-o", "plain", "pop", "show", SALES)
    assert plain.exit_code == 0
    assert plain.stdout.splitlines()[0].split("\t")[0] == SALES
    table = cli("-o", "table", "pop", "show", SALES)
    assert table.exit_code == 0 and "Restrictions" in table.stdout and "Aliases" in table.stdout


# -- pop set: quota ---------------------------------------------------------------------

@pytest.mark.parametrize("given, mb", [("2G", 2048), ("750", 750), ("500M", 500)])
@pytest.mark.parametrize("provider", having("pop set", lambda spec: spec.takes_quota))
def test_set_quota_with_units(cli, emu, provider, given, mb):
    panel = panel_for(cli, emu, provider)
    result = cli("--json", "pop", "set", SALES, "--quota", given)
    assert result.exit_code == 0, result.stderr
    assert panel.quota(SALES) == mb
    data = result.json
    expected = {"quota_mb": [500, mb]} if mb != 500 else {}
    assert data["address"] == SALES and data["changes"] == expected
    assert data["outcome"] == ("changed" if expected else "unchanged")
    assert data["previous"]["quota_mb"] == 500 and data["current"]["quota_mb"] == mb
    if expected:
        assert "quota 500 MB -> " + f"{mb} MB" in result.stderr


@pytest.mark.parametrize("provider", having("pop set", lambda spec: spec.takes_quota))
def test_set_quota_unlimited(cli, emu, provider):
    panel = panel_for(cli, emu, provider)
    result = cli("--json", "pop", "set", SALES, "--quota", "unlimited")
    assert result.exit_code == 0, result.stderr
    assert panel.quota(SALES) == 0
    assert result.json["changes"] == {"quota_mb": [500, None]}


@pytest.mark.parametrize("provider", lacking(lambda spec: spec.supports("pop set") and not spec.takes_quota))
def test_set_quota_is_refused_before_any_request(cli, emu, provider):
    panel_for(cli, emu, provider)
    result = cli("--json", "pop", "set", SALES, "--quota", "1G")
    assert result.exit_code == 2
    assert result.error_json["error"]["provider"] == provider
    assert emu.requests == []


@pytest.mark.parametrize("quota", ["1.5G", "ten", "-1", "2X", "G"])
def test_a_bad_quota_is_exit_2_with_nothing_sent(cli, panel, quota):
    result = cli("pop", "set", SALES, "--quota", quota)
    assert result.exit_code == 2 and "quota" in result.stderr
    assert panel.emu.requests == []


# -- pop set: suspension ----------------------------------------------------------------

def test_suspend_without_a_kind_suspends_everything_it_can_and_unsuspend_lifts_it(cli, suspending):
    panel = suspending
    result = cli("--json", "pop", "set", SALES, "--suspend")
    assert result.exit_code == 0, result.stderr
    kinds = set(panel.spec.suspend_kinds)
    assert panel.suspended(SALES) == kinds
    assert result.json["changes"]["restrictions"] == [[], list(panel.spec.suspend_kinds)]
    assert result.json["changes"]["suspended"] == [False, True]
    assert panel.suspended(INFO) == set()
    result = cli("--json", "pop", "set", SALES, "--unsuspend")
    assert result.exit_code == 0
    assert panel.suspended(SALES) == set()
    assert result.json["changes"]["suspended"] == [True, False]


@pytest.mark.parametrize("provider", having("pop set", lambda spec: "login" in spec.suspend_kinds))
def test_suspend_login_only(cli, emu, provider):
    panel = panel_for(cli, emu, provider)
    result = cli("pop", "set", SALES, "--suspend", "--login")
    assert result.exit_code == 0, result.stderr
    assert panel.suspended(SALES) == {"login"}


@pytest.mark.parametrize("provider", having("pop set", lambda spec: "incoming" in spec.suspend_kinds
                                             and "incoming" not in spec.suspend_needs))
def test_suspend_incoming_only_then_lift_it(cli, emu, provider):
    panel = panel_for(cli, emu, provider)
    assert cli("pop", "set", SALES, "--suspend", "--incoming").exit_code == 0
    assert panel.suspended(SALES) == {"incoming"}
    assert cli("pop", "set", SALES, "--unsuspend", "--incoming").exit_code == 0
    assert panel.suspended(SALES) == set()


@pytest.mark.parametrize("provider", having("pop set", lambda spec: not spec.suspend_kinds))
@pytest.mark.parametrize("args", [("--suspend",), ("--unsuspend",), ("--suspend", "--login"),
                                  ("--quota", "2G", "--suspend")])
def test_a_provider_without_suspension_refuses_it_with_zero_requests(cli, emu, provider, args):
    panel_for(cli, emu, provider)
    result = cli("--json", "pop", "set", SALES, *args)
    assert result.exit_code == 2
    error = result.error_json["error"]
    assert error["provider"] == provider and "cannot suspend" in error["message"]
    assert emu.requests == []


@pytest.mark.parametrize("provider", having("pop set", lambda spec: spec.suspend_kinds
                                             and "incoming" not in spec.suspend_kinds))
def test_a_suspend_kind_the_provider_lacks_is_exit_2_with_zero_requests(cli, emu, provider):
    panel_for(cli, emu, provider)
    result = cli("--json", "pop", "set", SALES, "--suspend", "--incoming")
    assert result.exit_code == 2
    error = result.error_json["error"]
    assert error["provider"] == provider and "--incoming" in error["message"]
    assert emu.requests == []


def test_login_without_suspend_and_an_empty_set_are_usage_errors(cli, panel):
    assert cli("pop", "set", SALES, "--login").exit_code == 2
    assert cli("pop", "set", SALES).exit_code == 2
    assert panel.emu.requests == []


def test_set_on_a_missing_mailbox_is_exit_3_and_writes_nothing(cli, panel):
    result = cli("--json", "pop", "set", f"nobody@{DOMAIN}", *_a_change(panel))
    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    assert panel.writes() == []


def test_set_to_what_it_already_is_is_unchanged(cli, panel):
    result = cli("--json", "pop", "set", SALES, *(("--unsuspend",) if panel.spec.suspend_kinds else ("--quota", "500")))
    assert result.exit_code == 0
    assert result.json["outcome"] == "unchanged" and result.json["changes"] == {}


def test_the_audit_log_has_previous_and_new_values(cli, panel):
    args = ("--suspend",) if panel.spec.suspend_kinds else ("--quota", "2G")
    assert cli("pop", "set", SALES, *args).exit_code == 0
    entries = cli("--json", "audit").json
    entry = [e for e in entries if e["command"] == "pop set"][-1]
    assert entry["target"] == SALES and entry["outcome"] == "ok"
    if panel.spec.suspend_kinds:
        assert entry["changes"]["suspended"] == [False, True]
    else:
        assert entry["changes"]["quota_mb"] == [500, 2048]


def test_a_lost_answer_is_settled_by_a_read_not_sent_again(cli, panel):
    if panel.state.set_write is not None:
        panel.emu.add_fault(kind="reset", when="after", **panel.state.set_write)
    elif panel.provider == "mailboxorg":
        panel.emu.add_fault(kind="reset", method="mail.set", when="after")
    else:
        panel.emu.add_fault(kind="reset", field="quota:2048" if panel.spec.takes_quota else "", when="after")
    args = ("--quota", "2G") if panel.spec.takes_quota else ("--suspend",)
    result = cli("pop", "set", SALES, *args)
    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert len(panel.writes()) == (1 if panel.spec.takes_quota or panel.provider == "mailboxorg" else len(
        panel.spec.suspend_kinds))
    if panel.spec.takes_quota:
        assert panel.quota(SALES) == 2048
    else:
        assert panel.suspended(SALES) == set(panel.spec.suspend_kinds)


def test_pop_set_json_shape(cli, panel):
    result = cli("--json", "pop", "set", SALES, *(("--suspend",) if panel.spec.suspend_kinds else ("--quota", "2G")))
    data = json.loads(result.stdout)
    assert set(data) == set(panel.wrote({"address": 0, "outcome": 0, "changes": 0, "previous": 0, "current": 0}))
    assert "aliases" not in data["current"] and "aliases" not in data["previous"]
    if panel.spec.suspend_kinds:
        assert data["current"]["suspended"] is True
    else:
        assert data["current"]["quota_mb"] == 2048
