"""`mailctl demo`: a guided tour against the in-process emulator that exits 0, shows each
command line before its real output, and leaves the user's config, state, environment
and keyring alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring

from mailctl.cli import tour

REPO = Path(__file__).resolve().parents[2]

TOUR_COMMANDS = [
    "profile add shop --provider directadmin --url URL --user demo",
    "session login",
    "session status",
    "domain list",
    "pop create hello@example.com --quota 250 --generate",
    "pop list example.com",
    "pop list example.com --json",
    "passwd hello@example.com --generate",
    "pop delete hello@example.com --yes",
    "profile add server --provider directadmin --url URL --user admin",
    "-p server session login",
    "-p server account passwd demo --generate",
    "profile list",
]


def _command_lines(stderr: str) -> list[str]:
    lines = [line[len("$ mailctl "):] for line in stderr.splitlines() if line.startswith("$ mailctl ")]
    url = next(word for word in lines[0].split() if word.startswith("http://127.0.0.1:"))
    return [line.replace(url, "URL") for line in lines]


def test_the_tour_runs_every_step_and_exits_0(cli, memory_keyring, tmp_path):
    user_keyring = keyring.get_keyring()
    result = cli("demo", environ={"MAILCTL_SECRET": "not-the-demo-secret", "MAILCTL_PROFILE": "nosuch"})
    assert result.exit_code == 0, result.stderr
    assert _command_lines(result.stderr) == TOUR_COMMANDS
    # Real output of real runs: the mailbox created, listed, changed and deleted.
    assert "Created hello@example.com\n" in result.stderr
    assert "Changed the password of hello@example.com\n" in result.stderr
    assert "Deleted hello@example.com\n" in result.stderr
    assert "Changed the password of account demo" in result.stderr
    assert "hello@example.com\t250\t0\tno\t-\t-\n" in result.stdout
    listed = json.loads(result.stdout[result.stdout.index("[\n"):result.stdout.index("\n]\n") + 2])
    assert [m["address"] for m in listed] == ["hello@example.com", "info@example.com", "sales@example.com"]
    # session login really stored the secret and status checked it: the prompt was answered
    # by the tour, and the keyring it used is gone, the user's own one back untouched.
    assert "Secret for demo on http://127.0.0.1:" in result.stderr
    assert "Logged in to http://127.0.0.1:" in result.stderr
    assert "shop\tdirectadmin\thttp://127.0.0.1:" in result.stdout and "\tdemo\tkeyring\t" in result.stdout and "\tkeyring\tyes\t" in result.stdout
    assert keyring.get_keyring() is user_keyring
    assert memory_keyring.store == {}
    # The user's config and state dirs (this test's XDG dirs) were never created.
    assert not (tmp_path / "config").exists() and not (tmp_path / "state").exists()


def test_a_failing_step_stops_the_tour_with_its_exit_status(cli, monkeypatch):
    every_step = tour.steps

    def without_login(url):
        first, *_ = every_step(url)
        return [first, tour.Step("Listing needs credentials.", ("pop", "list", "example.com"))]

    monkeypatch.setattr(tour, "steps", without_login)
    result = cli("demo")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[-1] == "mailctl demo: step 2 ended with exit status 4; stopping here."


def _environment_of_a_fresh_user(tmp_path: Path) -> tuple[dict[str, str], list[Path]]:
    places = {name: tmp_path / name.lower() for name in
              ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "TMPDIR")}
    for path in places.values():
        path.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAILCTL_", "XDG_"))}
    env.update({name: str(path) for name, path in places.items()})
    env["PYTHONPATH"] = str(REPO)
    return env, list(places.values())


def test_the_tour_in_a_real_process_leaves_home_and_xdg_dirs_empty(tmp_path):
    env, places = _environment_of_a_fresh_user(tmp_path)
    result = subprocess.run([sys.executable, "-m", "mailctl", "demo"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert {str(path): sorted(p.name for p in path.iterdir()) for path in places} == {str(p): [] for p in places}
    # One stream, as on a terminal: each command line comes before what the command printed.
    out = result.stdout
    assert out.index("$ mailctl pop list example.com\n") < out.index("hello@example.com\t250\t0\tno\t-\t-\n") \
        < out.index("$ mailctl pop list example.com --json\n") < out.index('"address": "hello@example.com"')


def test_demo_help_starts_nothing():
    code = (
        "import io, sys\n"
        "from mailctl.cli import run\n"
        "from mailctl.environment import Environment\n"
        "out = io.StringIO()\n"
        "code = run(['demo', '--help'], Environment(stdout=out, stderr=io.StringIO()))\n"
        "loaded = [m for m in ('mailctl.emulator', 'mailctl.cli.tour', 'keyring') if m in sys.modules]\n"
        "print(code, 'guided tour' in out.getvalue(), loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True, timeout=60)
    assert result.stdout == "0 True []\n", result.stderr
