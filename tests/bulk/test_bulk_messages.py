"""What a bulk run says: a mistake of the whole file is one error, each failure is said
once, after Ctrl-C the rows never started are counted (not listed), and in --json mode
stderr carries JSON lines only."""

from __future__ import annotations

import json
import os

from bulk_support import DOMAIN, csv_file, new_rows
from pty_session import TerminalSession


def test_a_quota_column_on_a_provider_without_quotas_is_one_error(cli, mailboxorg, tmp_path):
    rows = [{"address": f"user{n}@{DOMAIN}", "quota": 100 + n} for n in range(5)]
    path = csv_file(tmp_path / "in.csv", rows)
    result = cli("pop", "create", "--from-file", str(path), "--generate", "--report", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"mailctl: error: {path} (every row): quota: mailbox.org has no quota per mailbox, the plan decides it "
        "(--plan light|standard|premium); nothing was sent"]
    changed = cli("pop", "set", "--from-file", str(path))
    assert changed.exit_code == 2
    assert len(changed.stderr.splitlines()) == 1 and "(every row): quota: mailbox.org" in changed.stderr
    assert mailboxorg.emu.requests == []


def test_an_unknown_field_on_every_line_is_one_error(cli, cpanel, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"address": f"u{n}@{DOMAIN}", "colour": "red"}) + "\n" for n in range(4)))
    result = cli("--json", "-y", "pop", "delete", "--from-file", str(path))
    assert result.exit_code == 2
    error = result.error_json["error"]
    assert error["message"].startswith(f"{path} (every row): unknown field 'colour'")
    assert "details" not in error
    assert cpanel.emu.requests == []


def test_the_same_problem_on_some_rows_is_said_once_with_their_lines(cli, mailboxorg, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("address,quota\na@example.com,1\nb@example.com,2\nnot-an-address,\nd@example.com,4\n")
    result = cli("pop", "create", "--from-file", str(path), "--generate", "--report", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"mailctl: error: {path}: 4 bad rows; nothing was sent",
        "  lines 2-3, 5: quota: mailbox.org has no quota per mailbox, the plan decides it "
        "(--plan light|standard|premium)",
        "  line 4: invalid address 'not-an-address': expected local-part@domain",
    ]


def test_json_mode_keeps_stderr_to_json_lines_and_says_each_failure_once(cli, cpanel, tmp_path):
    rows = new_rows(4)
    rows[2]["address"] = f"info@{DOMAIN}"  # exists: refused
    path = csv_file(tmp_path / "in.csv", rows)
    result = cli("--json", "pop", "create", "--from-file", str(path), tty=True)
    assert result.exit_code == 6
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [list(line) for line in lines] == [["message"], ["error"]]
    assert lines[0]["message"].startswith("pop create: 3 created, 1 failed in ")
    failed = [r for r in result.json if r["outcome"] == "failed"]
    assert [r["address"] for r in failed] == [f"info@{DOMAIN}"]
    assert result.stderr.count(f"info@{DOMAIN}") == 0


def test_keep_data_in_a_bulk_run_says_the_mail_files_were_kept(cli, cpanel, tmp_path):
    path = csv_file(tmp_path / "in.csv", [{"address": f"info@{DOMAIN}"}, {"address": f"sales@{DOMAIN}"}])
    result = cli("-y", "pop", "delete", "--from-file", str(path), "--keep-data")
    assert result.exit_code == 0, result.stderr
    assert "pop delete: 2 deleted (their mail files kept on disk) in " in result.stderr


def test_after_ctrl_c_the_rows_not_started_are_counted_not_listed(cli, cpanel, tmp_path):
    # From the 4th create on the server holds its answer back: row 4 is running when
    # Ctrl-C comes, the rows after it never start.
    cpanel.emu.add_fault("stall,seconds=30,path=/execute/Email/add_pop,nth=4,count=100")
    path = csv_file(tmp_path / "in.csv", new_rows(40))
    env = {**os.environ, "MAILCTL_SECRET": "demo-secret"}
    with TerminalSession(["pop", "create", "--from-file", str(path), "--jobs", "1"], env=env, columns=120) as term:
        term.expect("3/40")
        term.control("c")
        term.expect("Ctrl-C again")
        term.control("c")
        assert term.wait() == 130
    screen = term.transcript
    assert "36 not attempted" in screen
    assert "user039@example.com" not in screen and "user010@example.com" not in screen
    # The one row cut off mid-request is listed: whether it was created is unknown.
    assert "user003@example.com" in screen
