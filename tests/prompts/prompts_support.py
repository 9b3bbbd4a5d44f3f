"""Helpers the prompts' tests share (kept out of conftest so they can be imported)."""

from __future__ import annotations

from urllib.parse import parse_qsl

SECRET = "demo-secret"  # the emulator's password of the DirectAdmin user demo
NO_KEYRING = "keyring.backends.fail.Keyring"


def config_dir(tmp_path):
    return tmp_path / "config" / "mailctl"


def da_calls(emu) -> list[tuple[str, str]]:
    """(path, action) of every DirectAdmin request the emulator saw."""
    return [(r.path, dict(parse_qsl(r.body.decode(), keep_blank_values=True)).get("action", ""))
            for r in emu.requests if r.provider == "directadmin"]
