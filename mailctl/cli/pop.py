"""`mailctl pop ...`: list, create and delete mailboxes."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from mailctl import validation
from mailctl.cli.bulk_options import (
    AllDomains, DryRun, FromFile, Jobs, ListJobs, ReportFile, ResumeFile, is_bulk, no_password_options,
)
from mailctl.cli import provider_options as provider_opts
from mailctl.cli.options import Generate, PasswordFile, PasswordStdin, keep_data_help
from mailctl.errors import AuthError, MailctlError, PartialFailure, TransportError, UsageError

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # plain help: see app.py


@app.command("list")
@provider_opts.run_options
def list_(
    ctx: typer.Context,
    domain: Annotated[
        Optional[str], typer.Argument(help="The domain whose mailboxes to list (omit with --all-domains).")
    ] = None,
    all_domains: AllDomains = False,
    jobs: ListJobs = None,
    provider_options: dict = None,
) -> None:
    """List the mailboxes of a domain, with quota and usage where the panel reports them."""
    from mailctl.output import mailbox_columns

    runtime = ctx.obj
    if all_domains or domain is None:
        _list_all_domains(runtime, domain, all_domains, jobs, provider_options)
        return
    if jobs is not None:
        raise UsageError("--jobs goes with --all-domains")
    name = validation.domain(domain)
    backend = runtime.backend(overrides=provider_options)
    mailboxes = backend.list_mailboxes(name)
    runtime.out.records([m.to_json() for m in mailboxes], mailbox_columns(backend.spec))


def _list_all_domains(runtime, domain: str | None, all_domains: bool, jobs: int | None, overrides: dict) -> None:
    from mailctl.cli.listing import DEFAULT_JOBS, list_all
    from mailctl.output import mailbox_columns

    if domain is not None:
        raise UsageError("give either DOMAIN or --all-domains, not both")
    if not all_domains:
        raise UsageError("missing DOMAIN (or --all-domains for every domain)")
    backend = runtime.backend(overrides=overrides)
    mailboxes, failed = list_all(runtime, backend, jobs=jobs or DEFAULT_JOBS)
    runtime.out.records([m.to_json() for m in mailboxes], mailbox_columns(backend.spec))
    if failed:
        raise PartialFailure(f"{len(failed)} domain(s) could not be listed: {', '.join(failed)}")


@app.command("create")
@provider_opts.create_options
@provider_opts.run_options
def create(
    ctx: typer.Context,
    address: Annotated[
        Optional[str], typer.Argument(help="The new mailbox, local@domain (omit with --from-file).")
    ] = None,
    quota: Annotated[
        Optional[str], typer.Option("--quota", metavar="MB", help="Quota in MB; 0 or 'unlimited' for none.")
    ] = None,
    password_stdin: PasswordStdin = False,
    password_file: PasswordFile = None,
    generate: Generate = False,
    from_file: FromFile = None,
    jobs: Jobs = None,
    dry_run: DryRun = False,
    report: ReportFile = None,
    resume: ResumeFile = None,
    create_options: dict = None,
    provider_options: dict = None,
) -> None:
    """Create a mailbox. The password is prompted for (twice), read from stdin or a file,
    or generated -- never taken from the command line. With --from-file, create every
    mailbox listed in FILE (columns: address, password, quota, and the provider's own
    create options by name, e.g. send_limit; the options give defaults)."""
    from dataclasses import replace

    from mailctl.bulk.operations import CreateDefaults
    from mailctl.credentials import PasswordSource
    from mailctl.output import CREATED_COLUMNS

    runtime = ctx.obj
    overrides = provider_options
    bulk = is_bulk(address, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume)
    target = None if bulk else validation.address(address)
    defaults = CreateDefaults(validation.quota_mb(quota), create_options)
    if bulk:
        from mailctl.cli.bulk_run import BulkOptions, create_from_file

        no_password_options(password_stdin, password_file)
        create_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, generate, overrides), defaults)
        return
    source = PasswordSource(stdin=password_stdin, file=password_file, generate=generate)
    backend = runtime.backend(overrides=overrides)
    backend.require("pop create")
    new = defaults.new_mailbox(target)
    # Before the password is asked for: a name or option the provider refuses must not
    # cost the user a password typed twice.
    backend.check_new_mailbox(new)
    password, generated = source.read(runtime.env, f"Password for {target}")
    runtime.register_secret(password)
    mailbox = backend.create_mailbox(replace(new, password=password))
    runtime.out.message(f"Created {mailbox.address}")
    row = {**mailbox.to_json(), "created": True}
    if generated:
        row["password"] = password
    if generated or runtime.out.json:
        runtime.out.record(row, CREATED_COLUMNS)


@app.command("delete")
@provider_opts.run_options
def delete(
    ctx: typer.Context,
    addresses: Annotated[
        Optional[List[str]],
        typer.Argument(help="Mailboxes to delete, local@domain (omit with --from-file).", metavar="ADDRESS..."),
    ] = None,
    keep_data: Annotated[
        bool, typer.Option("--keep-data", help=keep_data_help())
    ] = False,
    from_file: FromFile = None,
    jobs: Jobs = None,
    dry_run: DryRun = False,
    report: ReportFile = None,
    resume: ResumeFile = None,
    provider_options: dict = None,
) -> None:
    """Delete mailboxes and the mail in them, after confirmation (--yes to skip it). With
    --from-file, delete every mailbox in FILE's address column (one confirmation)."""
    from mailctl.output import RESULT_COLUMNS

    runtime = ctx.obj
    if is_bulk(addresses, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume):
        from mailctl.cli.bulk_run import BulkOptions, delete_from_file

        delete_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, False, provider_options),
                         keep_data=keep_data)
        return
    targets = list(dict.fromkeys(validation.address(a) for a in addresses))
    backend = runtime.backend(overrides=provider_options)
    backend.require("pop delete")
    backend.check_delete(keep_data=keep_data)
    runtime.confirm(_delete_question([str(t) for t in targets], keep_data))

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


def _delete_question(addresses: list[str], keep_data: bool) -> str:
    from mailctl.output import short_list

    if len(addresses) == 1:
        what, pronoun = addresses[0], "it"
    else:
        what, pronoun = f"{len(addresses)} mailboxes ({short_list(addresses)})", "them"
    if keep_data:
        return f"Delete {what}, keeping the mail files on disk?"
    return f"Delete {what} and ALL MAIL in {pronoun}?"
