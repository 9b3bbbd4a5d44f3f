"""`profile remove`: the question and the word about the default profile, and the
profile as it is stored, even one this version cannot load (its secret is forgotten all
the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailctl.cli.runtime import Runtime
    from mailctl.config import Config, Profile


def confirm_if_default(runtime: "Runtime", name: str) -> None:
    """Removing the default profile changes what every later command talks to: on a
    terminal that is asked first (--yes answers). Scripts, without a terminal, are not."""
    config = runtime.config
    config.check_known(name)  # a name that is not there is exit 3, not a question
    if config.default_name != name or not runtime.will_ask:
        return
    others = [other for other in config.names() if other != name]
    after = "no profile will be left" if not others else "no profile will be the default"
    runtime.confirm(f"Remove profile {name!r}, the default profile? ({after})")


def as_stored(config: "Config", name: str) -> "Profile":
    """The profile, or for one this version cannot use (an unknown provider, a bad value)
    just what forgetting its secret needs: its name."""
    from mailctl.config import Profile
    from mailctl.errors import ConfigError

    try:
        return config.get(name)
    except ConfigError:
        provider = config.table(name).get("provider")
        return Profile(name=name, provider=provider if isinstance(provider, str) else "", url="", user="")


def default_left(config: "Config", removed: str, was_default: bool) -> str | None:
    """What the removal of the default leaves: no profile, the only one, or a choice."""
    if not was_default:
        return None
    names = [name for name in config.names() if name != removed]
    if not names:
        return "no profiles are left"
    if len(names) == 1:
        return f"no default profile is left; {names[0]!r}, the only one, is used when no profile is named"
    return f"no default profile is left: choose one with 'mailctl profile use NAME' ({', '.join(names)})"
