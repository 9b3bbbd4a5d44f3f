"""Global options work before or after the command."""

import typer.main

from mailctl.cli import GLOBAL_FLAGS, GLOBAL_WITH_VALUE, hoist_global_options
from mailctl.cli.app import app


def test_hoisting_moves_globals_to_the_front_in_order():
    assert hoist_global_options(["pop", "list", "example.com", "--json", "-p", "prod", "--output=plain"]) == [
        "--json", "-p", "prod", "--output=plain", "pop", "list", "example.com",
    ]
    assert hoist_global_options(["pop", "delete", "a@example.com", "-y", "--", "--json"]) == [
        "-y", "pop", "delete", "a@example.com", "--", "--json",
    ]


def test_no_subcommand_reuses_a_global_option_name():
    globals_ = GLOBAL_FLAGS | GLOBAL_WITH_VALUE
    clashes = []

    def walk(command, path):
        for param in command.params:
            names = set(getattr(param, "opts", [])) | set(getattr(param, "secondary_opts", []))
            if path and names & globals_:
                clashes.append((path, sorted(names & globals_)))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, path + [name])

    walk(typer.main.get_command(app), [])
    assert clashes == []


def test_json_after_the_command(cli):
    cli("profile", "add", "a", "--provider", "cpanel", "--url", "https://a.example.com", "--user", "u")
    result = cli("profile", "list", "--json")
    assert result.exit_code == 0 and result.json[0]["name"] == "a"
    shown = cli("profile", "show", "-o", "json", "-p", "a")
    assert shown.exit_code == 0 and shown.json["name"] == "a"
