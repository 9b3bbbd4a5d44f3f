"""`mailctl domain list`."""

from __future__ import annotations

import typer

from mailctl.cli.options import CpanelUser

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, cpanel_user: CpanelUser = None) -> None:
    """List the domains the profile can manage."""
    from mailctl.output import DOMAIN_COLUMNS

    runtime = ctx.obj
    domains = runtime.backend(cpanel_user=cpanel_user).list_domains()
    runtime.out.records([d.to_json() for d in domains], DOMAIN_COLUMNS)
