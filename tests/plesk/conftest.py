"""Fixtures for the Plesk tests: an emulator, a logged-in profile, and the XML packets
that went over the wire."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from mailctl.emulator import Emulator

from plesk_support import SECRET, add_profile


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def plesk(emu):
    return emu.state.plesk


@pytest.fixture
def logged_in(cli, emu):
    """Profile `x` (customer demo) logged in; the request log starts empty."""
    add_profile(cli, emu)
    result = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    emu.clear_requests()
    return "x"


@pytest.fixture
def packets(emu):
    """The request packets the emulator received, parsed."""
    def read() -> list[ET.Element]:
        return [ET.fromstring(r.body) for r in emu.requests if r.provider == "plesk"]
    return read
