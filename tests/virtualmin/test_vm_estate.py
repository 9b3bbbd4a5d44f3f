"""export -> plan -> apply on Virtualmin through the real CLI against the emulator: a
quota changed (1 kB blocks on the wire), a destination added to an alias (delete +
create), an alias pruned, a mailbox's own forwards kept; then a second apply sends no
write at all."""

from __future__ import annotations

from virtualmin_support import programs

READS = {"list-domains", "list-users", "list-aliases"}
ESTATE_HEAD = '[vm."example.com"]\n'


def writes(emu) -> list[str]:
    return [p for p in programs(emu) if p not in READS]


def test_export_plan_edit_apply_and_a_second_apply_writes_nothing(cli, vm, tmp_path):
    state = vm.state.virtualmin
    state.add_alias("team@example.com", ["info@example.com"], comment="the team")
    state.add_alias("old@example.com", ["sales@example.com"])
    state.mailbox("info@example.com").forwards = ["a@elsewhere.test"]
    path = tmp_path / "estate.toml"

    exported = cli("-p", "vm", "export", "example.com", "--file", str(path))
    assert exported.exit_code == 0, exported.stderr
    text = path.read_text()
    assert text.endswith(ESTATE_HEAD + "prune = false\n"
                         'mailboxes.info = { quota = "unlimited" }\n'
                         "mailboxes.sales = { quota = 500 }\n"
                         'aliases.info = ["a@elsewhere.test"]\n'
                         'aliases.old = ["sales@example.com"]\n'
                         'aliases.team = ["info@example.com"]\n')
    in_sync = cli("plan", str(path), "--detailed-exitcode")
    assert in_sync.exit_code == 0, in_sync.stderr
    assert "(in sync)" in in_sync.stderr
    assert writes(vm) == []

    path.write_text(text.replace("prune = false", "prune = true")
                    .replace("mailboxes.sales = { quota = 500 }", "mailboxes.sales = { quota = 1024 }")
                    .replace('aliases.team = ["info@example.com"]',
                             'aliases.team = ["info@example.com", "sales@example.com"]')
                    .replace('aliases.old = ["sales@example.com"]\n', ""))
    planned = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 7, planned.stderr
    assert [(c["action"], c["kind"], c["address"], c["before"], c["after"]) for c in planned.json["changes"]] == [
        ("change", "mailbox", "sales@example.com", {"quota_mb": 500}, {"quota_mb": 1024}),
        ("change", "alias", "team@example.com", {"destinations": ["info@example.com"]},
         {"destinations": ["info@example.com", "sales@example.com"]}),
        ("delete", "alias", "old@example.com", {"destinations": ["sales@example.com"]}, None),
    ]
    assert planned.json["warnings"] == []

    vm.clear_requests()
    applied = cli("apply", str(path), "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert "In sync: the live state is what the file declares." in applied.stderr
    assert state.mailbox("sales@example.com").quota_blocks == 1024 * 1024
    team = state.alias("team@example.com")
    assert (team.to, team.comment) == (["info@example.com", "sales@example.com"], "the team")
    assert state.alias("old@example.com") is None
    assert state.mailbox("info@example.com").forwards == ["a@elsewhere.test"]
    assert state.addresses("example.com") == ["info@example.com", "sales@example.com"]
    assert sorted(writes(vm)) == ["create-alias", "delete-alias", "delete-alias", "modify-user"]

    vm.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0, again.stderr
    assert "In sync: nothing to do." in again.stderr
    assert writes(vm) == []
    assert vm.requests and all(r.method == "POST" and r.query == "" for r in vm.requests)


def test_an_incoming_suspension_in_the_file_is_a_warning_naming_virtualmin(cli, vm, tmp_path):
    path = tmp_path / "estate.toml"
    path.write_text(ESTATE_HEAD + 'mailboxes.info = {}\nmailboxes.sales = { suspended = ["incoming"] }\n')
    result = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert result.exit_code == 0, result.stderr
    assert result.json["changes"] == []
    assert any("Virtualmin" in warning and "incoming" in warning for warning in result.json["warnings"])
    assert writes(vm) == []


def test_forwards_declared_for_a_mailbox_become_its_own_forwards(cli, vm, tmp_path):
    path = tmp_path / "estate.toml"
    path.write_text(ESTATE_HEAD + 'mailboxes = ["info", "sales"]\naliases.sales = ["b@elsewhere.test"]\n'
                    'aliases.team = ["sales@example.com"]\n')
    applied = cli("apply", str(path), "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert vm.state.virtualmin.mailbox("sales@example.com").forwards == ["b@elsewhere.test"]
    assert vm.state.virtualmin.alias("team@example.com").to == ["sales@example.com"]
    assert sorted(writes(vm)) == ["create-alias", "modify-user"]
