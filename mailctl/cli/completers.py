"""Values the shell offers when the user presses TAB after an option or argument.

They run inside a completion request (the shell calls mailctl with _MAILCTL_COMPLETE
set), once per key press, so they stay cheap: the config file is read, nothing else --
no keyring, no network. They never raise: a broken config simply completes nothing,
instead of printing an error into the user's command line."""

from __future__ import annotations

import click

from mailctl.errors import MailctlError


def profile_names(ctx: click.Context, incomplete: str) -> list[tuple[str, str]]:
    """Profile names from config.toml, each described by its provider and URL."""
    from mailctl.config import Config, config_dir

    runtime = ctx.find_root().obj
    try:
        # The runtime knows the run's environment (MAILCTL_CONFIG_DIR included).
        path = runtime.config_path if runtime is not None else config_dir() / "config.toml"
        config = Config.load(path)
    except MailctlError:
        return []
    # A profile this version cannot use is still offered (profile remove takes it),
    # described by what is wrong with it.
    return [(name, _described(config, name)) for name in config.names() if name.startswith(incomplete)]


def _described(config, name: str) -> str:
    problem = config.problem(name)
    if problem is not None:
        return f"unusable: {problem}"
    profile = config.get(name)
    return f"{profile.provider} {profile.url}"


def providers(incomplete: str) -> list[str]:
    from mailctl.providers import NAMES

    return [name for name in NAMES if name.startswith(incomplete)]


def output_modes(incomplete: str) -> list[str]:
    from mailctl.output import MODES

    return [mode for mode in MODES if mode.startswith(incomplete)]


def shells(incomplete: str) -> list[str]:
    from mailctl.cli.completion import SHELLS

    return [shell for shell in SHELLS if shell.startswith(incomplete)]
