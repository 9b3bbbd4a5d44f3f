"""--dry-run shows the plan and sends nothing; the progress bar appears on a terminal
and nowhere else."""

from __future__ import annotations

from bulk_support import csv_file, new_rows


def test_dry_run_shows_each_row_and_sends_nothing(cli, cpanel, tmp_path):
    rows = new_rows(3)
    rows[1]["quota"] = "250"
    path = csv_file(tmp_path / "in.csv", rows, ["address", "password", "quota"])
    result = cli("--json", "pop", "create", "--from-file", str(path), "--dry-run", "--quota", "100")
    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"row": 2, "address": "user000@example.com", "action": "create",
         "details": "quota 100 MB, password from the file"},
        {"row": 3, "address": "user001@example.com", "action": "create",
         "details": "quota 250 MB, password from the file"},
        {"row": 4, "address": "user002@example.com", "action": "create",
         "details": "quota 100 MB, password from the file"},
    ]
    assert "Dry run: would create 3 of 3 rows; nothing was sent" in result.stderr
    assert not any(r["password"] in result.stdout + result.stderr for r in rows)
    assert cpanel.emu.requests == []


def test_dry_run_of_a_resumed_delete_skips_done_rows_without_asking(cli, cpanel, tmp_path):
    source, report = csv_file(tmp_path / "in.csv", new_rows(3)), tmp_path / "r.jsonl"
    assert cli("pop", "create", "--from-file", str(source)).exit_code == 0
    cpanel.emu.clear_requests()
    report.write_text('{"command": "pop delete", "row": 2, "address": "user000@example.com", '
                      '"outcome": "deleted", "error": null}\n')
    result = cli("pop", "delete", "--from-file", str(source), "--resume", str(report), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[2] for line in result.stdout.splitlines()] == ["skip", "delete", "delete"]
    assert "[y/N]" not in result.stderr
    assert cpanel.emu.requests == []


def test_progress_bar_on_a_terminal_only(cli, cpanel, tmp_path):
    path = csv_file(tmp_path / "in.csv", new_rows(5))
    on_terminal = cli("pop", "create", "--from-file", str(path), tty=True)
    assert on_terminal.exit_code == 0
    assert "\x1b[" in on_terminal.stderr and "5/5" in on_terminal.stderr

    path = csv_file(tmp_path / "in.csv", new_rows(5, prefix="other"))
    in_a_pipe = cli("pop", "create", "--from-file", str(path))
    assert in_a_pipe.exit_code == 0
    assert in_a_pipe.stderr.splitlines() == [in_a_pipe.stderr.strip()]  # the summary line alone
    assert "\x1b[" not in in_a_pipe.stderr
