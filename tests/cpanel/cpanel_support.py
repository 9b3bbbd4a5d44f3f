"""Small helpers the cPanel/WHM tests share (kept out of conftest so they can be imported)."""

from __future__ import annotations

from urllib.parse import parse_qsl

SECRET = "demo-secret"  # the emulator's password (and token) for demo and root
# cPanel / WHM API tokens are 32 upper-case letters and digits; mailctl sends one as
# `Authorization: cpanel USER:TOKEN` and anything else as Basic auth (a password).
TOKEN = "A1B2C3D4E5F6G7H8J9K0L1M2N3P4Q5R6"
STRONG = "N3w-Mailbox-pass"


def bodies(emu, path: str) -> list[bytes]:
    return [r.body for r in emu.requests if r.path == path]


def form(record) -> dict[str, str]:
    return dict(parse_qsl(record.body.decode()))
