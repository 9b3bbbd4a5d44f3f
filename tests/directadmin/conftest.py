"""Fixtures for the DirectAdmin backend: an emulator, a profile logged in to it, and the
two answer formats the backend must read.

The backend asks for `json=yes`; an older server ignores that field and answers
url-encoded. The emulator honours the field whenever it is sent and has no switch for a
server that ignores it, so the url-encoded variant is played by not sending it
(`ASK_FOR_JSON = False`), which puts exactly those answers on the wire."""

from __future__ import annotations

import pytest

from directadmin_support import SECRET, add_profile
from mailctl.emulator import Emulator


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(params=["json", "urlencoded"])
def answer_format(request, monkeypatch) -> str:
    monkeypatch.setattr("mailctl.backends.directadmin.ASK_FOR_JSON", request.param == "json")
    return request.param


@pytest.fixture
def da(cli, emu, answer_format):
    """A default `da` profile for user demo, logged in; the emulator's request log is
    cleared afterwards so a test sees only its own requests."""
    add_profile(cli, emu, "da", "demo")
    assert cli("session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    emu.clear_requests()
    return emu


