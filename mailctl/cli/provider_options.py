"""Command-line options that come from the provider specs rather than from a command's
own signature: `profile add`'s profile options, `pop create`'s create options, and the
profile options every server command may override for one run (per_command options).

A command declares a parameter (`provider_options: dict`, or `create_options: dict` for
the create options) and is decorated with the kind of options it takes; the decorator
adds one typer option per declared option to the signature typer reads, and hands the
command the given ones as {name: value}. Help,
completion, the man page and the bulk columns follow from the same declarations."""

from __future__ import annotations

import functools
import inspect
from typing import Annotated, Any, Callable, Optional

import typer

from mailctl import providers

def _parameter_name(name: str) -> str:
    return f"_provider_option_{name}"


def _help(text: str, who: str) -> str:
    return f"{who}: {text}"


def _typer_parameter(option, takers, *, per_command: bool) -> inspect.Parameter:
    who = providers.labels(takers)
    text = option.command_help if per_command and option.command_help else option.help
    if option.kind == "flag":
        annotation: Any = Annotated[bool, typer.Option(option.flag, help=_help(text, who))]
        default: Any = False
    else:
        kind = int if option.kind == "int" else str
        metavar = option.metavar or ("N" if option.kind == "int" else None)
        annotation = Annotated[Optional[kind], typer.Option(option.flag, metavar=metavar, help=_help(text, who))]
        default = None
    return inspect.Parameter(_parameter_name(option.name), inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)


def _with(gathered: dict, parameter: str, *, per_command: bool = False) -> Callable:
    def decorate(command: Callable) -> Callable:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != parameter]
        added = [_typer_parameter(option, takers, per_command=per_command)
                 for option, takers in gathered.values()]

        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            given = {}
            for name in gathered:
                value = kwargs.pop(_parameter_name(name))
                if value not in (None, False):
                    given[name] = value
            return command(*args, **{parameter: given}, **kwargs)

        wrapper.__signature__ = signature.replace(parameters=own + added)
        # typer reads the annotations as well as the signature.
        wrapper.__annotations__ = {p.name: p.annotation for p in own + added}
        return wrapper

    return decorate


def profile_options(command: Callable) -> Callable:
    """Every provider's profile options (profile add)."""
    return _with(providers.profile_options(), "provider_options")(command)


def create_options(command: Callable) -> Callable:
    """Every provider's create options (pop create), as `create_options`."""
    return _with(providers.create_options(), "create_options")(command)


def run_options(command: Callable) -> Callable:
    """The profile options a command that talks to a server may override for one run."""
    gathered = {name: entry for name, entry in providers.profile_options().items() if entry[0].per_command}
    return _with(gathered, "provider_options", per_command=True)(command)
