"""Fixtures for the mailbox lifecycle tests (pop show/set, alias list/add/remove, the
ensure flags): an emulator and, per provider, a logged-in default profile."""

from __future__ import annotations

import pytest

from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator

