"""`mailctl pop ...`: list, show, create, change and delete mailboxes."""

from typing import Annotated, List, Optional

import typer

from mailctl import validation
from mailctl.cli.bulk_options import (
    AllDomains, DryRun, FromFile, Jobs, ListJobs, ReportFile, ResumeFile, is_bulk, no_password_options,
)
from mailctl.cli import provider_options as provider_opts
from mailctl.cli.options import Generate, PasswordFile, PasswordStdin, keep_data_help
from mailctl.errors import AuthError, MailctlError, NotFound, PartialFailure, ProviderRefused, TransportError, UsageError
from mailctl.providers.base import QUOTA_HELP

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
    """List the mailboxes of a domain, with quota and usage where the panel reports them.

    In a pipe (plain output) each mailbox is one line of tab-separated fields, the same
    fields in the same order for every provider: address, quota (MB, or unlimited), used
    (bytes), suspended (yes or no), plan, restrictions (separated by commas, or none). A field
    the provider does not have is '-' (null in --json). A table shows the fields the
    provider has, in the same order; with several profiles, the profile comes first."""
    from mailctl.output import mailbox_columns

    runtime = ctx.obj
    if runtime.several_profiles:
        _list_across_profiles(runtime, domain, all_domains, jobs, provider_options)
        return
    if all_domains or domain is None:
        _list_all_domains(runtime, domain, all_domains, jobs, provider_options)
        return
    if jobs is not None:
        raise UsageError("--jobs goes with --all-domains")
    name = validation.domain(domain)
    backend = runtime.backend(overrides=provider_options)
    mailboxes = backend.list_mailboxes(name)
    runtime.out.records([m.to_json() for m in mailboxes], mailbox_columns(backend.spec, table=runtime.out.table),
                        empty=f"No mailboxes in {name} yet: mailctl pop create info@{name} --generate")


def _list_across_profiles(runtime, domain: str | None, all_domains: bool, jobs: int | None, overrides: dict) -> None:
    """pop list on several profiles at once: DOMAIN on each, or every domain of each."""
    from mailctl.cli import fleet
    from mailctl.output import UNKNOWN, fleet_mailbox_columns

    if (domain is None) == (not all_domains):
        raise UsageError("give either DOMAIN or --all-domains" if domain is None
                         else "give either DOMAIN or --all-domains, not both")
    name = validation.domain(domain) if domain is not None else None
    profiles = runtime.selected_profiles()
    specs = {}

    def read(profile) -> list[dict]:
        backend = runtime.backend(profile, overrides=overrides)
        specs[profile.name] = backend.spec
        domains = [name] if name is not None else [d.name for d in backend.list_domains()]
        rows = [box.to_json() for each in domains for box in backend.list_mailboxes(each)]
        if not backend.spec.takes_quota and not runtime.out.json:
            for row in rows:
                row["quota_mb"] = UNKNOWN
        return rows

    rows, failures = fleet.across(runtime, profiles, read, jobs=jobs)
    runtime.out.records(rows, fleet_mailbox_columns([specs[p.name] for p in profiles if p.name in specs],
                                                     table=runtime.out.table),
                        empty=None if failures else "No mailboxes on these profiles yet: mailctl -p NAME pop create ADDRESS")
    fleet.finish(runtime, failures, len(profiles))


def _list_all_domains(runtime, domain: str | None, all_domains: bool, jobs: int | None, overrides: dict) -> None:
    from mailctl.cli.listing import DEFAULT_JOBS, list_all
    from mailctl.output import mailbox_columns

    if domain is not None:
        raise UsageError("give either DOMAIN or --all-domains, not both")
    if not all_domains:
        raise UsageError("missing DOMAIN (or --all-domains for every domain)")
    backend = runtime.backend(overrides=overrides)
    mailboxes, failed = list_all(runtime, backend, jobs=jobs or DEFAULT_JOBS)
    runtime.out.records([m.to_json() for m in mailboxes], mailbox_columns(backend.spec, table=runtime.out.table),
                        empty=None if failed else "No mailboxes in any domain yet: mailctl pop create ADDRESS --generate")
    if failed:
        raise PartialFailure(f"{len(failed)} domain(s) could not be listed: {', '.join(failed)}")


