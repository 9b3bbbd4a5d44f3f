"""Every command a message tells the user to type exists, with the options it names.

Two nets: every `'mailctl ...'` written in mailctl's source (f-string fields read as a
placeholder word), and the messages real runs print (the hints built at run time, and
the "use --OPTION" alternatives to a prompt), each parsed against the real click
command tree: the command path must exist and every --option must be one of that
command's own or a global one."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import click
import pytest

import mailctl
from mailctl.emulator import Emulator

SOURCE = Path(mailctl.__file__).parent
QUOTED_COMMAND = re.compile(r"'(mailctl [^']+)'")
PLACEHOLDER = "VALUE"


def command_tree() -> click.Group:
    from mailctl.cli import _command

    return _command([])


def _takes_value(command: click.Command, name: str) -> bool:
    for param in command.params:
        if isinstance(param, click.Option) and name in param.opts + param.secondary_opts:
            return not param.is_flag and not param.count
    raise AssertionError(name)


def _names(command: click.Command) -> set[str]:
    return {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts + p.secondary_opts}


def check_command_line(line: str) -> None:
    """AssertionError unless `line` ("mailctl -p X pop list --all-domains") parses
    against the real commands. `...` stands for options left out."""
    root = command_tree()
    words = shlex.split(line)
    assert words[0] == "mailctl", line
    words = words[1:]
    global_names = _names(root)
    command: click.Command = root
    i = 0
    while i < len(words):
        word = words[i]
        if word == "...":
            i += 1
            continue
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            if name in _names(command):
                owner = command
            else:
                assert name in global_names, f"{line!r}: {name} is not an option of {command.name!r}"
                owner = root
            i += 2 if "=" not in word and _takes_value(owner, name) else 1
            continue
        if isinstance(command, click.Group):
            assert word in command.commands, f"{line!r}: no command {word!r} in {command.name!r}"
            command = command.commands[word]
        i += 1
    assert not isinstance(command, click.Group), f"{line!r} names a group, not a command"


def _text_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append(PLACEHOLDER)
        return "".join(parts)
    return None


def quoted_commands_in_source() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "emulator" in path.parts:
            continue  # the other side of the wire: it tells no mailctl user anything
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            text = _text_of(node)
            if text is None or isinstance(node, ast.Constant) and _inside_joined(tree, node):
                continue
            for match in QUOTED_COMMAND.finditer(text):
                found.append((f"{path.relative_to(SOURCE.parent)}:{node.lineno}", match.group(1)))
    return found


_JOINED_PARTS: dict[int, set[int]] = {}


def _inside_joined(tree: ast.AST, node: ast.Constant) -> bool:
    parts = _JOINED_PARTS.get(id(tree))
    if parts is None:
        parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        _JOINED_PARTS[id(tree)] = parts
    return id(node) in parts


SOURCE_COMMANDS = quoted_commands_in_source()


def test_the_source_has_commands_to_check():
    assert len(SOURCE_COMMANDS) > 5


@pytest.mark.parametrize("where,line", SOURCE_COMMANDS, ids=[w for w, _ in SOURCE_COMMANDS])
def test_every_command_written_in_a_message_exists(where, line):
    check_command_line(line.replace(PLACEHOLDER, "X"))


def test_the_checker_catches_a_wrong_option():
    with pytest.raises(AssertionError):
        check_command_line("mailctl session login --password-stdin")
    with pytest.raises(AssertionError):
        check_command_line("mailctl sesion login")
    check_command_line("mailctl -p shop session login --secret-stdin")


def test_no_backend_names_the_login_command_itself():
    """Backends say what was refused; the command to fix it is the CLI's (cli/hints.py),
    which knows the profile, the command and where the secret came from."""
    offenders = [f"{path.name}:{number}" for path in sorted((SOURCE / "backends").glob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "session login" in line and "_unsupported" not in line]
    assert offenders == []


# -- what real runs print ------------------------------------------------------------------


def _options_named(text: str) -> list[str]:
    return re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text)


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


def _profile(cli, emu, name: str, user: str = "demo", *extra: str) -> None:
    assert cli("profile", "add", name, "--provider", "directadmin", "--url", emu.url, "--user", user,
               *extra).exit_code == 0


NO_TERMINAL = [
    ("session", "login"),
    ("passwd", "info@example.com"),
    ("passwd", "--self", "info@example.com"),
    ("pop", "create", "new@example.com"),
    ("account", "passwd", "demo"),
]


@pytest.mark.parametrize("argv", NO_TERMINAL, ids=[" ".join(a) for a in NO_TERMINAL])
def test_the_alternatives_to_a_prompt_are_options_of_that_command(cli, emu, argv):
    _profile(cli, emu, "da")
    result = cli(*argv, environ={"MAILCTL_SECRET": "demo-secret"})
    assert result.exit_code == 2, result.stderr
    assert "no terminal to ask on" in result.stderr
    named = _options_named(result.stderr)
    assert named
    words = [w for w in argv if "@" not in w and w not in ("demo",)]
    for option in named:
        check_command_line(f"mailctl {' '.join(words)} {option} {'X' if option.endswith('-file') else ''}")


def test_the_hints_built_at_run_time_parse(cli, emu):
    _profile(cli, emu, "da")
    _profile(cli, emu, "other", "demo", "--login-as", "demo")
    _profile(cli, emu, "adm", "admin")
    assert cli("-p", "adm", "session", "login", "--secret-stdin", stdin="demo-secret\n").exit_code == 0
    runs = [
        cli("-p", "other", "pop", "list", "example.com"),  # nothing stored
        cli("-p", "other", "session", "login", "--secret-stdin", stdin="wrong\n"),  # refused login
        cli("-p", "adm", "domain", "list", tty=True),  # an admin owns no domains
        cli("account", "passwd", "demo", "--generate", environ={"MAILCTL_SECRET": "demo-secret"}),  # permission
    ]
    lines = [line for run in runs for line in QUOTED_COMMAND.findall(run.stderr)]
    assert len(lines) == 4, [run.stderr for run in runs]
    for line in lines:
        check_command_line(line)
