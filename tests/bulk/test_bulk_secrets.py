"""Generated passwords are written to the report and nowhere else; passwords from the
file are written nowhere at all. The report is private (0600)."""

from __future__ import annotations

import stat

from bulk_support import csv_file, new_rows, report_lines


def _everything_written(result, tmp_path, exclude=()) -> str:
    """stdout, stderr and every file under the test's directories (config, state, audit
    log), except the input and `exclude`."""
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "in.csv" and p not in exclude]
    return result.stdout + result.stderr + "".join(p.read_text(errors="replace") for p in files)


def test_generated_passwords_appear_only_in_the_report(cli, panel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("address\n" + "".join(f"gen{n}@example.com\n" for n in range(12)), encoding="utf-8")
    report = tmp_path / "r.jsonl"
    result = cli("--debug", "--json", "pop", "create", "--from-file", str(path), "--generate",
                 "--report", str(report), "--jobs", "4")
    assert result.exit_code == 0, result.stderr
    entries = report_lines(report)
    passwords = {e["address"]: e["password"] for e in entries}
    assert len(set(passwords.values())) == 12
    assert all(panel.password(address) == password for address, password in passwords.items())
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    written = _everything_written(result, tmp_path, exclude=(report,))
    assert "> POST" in result.stderr  # the --debug trace ran
    assert [p for p in passwords.values() if p in written] == []
    # Never in a URL either: the recorded request lines carry no password.
    assert not any(p in r.url for r in panel.emu.requests for p in passwords.values())


def test_passwords_from_the_file_are_not_written_anywhere(cli, cpanel, tmp_path):
    rows = new_rows(6)
    path = csv_file(tmp_path / "in.csv", rows)
    created = cli("--debug", "pop", "create", "--from-file", str(path), "--report", str(tmp_path / "c.jsonl"))
    assert created.exit_code == 0
    for row in rows:
        row["password"] += "-changed"
    changed = cli("--debug", "passwd", "--from-file", str(csv_file(path, rows)), "--report", str(tmp_path / "p.jsonl"))
    assert changed.exit_code == 0
    assert all(cpanel.password(row["address"]) == row["password"] for row in rows)
    for result in (created, changed):
        written = _everything_written(result, tmp_path)
        assert [r["password"] for r in rows if r["password"][:-8] in written] == []
    assert all("password" not in e for e in report_lines(tmp_path / "c.jsonl") + report_lines(tmp_path / "p.jsonl"))


def test_a_report_that_existed_empty_is_made_private(cli, cpanel, tmp_path):
    report = tmp_path / "r.jsonl"
    report.touch(mode=0o644)
    report.chmod(0o644)
    path = tmp_path / "in.csv"
    path.write_text("address\nnew1@example.com\n", encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path), "--generate", "--report", str(report))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert len(report_lines(report)) == 1