@app.command("show")
@provider_opts.run_options
def show(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The mailbox, local@domain.")],
    provider_options: dict = None,
) -> None:
    """Show one mailbox: quota, usage, suspension (what is restricted) and the aliases
    that deliver to it, where the panel links them. A missing mailbox is exit 3.

    In a pipe: one line with pop list's fields, then aliases (separated by commas, none, or
    '-' where the panel does not link them)."""
    from mailctl.output import mailbox_detail_columns

    runtime = ctx.obj
    target = validation.address(address)
    backend = runtime.backend(overrides=provider_options)
    backend.require("pop show")
    mailbox = backend.get_mailbox(target)
    runtime.out.record(mailbox.to_json(), mailbox_detail_columns(backend.spec, table=runtime.out.table))


@app.command("create")
@provider_opts.create_options
@provider_opts.run_options
def create(
    ctx: typer.Context,
    address: Annotated[
        Optional[str], typer.Argument(help="The new mailbox, local@domain (omit with --from-file).")
    ] = None,
    quota: Annotated[
        Optional[str], typer.Option("--quota", metavar="MB", help=QUOTA_HELP)
    ] = None,
    exists_ok: Annotated[
        bool, typer.Option("--exists-ok", help="An existing mailbox is 'exists', exit 0, and left as it is.")
    ] = False,
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
    from mailctl.output import CREATED_COLUMNS, with_applied

    runtime = ctx.obj
    overrides = provider_options
    bulk = is_bulk(address, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume)
    target = None if bulk else validation.address(address)
    defaults = CreateDefaults(validation.quota_mb(quota), create_options)
    if bulk:
        from mailctl.cli.bulk_run import BulkOptions, create_from_file

        no_password_options(password_stdin, password_file)
        create_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, generate, overrides), defaults,
                         exists_ok=exists_ok)
        return
    source = PasswordSource(stdin=password_stdin, file=password_file, generate=generate)
    backend = runtime.backend(overrides=overrides)
    backend.require("pop create")
    new = defaults.new_mailbox(target)
    # Before the password is asked for: a name or option the provider refuses must not
    # cost the user a password typed twice.
    backend.check_new_mailbox(new)
    if exists_ok and _report_existing(runtime, backend.find_mailbox(target)):
        return
    password, generated = source.read(runtime.env, f"Password for {target}", warn=runtime.out.warn)
    runtime.register_secret(password)
    try:
        mailbox = backend.create_mailbox(replace(new, password=password))
    except ProviderRefused:
        # Created meanwhile by someone else: with --exists-ok that is the outcome asked for.
        if exists_ok and _report_existing(runtime, backend.find_mailbox(target)):
            return
        raise
    runtime.out.done(backend.spec, f"Created {mailbox.address}")
    row = with_applied(backend.spec, {**mailbox.to_json(), "created": True})
    if generated:
        row["password"] = password
    if generated or runtime.out.json:
        runtime.out.record(row, CREATED_COLUMNS)


def _report_existing(runtime, mailbox) -> bool:
    """pop create --exists-ok: say so for a mailbox that exists (left as it is)."""
    from mailctl.output import CREATED_COLUMNS

    if mailbox is None:
        return False
    runtime.out.message(f"Exists: {mailbox.address} already exists; it was left as it is")
    if runtime.out.json:
        row = {**mailbox.to_json(), "created": False, "outcome": "exists"}
        row.pop("aliases", None)
        runtime.out.record(row, CREATED_COLUMNS)
    return True


