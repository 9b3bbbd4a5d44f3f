"""`mailctl domain list`."""

import typer

from mailctl.cli import provider_options as provider_opts

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # plain help: see app.py


@app.command("list")
@provider_opts.run_options
def list_(ctx: typer.Context, provider_options: dict = None) -> None:
    """List the domains the profile can manage. Columns: domain, mailboxes (where the
    provider counts them), owner (the account the domain belongs to: a server-wide
    login lists every account's domains). Several profiles: -p twice, a glob, or
    --all-profiles, read at once, with a profile column first."""
    from mailctl.output import DOMAIN_COLUMNS, PROFILE_COLUMN

    runtime = ctx.obj
    if runtime.several_profiles:
        from mailctl.cli import fleet

        profiles = runtime.selected_profiles()
        rows, failures = fleet.across(
            runtime, profiles,
            lambda profile: [d.to_json() for d in runtime.backend(profile, overrides=provider_options).list_domains()])
        runtime.out.records(rows, (PROFILE_COLUMN,) + DOMAIN_COLUMNS)
        fleet.finish(runtime, failures, len(profiles))
        return
    backend = runtime.backend(overrides=provider_options)
    domains = backend.list_domains()
    empty = None
    if not domains:
        from mailctl.cli import hints

        suggestion = backend.empty_domains_hint()
        empty = hints.rerun(runtime, ("domain", "list"), suggestion) if suggestion else (
            "No domains on this profile: add one in the panel, or check which account the profile logs in as "
            "(mailctl profile show)")
    runtime.out.records([d.to_json() for d in domains], DOMAIN_COLUMNS, empty=empty)
