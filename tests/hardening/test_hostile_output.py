"""What a server sends, or the audit log holds, is data: never rich markup, never a
terminal control sequence, never a reason for a traceback. Hostile mailbox names are
planted in the emulator's state (its HTTP create would refuse them); hostile refusals and
warnings come from a small cPanel server that says whatever the test wants."""

from __future__ import annotations

import io
import json
import os

import pytest

from hardening_support import connect
from hostile_server import HostileUapi
from mailctl.audit import state_dir
from mailctl.cli import run
from mailctl.environment import Environment

HOSTILE_LOCAL_PARTS = [
    "a[/]b",                                    # a rich MarkupError, before
    "[link=https://evil.example]click[/link]",  # a clickable link, before
    "x\x1b[31mred",                             # CSI: colours the terminal
    "t\tab\nnl",                                # a tab and a newline: extra fields and lines
    "bi\u202eid",                               # RIGHT-TO-LEFT OVERRIDE: reorders what follows
    "z\u200dj",                                 # ZERO WIDTH JOINER: invisible
    "s\ud800x",                                 # a lone surrogate: UnicodeEncodeError, before
    "bell\x07\x08\x7f\x85x",                    # BEL, backspace, DEL, a C1 control
]


@pytest.fixture
def hostile_names(cli, emu):
    for local in HOSTILE_LOCAL_PARTS:
        emu.state.directadmin.add_mailbox(f"{local}@example.com", password="Xx-secret-1", quota_mb=5)
    connect(cli, emu, "directadmin")
    return emu


def on_terminal(*args: str, columns: int = 200) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    env = Environment(stdin=io.StringIO(), stdout=stdout, stderr=stderr, stdin_isatty=False, stdout_isatty=True,
                      stderr_isatty=False, stdout_styles=True, columns=columns, environ=os.environ)
    return run(list(args), env), stdout.getvalue(), stderr.getvalue()


def test_hostile_names_in_a_table_are_shown_as_text(hostile_names):
    code, out, err = on_terminal("pop", "list", "example.com")
    assert (code, err) == (0, "")
    assert out == (
        "\x1b[1mAddress                                                  Quota      Used  Suspended\x1b[0m\n"
        "[link=https://evil.example]click[/link]@example.com       5 MB       0 B  no\n"
        "a[/]b@example.com                                         5 MB       0 B  no\n"
        "bell\\x07\\x08\\x7f\\x85x@example.com                         5 MB       0 B  no\n"
        "bi\\u202eid@example.com                                    5 MB       0 B  no\n"
        "info@example.com                                     unlimited   12.5 MB  no\n"
        "sales@example.com                                       500 MB  230.2 MB  no\n"
        "s\\ud800x@example.com                                      5 MB       0 B  no\n"
        "t\\tab\\nnl@example.com                                     5 MB       0 B  no\n"
        "x\\x1b[31mred@example.com                                  5 MB       0 B  no\n"
        "z\\u200dj@example.com                                      5 MB       0 B  no\n"
    )


def test_hostile_names_in_plain_keep_one_line_and_six_fields_each(cli, hostile_names):
    result = cli("-o", "plain", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "[link=https://evil.example]click[/link]@example.com\t5\t0\tno\t-\t-\n"
        "a[/]b@example.com\t5\t0\tno\t-\t-\n"
        "bell\\x07\\x08\\x7f\\x85x@example.com\t5\t0\tno\t-\t-\n"
        "bi\\u202eid@example.com\t5\t0\tno\t-\t-\n"
        "info@example.com\tunlimited\t13107200\tno\t-\t-\n"
        "sales@example.com\t500\t241434624\tno\t-\t-\n"
        "s\\ud800x@example.com\t5\t0\tno\t-\t-\n"
        "t\\tab\\nnl@example.com\t5\t0\tno\t-\t-\n"
        "x\\x1b[31mred@example.com\t5\t0\tno\t-\t-\n"
        "z\\u200dj@example.com\t5\t0\tno\t-\t-\n"
    )


def test_hostile_names_in_json_are_escaped_and_parse_back_to_what_the_server_sent(cli, hostile_names):
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.isascii()  # every invisible character is a \\u escape
    assert '"address": "bi\\u202eid@example.com"' in result.stdout
    assert '"address": "s\\ud800x@example.com"' in result.stdout
    assert '"address": "bell\\u0007\\b\\u007f\\u0085x@example.com"' in result.stdout
    addresses = [m["address"] for m in result.json]
    assert sorted(addresses) == sorted([f"{local}@example.com" for local in HOSTILE_LOCAL_PARTS]
                                       + ["info@example.com", "sales@example.com"])


# -- refusals and warnings: a server's own words --------------------------------------------

REFUSAL = rb'"no \ud800 way \u001b[31mred\r\nmailctl: error: forged [/] \u202edone"'
WARNING = rb'"see \u001b]8;;https://evil.example\u0007here\u001b]8;;\u0007 [blink red]now"'
ANSWERS = {
    "list_mail_domains": rb'{"status": 1, "data": [{"domain": "example.com"}]}',
    "list_pops_with_disk": rb'{"status": 1, "data": [{"email": "a@example.com", "_diskquota": 0,'
                           rb' "_diskused": 0}, {"email": "b@example.com"}], "warnings": [' + WARNING + b']}',
    "delete_pop": rb'{"status": 0, "data": null, "errors": [' + REFUSAL + rb', "second \u0007 line"]}',
}
SHOWN_WARNING = "warning: cPanel: see \\x1b]8;;https://evil.example\\x07here\\x1b]8;;\\x07 [blink red]now\n"
SHOWN_REFUSAL = ("cPanel refused deleting a@example.com: no \\ud800 way \\x1b[31mred\\r\\nmailctl: error: forged [/] "
                 "\\u202edone")


