"""Helpers for the tests of the providers' input rules (a module of its own: test modules
cannot import conftest reliably)."""

from __future__ import annotations

from pathlib import Path

from mailctl.emulator import Emulator

SECRET = "demo-secret"  # every provider's login in the emulator's default world
USERS = {"directadmin": "demo", "cpanel": "demo", "whm": "root", "mailboxorg": "demo"}
PROVIDERS = tuple(USERS)
DOMAIN = "example.com"
NEW_PASSWORD = "N3w-Mailbox-pass"  # passes every emulated provider's password rule


def add_profile(cli, emu: Emulator, provider: str) -> None:
    """A profile named after the provider, made the default; no credentials stored."""
    result = cli("profile", "add", provider, "--provider", provider, "--url", emu.url, "--user", USERS[provider])
    assert result.exit_code == 0, result.stderr
    assert cli("profile", "use", provider).exit_code == 0


def log_in(cli, emu: Emulator, provider: str) -> None:
    """The provider's profile, default and logged in; the request log starts empty."""
    add_profile(cli, emu, provider)
    result = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    emu.clear_requests()


def mail_state(emu: Emulator, provider: str):
    """The emulator's state of the provider's mailboxes (WHM manages cPanel's)."""
    world = emu.state
    return {"directadmin": world.directadmin, "cpanel": world.cpanel, "whm": world.cpanel,
            "mailboxorg": world.mailboxorg}[provider]


def addresses(emu: Emulator, provider: str) -> list[str]:
    with emu.state.lock:
        return sorted(mail_state(emu, provider).addresses(DOMAIN))


def password_of(emu: Emulator, provider: str, address: str) -> str | None:
    with emu.state.lock:
        return mail_state(emu, provider).mailbox(address).password


def write_csv(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)
