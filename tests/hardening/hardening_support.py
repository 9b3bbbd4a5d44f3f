"""What the hardening tests share: the four providers as the emulator's default world
serves them, how to connect a profile to it, and how to read stderr."""

from __future__ import annotations

import re

PROVIDERS = ("directadmin", "cpanel", "whm", "mailboxorg")
# The user each provider's profile logs in as in the emulator's default world.
LOGIN = {"directadmin": "demo", "cpanel": "demo", "whm": "root", "mailboxorg": "demo"}
SECRET = "demo-secret"
DOMAIN = "example.com"
DEFAULT_MAILBOXES = ["info@example.com", "sales@example.com"]
NEW = "new@example.com"
NEW_PASSWORD = "N3w-Mailbox-pass"


def connect(cli, emu, provider: str, *, name: str | None = None, user: str | None = None,
            secret: str = SECRET, extra: tuple[str, ...] = ()) -> str:
    """Add a profile for `provider` on the emulator and log it in; the emulator's request
    log is cleared afterwards, so a test sees only its own requests. Returns the name."""
    name = name or provider
    added = cli("profile", "add", name, "--provider", provider, "--url", emu.url,
                "--user", user or LOGIN[provider], *extra)
    assert added.exit_code == 0, added.stderr
    login = cli("-p", name, "session", "login", "--secret-stdin", stdin=secret + "\n")
    assert login.exit_code == 0, login.stderr
    emu.clear_requests()
    return name


def mail_state(emu, provider: str):
    """The emulator's mailboxes as `provider` manages them (WHM manages cPanel's)."""
    return getattr(emu.state, "cpanel" if provider == "whm" else provider)


def assert_one_error_line(stderr: str) -> str:
    """stderr of a failed command: one `mailctl: error:` line, then only the error's
    indented detail lines -- or, after a mistake on the command line itself, the usual
    pointer to --help -- and never a traceback. Returns the error line."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines and lines[0].startswith("mailctl: error: "), stderr
    rest = lines[1:]
    if rest and re.fullmatch(r"Try 'mailctl[a-z ]*--help' for help\.", rest[-1]):
        rest = rest[:-1]
    assert all(line.startswith("  ") for line in rest), stderr
    return lines[0]
