"""Fixtures every test shares: an isolated config dir, an in-memory keyring, a way to run
the real CLI in-process with injected streams, and the emulator."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest

from mailctl.cli import run
from mailctl.environment import Environment


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict, so tests never touch the developer's real one."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError(username)
        del self.store[(service, username)]


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
