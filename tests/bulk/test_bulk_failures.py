"""Partial failure (exit 6, the report says which rows), and the failures that stop a
run early: bad credentials (exit 4) and a server that cannot be reached (exit 5)."""

from __future__ import annotations

import json
import socket
from collections import Counter

from bulk_support import DOMAIN, csv_file, login, new_rows, report_lines


def test_refused_rows_fail_alone_and_the_run_exits_6(cli, panel, tmp_path):
    rows = new_rows(10)
    rows[3]["address"] = f"info@{DOMAIN}"  # exists already
    rows[7]["address"] = f"sales@{DOMAIN}"  # exists already
    report = tmp_path / "r.jsonl"
    result = cli("--json", "pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", rows)),
                 "--jobs", "4", "--report", str(report))
    assert result.exit_code == 6, result.stderr
    by_address = {e["address"]: e for e in report_lines(report)}
    assert len(by_address) == 10
    failed = {a for a, e in by_address.items() if e["outcome"] == "failed"}
    assert failed == {f"info@{DOMAIN}", f"sales@{DOMAIN}"}
    assert all(by_address[a]["error"] and by_address[a]["error_code"] == "refused" for a in failed)
    assert {r["address"] for r in rows} - failed <= panel.addresses()
    assert [(r["row"], r["outcome"]) for r in result.json if r["outcome"] != "created"] == [(5, "failed"), (9, "failed")]
    error = json.loads(result.stderr.splitlines()[-1])["error"]
    assert (error["code"], error["message"]) == ("partial_failure", f"2 of 10 rows failed: rerun the same command "
                                                                    f"with --resume {report}")


def test_each_failure_is_shown_once_as_it_happens(cli, cpanel, tmp_path):
    rows = new_rows(3)
    rows[1]["address"] = f"info@{DOMAIN}"
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", rows)), tty=True)
    assert result.exit_code == 6
    refusal = f"cPanel refused creating info@{DOMAIN}"
    assert f"line 3: info@{DOMAIN}: {refusal}" in result.stderr
    assert (result.stdout + result.stderr).count(refusal) == 1
    assert "user000" not in result.stdout  # a terminal gets what needs attention


def test_wrong_credentials_stop_the_run_after_one_request(cli, emu, tmp_path):
    login(cli, emu, "cpanel")
    emu.clear_requests()
    report = tmp_path / "r.jsonl"
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", new_rows(20))),
                 "--jobs", "16", "--report", str(report), environ={"MAILCTL_SECRET": "wrong-secret"})
    assert result.exit_code == 4, result.stderr
    assert len(emu.requests) == 1  # one failed login on the panel's lock-out counter, not 16
    outcomes = Counter(e["outcome"] for e in report_lines(report))
    assert outcomes == {"failed": 1, "not_attempted": 19}
    assert "Stopped early, 20 row(s) not done" in result.stderr
    assert "rejected the credentials" in result.stderr.splitlines()[-1]


def test_auth_failure_in_the_middle_stops_scheduling(cli, cpanel, tmp_path):
    cpanel.emu.add_fault("401,path=/execute/Email/add_pop,nth=6")
    report = tmp_path / "r.jsonl"
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", new_rows(40))),
                 "--jobs", "2", "--report", str(report))
    assert result.exit_code == 4
    entries = report_lines(report)
    assert len(entries) == 40 and len({e["address"] for e in entries}) == 40
    outcomes = Counter(e["outcome"] for e in entries)
    assert outcomes["failed"] == 1 and outcomes["not_attempted"] >= 30
    created = {e["address"] for e in entries if e["outcome"] == "created"}
    assert created == {a for a in cpanel.addresses() if a.startswith("user")}


def test_an_unreachable_server_stops_the_run(cli, tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    assert cli("profile", "add", "gone", "--provider", "cpanel", "--url", url, "--user", "demo").exit_code == 0
    report = tmp_path / "r.jsonl"
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", new_rows(50))),
                 "--jobs", "16", "--report", str(report), environ={"MAILCTL_SECRET": "demo-secret"})
    assert result.exit_code == 5, result.stderr
    outcomes = Counter(e["outcome"] for e in report_lines(report))
    # The first row runs alone: the run stops after three failed in a row, before the pool opens.
    assert outcomes == {"failed": 3, "not_attempted": 47}
    assert "connection refused" in result.stderr.splitlines()[-1]


def test_a_lost_answer_is_settled_by_a_read_and_counts_as_done(cli, cpanel, tmp_path):
    # The server creates the mailbox, then the connection drops before the answer.
    cpanel.emu.add_fault("reset,when=after,path=/execute/Email/add_pop,field=email:user004")
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", new_rows(8))), "--jobs", "4")
    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert Counter(cpanel.writes())[("create", "user004@example.com")] == 1


def test_an_ambiguous_password_change_keeps_the_generated_password(cli, cpanel, tmp_path):
    # A password change leaves nothing a read could show: a lost answer stays ambiguous,
    # so the generated password goes into the report (the mailbox may have it now).
    path = tmp_path / "in.csv"
    path.write_text("address\ninfo@example.com\nsales@example.com\n", encoding="utf-8")
    cpanel.emu.add_fault("reset,when=after,path=/execute/Email/passwd_pop,field=email:sales")
    report = tmp_path / "r.jsonl"
    result = cli("passwd", "--from-file", str(path), "--generate", "--report", str(report))
    assert result.exit_code == 6
    entries = {e["address"]: e for e in report_lines(report)}
    sales = entries["sales@example.com"]
    assert (sales["outcome"], sales["error_code"]) == ("failed", "ambiguous_write")
    assert sales["password"] == cpanel.password("sales@example.com")
    assert entries["info@example.com"]["password"] == cpanel.password("info@example.com")


def test_a_refused_row_does_not_record_its_generated_password(cli, cpanel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("address\ninfo@example.com\nnobody@example.com\n", encoding="utf-8")
    report = tmp_path / "r.jsonl"
    result = cli("passwd", "--from-file", str(path), "--generate", "--report", str(report))
    assert result.exit_code == 6
    entries = {e["address"]: e for e in report_lines(report)}
    assert entries["nobody@example.com"]["error_code"] == "not_found"
    assert "password" not in entries["nobody@example.com"]
    assert entries["info@example.com"]["password"] == cpanel.password("info@example.com")
