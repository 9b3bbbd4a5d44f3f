"""Helpers for the tests of the providers' input rules (a module of its own: test modules
cannot import conftest reliably)."""

from __future__ import annotations

from pathlib import Path

from mailctl.emulator import Emulator

from provider_table import DOMAIN, NEW_PASSWORD, PROVIDERS, SECRET, mail_state  # noqa: F401
from provider_table import add_profile as _add_profile
from provider_table import log_in as _log_in


def add_profile(cli, emu: Emulator, provider: str) -> None:
    """A profile named after the provider, made the default; no credentials stored."""
    _add_profile(cli, emu, provider)
    assert cli("profile", "use", provider).exit_code == 0


def log_in(cli, emu: Emulator, provider: str) -> None:
    """The provider's profile, default and logged in; the request log starts empty."""
    _log_in(cli, emu, provider)
    assert cli("profile", "use", provider).exit_code == 0
    emu.clear_requests()


def addresses(emu: Emulator, provider: str) -> list[str]:
    with emu.state.lock:
        return sorted(mail_state(emu, provider).addresses(DOMAIN))


def password_of(emu: Emulator, provider: str, address: str) -> str | None:
    with emu.state.lock:
        return mail_state(emu, provider).mailbox(address).password


def write_csv(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)
