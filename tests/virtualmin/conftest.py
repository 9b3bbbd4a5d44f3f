"""Fixtures for the Virtualmin backend: an emulator and a profile logged in to it."""

from __future__ import annotations

import pytest

from mailctl.emulator import Emulator

SECRET = "demo-secret"


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def vm(cli, emu):
    """A default `vm` profile for master administrator demo, logged in; the request log
    is cleared afterwards so a test sees only its own requests."""
    result = cli("profile", "add", "vm", "--provider", "virtualmin", "--url", emu.url, "--user", "demo")
    assert result.exit_code == 0, result.stderr
    assert cli("session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    emu.clear_requests()
    return emu
