"""The Typer application: global options and the command groups.

Command modules import only typer and mailctl's light modules at top level; anything
heavy (requests, keyring, rich tables, a backend) is imported inside the command that
needs it, so `mailctl --help` stays fast."""

from __future__ import annotations

import math
from typing import Annotated, List, Optional

import typer

from mailctl import __version__, providers
from mailctl.cli import account, alias, audit, completers, completion, demo, domain, estate, passwd, pop, profile, session
from mailctl.cli.runtime import Runtime
from mailctl.output import MODES

app = typer.Typer(
    name="mailctl",
    cls=completion.CompletingGroup,
    help=f"Manage mailboxes on {providers.labels(providers.specs())} from one command line.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help is laid out by click's own formatter: rendering it with rich (boxes, markup)
    # imported rich and markdown_it for every --help and cost more than the whole rest
    # of the start-up. Tables and errors still use mailctl's own output.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(ctx: typer.Context, value: bool) -> None:
    # A completion request parses the line without acting on it.
    if value and not ctx.resilient_parsing:
        typer.echo(f"mailctl {__version__}")
        raise typer.Exit()


def _timeout_seconds(value: Optional[float]) -> Optional[float]:
    # The range check passes nan (every comparison with it is false) and inf, which the
    # socket layer then rejects with a traceback.
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds")
    return value


def _output_mode(value: Optional[str]) -> Optional[str]:
    if value is not None and value not in MODES:
        raise typer.BadParameter(f"choose one of {', '.join(MODES)}")
    return value


@app.callback()
def main(
    ctx: typer.Context,
    profile_names: Annotated[
        Optional[List[str]],
        typer.Option("--profile", "-p", metavar="NAME",
                     help="Profile to use (env: MAILCTL_PROFILE). Read commands take several, or a glob "
                          "like 'shop-*'.",
                     autocompletion=completers.profile_names),
    ] = None,
    all_profiles: Annotated[
        bool, typer.Option("--all-profiles", help="Read commands: every profile (domain list, pop list, "
                                                  "session status, export).")
    ] = False,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", metavar="table|plain|json", callback=_output_mode,
                     autocompletion=completers.output_modes,
                     help="Output format (default: table on a terminal, plain in a pipe)."),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Shorthand for --output json.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Answer yes to confirmations.")] = False,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; fail instead.")] = False,
    timeout: Annotated[
        Optional[float],
        typer.Option("--timeout", metavar="SECONDS", min=0.1, callback=_timeout_seconds,
                     help="Network timeout per request (default: 30)."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Trace HTTP requests on stderr (secrets redacted).")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour in output (env: NO_COLOR).")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    runtime: Runtime = ctx.obj
    options = runtime.options
    options.profiles = list(profile_names or [])
    options.profile = options.profiles[0] if options.profiles else None
    options.all_profiles = all_profiles
    options.output = "json" if json_ else output
    options.yes = yes
    options.no_input = no_input
    runtime.env.no_input = no_input
    options.timeout = timeout
    options.debug = debug
    options.no_color = no_color


app.add_typer(profile.app, name="profile", help="Named connections to panels (stored in config.toml).")
app.add_typer(session.app, name="session", help="Store, check and forget a profile's credentials.")
app.add_typer(domain.app, name="domain", help="Domains the profile can manage.")
app.add_typer(pop.app, name="pop", help="Mailboxes: list, show, create, change, delete.")
app.add_typer(alias.app, name="alias", help="Aliases and forwarders: list, add, remove.")
app.add_typer(account.app, name="account", help="Hosting account login passwords ("
              + providers.labels([s for s in providers.specs() if s.supports("account passwd")]) + ").")
app.command("passwd", help="Change a mailbox password.")(passwd.passwd)
app.command("export", help="Write the live state as an estate file (docs/estate.md).")(estate.export)
app.command("plan", help="Show what differs between an estate file and the live state.")(estate.plan)
app.command("apply", help="Make the live state what an estate file declares.")(estate.apply)
app.command("audit", help="Show the log of changes made through mailctl.")(audit.audit)
app.command("completion")(completion.completion)
app.command("demo")(demo.demo)
