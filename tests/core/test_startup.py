"""Start-up cost is a feature (docs/architecture.md): the CLI's import must not pull in the heavy
libraries; they load inside the commands that need them."""

import json
import os
import subprocess
import sys

import mailctl

HEAVY = ("requests", "keyring", "rich.table", "rich.console")


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(__import__('json').dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_importing_the_cli_loads_no_heavy_module():
    loaded = _loaded_after("import mailctl.cli")
    assert [m for m in HEAVY if m in loaded] == []


def test_building_the_command_tree_loads_no_heavy_module():
    loaded = _loaded_after("import mailctl.cli.app, typer.main; typer.main.get_command(mailctl.cli.app.app)")
    assert [m for m in HEAVY if m in loaded] == []


def test_version_fast_path_skips_the_cli_framework():
    loaded = _loaded_after(
        "import io; sys.argv = ['mailctl', '--version']; out, sys.stdout = sys.stdout, io.StringIO()\n"
        "import mailctl.__main__ as m\ntry:\n m.main()\nexcept SystemExit: pass\nsys.stdout = out"
    )
    assert "typer" not in loaded and "click" not in loaded


def test_version_through_python_m():
    result = subprocess.run([sys.executable, "-m", "mailctl", "--version"], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, f"mailctl {mailctl.__version__}\n")


def test_version_among_other_options_uses_the_full_cli(cli):
    result = cli("--no-color", "--version")
    assert (result.exit_code, result.stdout) == (0, f"mailctl {mailctl.__version__}\n")


def test_a_named_command_builds_only_its_part_of_the_tree(cli):
    from mailctl.cli import _COMMANDS, _named_command

    assert _named_command(["--json", "-p", "x", "pop", "list", "example.com"]) == ("pop", "list")
    assert _named_command(["passwd", "a@example.com"]) == ("passwd",)
    # Help, a typo and a bare group get the whole tree (lists, suggestions).
    assert _named_command(["pop", "lst"]) == _named_command(["pop", "list", "--help"]) == ()
    assert _named_command(["pop"]) == ()
    cli("pop", "list", "example.com")
    tree = _COMMANDS[("pop", "list")]
    assert list(tree.commands) == ["pop"] and list(tree.commands["pop"].commands) == ["list"]
    assert "Did you mean 'list'" in cli("pop", "lst").stderr


def test_importing_the_api_loads_no_heavy_module():
    loaded = _loaded_after("import mailctl.api; from mailctl import Client")
    assert [m for m in HEAVY if m in loaded] == []
    assert "mailctl.backends.base" not in loaded and "mailctl.transport" not in loaded


def test_importing_mailctl_does_not_load_the_api():
    assert "mailctl.api" not in _loaded_after("import mailctl")


def test_a_command_line_imports_only_its_command_module(tmp_path):
    # pop list builds its own command and options only: the other command modules (and
    # the provider options they build when imported) are never loaded, nor what only
    # some runs need (platformdirs on Linux, html for redaction).
    code = (
        "import sys\nfrom mailctl.cli import run\n"
        "code = run(['-p', 'nobody', 'pop', 'list', 'example.com'])\n"
        "print(__import__('json').dumps([code, sorted(sys.modules)]))"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("MAILCTL_CONFIG_DIR", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    exit_code, loaded = json.loads(done.stdout)
    assert exit_code == 3 and "no profile named 'nobody'" in done.stderr
    from mailctl.cli.app import COMMANDS, GROUPS

    modules = {module for module, *_ in [*GROUPS.values(), *COMMANDS.values()]} - {"mailctl.cli.pop"}
    assert "mailctl.cli.pop" in loaded
    assert sorted(modules & set(loaded)) == ["mailctl.cli.completion"]  # the root's own group class
    assert "html" not in loaded
    if sys.platform.startswith("linux"):
        assert "platformdirs" not in loaded


def test_command_annotations_are_objects_not_strings():
    # typer reads every parameter's annotation each time it builds a command; a string
    # (from `from __future__ import annotations`) is compiled and evaluated again on
    # every run, so the command modules keep theirs as objects.
    import inspect

    import typer.main

    from mailctl.cli.app import app

    def callbacks(command):
        yield command.callback
        for sub in getattr(command, "commands", {}).values():
            yield from callbacks(sub)

    root = typer.main.get_command(app)
    strings = {(fn.__module__, fn.__name__, name)
               for fn in callbacks(root) if fn is not None
               for name, value in inspect.get_annotations(inspect.unwrap(fn)).items() if isinstance(value, str)}
    assert strings == set()


def test_the_entry_point_resumes_garbage_collection_before_the_first_request(tmp_path):
    # The collector is off while the CLI loads, the command is built and its transport
    # (requests) is made; then what exists is frozen and the collector is on for the
    # requests. Nothing listens on port 9 of the loopback: the run ends in exit 5.
    env = {**os.environ, "MAILCTL_CONFIG_DIR": str(tmp_path), "MAILCTL_SECRET": "not-sent-anywhere"}
    subprocess.run([sys.executable, "-m", "mailctl", "profile", "add", "x", "--provider", "cpanel",
                    "--url", "http://127.0.0.1:9", "--user", "demo"], env=env, check=True, capture_output=True)
    code = (
        "import gc, sys\nimport mailctl.__main__ as entry\nimport mailctl.cli.runtime as runtime\n"
        "seen = []\nprofile = runtime.Runtime.profile\n"
        "def watched(self):\n    seen.append(('profile', gc.isenabled()))\n    return profile(self)\n"
        "runtime.Runtime.profile = watched\n"
        "import mailctl.transport as transport\nrequest = transport.Transport.request\n"
        "def sent(self, *args, **kwargs):\n    seen.append(('request', gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "    return request(self, *args, **kwargs)\n"
        "transport.Transport.request = sent\n"
        "sys.argv = ['mailctl', '-p', 'x', 'pop', 'list', 'example.com']\n"
        "try:\n    entry.main()\nexcept SystemExit as done:\n    print(__import__('json').dumps([done.code, seen]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    exit_code, seen = json.loads(done.stdout)
    assert exit_code == 5 and "connection refused" in done.stderr
    assert seen[0] == ["profile", False] and seen[1:] and all(event == ["request", True, True] for event in seen[1:])
