"""Fixtures for the output tests: an emulator with a DirectAdmin profile logged in."""

from __future__ import annotations

import pytest

from mailctl.emulator import Emulator

SECRET = "demo-secret"


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def da(cli, emu):
    added = cli("profile", "add", "da", "--provider", "directadmin", "--url", emu.url, "--user", "demo")
    assert added.exit_code == 0, added.stderr
    assert cli("session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    return emu
