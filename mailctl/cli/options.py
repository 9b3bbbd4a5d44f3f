"""Option declarations shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the new password from the first line of stdin.")
]
PasswordFile = Annotated[
    Optional[Path],
    typer.Option("--password-file", metavar="PATH", help="Read the new password from the first line of PATH."),
]
Generate = Annotated[
    bool, typer.Option("--generate", help="Generate a strong random password and print it once.")
]


def _who(has) -> str:
    """The providers a capability is for (a predicate on a spec), as help text says it."""
    from mailctl import providers

    return providers.labels([spec for spec in providers.specs() if has(spec)])


def keep_data_help() -> str:
    return f"{_who(lambda spec: spec.keep_data)}: keep the mail files on disk."


def require_reset_help() -> str:
    return f"{_who(lambda spec: spec.require_reset)}: make the user choose a new password at next login."


def self_service_help() -> str:
    return (f"{_who(lambda spec: spec.supports('passwd --self'))}: change it as the mailbox owner, with the old "
            "password (no panel login needed).")
