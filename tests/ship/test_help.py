"""Help that reads well: bare group names print their help (exit 0), the commands in the
order of a user's first hour, help text reflowed to the terminal, examples and the
inherited options at the end of every command's help, and file names after --from-file."""

from __future__ import annotations

import re

import pytest
import typer.main

from pty_session import TerminalSession
from mailctl.cli.app import app
from mailctl.cli.helptext import EXAMPLES, FIRST_HOUR
from mailctl.cli.manpage import leaf_commands

LEAVES = [" ".join(path) for path, _ in leaf_commands(typer.main.get_command(app))]


@pytest.mark.parametrize("args", [(), ("pop",), ("alias",), ("profile",)])
def test_a_bare_group_prints_its_help_and_exits_0(cli, args):
    bare = cli(*args)
    assert (bare.exit_code, bare.stderr) == (0, "")
    assert bare.stdout == cli(*args, "--help").stdout
    assert bare.stdout.startswith(f"Usage: mailctl {' '.join(args)}".replace("  ", " "))


def test_commands_are_listed_in_the_order_of_a_users_first_hour(cli):
    out = cli("--help").stdout
    listed = re.findall(r"^  ([a-z]+)  ", out, flags=re.M)
    commands = [name for name in listed if name in FIRST_HOUR]
    assert commands == list(FIRST_HOUR)
    assert commands[:7] == ["profile", "session", "domain", "pop", "alias", "passwd", "account"]
    assert commands.index("audit") < commands.index("completion") < commands.index("demo")
    assert out.index("Commands:") < out.index("Desired state") < out.index("More:")


@pytest.mark.parametrize("command", LEAVES)
def test_every_command_help_ends_with_examples_and_the_inherited_options(cli, command):
    help_text = cli(*command.split(), "--help", environ={"COLUMNS": "80"}).stdout
    assert command in EXAMPLES
    tail = help_text[help_text.index("  Examples:\n"):]
    examples = re.findall(r"^    \$ (.*)$", tail, flags=re.M)
    assert 1 <= len(examples) <= 2
    assert all("mailctl" in example and set(command.split()) <= set(example.split()) for example in examples)
    assert tail.rstrip().split("\n\n")[-1].lstrip().startswith("Inherited options: the global options (-p NAME")


def test_example_lines_stay_whole_on_a_narrow_terminal(cli):
    out = cli("pop", "create", "--help", environ={"COLUMNS": "60"}).stdout
    assert "    $ mailctl pop create --from-file new.csv --generate --report new.jsonl\n" in out


def _prose_lines(text: str) -> list[str]:
    """The lines of the description paragraphs (between Usage and the first section)."""
    head = text.split("\nArguments:")[0].split("\nOptions:")[0]
    return [line for line in head.splitlines()[1:] if line.strip()]


def test_help_is_reflowed_to_a_real_terminals_width():
    with TerminalSession(["pop", "create", "--help"], columns=120) as wide:
        assert wide.wait() == 0
    with TerminalSession(["pop", "create", "--help"], columns=80) as narrow:
        assert narrow.wait() == 0
    wide_lines, narrow_lines = _prose_lines(wide.transcript), _prose_lines(narrow.transcript)
    # The docstring's own line breaks are gone: lines fill the terminal, up to 100 columns.
    assert max(map(len, wide_lines)) > 88 and max(map(len, wide_lines)) <= 98
    assert max(map(len, narrow_lines)) <= 78
    assert len(wide_lines) < len(narrow_lines)
    assert " ".join(" ".join(wide_lines).split()) == " ".join(" ".join(narrow_lines).split())


def test_group_help_at_80_columns_breaks_no_sentence_by_the_docstrings_lines(cli):
    out = cli("pop", "--help", environ={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    # Each command's summary is one sentence, wrapped by the formatter alone.
    summary = re.search(r"^  list +(.*?)\n  show", out, flags=re.M | re.S).group(1)
    assert " ".join(summary.split()) == ("List the mailboxes of a domain, with quota and usage where the panel "
                                         "reports them.")


def test_the_man_page_has_each_commands_examples():
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "man" / "mailctl.1").read_text(encoding="utf-8")
    assert "mailctl pop set info@example.com \\-\\-quota 2G" in page


@pytest.mark.parametrize("command", ["pop create", "pop delete", "pop set", "passwd", "alias add"])
def test_bash_completion_after_from_file_offers_file_names(cli, monkeypatch, command):
    words = f"mailctl {command} --from-file "
    monkeypatch.setenv("_MAILCTL_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(words.split())))
    assert cli().stdout.splitlines() == ["file,"]


def test_from_file_still_reads_stdin_from_a_dash(cli):
    assert cli("profile", "add", "shop", "--provider", "cpanel", "--url", "https://panel.example:2083",
               "--user", "demo").exit_code == 0
    result = cli("-y", "pop", "delete", "--from-file", "-", stdin="address\nnot-an-address\n")
    assert result.exit_code == 2
    assert "stdin: 1 bad row" in result.stderr
