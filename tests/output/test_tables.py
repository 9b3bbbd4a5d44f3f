"""Tables: aligned columns, no trailing spaces, a bold header only where styles show,
and at a narrow terminal only free-text columns are cut (with an ellipsis)."""

from __future__ import annotations

import json

import pytest

from output_support import run_on_terminal
from mailctl.audit import state_dir

MAILBOX_TABLE = (
    "Address                Quota      Used  Suspended\n"
    "info@example.com   unlimited   12.5 MB  no\n"
    "sales@example.com     500 MB  230.2 MB  no\n"
)


@pytest.mark.parametrize("columns", [50, 80, 200])
def test_mailbox_table_is_the_same_at_every_width_it_fits(da, columns):
    assert run_on_terminal("pop", "list", "example.com", columns=columns) == (0, MAILBOX_TABLE, "")


def test_a_table_wider_than_the_terminal_is_one_block_per_record(da):
    # No column of a mailbox list is free text: rather than lines the terminal would
    # wrap mid-address, each mailbox is a block of fields.
    assert run_on_terminal("pop", "list", "example.com", columns=40) == (0, (
        "Address    info@example.com\n"
        "Quota      unlimited\n"
        "Used       12.5 MB\n"
        "Suspended  no\n"
        "\n"
        "Address    sales@example.com\n"
        "Quota      500 MB\n"
        "Used       230.2 MB\n"
        "Suspended  no\n"
    ), "")


def test_table_lines_have_no_trailing_spaces_in_a_pipe_either(cli, da):
    result = cli("-o", "table", "pop", "list", "example.com")
    assert result.stdout == MAILBOX_TABLE


def test_header_is_bold_where_styles_show_and_plain_without_colour(da):
    bold = "\x1b[1mAddress                Quota      Used  Suspended\x1b[0m\n"
    assert run_on_terminal("pop", "list", "example.com", styles=True)[1] == bold + MAILBOX_TABLE.split("\n", 1)[1]
    assert run_on_terminal("--no-color", "pop", "list", "example.com", styles=True)[1] == MAILBOX_TABLE
    assert run_on_terminal("pop", "list", "example.com", styles=True, environ={"NO_COLOR": "1"})[1] == MAILBOX_TABLE


def test_record_is_a_two_column_table(cli):
    cli("profile", "add", "da", "--provider", "directadmin", "--url", "https://panel.example:2222", "--user", "demo")
    assert run_on_terminal("profile", "show", "da", columns=40) == (0, (
        "Name            da\n"
        "Provider        directadmin\n"
        "URL             https://panel.example:2222\n"
        "User            demo\n"
        "Default         yes\n"
        "Login as        -\n"
        "CA bundle       -\n"
        "Insecure        no\n"
        "Pinned SHA-256  -\n"
        "Secret store    keyring\n"
    ), "")


AUDIT = [
    {"time": "2024-05-01T10:00:00+00:00", "profile": "prod", "command": "pop delete", "target": "info@example.com",
     "outcome": "failed", "error": {"code": "refused", "message": "DirectAdmin refused deleting info@example.com: in use"}},
    {"time": "2024-05-01T10:05:00+00:00", "profile": "prod", "command": "pop create", "target": "new@example.com",
     "outcome": "ok", "error": None},
]


def write_audit(entries) -> None:
    path = state_dir() / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))


AUDIT_HEAD = "Time                       Profile  Command     Target            Outcome  "


@pytest.mark.parametrize(("columns", "error_header", "error_cells"), [
    (200, "Error", ["DirectAdmin refused deleting info@example.com: in use", ""]),
    (100, "Error", ["DirectAdmin refused dele…", ""]),
    (80, "Error", ["Dire…", ""]),
])
def test_audit_table_cuts_only_the_error_column(columns, error_header, error_cells):
    write_audit(AUDIT)
    code, out, err = run_on_terminal("audit", columns=columns)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        AUDIT_HEAD + error_header,
        "2024-05-01T10:00:00+00:00  prod     pop delete  info@example.com  failed   " + error_cells[0],
        "2024-05-01T10:05:00+00:00  prod     pop create  new@example.com   ok",
    ]


def test_the_audit_table_on_a_narrow_terminal_is_blocks_with_the_error_wrapped():
    write_audit(AUDIT)
    code, out, err = run_on_terminal("audit", columns=40)
    assert (code, err) == (0, "")
    assert out == (
        "Time     2024-05-01T10:00:00+00:00\n"
        "Profile  prod\n"
        "Command  pop delete\n"
        "Target   info@example.com\n"
        "Outcome  failed\n"
        "Error    DirectAdmin refused deleting\n"
        "         info@example.com: in use\n"
        "\n"
        "Time     2024-05-01T10:05:00+00:00\n"
        "Profile  prod\n"
        "Command  pop create\n"
        "Target   new@example.com\n"
        "Outcome  ok\n"
    )


def test_plain_never_cuts(cli):
    write_audit(AUDIT)
    result = cli("-o", "plain", "audit", environ={"COLUMNS": "40"})
    assert result.stdout == (
        "2024-05-01T10:00:00+00:00\tprod\tpop delete\tinfo@example.com\tfailed\trefused\n"
        "2024-05-01T10:05:00+00:00\tprod\tpop create\tnew@example.com\tok\t-\n"
    )


def test_wide_characters_are_aligned_by_the_cells_they_take(da):
    da.state.directadmin.add_mailbox("日本@example.com", password="Xx-secret-1", quota_mb=5)
    code, out, _ = run_on_terminal("pop", "list", "example.com")
    assert out.splitlines()[1:4] == [
        "info@example.com   unlimited   12.5 MB  no",
        "sales@example.com     500 MB  230.2 MB  no",
        "日本@example.com        5 MB       0 B  no",
    ]


def test_an_empty_list_on_a_terminal_gives_the_hint_instead_of_a_lone_header(cli):
    code, out, err = run_on_terminal("profile", "list")
    assert (code, out) == (0, "")
    assert err == "No profiles yet: mailctl profile add NAME --provider ... --url ... --user ...\n"
    assert cli("-o", "plain", "profile", "list").stdout == ""
    assert cli("--json", "profile", "list").stdout == "[]\n"


def test_an_empty_audit_log_on_a_terminal_says_what_fills_it():
    code, out, err = run_on_terminal("audit")
    assert (code, out) == (0, "")
    assert err.startswith("Nothing in the audit log yet: ")
