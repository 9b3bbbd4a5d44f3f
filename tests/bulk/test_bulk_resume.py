"""Ctrl-C (a real SIGINT to a real process), the report it leaves, and --resume: nothing
done twice, nothing lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bulk_support import csv_file, new_rows, report_lines


def _start(args: list[str], stderr: Path) -> subprocess.Popen:
    # The profile is in the config dir the test fixture set up (inherited through the
    # environment); a subprocess cannot see the in-memory keyring, so the secret comes
    # from MAILCTL_SECRET.
    env = {**os.environ, "MAILCTL_SECRET": "demo-secret"}
    return subprocess.Popen([sys.executable, "-m", "mailctl", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr.open("w"))


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _lines(path: Path) -> int:
    return len(report_lines(path)) if path.exists() else 0


def test_ctrl_c_finishes_running_requests_writes_the_report_and_resume_completes(cli, cpanel, tmp_path):
    cpanel.emu.settings.latency_ms = 30
    rows = new_rows(150)
    wanted = {row["address"] for row in rows}
    source, report, stderr = csv_file(tmp_path / "in.csv", rows), tmp_path / "r.jsonl", tmp_path / "stderr"
    process = _start(["pop", "create", "--from-file", str(source), "--jobs", "4", "--report", str(report)], stderr)
    _wait_for(lambda: _lines(report) >= 10)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 130
    errors = stderr.read_text()
    assert "Traceback" not in errors
    assert "mailctl: error: interrupted;" in errors and f"--resume {report}" in errors

    entries = report_lines(report)
    assert sorted(e["address"] for e in entries) == sorted(wanted)  # every row accounted for once
    created = {e["address"] for e in entries if e["outcome"] == "created"}
    assert {e["outcome"] for e in entries} == {"created", "not_attempted"}
    assert 10 <= len(created) < 150
    # What the server holds is exactly what the report says was created: the requests
    # running at Ctrl-C finished and were recorded.
    assert cpanel.addresses() & wanted == created

    cpanel.emu.settings.latency_ms = 0
    result = cli("pop", "create", "--from-file", str(source), "--jobs", "16", "--resume", str(report))
    assert result.exit_code == 0, result.stderr
    assert f"{len(created)} skipped (done before)" in result.stderr
    assert cpanel.addresses() >= wanted
    assert Counter(cpanel.writes()) == Counter(("create", a) for a in wanted)  # none sent twice
    done = Counter(e["address"] for e in report_lines(report) if e["outcome"] == "created")
    assert done == Counter(wanted)


def test_a_second_ctrl_c_stops_waiting_and_keeps_generated_passwords(cli, cpanel, tmp_path):
    # From the 4th create on, the server holds the answer back: those rows are running
    # when Ctrl-C comes, and whether they were applied is unknown.
    cpanel.emu.add_fault("stall,seconds=30,path=/execute/Email/add_pop,nth=4,count=100")
    path = tmp_path / "in.csv"
    path.write_text("address\n" + "".join(f"gen{n}@example.com\n" for n in range(20)), encoding="utf-8")
    report, stderr = tmp_path / "r.jsonl", tmp_path / "stderr"
    process = _start(["pop", "create", "--from-file", str(path), "--generate", "--jobs", "4",
                      "--report", str(report)], stderr)
    _wait_for(lambda: _lines(report) >= 3 and sum(r.status == "stall" or r.status is None
                                                      for r in cpanel.emu.requests) >= 4)
    process.send_signal(signal.SIGINT)
    _wait_for(lambda: "Ctrl-C again" in stderr.read_text())
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 130
    assert time.monotonic() - started < 5  # did not wait for the stalled answers
    outcomes = Counter(e["outcome"] for e in report_lines(report))
    assert outcomes == {"created": 3, "interrupted": 4, "not_attempted": 13}
    interrupted = [e for e in report_lines(report) if e["outcome"] == "interrupted"]
    assert all(e["password"] and e["error"].startswith("interrupted while its request") for e in interrupted)


def test_resume_skips_done_rows_and_reruns_failed_ones(cli, cpanel, tmp_path):
    rows = new_rows(6)
    source, report = csv_file(tmp_path / "in.csv", rows), tmp_path / "r.jsonl"
    cpanel.emu.add_fault("503,path=/execute/Email/add_pop,field=email:user002")
    cpanel.emu.add_fault("503,path=/execute/Email/list_pops_with_disk,nth=2,count=4")
    first = cli("pop", "create", "--from-file", str(source), "--report", str(report))
    assert first.exit_code == 6
    failed = [e["address"] for e in report_lines(report) if e["outcome"] != "created"]
    assert failed == ["user002@example.com"]

    cpanel.emu.clear_faults()
    cpanel.emu.clear_requests()
    second = cli("--json", "pop", "create", "--from-file", str(source), "--resume", str(report))
    assert second.exit_code == 0, second.stderr
    assert cpanel.writes() == [("create", "user002@example.com")]
    assert [(r["address"], r["outcome"]) for r in second.json if r["outcome"] != "skipped"] == [
        ("user002@example.com", "created")]

    cpanel.emu.clear_requests()
    third = cli("pop", "create", "--from-file", str(source), "--resume", str(report))
    assert third.exit_code == 0
    assert cpanel.emu.requests == [] and "6 skipped" in third.stderr


def test_resume_rejects_another_commands_report_and_a_missing_one(cli, cpanel, tmp_path):
    source, report = csv_file(tmp_path / "in.csv", new_rows(2)), tmp_path / "r.jsonl"
    assert cli("pop", "create", "--from-file", str(source), "--report", str(report)).exit_code == 0
    other = cli("--yes", "pop", "delete", "--from-file", str(source), "--resume", str(report))
    assert other.exit_code == 2
    assert "report of a 'pop create' run, not of 'pop delete'" in other.stderr
    missing = cli("pop", "create", "--from-file", str(source), "--resume", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 2 and "no such report" in missing.stderr


def test_a_report_cut_off_mid_line_still_resumes(cli, cpanel, tmp_path):
    # A run killed while writing its last line: that row is no longer marked done, so a
    # resume runs it again, and the server's refusal ("exists") shows what happened.
    rows = new_rows(3)
    source, report = csv_file(tmp_path / "in.csv", rows), tmp_path / "r.jsonl"
    assert cli("pop", "create", "--from-file", str(source), "--report", str(report)).exit_code == 0
    text = report.read_text()
    keep = text[: text.rindex("\n", 0, len(text) - 1) + 1]
    cut = json.loads(text[len(keep):])["address"]
    report.write_text(keep + '{"command": "pop cre')
    cpanel.emu.clear_requests()
    result = cli("pop", "create", "--from-file", str(source), "--resume", str(report))
    assert result.exit_code == 6
    assert "warning: 1 line(s) of" in result.stderr
    assert cpanel.writes() == [("create", cut)]
    lines = report.read_text().splitlines()
    assert lines[-2] == '{"command": "pop cre' and "already exists" in lines[-1]
