"""Shell completion: `mailctl completion SHELL` prints the committed scripts, and the
completion requests those scripts make (_MAILCTL_COMPLETE=...) answer with subcommands,
options, profile names from the config and provider names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mailctl.cli.shipped import COMPLETION_FILES

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("shell", sorted(COMPLETION_FILES))
def test_completion_command_prints_the_committed_script(cli, shell):
    result = cli("completion", shell)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (REPO / COMPLETION_FILES[shell]).read_text(encoding="utf-8")


def test_the_bash_source_instruction_prints_the_same_script(cli, monkeypatch):
    monkeypatch.setenv("_MAILCTL_COMPLETE", "bash_source")
    result = cli()
    assert result.exit_code == 0
    assert result.stdout == cli("completion", "bash").stdout


def test_an_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "tcsh")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "mailctl: error: unknown shell 'tcsh': choose one of bash, zsh, fish\n"


def _add_profiles(cli):
    for name, provider, url in (("prod", "directadmin", "https://panel.example.com:2222"),
                                ("prod-mbo", "mailboxorg", "https://api.mailbox.org"),
                                ("staging", "cpanel", "https://staging.example.com:2083")):
        assert cli("profile", "add", name, "--provider", provider, "--url", url, "--user", "admin").exit_code == 0


def bash_complete(cli, monkeypatch, line: str) -> list[str]:
    """What the bash script receives for LINE (the cursor at its end): `type,value` lines."""
    words = line.split(" ")
    monkeypatch.setenv("_MAILCTL_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", line)
    monkeypatch.setenv("COMP_CWORD", str(len(words) - 1))
    result = cli()
    assert (result.exit_code, result.stderr) == (0, "")
    return [item.split(",", 1)[1] for item in result.stdout.splitlines() if item.startswith("plain,")]


def test_subcommands_complete(cli, monkeypatch):
    top = bash_complete(cli, monkeypatch, "mailctl ")
    assert {"profile", "session", "domain", "pop", "passwd", "account", "completion", "demo"} <= set(top)
    assert bash_complete(cli, monkeypatch, "mailctl pop c") == ["create"]
    assert set(bash_complete(cli, monkeypatch, "mailctl session ")) == {"login", "logout", "status"}


def test_options_complete(cli, monkeypatch):
    assert bash_complete(cli, monkeypatch, "mailctl pop create --q") == ["--quota"]
    assert {"--profile", "--json", "--no-color", "--timeout"} <= set(bash_complete(cli, monkeypatch, "mailctl --"))


def test_profile_names_complete_from_the_config(cli, monkeypatch):
    _add_profiles(cli)
    assert bash_complete(cli, monkeypatch, "mailctl -p ") == ["prod", "prod-mbo", "staging"]
    assert bash_complete(cli, monkeypatch, "mailctl --profile pr") == ["prod", "prod-mbo"]
    for command in ("use", "show", "remove"):
        assert bash_complete(cli, monkeypatch, f"mailctl profile {command} st") == ["staging"]


def test_profile_names_come_from_the_config_dir_of_the_run(cli, monkeypatch, tmp_path):
    elsewhere = {"MAILCTL_CONFIG_DIR": str(tmp_path / "elsewhere")}
    assert cli("profile", "add", "other", "--provider", "whm", "--url", "https://whm.example.com:2087",
               "--user", "root", environ=elsewhere).exit_code == 0
    monkeypatch.setenv("MAILCTL_CONFIG_DIR", elsewhere["MAILCTL_CONFIG_DIR"])
    assert bash_complete(cli, monkeypatch, "mailctl -p ") == ["other"]


def test_global_options_after_the_command_complete_as_the_cli_reads_them(cli, monkeypatch):
    _add_profiles(cli)
    assert bash_complete(cli, monkeypatch, "mailctl pop list example.com -p st") == ["staging"]
    assert bash_complete(cli, monkeypatch, "mailctl pop list --json -o p") == ["plain"]
    assert bash_complete(cli, monkeypatch, "mailctl pop list --js") == ["--json"]
    assert bash_complete(cli, monkeypatch, "mailctl pop list --json --all") == ["--all-domains"]


def test_provider_names_and_output_modes_complete(cli, monkeypatch):
    assert bash_complete(cli, monkeypatch, "mailctl profile add x --provider ") == [
        "directadmin", "cpanel", "whm", "mailboxorg"]
    assert bash_complete(cli, monkeypatch, "mailctl profile add x --provider m") == ["mailboxorg"]
    assert bash_complete(cli, monkeypatch, "mailctl -o ") == ["table", "plain", "json"]
    assert bash_complete(cli, monkeypatch, "mailctl completion ") == ["bash", "zsh", "fish"]


def test_path_options_fall_back_to_file_completion(cli, monkeypatch):
    monkeypatch.setenv("_MAILCTL_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "mailctl profile add x --ca-bundle ")
    monkeypatch.setenv("COMP_CWORD", "5")
    assert cli().stdout.splitlines() == ["file,"]


def test_a_broken_config_completes_nothing_and_prints_no_error(cli, monkeypatch, tmp_path):
    config_dir = tmp_path / "broken"
    config_dir.mkdir()
    (config_dir / "config.toml").write_text("[profiles\n")
    monkeypatch.setenv("MAILCTL_CONFIG_DIR", str(config_dir))
    assert bash_complete(cli, monkeypatch, "mailctl -p ") == []


def test_the_version_option_does_not_fire_while_completing(cli, monkeypatch):
    assert "profile" in bash_complete(cli, monkeypatch, "mailctl --version ")


def test_zsh_requests_get_values_with_descriptions(cli, monkeypatch):
    _add_profiles(cli)
    monkeypatch.setenv("_MAILCTL_COMPLETE", "zsh_complete")
    monkeypatch.setenv("COMP_WORDS", "mailctl -p st")
    monkeypatch.setenv("COMP_CWORD", "2")
    result = cli()
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["plain", "staging", "cpanel https://staging.example.com:2083"]


def test_fish_requests_get_values_with_descriptions(cli, monkeypatch):
    monkeypatch.setenv("_MAILCTL_COMPLETE", "fish_complete")
    monkeypatch.setenv("COMP_WORDS", "mailctl session lo")
    monkeypatch.setenv("COMP_CWORD", "lo")
    result = cli()
    assert result.exit_code == 0
    values = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert values == ["plain,login", "plain,logout"]


def test_an_unknown_completion_request_fails_without_running_a_command(cli, monkeypatch):
    monkeypatch.setenv("_MAILCTL_COMPLETE", "tcsh_complete")
    result = cli("profile", "list")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "unsupported completion request" in result.stderr


# -- a real process and a real shell ----------------------------------------------------------


def _mailctl_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has a `mailctl` running this checkout with this Python."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "mailctl"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mailctl "$@"\n')
    launcher.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_through_the_committed_script(cli, tmp_path):
    _add_profiles(cli)
    env = _mailctl_on_path(tmp_path)
    probe = r"""
