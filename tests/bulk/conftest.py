"""Fixtures for the bulk-run tests: an emulator and a logged-in profile per provider."""

from __future__ import annotations

import pytest

from bulk_support import PROVIDERS, Panel, login
from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(params=PROVIDERS)
def panel(request, cli, emu) -> Panel:
    """A default profile for each provider in turn, logged in; the request log empty."""
    login(cli, emu, request.param)
    cli("profile", "use", request.param)
    emu.clear_requests()
    return Panel(request.param, emu)


@pytest.fixture
def cpanel(cli, emu) -> Panel:
    login(cli, emu, "cpanel")
    emu.clear_requests()
    return Panel("cpanel", emu)


@pytest.fixture
def mailboxorg(cli, emu) -> Panel:
    login(cli, emu, "mailboxorg")
    emu.clear_requests()
    return Panel("mailboxorg", emu)
