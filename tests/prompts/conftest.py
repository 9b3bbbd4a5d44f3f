"""Fixtures for the prompts' tests: the emulator, a DirectAdmin profile on it, and the
environment of a `mailctl` process on a real pseudo terminal (tests/pty_session.py) that
shares this test's config dir but has no OS keyring, as on a headless server."""

from __future__ import annotations

import os

import pytest

from mailctl.emulator import Emulator
from prompts_support import NO_KEYRING


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def terminal_env() -> dict[str, str]:
    """What a TerminalSession adds to the environment: this test's config and state dirs
    (the isolated fixture set them in os.environ) and a keyring backend that says there
    is none."""
    return {"XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"], "XDG_STATE_HOME": os.environ["XDG_STATE_HOME"],
            "PYTHON_KEYRING_BACKEND": NO_KEYRING}


@pytest.fixture
def da(cli, emu):
    """A default profile `da` for the emulator's DirectAdmin user demo."""
    result = cli("profile", "add", "da", "--provider", "directadmin", "--url", emu.url, "--user", "demo")
    assert result.exit_code == 0, result.stderr
    emu.clear_requests()
    return emu
