"""What the Plesk tests share: the default world's secret and a profile on the emulator."""

from __future__ import annotations

SECRET = "demo-secret"


def add_profile(cli, emu, name: str = "x", user: str = "demo", *extra: str) -> str:
    """A Plesk profile on the emulator, without stored credentials."""
    result = cli("profile", "add", name, "--provider", "plesk", "--url", emu.url, "--user", user, *extra)
    assert result.exit_code == 0, result.stderr
    return name