@pytest.fixture
def hostile(cli):
    with HostileUapi(ANSWERS) as server:
        added = cli("profile", "add", "h", "--provider", "cpanel", "--url", server.url, "--user", "demo")
        assert added.exit_code == 0, added.stderr
        yield server


SECRET = {"MAILCTL_SECRET": "Api-token-1"}


def test_a_hostile_refusal_is_one_error_line_and_its_details_indented(cli, hostile):
    result = cli("--yes", "pop", "delete", "a@example.com", environ=SECRET)
    assert result.exit_code == 1
    assert result.stderr == SHOWN_WARNING + f"mailctl: error: {SHOWN_REFUSAL}\n  second \\x07 line\n"


def test_a_hostile_refusal_in_json_mode_is_valid_ascii_json(cli, hostile):
    result = cli("--json", "--yes", "pop", "delete", "a@example.com", environ=SECRET)
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last.isascii() and "\\u001b[31mred\\r\\n" in last and "\\ud800" in last and "\\u202e" in last
    assert result.error_json["error"]["message"].startswith("cPanel refused deleting a@example.com: no \ud800 way")


def test_a_hostile_warning_on_a_listing_is_neutralised(cli, hostile):
    result = cli("pop", "list", "example.com", environ=SECRET)
    assert (result.exit_code, result.stdout) == (0, "a@example.com\tunlimited\t0\tno\t-\tnone\n"
                                                 "b@example.com\tunlimited\t-\tno\t-\tnone\n")
    assert result.stderr == SHOWN_WARNING


def test_messages_keep_their_line_breaks_but_no_server_line_reaches_the_margin(cli, hostile):
    result = cli("--yes", "pop", "delete", "a@example.com", "b@example.com", environ=SECRET)
    assert result.exit_code == 6
    failed_line = ("Failed a@example.com: cPanel refused deleting a@example.com: no \\ud800 way \\x1b[31mred\\r\n"
                   "  mailctl: error: forged [/] \\u202edone\n")
    assert failed_line in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("mailctl: error:")] == [
        "mailctl: error: 2 of 2 mailboxes could not be deleted"]


def test_a_bulk_run_with_a_lone_surrogate_in_every_refusal_finishes_and_reports(cli, hostile, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("address\na@example.com\nb@example.com\n")
    result = cli("--yes", "pop", "delete", "--from-file", str(rows), environ=SECRET)
    assert result.exit_code == 6 and "Traceback" not in result.stderr
    # The progress note (no terminal: a plain line) keeps the server's line break, indented.
    assert ("line 2: a@example.com: cPanel refused deleting a@example.com: no \\ud800 way \\x1b[31mred\\r\n"
            "  mailctl: error: forged [/] \\u202edone\n") in result.stderr
    # The report in plain: the same escapes, the record on one line.
    assert result.stdout.splitlines()[0] == f"2\ta@example.com\tfailed\t{SHOWN_REFUSAL}"
    # The audit log kept the server's words, surrogate and all, as valid JSON.
    audit = cli("--json", "audit")
    assert audit.exit_code == 0 and audit.json[0]["error"]["message"] == (
        "cPanel refused deleting a@example.com: no \ud800 way \x1b[31mred\r\nmailctl: error: forged [/] \u202edone")


# -- the audit log: a file, so anything at all may be in it ---------------------------------

def write_audit(entries: list) -> None:
    path = state_dir() / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))


HOSTILE_AUDIT = [
    {"time": "2024-05-01T10:00:00+00:00", "profile": "[bold]p[/]", "command": "pop delete",
     "target": "x\x1b[2J@example.com", "outcome": "failed",
     "error": {"code": "refused", "message": "[link=https://evil.example]in use[/link]\r\x1b[Kok"}},
    {"time": "2024-05-01T10:01:00+00:00", "profile": "p", "command": "passwd", "target": "y@example.com",
     "outcome": "failed", "error": "not an object \u2028 at all"},
    {"time": "2024-05-01T10:02:00+00:00", "profile": "p", "command": "passwd", "target": "z@example.com",
     "outcome": "ok", "error": None},
]


def test_a_hostile_audit_log_in_a_table(cli):
    write_audit(HOSTILE_AUDIT)
    code, out, err = on_terminal("audit")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "\x1b[1mTime                       Profile     Command     Target                Outcome  Error\x1b[0m",
        "2024-05-01T10:00:00+00:00  [bold]p[/]  pop delete  x\\x1b[2J@example.com  failed   "
        "[link=https://evil.example]in use[/link]\\r\\x1b[Kok",
        "2024-05-01T10:01:00+00:00  p           passwd      y@example.com         failed   not an object \\u2028 at all",
        "2024-05-01T10:02:00+00:00  p           passwd      z@example.com         ok",
    ]


def test_a_hostile_audit_log_in_plain_and_json(cli):
    write_audit(HOSTILE_AUDIT)
    plain = cli("-o", "plain", "audit")
    assert plain.stdout.splitlines() == [
        "2024-05-01T10:00:00+00:00\t[bold]p[/]\tpop delete\tx\\x1b[2J@example.com\tfailed\trefused",
        "2024-05-01T10:01:00+00:00\tp\tpasswd\ty@example.com\tfailed\tnot an object \\u2028 at all",
        "2024-05-01T10:02:00+00:00\tp\tpasswd\tz@example.com\tok\t-",
    ]
    as_json = cli("--json", "audit")
    assert as_json.exit_code == 0 and as_json.stdout.isascii() and as_json.json == HOSTILE_AUDIT
