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
CpanelUser = Annotated[
    Optional[str],
    typer.Option("--cpanel-user", metavar="USER",
                 help="WHM: the cPanel account to act on (default: the domain's owner)."),
]
