"""Fixtures for the providers' input-rule tests: an emulator and a way to log in to it as
any provider."""

from __future__ import annotations

import pytest

from checks_support import log_in
from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def logged_in(cli, emu):
    """logged_in(provider): that provider's profile, default and logged in, with an empty
    request log; returns the emulator."""

    def login(provider: str) -> Emulator:
        log_in(cli, emu, provider)
        return emu

    return login
