"""`mailctl account passwd USER`: a hosting account's login password."""

from typing import Annotated

import typer

from mailctl import validation
from mailctl.cli.options import Generate, PasswordFile, PasswordStdin

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # plain help: see app.py


@app.command("passwd")
def passwd(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(help="The hosting account's user name.")],
    no_db: Annotated[
        bool, typer.Option("--no-db", help="Leave the account's database (MySQL) password unchanged.")
    ] = False,
    password_stdin: PasswordStdin = False,
    password_file: PasswordFile = None,
    generate: Generate = False,
) -> None:
    """Change a hosting account's login password (where the panel lets the profile's login
    do it: an administrator or reseller)."""
    from mailctl.credentials import PasswordSource
    from mailctl.output import ACCOUNT_PASSWORD_COLUMNS, with_applied

    runtime = ctx.obj
    user = validation.account_user(user)
    source = PasswordSource(stdin=password_stdin, file=password_file, generate=generate)
    backend = runtime.backend()
    backend.require("account passwd")
    password, generated = source.read(runtime.env, f"New password for account {user}", warn=runtime.out.warn)
    runtime.register_secret(password)
    result = backend.change_account_password(user, password, update_db=not no_db)
    services = ", ".join(result.services) or "the login"
    runtime.out.done(backend.spec, f"Changed the password of account {user} ({services})")
    row = with_applied(backend.spec, result.to_json())
    if generated:
        row["password"] = password
    if generated or runtime.out.json:
        runtime.out.record(row, ACCOUNT_PASSWORD_COLUMNS)
