"""The estate on mailcow: its one `active` field exported and planned, and what mailcow
cannot hold (incoming refused with login allowed, a forwarder on a mailbox's address)
as plan warnings naming it, never a change that fails or does more than declared."""

from __future__ import annotations

MB = 1024 * 1024


def test_export_writes_active_as_suspension_and_plans_in_sync(cli, logged_in, mc, tmp_path):
    mc.mailbox("info@example.com").active = 2
    mc.mailbox("sales@example.com").active = 0
    mc.add_alias("team@example.com", ["sales@example.com"])
    path = tmp_path / "estate.toml"
    assert cli("export", "example.com", "--file", str(path)).exit_code == 0
    text = path.read_text()
    assert 'mailboxes.info = { quota = "unlimited", suspended = ["login"] }\n' in text
    assert "mailboxes.sales = { quota = 500, suspended = true }\n" in text
    assert 'aliases.team = ["sales@example.com"]\n' in text
    result = cli("plan", str(path), "--detailed-exitcode")
    assert result.exit_code == 0, result.stderr
    assert "3 unchanged (in sync)" in result.stderr


def test_what_mailcow_cannot_hold_is_a_warning_and_left_as_it_is(cli, logged_in, mc, wire, tmp_path):
    path = tmp_path / "estate.toml"
    path.write_text('[x."example.com"]\n'
                    'mailboxes.info = {}\n'
                    'mailboxes.sales = { suspended = ["incoming"] }\n'
                    'aliases.info = ["x@other.test"]\n')
    result = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert result.exit_code == 0, result.stderr
    assert result.json["changes"] == []
    assert result.json["warnings"] == [
        "sales@example.com: mailcow suspends incoming only together with login; left as it is",
        "info@example.com: mailcow cannot forward a mailbox's own address; the declared alias is left out",
    ]
    applied = cli("apply", str(path), "--yes")
    assert applied.exit_code == 0 and "In sync: nothing to do." in applied.stderr
    assert [r for r in wire.requests() if r.method == "POST"] == []
    assert (mc.mailbox("sales@example.com").active, mc.aliases) == (1, {})


def test_suspended_true_is_active_0_and_login_only_active_2(cli, logged_in, mc, tmp_path):
    path = tmp_path / "estate.toml"
    path.write_text('[x."example.com"]\n'
                    'mailboxes.info = { suspended = ["login"] }\n'
                    'mailboxes.sales = { quota = "1G", suspended = true }\n')
    result = cli("apply", str(path), "--yes")
    assert result.exit_code == 0, result.stderr
    assert (mc.mailbox("info@example.com").active, mc.mailbox("sales@example.com").active) == (2, 0)
    assert mc.mailbox("sales@example.com").quota_bytes == 1024 * MB


def test_pruned_aliases_are_deleted_before_the_mailboxes_they_deliver_to(cli, logged_in, emu, mc, wire, tmp_path):
    # mailcow deletes the aliases of a mailbox it deletes: had the mailbox gone first, the
    # alias's own deletion would find nothing and fail. The first change of a run runs
    # alone (help); team's read is slowed so that a mailbox deletion running beside it
    # would overtake it.
    mc.add_alias("help@example.com", ["sales@example.com"])
    mc.add_alias("team@example.com", ["sales@example.com"])
    path = tmp_path / "estate.toml"
    path.write_text('[x."example.com"]\nprune = true\nmailboxes = ["info"]\n')
    emu.add_fault(kind="latency", ms=300, path="/api/v1/get/alias/team@example.com")
    result = cli("apply", str(path), "--yes", "--jobs", "4")
    assert result.exit_code == 0, result.stderr
    assert (mc.addresses(), mc.aliases) == (["info@example.com"], {})
    posts = [call for call in wire.calls() if call.startswith("POST")]
    assert posts == ["POST delete/alias", "POST delete/alias", "POST delete/mailbox"]
