"""The ensure flags (pop create --exists-ok, pop delete --missing-ok, alias add
--exists-ok, alias remove --missing-ok) and the lifecycle bulk runs (pop set, alias add,
alias remove --from-file), through the real CLI against the emulator."""

from __future__ import annotations

import json

import pytest

from lifecycle_support import having, panel_for
from provider_table import DOMAIN, NEW_PASSWORD, TABLE

INFO = f"info@{DOMAIN}"
SALES = f"sales@{DOMAIN}"
NEW = f"new@{DOMAIN}"


@pytest.fixture(params=having("pop set"))
def panel(request, cli, emu):
    return panel_for(cli, emu, request.param)


def _password(panel, address):
    return TABLE[panel.provider].mail_state(panel.emu).mailbox(address).password


# -- pop create --exists-ok / pop delete --missing-ok ------------------------------------

def test_create_exists_ok_leaves_an_existing_mailbox_untouched(cli, panel):
    before = _password(panel, SALES), panel.quota(SALES)
    args = ("--quota", "9") if panel.spec.takes_quota else ()
    result = cli("--json", "pop", "create", SALES, "--exists-ok", *args, "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json["outcome"] == "exists" and result.json["created"] is False
    assert "left as it is" in result.stderr
    assert (_password(panel, SALES), panel.quota(SALES)) == before
    assert panel.writes() == []


def test_create_exists_ok_still_creates_a_new_mailbox(cli, panel):
    result = cli("--json", "pop", "create", NEW, "--exists-ok", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json["created"] is True
    assert TABLE[panel.provider].mail_state(panel.emu).has_mailbox(NEW)


def test_create_without_exists_ok_still_fails_on_an_existing_mailbox(cli, panel):
    result = cli("pop", "create", SALES, "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 1


def test_delete_missing_ok(cli, panel):
    result = cli("--json", "-y", "pop", "delete", f"nobody@{DOMAIN}", "--missing-ok")
    assert result.exit_code == 0, result.stderr
    assert result.json == [{"address": f"nobody@{DOMAIN}", "outcome": "absent", "error": None}]
    result = cli("--json", "-y", "pop", "delete", f"nobody@{DOMAIN}", INFO, "--missing-ok")
    assert result.exit_code == 0
    assert [r["outcome"] for r in result.json] == ["absent", "deleted"]
    assert not TABLE[panel.provider].mail_state(panel.emu).has_mailbox(INFO)
    assert cli("-y", "pop", "delete", f"nobody@{DOMAIN}").exit_code == 3


# -- bulk: the ensure flags ---------------------------------------------------------------

def test_bulk_create_exists_ok_and_delete_missing_ok(cli, panel, tmp_path):
    source = tmp_path / "boxes.csv"
    source.write_text(f"address,password\n{SALES},{NEW_PASSWORD}\n{NEW},{NEW_PASSWORD}\n")
    before = _password(panel, SALES)
    result = cli("--json", "pop", "create", "--from-file", str(source), "--exists-ok")
    assert result.exit_code == 0, result.stderr
    assert [(r["address"], r["outcome"]) for r in result.json] == [(SALES, "exists"), (NEW, "created")]
    assert _password(panel, SALES) == before
    gone = tmp_path / "gone.csv"
    gone.write_text(f"address\nnobody@{DOMAIN}\n{NEW}\n")
    result = cli("--json", "-y", "pop", "delete", "--from-file", str(gone), "--missing-ok")
    assert result.exit_code == 0, result.stderr
    assert [r["outcome"] for r in result.json] == ["absent", "deleted"]
    result = cli("--json", "-y", "pop", "delete", "--from-file", str(gone))
    assert result.exit_code == 6


# -- bulk: pop set --------------------------------------------------------------------------

def _set_file(panel, tmp_path):
    """SALES changes; INFO is asked to stay as it is (unsuspended, or unlimited where the
    provider cannot suspend)."""
    source = tmp_path / "set.csv"
    quota = "2G" if panel.spec.takes_quota else ""
    if panel.spec.suspend_kinds:
        source.write_text(f"address,quota,suspend\n{SALES},{quota},yes\n{INFO},,no\n")
    else:
        source.write_text(f"address,quota\n{SALES},{quota}\n{INFO},unlimited\n")
    return source


def test_bulk_set_dry_run_sends_nothing(cli, panel, tmp_path):
    result = cli("--json", "pop", "set", "--from-file", str(_set_file(panel, tmp_path)), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert [(r["address"], r["action"]) for r in result.json] == [(SALES, "change"), (INFO, "change")]
    assert panel.writes() == []


def test_bulk_set_changes_the_rows_and_resume_skips_them(cli, panel, tmp_path):
    source = _set_file(panel, tmp_path)
    report = tmp_path / "report.jsonl"
    result = cli("--json", "pop", "set", "--from-file", str(source), "--report", str(report))
    assert result.exit_code == 0, result.stderr
    assert [(r["address"], r["outcome"]) for r in result.json] == [(SALES, "changed"), (INFO, "unchanged")]
    assert panel.suspended(SALES) == set(panel.spec.suspend_kinds)
    if panel.spec.takes_quota:
        assert panel.quota(SALES) == 2048
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert {line["outcome"] for line in lines} == {"changed", "unchanged"}
    panel.emu.clear_requests()
    result = cli("--json", "pop", "set", "--from-file", str(source), "--resume", str(report))
    assert result.exit_code == 0
    assert {r["outcome"] for r in result.json} == {"skipped"}
    assert panel.emu.requests == []


def test_bulk_set_validates_the_whole_file_first(cli, panel, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text(f"address,quota,suspend\n{SALES},,maybe\n{INFO},,\nnot-an-address,,yes\n")
    result = cli("pop", "set", "--from-file", str(source))
    assert result.exit_code == 2
    assert "line 2" in result.stderr and "line 3" in result.stderr and "line 4" in result.stderr
    assert panel.emu.requests == []


@pytest.mark.parametrize("provider", having("pop set", lambda spec: not spec.suspend_kinds))
@pytest.mark.parametrize("rows, options", [("suspend\nyes", ()), ("quota,suspend\n2G,no", ()),
                                           ("quota\n2G", ("--suspend",))])
def test_bulk_set_of_a_suspension_where_there_is_none_is_exit_2_before_any_request(cli, emu, provider, tmp_path,
                                                                                    rows, options):
    panel_for(cli, emu, provider)
    header, values = rows.split("\n")
    source = tmp_path / "set.csv"
    source.write_text(f"address,{header}\n{SALES},{values}\n")
    result = cli("pop", "set", "--from-file", str(source), *options)
    assert result.exit_code == 2
    assert "cannot suspend" in result.stderr
    assert emu.requests == []


@pytest.mark.parametrize("provider", having("pop set", lambda spec: "incoming" not in spec.suspend_kinds))
def test_bulk_set_refuses_a_flag_the_provider_lacks_before_any_request(cli, emu, provider, tmp_path):
    panel_for(cli, emu, provider)
    source = tmp_path / "set.csv"
    source.write_text(f"address,suspend\n{SALES},yes\n")
    result = cli("pop", "set", "--from-file", str(source), "--incoming")
    assert result.exit_code == 2
    assert emu.requests == []


# -- bulk: alias add / remove ---------------------------------------------------------------

def test_bulk_alias_add_and_remove(cli, panel, tmp_path):
    first, second = panel.forwarders
    source = tmp_path / "aliases.csv"
    source.write_text(f"address,to\n{first},a@elsewhere.test b@elsewhere.test\n{second},c@elsewhere.test\n")
    result = cli("--json", "alias", "add", "--from-file", str(source))
    assert result.exit_code == 0, result.stderr
    assert [r["outcome"] for r in result.json] == ["added", "added"]
    assert panel.routes() == {first: ["a@elsewhere.test", "b@elsewhere.test"], second: ["c@elsewhere.test"]}
    again = cli("--json", "alias", "add", "--from-file", str(source))
    assert again.exit_code == 6
    again = cli("--json", "alias", "add", "--from-file", str(source), "--exists-ok")
    assert again.exit_code == 0 and [r["outcome"] for r in again.json] == ["exists", "exists"]
    gone = tmp_path / "gone.csv"
    gone.write_text(f"address,to\n{first},a@elsewhere.test\n{second},\n")
    assert cli("alias", "remove", "--from-file", str(gone)).exit_code == 2  # not confirmed
    result = cli("--json", "-y", "alias", "remove", "--from-file", str(gone))
    assert result.exit_code == 0, result.stderr
    assert panel.routes() == {first: ["b@elsewhere.test"]}
    result = cli("--json", "-y", "alias", "remove", "--from-file", str(gone), "--missing-ok")
    assert result.exit_code == 0
    assert [r["outcome"] for r in result.json] == ["absent", "absent"]


def test_bulk_alias_add_takes_alias_list_json_lines(cli, panel, tmp_path):
    first, second = panel.forwarders
    panel.add_route(first, ["a@elsewhere.test"])
    listed = cli("--json", "alias", "list", DOMAIN).json
    source = tmp_path / "aliases.jsonl"
    source.write_text("".join(json.dumps({**row, "address": second}) + "\n" for row in listed))
    result = cli("--json", "alias", "add", "--from-file", str(source))
    assert result.exit_code == 0, result.stderr
    assert panel.routes()[second] == ["a@elsewhere.test"]


def test_bulk_alias_refuses_a_special_target_before_any_request(cli, panel, tmp_path):
    source = tmp_path / "aliases.csv"
    source.write_text(f"address,to\n{INFO},:blackhole:\n")
    result = cli("alias", "add", "--from-file", str(source))
    assert result.exit_code == 2 and "line 2" in result.stderr
    assert panel.emu.requests == []


@pytest.mark.parametrize("provider", having("pop set", lambda spec: "incoming" in spec.suspend_kinds))
def test_bulk_set_login_says_what_the_suspend_column_means(cli, emu, provider, tmp_path):
    panel = panel_for(cli, emu, provider)
    source = tmp_path / "set.csv"
    source.write_text(f"address,suspend\n{SALES},yes\n")
    result = cli("pop", "set", "--from-file", str(source), "--login")
    assert result.exit_code == 0, result.stderr
    assert panel.suspended(SALES) == {"login"}