@app.command("set")
@provider_opts.run_options
def set_(
    ctx: typer.Context,
    address: Annotated[
        Optional[str], typer.Argument(help="The mailbox, local@domain (omit with --from-file).")
    ] = None,
    quota: Annotated[Optional[str], typer.Option("--quota", metavar="MB", help=QUOTA_HELP)] = None,
    suspend: Annotated[
        Optional[bool],
        typer.Option("--suspend/--unsuspend", show_default=False,
                     help="Suspend the mailbox (or lift it): what --login/--incoming name, else everything "
                          "the provider can suspend."),
    ] = None,
    login: Annotated[
        bool, typer.Option("--login", help="With --suspend/--unsuspend: logins (IMAP, POP, SMTP); mail still arrives.")
    ] = False,
    incoming: Annotated[
        bool, typer.Option("--incoming", help="With --suspend/--unsuspend: incoming mail (it is refused).")
    ] = False,
    from_file: FromFile = None,
    jobs: Jobs = None,
    dry_run: DryRun = False,
    report: ReportFile = None,
    resume: ResumeFile = None,
    provider_options: dict = None,
) -> None:
    """Change a mailbox's quota or suspension; only what is given changes. The output
    names each changed field's previous and new value. With --from-file, change every
    mailbox in FILE (columns: address, quota, suspend = yes|no; the options give
    defaults, --login/--incoming say what a row's suspend means)."""
    from mailctl.models import changed_fields
    from mailctl.output import MAILBOX_CHANGE_COLUMNS, changes_text, with_applied

    runtime = ctx.obj
    kinds = [kind for kind, given in (("login", login), ("incoming", incoming)) if given]
    quota_mb = validation.quota_mb(quota)
    bulk = is_bulk(address, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume)
    # In a bulk run they also say what the rows' suspend column means.
    if kinds and suspend is None and not bulk:
        raise UsageError("--login and --incoming go with --suspend or --unsuspend")
    if bulk:
        from mailctl.cli.bulk_run import BulkOptions, set_from_file

        set_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, False, provider_options),
                      quota_mb=quota_mb, suspend=suspend, kinds=kinds)
        return
    target = validation.address(address)
    backend = runtime.backend(overrides=provider_options)
    backend.require("pop set")
    change = _change(backend, quota_mb, suspend, kinds)
    before = backend.get_mailbox(target)
    after = change.known_after(before, backend.change_mailbox(target, change))
    changes = changed_fields(before, after)
    if changes:
        runtime.out.done(backend.spec, f"Changed {target}: {changes_text(changes)}")
    else:
        runtime.out.message(f"{target} was already as asked ({change.describe()}); nothing changed")
    row = {"address": str(target), "outcome": "changed" if changes else "unchanged", "changes": changes,
           "previous": before.to_json(), "current": after.to_json()}
    if changes:
        row = with_applied(backend.spec, row)
    if runtime.out.json:
        row["previous"].pop("aliases", None)
        runtime.out.record(row, MAILBOX_CHANGE_COLUMNS)


def _change(backend, quota_mb, suspend, kinds):
    """The MailboxChange asked for, checked against what the provider can do (exit 2,
    nothing sent, for a flag it cannot honour)."""
    from mailctl.models import MailboxChange

    if suspend is not None and not backend.spec.suspend_kinds:
        # Checked first: with --quota as well, the suspension would otherwise be dropped silently.
        raise UsageError(f"--{'suspend' if suspend else 'unsuspend'}: {backend.spec.label} cannot suspend "
                         "mailboxes", provider=backend.provider)
    change = MailboxChange.of(quota_mb=quota_mb, suspend=suspend, kinds=kinds,
                              provider_kinds=backend.spec.suspend_kinds)
    if change.is_empty():
        raise UsageError("nothing to change: give --quota, --suspend or --unsuspend")
    backend.check_change(change)
    return change


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
    missing_ok: Annotated[
        bool, typer.Option("--missing-ok", help="A mailbox that does not exist is 'absent', exit 0.")
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
    from mailctl.output import RESULT_COLUMNS, with_applied

    runtime = ctx.obj
    if is_bulk(addresses, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume):
        from mailctl.cli.bulk_run import BulkOptions, delete_from_file

        delete_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, False, provider_options),
                         keep_data=keep_data, missing_ok=missing_ok)
        return
    targets = list(dict.fromkeys(validation.address(a) for a in addresses))
    kept = "; its mail files were kept on disk" if keep_data else ""
    backend = runtime.backend(overrides=provider_options)
    backend.require("pop delete")
    backend.check_delete(keep_data=keep_data)
    missing = _missing_before_asking(runtime, backend, targets)
    if missing is None:
        runtime.confirm(_delete_question([str(t) for t in targets], keep_data))

    if len(targets) == 1:
        try:
            if missing is not None:
                raise missing
            backend.delete_mailbox(targets[0], keep_data=keep_data)
        except NotFound as missing:
            if not missing_ok:
                raise
            runtime.out.message(f"Absent: {missing.message}")
            outcome = "absent"
        else:
            runtime.out.done(backend.spec, f"Deleted {targets[0]}{kept}")
            outcome = "deleted"
        if runtime.out.json:
            row = _kept({"address": str(targets[0]), "outcome": outcome, "error": None}, keep_data)
            runtime.out.records([with_applied(backend.spec, row) if outcome == "deleted" else row], RESULT_COLUMNS)
        return

    # Several mailboxes: a refusal for one does not stop the others; credentials or the
    # connection failing does, since every further request would fail the same way.
    results = []
    for target in targets:
        try:
            backend.delete_mailbox(target, keep_data=keep_data)
        except (AuthError, TransportError):
            raise
        except NotFound as missing:
            if not missing_ok:
                results.append({"address": str(target), "outcome": "failed", "error": missing.message})
                runtime.out.message(f"Failed {target}: {missing.message}")
            else:
                results.append({"address": str(target), "outcome": "absent", "error": None})
                runtime.out.message(f"Absent: {target}")
        except MailctlError as exc:
            results.append({"address": str(target), "outcome": "failed", "error": exc.message})
            runtime.out.message(f"Failed {target}: {exc.message}")
        else:
            results.append(with_applied(backend.spec, {"address": str(target), "outcome": "deleted", "error": None}))
            runtime.out.done(backend.spec, f"Deleted {target}{kept}")
    failed = [r for r in results if r["outcome"] == "failed"]
    if runtime.out.json or failed:
        runtime.out.records([_kept(result, keep_data) for result in results], RESULT_COLUMNS)
    if failed:
        raise PartialFailure(f"{len(failed)} of {len(results)} mailboxes could not be deleted")


def _missing_before_asking(runtime, backend, targets) -> NotFound | None:
    """One mailbox about to be asked about: read it first (one request), so that one that
    is not there is said at once, not after a question about ALL ITS MAIL. Without a
    question (--yes, no terminal) the delete alone is sent, and says the same."""
    if len(targets) != 1 or not runtime.will_ask:
        return None
    if backend.find_mailbox(targets[0]) is not None:
        return None
    return NotFound(f"no mailbox {targets[0]}", provider=backend.provider)


def _kept(result: dict, keep_data: bool) -> dict:
    """With --keep-data, a result says whether the mail files were kept (a deleted mailbox's were)."""
    return {**result, "data_kept": result["outcome"] == "deleted"} if keep_data else result


def _delete_question(addresses: list[str], keep_data: bool) -> str:
    from mailctl.output import short_list

    if len(addresses) == 1:
        what, pronoun = addresses[0], "it"
    else:
        what, pronoun = f"{len(addresses)} mailboxes ({short_list(addresses)})", "them"
    if keep_data:
        return f"Delete {what}, keeping the mail files on disk?"
    return f"Delete {what} and ALL MAIL in {pronoun}?"
