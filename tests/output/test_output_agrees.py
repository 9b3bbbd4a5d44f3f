"""Output that agrees with itself: one column order per command for every provider, a
reader that closes the pipe early is not an error, empty lists, and a JSON run whose
stderr is JSON lines only -- each through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from output_support import run_on_terminal
from provider_table import PROVIDERS, SECRET, log_in
from pty_session import TerminalSession
from mailctl.audit import state_dir
from mailctl.cli.app import app
from mailctl.emulator import Emulator, default_world
from mailctl.output import OPTIONAL_MAILBOX_COLUMNS, PROFILE_COLUMNS, SESSION_COLUMNS

# pop list in a pipe: these fields, in this order, on every provider.
MAILBOX_FIELDS = ["address", "quota_mb", "usage_bytes", "suspended", "plan", "restrictions"]


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a mailctl child process: the test's config and state dirs
    (conftest points XDG_* at them) and the secret, since the keyring is in-process."""
    return {**os.environ, "MAILCTL_SECRET": SECRET, **extra}


# -- one column order ---------------------------------------------------------------------

@pytest.mark.parametrize("provider", PROVIDERS)
def test_pop_list_plain_has_the_same_fields_in_the_same_place_on_every_provider(cli, emu, provider):
    log_in(cli, emu, provider)
    plain = cli("-p", provider, "pop", "list", "example.com")
    listed = cli("-p", provider, "--json", "pop", "list", "example.com")
    assert (plain.exit_code, listed.exit_code) == (0, 0), plain.stderr + listed.stderr
    lines = [line.split("\t") for line in plain.stdout.splitlines()]
    assert lines and all(len(fields) == len(MAILBOX_FIELDS) for fields in lines)
    for fields, record in zip(lines, listed.json):
        assert fields[0] == record["address"]
        # A field the provider lacks: "-" in plain, null in JSON.
        for name in ("plan", "restrictions"):
            assert name in record
            if record[name] is None:
                assert fields[MAILBOX_FIELDS.index(name)] == "-"
        if record["plan"] is not None:
            assert fields[4] == record["plan"]


def test_a_plan_and_restrictions_keep_their_place_whichever_provider_fills_them(cli, emu):
    for provider in ("directadmin", "cpanel", "mailboxorg"):
        log_in(cli, emu, provider)
    lines = {provider: cli("-p", provider, "pop", "list", "example.com").stdout.splitlines()[0]
             for provider in ("directadmin", "cpanel", "mailboxorg")}
    assert lines == {
        "directadmin": "info@example.com\tunlimited\t13107200\tno\t-\t-",
        "cpanel": "info@example.com\tunlimited\t13107200\tno\t-\tnone",
        "mailboxorg": "info@example.com\t-\t-\tno\tstandard\t-",
    }
    several = cli("-p", "directadmin", "-p", "mailboxorg", "pop", "list", "example.com").stdout.splitlines()
    assert several[0] == "directadmin\tinfo@example.com\tunlimited\t13107200\tno\t-\t-"
    assert several[-1] == "mailboxorg\tsales@example.com\t-\t-\tno\tpremium\t-"


def test_a_table_shows_the_fields_the_provider_has_in_the_same_order(cli, emu):
    log_in(cli, emu, "mailboxorg")
    log_in(cli, emu, "cpanel")
    assert run_on_terminal("-p", "mailboxorg", "pop", "list", "example.com")[1].splitlines()[0].split() == [
        "Address", "Quota", "Used", "Suspended", "Plan"]
    assert run_on_terminal("-p", "cpanel", "pop", "list", "example.com")[1].splitlines()[0].split() == [
        "Address", "Quota", "Used", "Suspended", "Restrictions"]


@pytest.mark.parametrize("provider", ["directadmin", "cpanel", "mailboxorg"])
def test_pop_show_plain_is_pop_lists_fields_then_the_aliases(cli, emu, provider):
    log_in(cli, emu, provider)
    listed = cli("-p", provider, "pop", "list", "example.com").stdout.splitlines()[0].split("\t")
    shown = cli("-p", provider, "pop", "show", "info@example.com")
    assert shown.exit_code == 0, shown.stderr
    fields = shown.stdout.rstrip("\n").split("\t")
    assert len(fields) == len(MAILBOX_FIELDS) + 1
    assert fields[:4] == listed[:4] and fields[4] == listed[4]
    assert all(fields), "no empty field: '-' or 'none'"


