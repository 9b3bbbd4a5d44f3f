"""The provider apps the emulator serves: one line each.

An entry names the provider, the path prefixes it answers (each with the module whose
`handle(request, world, settings)` serves it; the longest prefix wins), and the module
holding its state class and `default_state()`. Modules are given by name and imported
on first use, so this table imports nothing and every other part (server, World,
faults) reads it without import cycles. How to add a provider: README.md.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable


@dataclass(frozen=True)
class ProviderApp:
    name: str  # the provider's name: World attribute, state-file key, fault `provider=`
    routes: tuple[tuple[str, str], ...]  # (path prefix, module with handle())
    state: str  # "module:Class" of the provider's state; the module has default_state()


APPS: tuple[ProviderApp, ...] = (
    ProviderApp("directadmin", (("/CMD_", "directadmin"),), "directadmin_state:DirectAdminState"),
    ProviderApp("cpanel", (("/execute/", "cpanel"), ("/json-api/cpanel", "cpanel_api2")),
                "cpanel_state:CpanelState"),
    ProviderApp("whm", (("/json-api/", "whm"),), "whm_state:WhmState"),
    ProviderApp("mailboxorg", (("/v1/", "mailboxorg"),), "mailboxorg_state:MailboxOrgState"),
    ProviderApp("plesk", (("/enterprise/control/agent.php", "plesk"),), "plesk_state:PleskState"),
    ProviderApp("ispconfig", (("/remote/json.php", "ispconfig"),), "ispconfig_state:IspconfigState"),
    ProviderApp("mailcow", (("/api/v1/", "mailcow"),), "mailcow_state:MailcowState"),
    ProviderApp("virtualmin", (("/virtual-server/", "virtualmin"),), "virtualmin_state:VirtualminState"),
)

NAMES: tuple[str, ...] = tuple(app.name for app in APPS)


def _module(name: str) -> Any:
    return importlib.import_module(f"{__package__}.{name}")


@cache
def state_class(app: ProviderApp) -> type:
    module, _, cls = app.state.partition(":")
    return getattr(_module(module), cls)


def default_state(app: ProviderApp) -> Any:
    return _module(app.state.partition(":")[0]).default_state()


@cache
def _routes() -> tuple[tuple[str, str, str], ...]:
    """(prefix, provider, module), longest prefix first."""
    rows = [(prefix, app.name, module) for app in APPS for prefix, module in app.routes]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


def route(path: str) -> tuple[str | None, Callable[..., Any] | None]:
    """(provider name, handler) for a request path; (None, None) if no provider serves it.
    The handler is looked up on every call so a test can monkeypatch a module's handle."""
    if path == "/v1":
        path = "/v1/"
    for prefix, provider, module in _routes():
        if path.startswith(prefix) and _whole_segment(path, prefix):
            return provider, _module(module).handle
    return None, None


def _whole_segment(path: str, prefix: str) -> bool:
    """`/json-api/cpanel` must not catch a WHM function that merely starts with "cpanel"."""
    if prefix.endswith(("/", "_")):
        return True
    return len(path) == len(prefix) or path[len(prefix)] == "/"
