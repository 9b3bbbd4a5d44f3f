"""Fixtures for the cPanel and WHM backends: an emulator, profiles logged in to it, and a
way to make the emulator's UAPI answers carry warnings or several errors (it has no
switch for those; see `answers_patched`)."""

from __future__ import annotations

import pytest

from cpanel_support import TOKEN
from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        emulator.state.cpanel.accounts["demo"].tokens.append(TOKEN)
        emulator.state.whm.users["root"].tokens.append(TOKEN)
        yield emulator


@pytest.fixture
def cpanel(cli, emu):
    """A default `cp` profile for account demo, logged in with an API token."""
    assert cli("profile", "add", "cp", "--provider", "cpanel", "--url", emu.url, "--user", "demo").exit_code == 0
    assert cli("session", "login", "--secret-stdin", stdin=TOKEN + "\n").exit_code == 0
    emu.clear_requests()
    return emu


@pytest.fixture
def whm(cli, emu):
    """A default `w` profile for WHM user root, logged in with an API token."""
    assert cli("profile", "add", "w", "--provider", "whm", "--url", emu.url, "--user", "root").exit_code == 0
    assert cli("session", "login", "--secret-stdin", stdin=TOKEN + "\n").exit_code == 0
    emu.clear_requests()
    return emu


@pytest.fixture
def answers_patched(monkeypatch):
    """Make every UAPI answer (direct, or inside WHM's uapi_cpanel) pass through
    `edit(answer, function) -> answer`; returns a setter for `edit`."""
    import mailctl.emulator.cpanel as emulated

    original = emulated.call_uapi
    edits = []

    def call_uapi(world, account, module, function, args):
        answer = original(world, account, module, function, args)
        for edit in edits:
            answer = edit(answer, function)
        return answer

    monkeypatch.setattr(emulated, "call_uapi", call_uapi)
    return edits.append

