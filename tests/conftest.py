"""Fixtures every test shares: an isolated config dir, an in-memory keyring, a way to run
the real CLI in-process with injected streams, and the emulator."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

import keyring
import pytest
from hypothesis import HealthCheck, settings

from mailctl.cli import run
from mailctl.environment import Environment
from mailctl.memory_keyring import MemoryKeyring

# No test is timed (the machines are shared and noisy): hypothesis's per-example deadline
# and its "too slow" health check would fail a property test for a slow moment, not for
# a wrong answer.
settings.register_profile("mailctl", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mailctl")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch) -> Iterator[MemoryKeyring]:
    # Retries still happen, they just don't wait half a second each.
    monkeypatch.setattr("mailctl.transport.DEFAULT_BACKOFF", 0.01)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in ("MAILCTL_SECRET", "MAILCTL_PROFILE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(isolated) -> MemoryKeyring:
    return isolated


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    prompts: list[str] = field(default_factory=list)

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error_json(self) -> Any:
        return json.loads(self.stderr.strip().splitlines()[-1])


def run_cli(*args: str, stdin: str = "", tty: bool = False, answers: list[str] | None = None,
            environ: dict[str, str] | None = None) -> Result:
    """Run `mailctl ARGS...` in-process. `tty` makes stdin/stdout look like a terminal;
    `answers` feed the hidden prompts in order; `environ` adds environment variables."""
    import os

    pending = list(answers or [])
    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        if not pending:
            raise AssertionError(f"unexpected prompt {prompt!r}")
        return pending.pop(0)

    stdout, stderr = io.StringIO(), io.StringIO()
    env = Environment(
        stdin=io.StringIO(stdin), stdout=stdout, stderr=stderr,
        stdin_isatty=tty, stdout_isatty=tty, stderr_isatty=tty,
        environ={**os.environ, **(environ or {})}, getpass=fake_getpass,
    )
    code = run(list(args), env)
    return Result(code, stdout.getvalue(), stderr.getvalue(), prompts)


@pytest.fixture
def cli():
    return run_cli
