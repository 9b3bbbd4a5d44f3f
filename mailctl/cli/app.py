"""The Typer application: global options and the command groups.

Command modules import only typer and mailctl's light modules at top level; anything
heavy (requests, keyring, rich tables, a backend) is imported inside the command that
needs it, so `mailctl --help` stays fast. The command modules themselves are named in
two tables (GROUPS, COMMANDS) and imported when the tree is built: a command line that
names one command builds an app holding only it (`for_command`), so `pop list` never
imports the estate, alias or profile commands nor builds their options; `app`, the
whole tree, is built on first use (help, completion, the man page).

The command modules do not use `from __future__ import annotations`: typer reads every
parameter's annotation each time it builds a command, and a string one is compiled and
evaluated again on every run (tests/core/test_startup.py keeps them objects)."""

import importlib
import math
from typing import Annotated, List, Optional

import typer

from mailctl import __version__, providers
from mailctl.cli import completers, completion
from mailctl.cli.runtime import Runtime
from mailctl.output import MODES


def _account_help() -> str:
    return ("Hosting account login passwords ("
            + providers.labels([s for s in providers.specs() if s.supports("account passwd")]) + ").")


# The command groups, in the order help lists them: name -> (module holding its `app`, help).
GROUPS: dict = {
    "profile": ("mailctl.cli.profile", "Named connections to panels (stored in config.toml)."),
    "session": ("mailctl.cli.session", "Store, check and forget a profile's credentials."),
    "domain": ("mailctl.cli.domain", "Domains the profile can manage."),
    "pop": ("mailctl.cli.pop", "Mailboxes: list, show, create, change, delete."),
    "alias": ("mailctl.cli.alias", "Aliases and forwarders: list, add, remove."),
    "account": ("mailctl.cli.account", _account_help),
}
# The commands of the root: name -> (module, function, help; None: the docstring's).
COMMANDS: dict = {
    "passwd": ("mailctl.cli.passwd", "passwd", "Change a mailbox password."),
    "export": ("mailctl.cli.estate", "export", "Write the live state as an estate file (docs/estate.md)."),
    "plan": ("mailctl.cli.estate", "plan", "Show what differs between an estate file and the live state."),
    "apply": ("mailctl.cli.estate", "apply", "Make the live state what an estate file declares."),
    "audit": ("mailctl.cli.audit", "audit", "Show the log of changes made through mailctl."),
    "completion": ("mailctl.cli.completion", "completion", None),
    "demo": ("mailctl.cli.demo", "demo", None),
}


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


def _root() -> typer.Typer:
    root = typer.Typer(
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
    root.callback()(main)
    return root


def group_app(name: str) -> typer.Typer:
    """The Typer app of the group `name` (its module is imported now)."""
    return importlib.import_module(GROUPS[name][0]).app


def for_command(path: tuple[str, ...] = ()) -> typer.Typer:
    """The app with the root's options and only the command at `path` (("pop", "list"),
    ("passwd",)), importing only that command's module; the whole tree for ()."""
    import copy

    root = _root()
    for name, (module, function, text) in COMMANDS.items():
        if not path or path == (name,):
            root.command(name, **({"help": text} if text else {}))(getattr(importlib.import_module(module), function))
    for name, (module, text) in GROUPS.items():
        if path and path[0] != name or len(path) == 1:
            continue
        group = group_app(name)
        if path:
            group = copy.copy(group)
            group.registered_commands = [c for c in group.registered_commands if c.name == path[1]]
        root.add_typer(group, name=name, help=text() if callable(text) else text)
    return root


def __getattr__(name: str):
    # `app`, the whole tree, is built on first use and kept.
    if name == "app":
        globals()["app"] = built = for_command()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
