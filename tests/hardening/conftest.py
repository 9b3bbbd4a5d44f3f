"""Fixtures for the hardening tests: one emulator per test, so faults, state and the
request log never leak from one case into the next."""

from __future__ import annotations

import pytest

from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator
