"""Fixtures for the Python API: one emulator per test and a Client per provider."""

from __future__ import annotations

import pytest

from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator
