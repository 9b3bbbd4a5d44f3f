"""`mailctl passwd ADDRESS [--self]`: change a mailbox password."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from mailctl import validation
from mailctl.cli.bulk_options import DryRun, FromFile, Jobs, ReportFile, ResumeFile, is_bulk, no_password_options
from mailctl.cli import provider_options as provider_opts
from mailctl.cli.options import Generate, PasswordFile, PasswordStdin, require_reset_help, self_service_help


@provider_opts.run_options
def passwd(
    ctx: typer.Context,
    address: Annotated[
        Optional[str], typer.Argument(help="The mailbox, local@domain (omit with --from-file).")
    ] = None,
    self_service: Annotated[
        bool,
        typer.Option("--self", help=self_service_help()),
    ] = False,
    old_password_file: Annotated[
        Optional[Path],
        typer.Option("--old-password-file", metavar="PATH", help="With --self: read the old password from PATH."),
    ] = None,
    require_reset: Annotated[
        bool, typer.Option("--require-reset", help=require_reset_help())
    ] = False,
    password_stdin: PasswordStdin = False,
    password_file: PasswordFile = None,
    generate: Generate = False,
    from_file: FromFile = None,
    jobs: Jobs = None,
    dry_run: DryRun = False,
    report: ReportFile = None,
    resume: ResumeFile = None,
    provider_options: dict = None,
) -> None:
    """Change a mailbox password. With --self and --password-stdin, stdin holds two lines:
    the old password, then the new one. With --from-file, change every password in FILE
    (columns address and password, or --generate with --report FILE)."""
    from mailctl.credentials import PasswordSource, _first_line, prompt_hidden, read_password_file
    from mailctl.errors import UsageError
    from mailctl.output import PASSWORD_COLUMNS, with_applied

    runtime = ctx.obj
    if is_bulk(address, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume):
        from mailctl.cli.bulk_run import BulkOptions, passwd_from_file

        if self_service or old_password_file is not None:
            raise UsageError("--self changes one mailbox with its old password; it does not go with --from-file")
        no_password_options(password_stdin, password_file)
        passwd_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, generate, provider_options),
                         require_reset=require_reset)
        return
    target = validation.address(address)
    if old_password_file is not None and not self_service:
        raise UsageError("--old-password-file goes with --self")
    if self_service and require_reset:
        raise UsageError("--require-reset cannot be combined with --self")
    source = PasswordSource(stdin=password_stdin, file=password_file, generate=generate)
    backend = runtime.backend(overrides=provider_options)
    backend.require("passwd --self" if self_service else "passwd")
    backend.check_password_change(require_reset=require_reset)  # before any password is typed

    old_password = None
    if self_service:
        if old_password_file is not None:
            old_password = read_password_file(old_password_file, "old password", warn=runtime.out.warn)
        elif password_stdin:
            old_password = _first_line(runtime.env.read_stdin_line(), "old password on stdin")
        else:
            old_password = prompt_hidden(runtime.env, f"Current password of {target}", confirm=False,
                                         remedy="use --old-password-file PATH, or --password-stdin with the old "
                                                "password on the first line and the new one on the second")
        runtime.register_secret(old_password)
    password, generated = source.read(runtime.env, f"New password for {target}", warn=runtime.out.warn)
    runtime.register_secret(password)

    if self_service:
        backend.change_password_self(target, old_password, password)
    else:
        backend.change_password(target, password, require_reset=require_reset)
    runtime.out.done(backend.spec, f"Changed the password of {target}")
    row = with_applied(backend.spec, {"address": str(target), "changed": True})
    if generated:
        row["password"] = password
    if generated or runtime.out.json:
        runtime.out.record(row, PASSWORD_COLUMNS)
