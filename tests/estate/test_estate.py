"""export, plan and apply through the real CLI against the emulator, for every provider:
the file as a person writes it, the plan it gives, the state apply leaves behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provider_table import DOMAIN, PROVIDERS, TABLE, log_in, mail_state, write_of

NEW = f"new@{DOMAIN}"


def connect(cli, emu, provider: str) -> str:
    name = log_in(cli, emu, provider)
    emu.clear_requests()
    return name


def writes(emu) -> list:
    return [w for w in (write_of(r) for r in emu.requests) if w is not None]


def addresses(emu, provider: str) -> list[str]:
    with emu.state.lock:
        return sorted(mail_state(emu, provider).addresses(DOMAIN))


def export(cli, provider: str, path: Path) -> str:
    result = cli("-p", provider, "export", DOMAIN, "--file", str(path))
    assert result.exit_code == 0, result.stderr
    return path.read_text()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_exported_estate_plans_as_in_sync(cli, emu, tmp_path, provider):
    connect(cli, emu, provider)
    text = export(cli, provider, tmp_path / "estate.toml")
    assert f'[{provider}."example.com"]' in text and "mailboxes.info = " in text and "mailboxes.sales = " in text
    assert "password" not in text

    result = cli("plan", str(tmp_path / "estate.toml"), "--detailed-exitcode")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Plan: 0 to create, 0 to change, 0 to delete, 2 unchanged (in sync)" in result.stderr
    assert writes(emu) == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_added_mailbox_is_planned_created_once_and_then_in_sync(cli, emu, tmp_path, provider):
    connect(cli, emu, provider)
    path = tmp_path / "estate.toml"
    export(cli, provider, path)
    text = path.read_text().replace("mailboxes.info = ", "mailboxes.new = {}\nmailboxes.info = ", 1)
    path.write_text(text)

    planned = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 7, planned.stderr
    assert planned.json["changes"] == [{"profile": provider, "domain": DOMAIN, "action": "create",
                                        "kind": "mailbox", "address": NEW, "before": None, "after": {}}]
    assert planned.json["counts"] == {"create": 1, "change": 0, "delete": 0, "unchanged": 2}

    report = tmp_path / "report.jsonl"
    applied = cli("apply", str(path), "--yes", "--generate", "--report", str(report))
    assert applied.exit_code == 0, applied.stderr
    assert "In sync: the live state is what the file declares." in applied.stderr
    assert addresses(emu, provider) == ["info@example.com", NEW, "sales@example.com"]
    assert [w for w in writes(emu) if w[0] == "create"] == [("create", NEW)]
    [entry] = [json.loads(line) for line in report.read_text().splitlines()]
    assert (entry["address"], entry["outcome"], entry["action"]) == (NEW, "done", "create")
    with emu.state.lock:
        assert mail_state(emu, provider).mailbox(NEW).password == entry["password"]
    assert entry["password"] not in applied.stdout + applied.stderr

    emu.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0, again.stderr
    assert "In sync: nothing to do." in again.stderr
    assert writes(emu) == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_drift_behind_mailctls_back_shows_in_the_next_plan(cli, emu, tmp_path, provider):
    connect(cli, emu, provider)
    path = tmp_path / "estate.toml"
    export(cli, provider, path)
    with emu.state.lock:
        mail_state(emu, provider).remove_mailbox("sales@example.com")
        emu.state.touch()

    result = cli("--json", "plan", str(path), "--detailed-exitcode")

    assert result.exit_code == 7, result.stderr
    assert [(c["action"], c["kind"], c["address"]) for c in result.json["changes"]] == [
        ("create", "mailbox", "sales@example.com")]


def test_a_quota_changed_in_the_panel_shows_as_a_change_back(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    path = tmp_path / "estate.toml"
    export(cli, "directadmin", path)
    with emu.state.lock:
        emu.state.directadmin.mailbox("sales@example.com").quota_mb = 900
        emu.state.touch()

    result = cli("--json", "plan", str(path))

    assert result.exit_code == 0, result.stderr
    if TABLE["directadmin"].spec.supports("pop set"):
        [change] = result.json["changes"]
        assert (change["action"], change["address"], change["before"], change["after"]) == (
            "change", "sales@example.com", {"quota_mb": 900}, {"quota_mb": 500})
    else:
        assert result.json["changes"] == []
        assert result.json["warnings"] == ["sales@example.com: mailctl cannot change a quota on DirectAdmin; "
                                           "it stays 900 MB"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_prune_deletes_what_is_not_declared_within_the_limit(cli, emu, tmp_path, provider):
    connect(cli, emu, provider)
    path = tmp_path / "estate.toml"
    path.write_text(f'[{provider}."example.com"]\nprune = true\nmailboxes = ["info"]\n')

    planned = cli("plan", str(path), "-o", "plain")
    assert planned.exit_code == 0, planned.stderr
    assert planned.stdout == f"{provider}\texample.com\tdelete\tmailbox\tsales@example.com\t\n"
    applied = cli("apply", str(path), "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert addresses(emu, provider) == ["info@example.com"]


def test_more_deletions_than_the_limit_are_refused_whatever_yes_says(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    with emu.state.lock:
        for number in range(6):
            emu.state.directadmin.add_mailbox(f"old{number}@example.com", password="Old-pass-1")
        emu.state.touch()
    path = tmp_path / "estate.toml"
    path.write_text('[directadmin."example.com"]\nprune = true\nmailboxes = ["info", "sales"]\n')
    emu.clear_requests()

    refused = cli("apply", str(path), "--yes")
    assert refused.exit_code == 2
    assert ("mailctl: error: the plan deletes 6 mailboxes and all their mail, more than --max-deletes 5: "
            "check the plan, then pass --max-deletes 6\n") in refused.stderr
    assert writes(emu) == []
    assert len(addresses(emu, "directadmin")) == 8

    allowed = cli("apply", str(path), "--yes", "--max-deletes", "6")
    assert allowed.exit_code == 0, allowed.stderr
    assert addresses(emu, "directadmin") == ["info@example.com", "sales@example.com"]


def test_new_mailboxes_without_a_password_source_are_refused_before_any_write(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    path = tmp_path / "estate.toml"
    path.write_text('[cpanel."example.com"]\nmailboxes = ["info", "sales", "new", "other"]\n')

    result = cli("apply", str(path), "--yes")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-3:] == [
        "mailctl: error: 2 new mailbox(es) have no password: give --generate --report FILE, --password-file CSV, "
        "or run on a terminal to be asked",
        "  new@example.com",
        "  other@example.com",
    ]
    assert writes(emu) == []


def test_passwords_come_from_a_csv_by_address(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    path = tmp_path / "estate.toml"
    path.write_text('[directadmin."example.com"]\nmailboxes = ["info", "sales", "new"]\n')
    passwords = tmp_path / "passwords.csv"
    passwords.write_text("address,password\nnew@example.com,Csv-Pass-word-1\n")

    result = cli("apply", str(path), "--yes", "--password-file", str(passwords))

    assert result.exit_code == 0, result.stderr
    with emu.state.lock:
        assert emu.state.directadmin.mailbox(NEW).password == "Csv-Pass-word-1"


def test_a_saved_plan_is_refused_when_the_live_state_changed(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    path = tmp_path / "estate.toml"
    path.write_text('[directadmin."example.com"]\nprune = true\nmailboxes = ["info"]\n')
    saved = tmp_path / "plan.json"
    planned = cli("plan", str(path), "--out", str(saved))
    assert planned.exit_code == 0, planned.stderr
    assert "password" not in saved.read_text()
    with emu.state.lock:
        emu.state.directadmin.add_mailbox("late@example.com", password="Late-pass-1")
        emu.state.touch()
    emu.clear_requests()

    stale = cli("apply", str(saved), "--yes")

    assert stale.exit_code == 1
    assert stale.stderr.endswith(f"mailctl: error: the live state changed since the plan in {saved} was made; "
                                 "nothing was changed: run mailctl plan again\n")
    assert writes(emu) == []
    assert "sales@example.com" in addresses(emu, "directadmin")


def test_a_fresh_saved_plan_is_applied(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    path = tmp_path / "estate.toml"
    path.write_text('[directadmin."example.com"]\nprune = true\nmailboxes = ["info"]\n')
    saved = tmp_path / "plan.json"
    assert cli("plan", str(path), "--out", str(saved)).exit_code == 0

    result = cli("apply", str(saved), "--yes")

    assert result.exit_code == 0, result.stderr
    assert addresses(emu, "directadmin") == ["info@example.com"]


def test_every_mistake_in_the_file_is_reported_at_once_before_anything_is_read(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    path = tmp_path / "estate.toml"
    path.write_text(
        '[directadmin."example.com"]\n'
        'prune = "yes"\n'
        'mailboxes.sales = { quota = "lots", password = "x" }\n'
        'mailboxes."bad..name" = {}\n'
        'aliases.contact = ["not an address"]\n'
        'colour = "blue"\n'
        '[nobody."example.com"]\n'
        'mailboxes = ["info"]\n'
    )

    result = cli("plan", str(path))

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"mailctl: error: {path}: 6 mistakes; nothing was read from a server"
    assert lines[1] == '  directadmin."example.com".colour: unknown key (a domain has prune, mailboxes, aliases)'
    assert lines[2] == '  directadmin."example.com".prune: must be true or false'
    assert any(line.startswith('  directadmin."example.com".mailboxes.sales.password: passwords never go')
               for line in lines)
    assert any(line.startswith("  directadmin.\"example.com\".mailboxes.sales.quota: invalid quota 'lots'")
               for line in lines)
    assert any('mailboxes."bad..name"' in line for line in lines)
    assert any("aliases.contact: invalid address 'not an address'" in line for line in lines)
    assert emu.requests == []


def test_an_unknown_profile_is_a_file_mistake(cli, emu, tmp_path):
    path = tmp_path / "estate.toml"
    path.write_text('[nobody."example.com"]\nmailboxes = ["info"]\n')
    result = cli("plan", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mailctl: error: {path}: 1 unknown profile(s); nothing was read from a server\n"
                                    "  nobody: no such profile")
    assert emu.requests == []


def test_a_toml_syntax_error_names_the_line(cli, emu, tmp_path):
    path = tmp_path / "estate.toml"
    path.write_text('[a."example.com"]\nmailboxes = = 1\n')
    result = cli("plan", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mailctl: error: {path}: invalid TOML: ")
    assert "(at line 2, column " in result.stderr


def test_a_quota_on_a_provider_without_quotas_is_a_warning_not_a_change(cli, emu, tmp_path):
    connect(cli, emu, "mailboxorg")
    path = tmp_path / "estate.toml"
    path.write_text('[mailboxorg."example.com"]\nmailboxes.info = { quota = 500 }\nmailboxes.sales = {}\n')

    result = cli("plan", str(path), "--detailed-exitcode")

    assert result.exit_code == 0, result.stderr
    assert ("warning: info@example.com: mailbox.org keeps no quota per mailbox; the declared quota is left out"
            in result.stderr)


def test_json_estate_files_are_read_like_toml(cli, emu, tmp_path):
    connect(cli, emu, "whm")
    path = tmp_path / "estate.json"
    path.write_text(json.dumps({"whm": {"example.com": {"mailboxes": {"info": {}, "sales": {"quota": 500}}}}}))
    result = cli("plan", str(path), "--detailed-exitcode")
    assert result.exit_code == 0, result.stderr


def test_a_domain_moves_to_another_provider_with_passwords_only_in_the_report(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    connect(cli, emu, "mailboxorg")
    with emu.state.lock:
        emu.state.mailboxorg.add_domain("moved.test", "demo")
        emu.state.directadmin.add_domain("moved.test", "demo")
        for local in ("anna", "ben"):
            emu.state.directadmin.add_mailbox(f"{local}@moved.test", password="Da-pass-word-1", quota_mb=100)
        emu.state.touch()
    exported = tmp_path / "moved.toml"
    assert cli("-p", "directadmin", "export", "moved.test", "--file", str(exported)).exit_code == 0
    report = tmp_path / "passwords.jsonl"

    result = cli("apply", str(exported), "--map-profile", "directadmin=mailboxorg", "--yes", "--generate",
                 "--report", str(report))

    assert result.exit_code == 0, result.stderr
    with emu.state.lock:
        assert sorted(emu.state.mailboxorg.addresses("moved.test")) == ["anna@moved.test", "ben@moved.test"]
        stored = {a: emu.state.mailboxorg.mailbox(a).password for a in ("anna@moved.test", "ben@moved.test")}
    entries = {e["address"]: e for e in map(json.loads, report.read_text().splitlines())}
    assert {a: entries[a]["password"] for a in stored} == stored
    assert "keeps no quota per mailbox" in result.stderr
    for password in stored.values():
        assert password not in result.stdout + result.stderr


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_create_whose_answer_is_lost_mid_apply_is_settled_never_doubled(cli, emu, tmp_path, provider):
    connect(cli, emu, provider)
    path = tmp_path / "estate.toml"
    path.write_text(f'[{provider}."example.com"]\nmailboxes = ["info", "sales", "new"]\n')
    # The server applies the create, then the connection drops before the answer.
    injected = emu.add_fault(kind="reset", when="after", **TABLE[provider].write_request)
    report = tmp_path / "report.jsonl"

    first = cli("apply", str(path), "--yes", "--generate", "--report", str(report))

    assert injected.matched == 1
    assert first.exit_code == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert addresses(emu, provider) == ["info@example.com", NEW, "sales@example.com"]
    assert [w for w in writes(emu) if w[0] == "create"] == [("create", NEW)]
    [entry] = [json.loads(line) for line in report.read_text().splitlines()]
    with emu.state.lock:
        assert mail_state(emu, provider).mailbox(NEW).password == entry["password"]

    emu.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0 and "In sync: nothing to do." in again.stderr
    assert writes(emu) == []


def test_no_password_of_apply_leaves_the_report(cli, emu, tmp_path):
    connect(cli, emu, "directadmin")
    path = tmp_path / "estate.toml"
    path.write_text('[directadmin."example.com"]\nmailboxes = ["info", "sales", "new"]\n')
    report = tmp_path / "report.jsonl"

    result = cli("--debug", "apply", str(path), "--yes", "--generate", "--report", str(report))

    assert result.exit_code == 0, result.stderr
    [entry] = [json.loads(line) for line in report.read_text().splitlines()]
    password = entry["password"]
    assert password not in result.stdout + result.stderr
    assert all(password not in request.url for request in emu.requests)
    audit = tmp_path / "state" / "mailctl" / "audit.jsonl"
    assert audit.exists() and password not in audit.read_text()
    assert password not in path.read_text()
