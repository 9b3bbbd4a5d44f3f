"""export -> plan -> edit -> apply -> apply again on ISPConfig, through the real CLI
against the emulator: quotas in bytes, suspension switches and forward rows as declared,
and a second apply that sends no write at all."""

from __future__ import annotations

import json

MB = 1024 * 1024


def writes(emu) -> list[str]:
    calls = [r.query.split("&", 1)[0] for r in emu.requests if r.provider == "ispconfig"]
    return [c for c in calls if c.endswith(("_add", "_update", "_delete"))]


def test_an_edited_estate_is_applied_once_and_then_in_sync(cli, emu, isp, logged_in, tmp_path):
    isp.add_forward("team@example.com", ["info@example.com"])
    isp.add_forward("old@example.com", ["sales@example.com"])
    path = tmp_path / "estate.toml"
    assert cli("-p", logged_in, "export", "example.com", "--file", str(path)).exit_code == 0
    assert cli("plan", str(path), "--detailed-exitcode").exit_code == 0
    text = path.read_text()
    assert 'aliases.team = ["info@example.com"]' in text and "password" not in text
    path.write_text(
        '[x."example.com"]\nprune = true\n'
        'mailboxes.info = {}\n'
        'mailboxes.sales = { quota = "1G", suspended = ["incoming"] }\n'
        'mailboxes.new = { quota = 50 }\n'
        'aliases.team = ["info@example.com", "a@elsewhere.test"]\n')
    emu.clear_requests()

    planned = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 7, planned.stderr
    assert sorted((c["action"], c["kind"], c["address"]) for c in planned.json["changes"]) == [
        ("change", "alias", "team@example.com"), ("change", "mailbox", "sales@example.com"),
        ("create", "mailbox", "new@example.com"), ("delete", "alias", "old@example.com")]
    assert writes(emu) == []

    report = tmp_path / "report.jsonl"
    applied = cli("apply", str(path), "--yes", "--generate", "--report", str(report))

    assert applied.exit_code == 0, applied.stderr
    assert "In sync: the live state is what the file declares." in applied.stderr
    assert applied.stderr.splitlines()[-1] == "Accepted: 4 change(s) of profile x (ISPConfig applies queued changes shortly)"
    assert sorted(writes(emu)) == ["mail_forward_delete", "mail_forward_update", "mail_user_add", "mail_user_update"]
    sales = isp.mailbox("sales@example.com")
    assert sales.quota == 1024 * MB and sales.postfix == "n" and sales.disableimap == "n"
    assert isp.mailbox("new@example.com").quota == 50 * MB
    assert isp.routes("example.com") == {"team@example.com": ["info@example.com", "a@elsewhere.test"]}
    entries = [json.loads(line) for line in report.read_text().splitlines()]
    assert {(e["address"], e["outcome"], e["applied"]) for e in entries} == {
        ("new@example.com", "done", False), ("sales@example.com", "done", False),
        ("team@example.com", "done", False), ("old@example.com", "done", False)}

    emu.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0, again.stderr
    assert "In sync: nothing to do." in again.stderr and "Accepted" not in again.stderr
    assert writes(emu) == []
