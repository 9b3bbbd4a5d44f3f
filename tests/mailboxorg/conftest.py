"""Fixtures for the mailbox.org backend tests: an emulator, a profile pointing at it, a
logged-in session, and a way to see which JSON-RPC calls went over the wire."""

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
def mbo(emu):
    """The emulator's mailbox.org state."""
    return emu.state.mailboxorg


@pytest.fixture
def profile(cli, emu):
    """A mailbox.org profile `x` for account demo, without stored credentials."""
    result = cli("profile", "add", "x", "--provider", "mailboxorg", "--url", emu.url, "--user", "demo")
    assert result.exit_code == 0, result.stderr
    return "x"


@pytest.fixture
def logged_in(cli, emu, profile):
    """Profile `x` logged in (secret and session stored); the request log starts empty."""
    result = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    emu.clear_requests()
    return profile


class Wire:
    """What went over the wire to the emulator's mailbox.org API."""

    def __init__(self, emulator: Emulator):
        self.emu = emulator

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.emu.requests if r.provider == "mailboxorg"]

    def calls(self) -> list[str]:
        """The JSON-RPC methods received, in order."""
        return [body["method"] for body in self.bodies()]

    def params(self, method: str) -> list[dict[str, Any]]:
        return [body["params"] for body in self.bodies() if body["method"] == method]

    def sessions_sent(self) -> list[str | None]:
        return [r.headers.get("hpls-auth") for r in self.emu.requests if r.provider == "mailboxorg"]


@pytest.fixture
def wire(emu) -> Wire:
    return Wire(emu)


class Keys:
    """The profile's entries in the in-memory keyring."""

    def __init__(self, keyring_store):
        self.store = keyring_store.store

    @property
    def secret(self) -> str | None:
        return self.store.get((SERVICE, "x"))

    @property
    def session(self) -> str | None:
        return self.store.get((SERVICE, "x:session"))


@pytest.fixture
def keys(memory_keyring) -> Keys:
    return Keys(memory_keyring)
