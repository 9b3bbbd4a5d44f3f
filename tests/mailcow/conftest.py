"""Fixtures for the mailcow tests: an emulator, a profile pointing at it (logged in with
the read-write or the read-only key), and what went over the wire."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mailctl.emulator import Emulator
from mailcow_support import RO_KEY, RW_KEY, SERVICE


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def mc(emu):
    """The emulator's mailcow state."""
    return emu.state.mailcow


@pytest.fixture
def profile(cli, emu):
    """A mailcow profile `x`, without a stored key."""
    result = cli("profile", "add", "x", "--provider", "mailcow", "--url", emu.url, "--user", "admin")
    assert result.exit_code == 0, result.stderr
    return "x"


def _login(cli, emu, key: str) -> None:
    result = cli("session", "login", "--secret-stdin", stdin=key + "\n")
    assert result.exit_code == 0, result.stderr
    emu.clear_requests()


@pytest.fixture
def logged_in(cli, emu, profile):
    """Profile `x` with the read-write key stored; the request log starts empty."""
    _login(cli, emu, RW_KEY)
    return profile


@pytest.fixture
def read_only(cli, emu, profile):
    """Profile `x` with the read-only key stored; the request log starts empty."""
    _login(cli, emu, RO_KEY)
    return profile


class Wire:
    """What went over the wire to the emulator's mailcow API."""

    def __init__(self, emulator: Emulator):
        self.emu = emulator

    def requests(self) -> list:
        return [r for r in self.emu.requests if r.provider == "mailcow"]

    def calls(self) -> list[str]:
        """`METHOD path` of each request, the /api/v1 prefix dropped."""
        return [f"{r.method} {r.path.removeprefix('/api/v1/')}" for r in self.requests()]

    def bodies(self, path: str) -> list[Any]:
        return [json.loads(r.body) for r in self.requests() if r.path == f"/api/v1/{path}"]


@pytest.fixture
def wire(emu) -> Wire:
    return Wire(emu)


@pytest.fixture
def stored_key(memory_keyring):
    return lambda: memory_keyring.store.get((SERVICE, "x"))