def test_session_status_has_profile_lists_order(cli, emu):
    log_in(cli, emu, "directadmin", name="shop")
    profile = cli("profile", "list").stdout.split("\t")
    status = cli("session", "status").stdout.split("\t")
    assert [c.key for c in SESSION_COLUMNS[1:4]] == [c.key for c in PROFILE_COLUMNS[1:4]] == ["provider", "url", "user"]
    assert status[:4] == ["shop", "directadmin", emu.url, "demo"]
    assert status[1:4] == profile[1:4]


def test_the_help_documents_the_plain_fields_the_commands_print():
    import typer.main

    root = typer.main.get_command(app)
    pop_list = root.commands["pop"].commands["list"].help
    words = " ".join(pop_list.split())
    expected = "address, quota (MB, or unlimited), used (bytes), suspended (yes or no), plan, restrictions"
    assert expected in words
    assert [c.key for c in OPTIONAL_MAILBOX_COLUMNS] == ["plan", "restrictions"]
    status = " ".join(root.commands["session"].commands["status"].help.split())
    assert "profile, provider, url, user (the order of profile list)" in status
    page = (os.path.dirname(__file__) + "/../../man/mailctl.1")
    with open(page, encoding="utf-8") as handle:
        assert "plan, restrictions" in handle.read()


# -- a reader that goes away --------------------------------------------------------------

@pytest.fixture
def big_emu():
    world = default_world()
    for state in (world.directadmin, world.cpanel, world.mailboxorg):
        state.add_domain("big.example", "demo")
    for i in range(3000):
        address = f"user{i:05d}@big.example"
        world.directadmin.add_mailbox(address, quota_mb=100, usage_mb=1.5)
        world.cpanel.add_mailbox(address, quota_mb=100, usage_bytes=1_500_000)
        world.mailboxorg.add_mailbox(address)
    with Emulator(state=world) as emulator:
        yield emulator


def pipefail(command: str) -> subprocess.CompletedProcess:
    """`command | head -1` in bash with pipefail: the exit status is mailctl's unless head fails."""
    return subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -1"], capture_output=True,
                          env=child_env(), timeout=120)


@pytest.mark.parametrize("provider", ["directadmin", "cpanel", "mailboxorg"])
@pytest.mark.parametrize("mode", ["", "-o plain", "-o table", "--json"])
def test_pop_list_into_head_exits_0_quietly(cli, big_emu, provider, mode):
    log_in(cli, big_emu, provider)
    done = pipefail(f"{sys.executable} -m mailctl -p {provider} {mode} pop list big.example")
    assert (done.returncode, done.stderr) == (0, b"")
    assert len(done.stdout.splitlines()) == 1


@pytest.mark.parametrize("mode", ["", "-o table", "--json"])
def test_audit_into_head_exits_0_quietly(mode):
    line = {"time": "2024-05-01T10:00:00+00:00", "profile": "prod", "command": "pop delete",
            "target": "info@example.com", "outcome": "ok", "error": None}
    path = state_dir() / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((json.dumps(line) + "\n") * 5000)
    done = pipefail(f"{sys.executable} -m mailctl {mode} audit -n 0")
    assert (done.returncode, done.stderr) == (0, b"")


# -- tables -------------------------------------------------------------------------------

def test_a_table_in_a_pipe_has_no_trailing_spaces(cli, emu):
    log_in(cli, emu, "cpanel")
    for args in (("pop", "list", "example.com"), ("pop", "show", "info@example.com"), ("profile", "list"),
                 ("session", "status")):
        out = cli("-o", "table", *args).stdout
        assert out and all(line == line.rstrip(" ") for line in out.splitlines()), args


