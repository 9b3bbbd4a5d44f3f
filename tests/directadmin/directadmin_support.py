"""Helpers the DirectAdmin tests share (kept out of conftest so they can be imported)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl

SECRET = "demo-secret"  # the emulator's password of demo and admin
MAILBOX_SECRET = "mailbox-secret"  # the emulator's password of its default mailboxes
STRONG = "N3w-Mailbox-pass"  # passes the emulator's password rule
STRONGER = "An0ther-Mailbox-pass"


def form(record) -> dict[str, str]:
    return dict(parse_qsl(record.body.decode(), keep_blank_values=True))


def calls(emu, path: str | None = None) -> list:
    """The DirectAdmin requests the emulator saw (only those to `path` when given)."""
    return [r for r in emu.requests if r.provider == "directadmin" and (path is None or r.path == path)]


def actions(emu) -> list[tuple[str, str]]:
    """(path, action) of every DirectAdmin request, in order."""
    return [(r.path, form(r).get("action", "")) for r in calls(emu)]


def basic_user(record) -> str | None:
    """The user name in a request's Basic Authorization header, None without one."""
    header = record.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    assert scheme.lower() == "basic"
    return base64.b64decode(value).decode().partition(":")[0]

def add_profile(cli, emu, name: str, user: str, *extra: str) -> None:
    result = cli("profile", "add", name, "--provider", "directadmin", "--url", emu.url, "--user", user, *extra)
    assert result.exit_code == 0, result.stderr
