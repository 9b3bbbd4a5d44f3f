"""The provider registry: one line per provider, naming the module that declares it
(a `SPEC`, see base.py). Declarations are data and load on first use; a provider's
backend loads only when a command talks to its server."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailctl.providers.base import Option, ProviderSpec

NAMES: tuple[str, ...] = (
    "directadmin",
    "cpanel",
    "whm",
    "mailboxorg",
    "mailcow",
    "plesk",
    "ispconfig",
    "virtualmin",
)


@lru_cache(maxsize=None)
def spec(name: str) -> "ProviderSpec":
    """The declaration of provider `name` (KeyError for a name not in NAMES)."""
    if name not in NAMES:
        raise KeyError(name)
    return importlib.import_module(f"mailctl.providers.{name}").SPEC


def specs() -> "list[ProviderSpec]":
    return [spec(name) for name in NAMES]


def _gathered(kind: str) -> "dict[str, tuple[Option, list[ProviderSpec]]]":
    """Every option of `kind` ("profile_options", "create_options") that some provider
    declares, by name, with the providers that take it. Two providers may share an
    option only by declaring the same flag."""
    found: dict = {}
    for provider in specs():
        for option in getattr(provider, kind):
            first = found.setdefault(option.name, (option, []))
            if first[0].flag != option.flag or first[0].kind != option.kind:
                raise RuntimeError(f"providers declare option {option.name!r} differently")
            first[1].append(provider)
    return found


@lru_cache(maxsize=None)
def profile_options() -> "dict[str, tuple[Option, list[ProviderSpec]]]":
    return _gathered("profile_options")


@lru_cache(maxsize=None)
def create_options() -> "dict[str, tuple[Option, list[ProviderSpec]]]":
    return _gathered("create_options")


def labels(providers: "list[ProviderSpec]") -> str:
    """'DirectAdmin' or 'WHM and cPanel': who an option is for, in help and errors."""
    names = [p.label for p in providers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def checked_options(provider: "ProviderSpec", given: dict, *, kind: str = "profile_options") -> dict:
    """`given` options ({name: value}, of any provider's `kind`) as `provider` takes them;
    UsageError for one it does not declare, or a value its check refuses."""
    from mailctl.errors import UsageError

    checked = {}
    for name, value in given.items():
        option = next((o for o in getattr(provider, kind) if o.name == name), None)
        if option is None:
            option, takers = _gathered(kind)[name]
            raise UsageError(f"{option.flag} applies to {labels(takers)} profiles, not to {provider.label} ones",
                             provider=provider.name)
        checked[name] = option.value(value)
    return checked