def test_the_audit_table_on_a_60_column_terminal_keeps_addresses_and_times_whole(tmp_path):
    entries = [{"time": "2024-05-01T10:00:00+00:00", "profile": "prod", "command": "pop delete",
                "target": "someone.long@example.com", "outcome": "failed",
                "error": {"code": "refused", "message": "the panel refused it: mailbox in use by a session"}}]
    path = state_dir() / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    with TerminalSession(["audit"], env={**child_env(), "NO_COLOR": "1"}, columns=60) as term:
        assert term.wait() == 0
    lines = term.transcript.splitlines()
    # Too wide for 60 columns as a table: one block of fields, no line the terminal would
    # wrap, the address and the time whole on their lines (only free text would wrap).
    assert max(map(len, lines)) <= 60
    assert "Time     2024-05-01T10:00:00+00:00" in lines and "Target   someone.long@example.com" in lines
    assert lines[-1] == "Error    the panel refused it: mailbox in use by a session"


# -- empty lists --------------------------------------------------------------------------

def test_empty_lists_say_what_to_do_on_a_terminal_and_print_nothing_or_brackets_in_a_pipe(cli, emu):
    log_in(cli, emu, "directadmin")
    emu.state.directadmin.add_domain("empty.example", "demo")
    with TerminalSession(["pop", "list", "empty.example"], env=child_env()) as term:
        term.expect("No mailboxes in empty.example yet: mailctl pop create info@empty.example")
        assert term.wait() == 0
    assert "Address" not in term.transcript
    for args in (("pop", "list", "empty.example"), ("alias", "list", "empty.example"), ("audit",)):
        plain = cli("-o", "plain", *args)
        assert (plain.exit_code, plain.stdout, plain.stderr) == (0, "", ""), args
        listed = cli("--json", *args)
        assert (listed.exit_code, listed.stdout, listed.stderr) == (0, "[]\n", ""), args
    code, out, err = run_on_terminal("alias", "list", "empty.example")
    assert (code, out) == (0, "")
    assert err == "No aliases in empty.example yet: mailctl alias add info@empty.example --to ADDRESS\n"


def test_no_profiles_on_a_real_terminal_says_how_to_add_one():
    with TerminalSession(["profile", "list"], env=child_env()) as term:
        term.expect("No profiles yet: mailctl profile add NAME")
        assert term.wait() == 0


# -- json mode: stderr carries JSON lines only --------------------------------------------

def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_messages_and_warnings_are_json_lines_in_json_mode(cli, emu):
    log_in(cli, emu, "cpanel")
    created = cli("--json", "pop", "create", "new@example.com", "--generate")
    assert created.exit_code == 0
    assert json_lines(created.stderr)[-1] == {"message": "Created new@example.com"}
    deleted = cli("--json", "-y", "pop", "delete", "new@example.com", "--keep-data")
    assert json_lines(deleted.stderr) == [{"message": "Deleted new@example.com; its mail files were kept on disk"}]
    assert deleted.json == [{"address": "new@example.com", "outcome": "deleted", "error": None, "data_kept": True}]
    failed = cli("--json", "pop", "show", "nobody@example.com")
    assert failed.exit_code == 3
    assert list(json_lines(failed.stderr)[0]) == ["error"]


def test_keep_data_says_the_mail_files_were_kept(cli, emu):
    log_in(cli, emu, "cpanel")
    assert cli("pop", "create", "keep@example.com", "--generate").exit_code == 0
    result = cli("-y", "pop", "delete", "keep@example.com", "--keep-data")
    assert result.exit_code == 0
    assert result.stderr == "Deleted keep@example.com; its mail files were kept on disk\n"
    assert "keep@example.com" not in emu.state.cpanel.addresses("example.com")


def test_ctrl_c_in_json_mode_is_a_json_error_line(cli, emu):
    log_in(cli, emu, "cpanel")
    with TerminalSession(["--json", "pop", "delete", "info@example.com"], env=child_env()) as term:
        term.expect("[y/N]")
        term.control("c")
        assert term.wait() == 130
    last = term.transcript.strip().splitlines()[-1]
    assert json.loads(last)["error"]["code"] == "interrupted"
    assert "info@example.com" in emu.state.cpanel.addresses("example.com")
