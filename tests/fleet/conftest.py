"""Fixtures for the estate tests: one emulator per test."""

from __future__ import annotations

import pytest

from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator
