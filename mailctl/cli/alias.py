"""`mailctl alias ...`: list, add and remove aliases and forwarders (an address that
delivers to others)."""

from typing import Annotated, List, Optional

import typer

from mailctl import validation
from mailctl.cli import provider_options as provider_opts
from mailctl.cli.bulk_options import DryRun, FromFile, Jobs, ListJobs, ReportFile, ResumeFile, is_bulk
from mailctl.errors import AlreadyExists, NotFound, PartialFailure, UsageError

app = typer.Typer(no_args_is_help=True)

To = Annotated[
    Optional[List[str]],
    typer.Option("--to", metavar="DEST",
                 help="A destination address (repeat for several); special targets such as :fail: where the "
                      "provider has them."),
]


@app.command("list")
@provider_opts.run_options
def list_(
    ctx: typer.Context,
    domain: Annotated[
        Optional[str], typer.Argument(help="The domain whose aliases to list (omit with --all-domains).")
    ] = None,
    all_domains: Annotated[
        bool, typer.Option("--all-domains", help="List the aliases of every domain the profile manages.")
    ] = False,
    jobs: ListJobs = None,
    provider_options: dict = None,
) -> None:
    """List the aliases and forwarders of a domain: ADDRESS -> destinations. In plain
    output one line per alias and destination (ADDRESS<TAB>DEST). Several profiles (-p
    twice, a glob, or --all-profiles) are read at once, with a profile column."""
    runtime = ctx.obj
    if domain is not None and all_domains:
        raise UsageError("give either DOMAIN or --all-domains, not both")
    if domain is None and not all_domains:
        raise UsageError("missing DOMAIN (or --all-domains for every domain)")
    if runtime.several_profiles:
        _list_across_profiles(runtime, domain, jobs, provider_options)
        return
    if jobs is not None and not all_domains:
        raise UsageError("--jobs goes with --all-domains")
    backend = runtime.backend(overrides=provider_options)
    backend.require("alias list")
    failed: list[str] = []
    if all_domains:
        from mailctl.cli.bulk_run import DEFAULT_JOBS
        from mailctl.cli.listing import list_all

        aliases, failed = list_all(runtime, backend, jobs=jobs or DEFAULT_JOBS, list_one=backend.list_aliases,
                                   label="alias list")
    else:
        aliases = backend.list_aliases(validation.domain(domain))
    where = "in any domain" if all_domains else f"in {domain}"
    example = "info@DOMAIN" if all_domains else f"info@{validation.domain(domain)}"
    _show_aliases(runtime, aliases,
                  empty=None if failed else f"No aliases {where} yet: mailctl alias add {example} --to ADDRESS")
    if failed:
        raise PartialFailure(f"{len(failed)} domain(s) could not be listed: {', '.join(failed)}")


def _list_across_profiles(runtime, domain: str | None, jobs: int | None, overrides: dict) -> None:
    """alias list on several profiles at once: DOMAIN on each, or every domain of each. A
    profile whose provider has no aliases to list is one of the failed profiles."""
    from mailctl.cli import fleet

    name = validation.domain(domain) if domain is not None else None
    profiles = runtime.selected_profiles()

    def read(profile) -> list[dict]:
        backend = runtime.backend(profile, overrides=overrides)
        backend.require("alias list")
        domains = [name] if name is not None else [d.name for d in backend.list_domains()]
        return [_row(alias) for each in domains for alias in backend.list_aliases(each)]

    rows, failures = fleet.across(runtime, profiles, read, jobs=jobs)
    _show_rows(runtime, rows, with_profile=True,
               empty=None if failures else "No aliases on these profiles yet: mailctl -p NAME alias add ADDRESS --to DEST")
    fleet.finish(runtime, failures, len(profiles))


def _row(alias) -> dict:
    return alias.to_json()


def _show_aliases(runtime, aliases, *, empty: str | None) -> None:
    _show_rows(runtime, [_row(a) for a in aliases], with_profile=False, empty=empty)


def _show_rows(runtime, rows: list[dict], *, with_profile: bool, empty: str | None) -> None:
    """Aliases as records; in plain output one line per alias and destination. `empty`:
    what a terminal shows for no aliases."""
    from mailctl.output import alias_columns

    if runtime.out.mode == "plain":
        rows = [{**row, "destination": d} for row in rows for d in row["destinations"]]
    runtime.out.records(rows, alias_columns(plain=runtime.out.mode == "plain", with_profile=with_profile),
                        empty=empty)


def destinations(backend, values: "list[str] | None", *, required: bool) -> list[str]:
    """The --to values, checked: an address, or a special target the provider has."""
    if not values:
        if required:
            raise UsageError("give at least one --to DEST")
        return []
    checked = []
    for value in values:
        text = value.strip()
        if text.startswith(":"):
            backend.check_alias_destination(text)
            checked.append(text)
        else:
            checked.append(str(validation.address(text)))
    return list(dict.fromkeys(checked))


@app.command("add")
@provider_opts.run_options
def add(
    ctx: typer.Context,
    address: Annotated[
        Optional[str], typer.Argument(help="The alias or forwarder, local@domain (omit with --from-file).")
    ] = None,
    to: To = None,
    exists_ok: Annotated[
        bool, typer.Option("--exists-ok", help="An alias that already has every destination is 'exists', exit 0.")
    ] = False,
    from_file: FromFile = None,
    jobs: Jobs = None,
    dry_run: DryRun = False,
    report: ReportFile = None,
    resume: ResumeFile = None,
    provider_options: dict = None,
) -> None:
    """Make ADDRESS deliver to each --to DEST. An existing alias keeps the destinations
    it has. With --from-file, one row per alias (columns: address, to; several
    destinations separated by spaces)."""
    from mailctl.output import ALIAS_RESULT_COLUMNS, with_applied

    runtime = ctx.obj
    if is_bulk(address, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume):
        from mailctl.cli.bulk_run import BulkOptions, alias_from_file

        alias_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, False, provider_options),
                        "alias add", to=to or [], tolerant=exists_ok)
        return
    target = validation.address(address)
    backend = runtime.backend(overrides=provider_options)
    backend.require("alias add")
    wanted = destinations(backend, to, required=True)
    try:
        alias = backend.add_alias(target, wanted)
    except AlreadyExists as exists:
        if not exists_ok:
            raise
        runtime.out.message(f"Exists: {exists.message}")
        row = {"address": str(target), "outcome": "exists", "destinations": wanted}
    else:
        runtime.out.done(backend.spec, f"Added {target} -> {', '.join(alias.destinations)}")
        row = with_applied(backend.spec, {"address": alias.address, "outcome": "added",
                                          "destinations": list(alias.destinations), "kind": alias.kind})
    if runtime.out.json:
        runtime.out.record(row, ALIAS_RESULT_COLUMNS)


@app.command("remove")
@provider_opts.run_options
def remove(
    ctx: typer.Context,
    address: Annotated[
        Optional[str], typer.Argument(help="The alias or forwarder, local@domain (omit with --from-file).")
    ] = None,
    to: Annotated[
        Optional[List[str]],
        typer.Option("--to", metavar="DEST", help="Remove only this destination (repeat for several); "
                                                  "without --to the whole alias goes."),
    ] = None,
    missing_ok: Annotated[
        bool, typer.Option("--missing-ok", help="A missing alias (or destination) is 'absent', exit 0.")
    ] = False,
    from_file: FromFile = None,
    jobs: Jobs = None,
    dry_run: DryRun = False,
    report: ReportFile = None,
    resume: ResumeFile = None,
    provider_options: dict = None,
) -> None:
    """Remove an alias, or some of its destinations, after confirmation (--yes to skip
    it). With --from-file, one row per alias (columns: address, to), one confirmation."""
    from mailctl.output import ALIAS_RESULT_COLUMNS, with_applied

    runtime = ctx.obj
    if is_bulk(address, from_file, jobs=jobs, dry_run=dry_run, report=report, resume=resume):
        from mailctl.cli.bulk_run import BulkOptions, alias_from_file

        alias_from_file(runtime, BulkOptions(from_file, jobs, dry_run, report, resume, False, provider_options),
                        "alias remove", to=to or [], tolerant=missing_ok)
        return
    target = validation.address(address)
    backend = runtime.backend(overrides=provider_options)
    backend.require("alias remove")
    gone = destinations(backend, to, required=False)
    what = f"{', '.join(gone)} from alias {target}" if gone else f"the alias {target} (every destination)"
    runtime.confirm(f"Remove {what}?")
    try:
        left = backend.remove_alias(target, gone or None)
    except NotFound as missing:
        if not missing_ok:
            raise
        runtime.out.message(f"Absent: {missing.message}")
        row = {"address": str(target), "outcome": "absent", "destinations": None}
    else:
        if left is None:
            runtime.out.done(backend.spec, f"Removed every destination of {target}")
        else:
            runtime.out.done(backend.spec, f"Removed {', '.join(gone)} from {target}; it still delivers to "
                                           f"{', '.join(left.destinations)}")
        row = with_applied(backend.spec, {"address": str(target), "outcome": "removed",
                                          "destinations": None if left is None else list(left.destinations)})
    if runtime.out.json:
        runtime.out.record(row, ALIAS_RESULT_COLUMNS)
