"""Fixtures for the mailbox lifecycle tests (pop show/set, alias list/add/remove, the
ensure flags): an emulator and, per provider, a logged-in default profile."""

from __future__ import annotations

import pytest

from lifecycle_support import Panel
from mailctl.emulator import Emulator
from provider_table import TABLE, log_in


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


def panel_for(cli, emu, provider: str) -> Panel:
    log_in(cli, emu, provider)
    cli("profile", "use", provider)
    emu.clear_requests()
    entry = TABLE[provider]
    if entry.lifecycle is None:
        pytest.fail(f"tests/provider_table.py: give {provider} a LifecycleState (its spec has lifecycle operations)")
    return Panel(provider, emu, entry.lifecycle)
