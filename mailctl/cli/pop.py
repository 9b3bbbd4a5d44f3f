"""`mailctl pop ...`: list, create and delete mailboxes."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from mailctl import validation
from mailctl.cli.options import CpanelUser, Generate, PasswordFile, PasswordStdin
from mailctl.errors import AuthError, MailctlError, PartialFailure, TransportError, UsageError

app = typer.Typer(no_args_is_help=True)

PLANS = ("light", "standard", "premium")


@app.command("list")
def list_(
    ctx: typer.Context,
    domain: Annotated[str, typer.Argument(help="The domain whose mailboxes to list.")],
    cpanel_user: CpanelUser = None,
) -> None:
    """List the mailboxes of a domain, with quota and usage where the panel reports them."""
    from mailctl.output import MAILBOX_COLUMNS, MAILBOXORG_COLUMNS

    runtime = ctx.obj
    name = validation.domain(domain)
    backend = runtime.backend(cpanel_user=cpanel_user)
    mailboxes = backend.list_mailboxes(name)
    columns = MAILBOXORG_COLUMNS if backend.provider == "mailboxorg" else MAILBOX_COLUMNS
    runtime.out.records([m.to_json() for m in mailboxes], columns)


@app.command("create")
def create(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The new mailbox, local@domain.")],
    quota: Annotated[
        Optional[str], typer.Option("--quota", metavar="MB", help="Quota in MB; 0 or 'unlimited' for none.")
    ] = None,
    send_limit: Annotated[
        Optional[int], typer.Option("--send-limit", metavar="N", help="DirectAdmin: messages per day (server default if omitted).")
    ] = None,
    plan: Annotated[
        Optional[str], typer.Option("--plan", metavar="light|standard|premium", help="mailbox.org: the mailbox plan (default: standard).")
    ] = None,
    first_name: Annotated[
        Optional[str], typer.Option("--first-name", help="mailbox.org: owner's first name (default: the local part).")
    ] = None,
    last_name: Annotated[
        Optional[str], typer.Option("--last-name", help="mailbox.org: owner's last name (default: the domain).")
    ] = None,
    password_stdin: PasswordStdin = False,
    password_file: PasswordFile = None,
    generate: Generate = False,
    cpanel_user: CpanelUser = None,
) -> None:
    """Create a mailbox. The password is prompted for (twice), read from stdin or a file,
    or generated -- never taken from the command line."""
    from mailctl.credentials import PasswordSource
    from mailctl.models import NewMailbox
    from mailctl.output import CREATED_COLUMNS

    runtime = ctx.obj
    target = validation.address(address)
    quota_mb = validation.quota_mb(quota)
    validation.positive_int("--send-limit", send_limit)
    if plan is not None and plan not in PLANS:
        raise UsageError(f"--plan must be one of {', '.join(PLANS)}")
    source = PasswordSource(stdin=password_stdin, file=password_file, generate=generate)
    backend = runtime.backend(cpanel_user=cpanel_user)
    backend.require("create_mailbox", "pop create")
    password, generated = source.read(runtime.env, f"Password for {target}")
    runtime.register_secret(password)
    new = NewMailbox(str(target), password, quota_mb=quota_mb, send_limit=send_limit, plan=plan,
                     first_name=first_name, last_name=last_name)
    mailbox = backend.create_mailbox(new)
    runtime.out.message(f"Created {mailbox.address}")
    row = {**mailbox.to_json(), "created": True}
    if generated:
        row["password"] = password
    if generated or runtime.out.json:
        runtime.out.record(row, CREATED_COLUMNS)


@app.command("delete")
def delete(
    ctx: typer.Context,
    addresses: Annotated[List[str], typer.Argument(help="Mailboxes to delete, local@domain.", metavar="ADDRESS...")],
    keep_data: Annotated[
        bool, typer.Option("--keep-data", help="cPanel: keep the mail files on disk.")
    ] = False,
    cpanel_user: CpanelUser = None,
) -> None:
    """Delete mailboxes and the mail in them, after confirmation (--yes to skip it)."""
    from mailctl.output import RESULT_COLUMNS

    runtime = ctx.obj
    targets = list(dict.fromkeys(validation.address(a) for a in addresses))
    backend = runtime.backend(cpanel_user=cpanel_user)
    backend.require("delete_mailbox", "pop delete")
    if keep_data and not backend.supports_keep_data:
        raise UsageError(f"--keep-data: {backend.provider} always deletes the mail with the mailbox")
    what = ", ".join(str(t) for t in targets[:3]) + (f" and {len(targets) - 3} more" if len(targets) > 3 else "")
    consequence = "keeping the mail files on disk" if keep_data else "and ALL MAIL in them"
    runtime.confirm(f"Delete {what} {consequence}?".replace("  ", " "))

    if len(targets) == 1:
        backend.delete_mailbox(targets[0], keep_data=keep_data)
        runtime.out.message(f"Deleted {targets[0]}")
        if runtime.out.json:
            runtime.out.records([{"address": str(targets[0]), "outcome": "deleted", "error": None}], RESULT_COLUMNS)
        return

    # Several mailboxes: a refusal for one does not stop the others; credentials or the
    # connection failing does, since every further request would fail the same way.
    results = []
    for target in targets:
        try:
            backend.delete_mailbox(target, keep_data=keep_data)
        except (AuthError, TransportError):
            raise
        except MailctlError as exc:
            results.append({"address": str(target), "outcome": "failed", "error": exc.message})
            runtime.out.message(f"Failed {target}: {exc.message}")
        else:
            results.append({"address": str(target), "outcome": "deleted", "error": None})
            runtime.out.message(f"Deleted {target}")
    failed = [r for r in results if r["outcome"] == "failed"]
    if runtime.out.json or failed:
        runtime.out.records(results, RESULT_COLUMNS)
    if failed:
        raise PartialFailure(f"{len(failed)} of {len(results)} mailboxes could not be deleted")
