"""Fixtures for the ISPConfig tests: an emulator, a profile on it, a logged-in session,
and the remote functions that went over the wire."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mailctl.emulator import Emulator

SECRET = "demo-secret"
SERVICE = "mailctl"


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def isp(emu):
    return emu.state.ispconfig


@pytest.fixture
def profile(cli, emu):
    result = cli("profile", "add", "x", "--provider", "ispconfig", "--url", emu.url, "--user", "demo")
    assert result.exit_code == 0, result.stderr
    return "x"


@pytest.fixture
def logged_in(cli, emu, profile):
    result = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    emu.clear_requests()
    return profile


class Wire:
    def __init__(self, emulator: Emulator):
        self.emu = emulator

    def requests(self):
        return [r for r in self.emu.requests if r.provider == "ispconfig"]

    def calls(self) -> list[str]:
        """The remote functions called, in order (the query string's first key)."""
        return [r.query.split("&", 1)[0] for r in self.requests()]

    def bodies(self, function: str) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.requests() if r.query.split("&", 1)[0] == function]


@pytest.fixture
def wire(emu) -> Wire:
    return Wire(emu)


@pytest.fixture
def session_of(memory_keyring):
    return lambda: memory_keyring.store.get((SERVICE, "x:session"))
