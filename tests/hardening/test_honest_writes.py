"""Writes stay honest: a change the server made is reported as made even when mailctl's
own files fail afterwards; signals stop a bulk run the way Ctrl-C does; reports are
never written through a link or over another file; and no password of the run shows in
any message, whichever way a panel echoes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, quote_plus

import pytest

from hardening_support import DOMAIN, NEW, NEW_PASSWORD, assert_one_error_line, connect
from scripted_server import Answer, ScriptedServer, jsonrpc

ECHOED = "Zq9-Echoed-pass+%&"  # a password with characters that change when encoded


def _broken_state(tmp_path: Path) -> dict[str, str]:
    """A state dir whose audit log cannot be written (it is a directory)."""
    state = tmp_path / "broken-state"
    (state / "audit.jsonl").mkdir(parents=True)
    return {"MAILCTL_STATE_DIR": str(state)}


def _rows(path: Path, count: int, *, passwords: bool = True) -> Path:
    header = "address,password" if passwords else "address"
    lines = [header] + [f"user{n:03d}@{DOMAIN}" + (f",Str0ng-pass-{n}" if passwords else "") for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _report(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- the audit log fails after the server applied the write ----------------------------------

def test_a_create_is_reported_done_when_the_audit_log_cannot_be_written(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")

    result = cli("pop", "create", NEW, "--password-stdin", stdin=NEW_PASSWORD + "\n", environ=_broken_state(tmp_path))

    assert result.exit_code == 0, result.stderr
    assert NEW in emu.state.cpanel.addresses()
    lines = result.stderr.splitlines()
    assert lines[0].startswith("warning: could not write the audit log ")
    assert "what the server did is reported as it happened" in lines[0]
    assert lines[1:] == [f"Created {NEW}"]


def test_a_generated_bulk_run_keeps_every_password_when_the_audit_log_fails(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    report = tmp_path / "r.jsonl"

    result = cli("pop", "create", "--from-file", str(_rows(tmp_path / "in.csv", 12, passwords=False)), "--generate",
                 "--jobs", "4", "--report", str(report), environ=_broken_state(tmp_path))

    assert result.exit_code == 0, result.stderr
    entries = _report(report)
    assert Counter(e["outcome"] for e in entries) == {"created": 12}
    assert all(e["password"] for e in entries)
    assert result.stderr.count("could not write the audit log") == 1
    assert {f"user{n:03d}@{DOMAIN}" for n in range(12)} <= set(emu.state.cpanel.addresses())


# -- signals during a bulk run ------------------------------------------------------------------

def _start(args: list[str], stderr: Path) -> subprocess.Popen:
    env = {**os.environ, "MAILCTL_SECRET": "demo-secret"}
    return subprocess.Popen([sys.executable, "-m", "mailctl", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr.open("w"))


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize(("signum", "exit_code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_a_bulk_run_like_ctrl_c(cli, emu, tmp_path, signum, exit_code):
    connect(cli, emu, "cpanel")
    cli("profile", "use", "cpanel")
    emu.settings.latency_ms = 30
    source, report, stderr = _rows(tmp_path / "in.csv", 150), tmp_path / "r.jsonl", tmp_path / "stderr"
    process = _start(["pop", "create", "--from-file", str(source), "--jobs", "4", "--report", str(report)], stderr)
    _wait_for(lambda: report.exists() and len(_report(report)) >= 10)

    process.send_signal(signum)

    assert process.wait(timeout=20) == exit_code
    errors = stderr.read_text()
    assert "Traceback" not in errors
    assert f"mailctl: error: interrupted by {signal.Signals(signum).name};" in errors
    entries = _report(report)
    assert len(entries) == 150
    created = {e["address"] for e in entries if e["outcome"] == "created"}
    assert {e["outcome"] for e in entries} == {"created", "not_attempted"}
    # Every row the server applied is in the report as done: the running requests finished.
    assert {a for a in emu.state.cpanel.addresses() if a.startswith("user")} == created


# -- the report file ------------------------------------------------------------------------

def test_a_report_that_is_a_symlink_is_refused_before_anything_is_sent(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    target = tmp_path / "elsewhere"
    link = tmp_path / "r.jsonl"
    link.symlink_to(target)

    result = cli("--yes", "pop", "create", "--from-file", str(_rows(tmp_path / "in.csv", 3)), "--report", str(link))

    assert result.exit_code == 2
    assert assert_one_error_line(result.stderr) == (
        f"mailctl: error: the report {link} is a symbolic link: not writing through it; give the real path or a new file")
    assert not target.exists() and emu.requests == []


def test_a_dangling_or_resumed_symlink_report_is_refused(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    real = tmp_path / "real.jsonl"
    real.write_text("")
    link = tmp_path / "r.jsonl"
    link.symlink_to(real)

    result = cli("pop", "create", "--from-file", str(_rows(tmp_path / "in.csv", 3)), "--resume", str(link))

    assert result.exit_code == 2
    assert "is a symbolic link" in result.stderr
    assert emu.requests == []


def test_an_existing_non_empty_file_is_never_a_new_report(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    other = tmp_path / "notes.txt"
    other.write_text("my notes\n")

    result = cli("pop", "create", "--from-file", str(_rows(tmp_path / "in.csv", 3)), "--report", str(other))

    assert result.exit_code == 2
    assert other.read_text() == "my notes\n"
    assert emu.requests == []


def test_an_empty_file_made_for_the_run_is_taken_as_the_report(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    report = tmp_path / "r.jsonl"
    report.write_text("")

    result = cli("pop", "create", "--from-file", str(_rows(tmp_path / "in.csv", 3)), "--report", str(report))

    assert result.exit_code == 0, result.stderr
    assert len(_report(report)) == 3
    assert oct(report.stat().st_mode & 0o777) == "0o600"


def test_resume_appends_only_to_a_report_of_the_same_job(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    first, second = _rows(tmp_path / "a.csv", 3), _rows(tmp_path / "b.csv", 3)
    report = tmp_path / "r.jsonl"
    assert cli("pop", "create", "--from-file", str(first), "--report", str(report)).exit_code == 0
    before = report.read_text()
    assert {e["input"] for e in _report(report)} == {str(first)}

    other_input = cli("pop", "create", "--from-file", str(second), "--resume", str(report))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a report\n")
    not_a_report = cli("pop", "create", "--from-file", str(first), "--resume", str(notes))
    same_job = cli("pop", "create", "--from-file", str(first), "--resume", str(report))

    assert other_input.exit_code == 2
    assert "is the report of another job (input" in other_input.stderr
    assert not_a_report.exit_code == 2
    assert "is not a mailctl report" in not_a_report.stderr
    assert notes.read_text() == "not a report\n"
    assert same_job.exit_code == 0, same_job.stderr
    assert "3 skipped (done before)" in same_job.stderr
    assert report.read_text() == before


# -- one redactor for every password of the run ---------------------------------------------------

def _directadmin_echoing(seen) -> Answer:
    form = dict(parse_qsl(seen.body.decode()))
    if form.get("action") == "create":
        password = form["passwd"]
        text = f"Password {password} is too weak ({quote_plus(password)})"
        return Answer(200, f"error=1&text={quote_plus(text)}&details=none".encode(), "text/plain")
    if "SHOW_DOMAINS" in seen.path:
        return Answer(200, b"list[]=example.com", "text/plain")
    return Answer(200, b"list[]=info", "text/plain")


@pytest.mark.parametrize("mode", ["plain", "json"])
def test_a_directadmin_refusal_repeating_the_password_is_redacted_everywhere(cli, tmp_path, mode):
    with ScriptedServer(_directadmin_echoing) as server:
        cli("profile", "add", "da", "--provider", "directadmin", "--url", server.url, "--user", "demo")
        result = cli("-o", mode, "pop", "create", NEW, "--password-stdin", stdin=ECHOED + "\n",
                     environ={"MAILCTL_SECRET": "da-secret"})

    assert result.exit_code == 1
    assert ECHOED not in result.stderr and quote_plus(ECHOED) not in result.stderr
    assert "Password *** is too weak (***)" in result.stderr
    audit = (tmp_path / "state").rglob("audit.jsonl")
    text = "".join(path.read_text() for path in audit)
    assert "too weak" in text and ECHOED not in text and quote_plus(ECHOED) not in text


def test_a_mailboxorg_refusal_repeating_the_password_is_redacted(cli):
    error = {"code": 1002, "message": f"password '{ECHOED}' does not meet the policy",
             "data": [f"got {json.dumps(ECHOED)}"]}
    script = jsonrpc({"auth": {"session": "S1"}, "mail.add": {"error": error}, "domain.list": [{"domain": DOMAIN}]})
    with ScriptedServer(script) as server:
        cli("profile", "add", "m", "--provider", "mailboxorg", "--url", server.url, "--user", "demo")
        result = cli("--json", "pop", "create", NEW, "--password-stdin", stdin=ECHOED + "\n",
                     environ={"MAILCTL_SECRET": "account-secret"})

    assert result.exit_code == 1
    assert ECHOED not in result.stderr and json.dumps(ECHOED)[1:-1] not in result.stderr
    assert result.error_json["error"]["message"] == "mailbox.org refused mail.add (error 1002): password '***' does " \
                                                    "not meet the policy"


def test_debug_redacts_before_it_truncates(cli, tmp_path):
    secret = "Zq9Straddle7Secret"
    padding = "x" * (2000 - len('{"status": 1, "errors": null, "warnings": ["') - 5)
    body = ('{"status": 1, "errors": null, "warnings": ["' + padding + secret + '"], "data": []}').encode()
    with ScriptedServer(lambda seen: Answer(200, body)) as server:
        cli("profile", "add", "c", "--provider", "cpanel", "--url", server.url, "--user", "demo")
        result = cli("--debug", "domain", "list", environ={"MAILCTL_SECRET": secret})

    assert secret[:5] not in result.stderr
    assert "***" in result.stderr


def test_a_misaligned_bulk_csv_never_echoes_a_password_in_its_row_error(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    source = tmp_path / "in.csv"
    source.write_text(f"address,quota_mb,password\nok@{DOMAIN},5,Str0ng-pass-1\nshort@{DOMAIN},Zq9-secret-pass\n")

    result = cli("pop", "create", "--from-file", str(source))

    assert result.exit_code == 2
    assert "Zq9-secret-pass" not in result.stderr
    assert "line 3:" in result.stderr
    assert emu.requests == []


# -- other local files --------------------------------------------------------------------

def test_an_unwritable_config_is_one_error_line(cli, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")

    result = cli("profile", "add", "x", "--provider", "cpanel", "--url", "https://panel.example.com:2083",
                 "--user", "demo", environ={"MAILCTL_CONFIG_DIR": str(blocker / "config")})

    assert result.exit_code == 2
    assert assert_one_error_line(result.stderr).startswith("mailctl: error: cannot use the file")


def test_a_report_that_fills_the_disk_stops_the_run_and_loses_no_generated_password(cli, emu, tmp_path,
                                                                                    monkeypatch):
    import errno

    from mailctl.bulk import report as report_module

    real_open = report_module._open_private

    class FillsUp:
        """The report's file on a disk that is full after three lines."""

        def __init__(self, handle):
            self.handle, self.lines = handle, 0

        def write(self, text):
            if self.lines >= 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            self.lines += 1
            return self.handle.write(text)

        def flush(self):
            self.handle.flush()

        def close(self):
            self.handle.close()

    monkeypatch.setattr(report_module, "_open_private", lambda path, resuming: FillsUp(real_open(path, resuming=resuming)))
    connect(cli, emu, "cpanel")
    report = tmp_path / "r.jsonl"

    result = cli("pop", "create", "--from-file", str(_rows(tmp_path / "in.csv", 40, passwords=False)), "--generate",
                 "--jobs", "1", "--report", str(report))

    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "cannot write the report" in result.stderr and "No space left on device" in result.stderr
    written = _report(report)
    assert len(written) == 3
    rescued = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(fields) == 5 for fields in rescued)
    assert "are in the results on stdout, their only copy" in result.stderr
    created = {a for a in emu.state.cpanel.addresses() if a.startswith("user")}
    # Every mailbox the server holds has its password somewhere: the report or stdout.
    passwords = {e["address"]: e["password"] for e in written} | {r[1]: r[4] for r in rescued if r[4] != "-"}
    assert created <= set(passwords) and all(passwords[a] for a in created)
    assert len(created) < 40  # the run stopped
    for address in created:
        assert emu.state.cpanel.mailbox(address).password == passwords[address]