source "$1"
complete_line() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
    _mailctl_completion mailctl
    printf '%s\n' "${COMPREPLY[*]}"
}
complete -p mailctl
complete_line mailctl pop ""
complete_line mailctl -p ""
complete_line mailctl profile add new --provider w
"""
    result = subprocess.run(["bash", "--norc", "-c", probe, "probe", str(REPO / COMPLETION_FILES["bash"])],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "complete -o nosort -F _mailctl_completion mailctl",
        "list show create set delete",
        "prod prod-mbo staging",
        "whm",
    ]


def test_a_completion_request_loads_neither_keyring_nor_requests(tmp_path):
    code = (
        "import os, sys, io, json\n"
        "from mailctl.cli import run\n"
        "from mailctl.environment import Environment\n"
        "out = io.StringIO()\n"
        "code = run([], Environment(stdout=out, stderr=io.StringIO()))\n"
        "print(json.dumps([code, out.getvalue(), [m for m in ('keyring', 'requests') if m in sys.modules]]))\n"
    )
    env = {**os.environ, "_MAILCTL_COMPLETE": "bash_complete", "COMP_WORDS": "mailctl -p ", "COMP_CWORD": "2",
           "MAILCTL_CONFIG_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert json.loads(result.stdout) == [0, "\n", []]
