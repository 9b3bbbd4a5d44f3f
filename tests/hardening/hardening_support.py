"""What the hardening tests share: the providers (from the one table, provider_table),
how to connect a profile to the emulator, and how to read stderr."""

from __future__ import annotations

import re

from provider_table import DEFAULT_MAILBOXES, DOMAIN, LOGIN, NEW_PASSWORD, PROVIDERS, SECRET  # noqa: F401
from provider_table import TABLE, add_profile, log_in, mail_state  # noqa: F401

NEW = "new@example.com"


def connect(cli, emu, provider: str, *, name: str | None = None, user: str | None = None,
            secret: str = SECRET, extra: tuple[str, ...] = ()) -> str:
    """Add a profile for `provider` on the emulator and log it in; the emulator's request
    log is cleared afterwards, so a test sees only its own requests. Returns the name."""
    name = log_in(cli, emu, provider, name=name, user=user, secret=secret, extra=extra)
    emu.clear_requests()
    return name


def add_profile_only(cli, emu, provider: str, *, name: str | None = None, extra: tuple[str, ...] = ()) -> str:
    """A profile for `provider` on the emulator, nothing stored for it yet."""
    return add_profile(cli, emu, provider, name=name, extra=extra)


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
