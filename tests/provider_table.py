"""The providers as the test suites drive them: one table that every suite uses, so a
new provider is one entry here (and its own tests), not a copy in each support module.

Each entry says how a profile logs in to the emulator's default world, where the
emulator keeps that provider's mailboxes, and how to tell a mailbox write among the
requests that reached it (for "sent once, never twice" checks)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl

from mailctl import providers

SECRET = "demo-secret"  # every provider's login secret in the emulator's default world
DOMAIN = "example.com"
DEFAULT_MAILBOXES = ["info@example.com", "sales@example.com"]
NEW_PASSWORD = "N3w-Mailbox-pass"  # passes every emulated provider's password rule


def _form(request) -> dict[str, str]:
    return dict(parse_qsl(request.body.decode(), keep_blank_values=True))


def _directadmin_write(request) -> tuple[str, str] | None:
    if not request.path.startswith("/CMD_API_"):
        return None
    form = _form(request)
    operation = {"create": "create", "delete": "delete", "modify": "passwd"}.get(form.get("action", ""))
    return (operation, f"{form['user']}@{form['domain']}") if operation and "user" in form else None


def _uapi_write(request) -> tuple[str, str] | None:
    form = _form(request)
    function = form.get("cpanel.function") or request.path.rpartition("/")[2]
    operation = {"add_pop": "create", "delete_pop": "delete", "passwd_pop": "passwd"}.get(function)
    if operation is None:
        return None
    local = form["email"]
    return (operation, local if "@" in local else f"{local}@{form['domain']}")


def _jsonrpc_write(request) -> tuple[str, str] | None:
    body = json.loads(request.body)
    operation = {"mail.add": "create", "mail.del": "delete", "mail.set": "passwd"}.get(body.get("method"))
    return (operation, body["params"]["mail"]) if operation else None


# -- the emulator's state of the mailbox lifecycle (pop show/set, alias ...) --------------

@dataclass(frozen=True)
class LifecycleState:
    """How a provider's emulator state shows what pop set and alias add/remove change."""

    # The mailbox's quota in MB as stored (0 = unlimited).
    quota: Callable[[Any, str], int]
    # What is suspended: a set of "login", "incoming".
    suspended: Callable[[Any, str], set]
    # Every route of a domain: {address: sorted destinations}.
    routes: Callable[[Any, str], dict]
    # Put a forwarder (or an alias of one mailbox) in place: (emu, address, destinations).
    add_route: Callable[[Any, str, list], None]


def _table_routes(state, domain: str) -> dict:
    table = state.forwarders.get(domain, {})
    return {f"{local}@{domain}": sorted(dests) for local, dests in table.items() if dests}


def _table_add(state, emu, address: str, destinations: list) -> None:
    local, _, domain = address.partition("@")
    with emu.state.lock:
        state.set_forwarder(domain, local, list(destinations))
        emu.state.touch()


def _mbo_routes(emu, domain: str) -> dict:
    routes: dict = {}
    for local, box in emu.state.mailboxorg.mailboxes.get(domain, {}).items():
        address = f"{local}@{domain}"
        if box.forwards:
            routes[address] = sorted(box.forwards)
        for alias in box.aliases:
            routes[alias] = [address]
    return routes


def _mbo_add(emu, address: str, destinations: list) -> None:
    box = emu.state.mailboxorg.mailbox(address)
    with emu.state.lock:
        if box is not None:
            box.forwards = list(destinations)
        else:  # an alias of the one mailbox it names
            emu.state.mailboxorg.mailbox(destinations[0]).aliases.append(address)
        emu.state.touch()


DA_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: emu.state.directadmin.mailbox(a).quota_mb,
    suspended=lambda emu, a: {"login"} if emu.state.directadmin.mailbox(a).suspended else set(),
    routes=lambda emu, d: _table_routes(emu.state.directadmin, d),
    add_route=lambda emu, a, dests: _table_add(emu.state.directadmin, emu, a, dests),
)
CPANEL_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: emu.state.cpanel.mailbox(a).quota_mb,
    suspended=lambda emu, a: {k for k, on in (("login", emu.state.cpanel.mailbox(a).suspended_login),
                                              ("incoming", emu.state.cpanel.mailbox(a).suspended_incoming)) if on},
    routes=lambda emu, d: _table_routes(emu.state.cpanel, d),
    add_route=lambda emu, a, dests: _table_add(emu.state.cpanel, emu, a, dests),
)
MBO_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: 0,
    suspended=lambda emu, a: set() if emu.state.mailboxorg.mailbox(a).active else {"login"},
    routes=_mbo_routes,
    add_route=_mbo_add,
)


@dataclass(frozen=True)
class TestedProvider:
    name: str
    login: str  # the user its profile logs in as in the emulator's default world
    state: str  # the emulator World attribute holding its mailboxes (WHM manages cPanel's)
    # (operation, address) of a mailbox write among the emulator's recorded requests, or
    # None; operation is "create", "delete" or "passwd".
    write_of: Callable[[Any], "tuple[str, str] | None"]
    # A second login of the default world with more rights (DirectAdmin's admin), if any.
    admin: str | None = None
    # The emulator state pop set / alias add|remove change (tests/lifecycle); needed by
    # every provider whose spec has those operations.
    lifecycle: LifecycleState | None = None

    @property
    def spec(self):
        return providers.spec(self.name)

    def mail_state(self, emu):
        return getattr(emu.state, self.state)


TABLE: dict[str, TestedProvider] = {p.name: p for p in (
    TestedProvider("directadmin", "demo", "directadmin", _directadmin_write, admin="admin", lifecycle=DA_LIFECYCLE),
    TestedProvider("cpanel", "demo", "cpanel", _uapi_write, lifecycle=CPANEL_LIFECYCLE),
    TestedProvider("whm", "root", "cpanel", _uapi_write, lifecycle=CPANEL_LIFECYCLE),
    TestedProvider("mailboxorg", "demo", "mailboxorg", _jsonrpc_write, lifecycle=MBO_LIFECYCLE),
)}
PROVIDERS = tuple(TABLE)
LOGIN = {name: entry.login for name, entry in TABLE.items()}


def mail_state(emu, provider: str):
    """The emulator's mailboxes as `provider` manages them."""
    return TABLE[provider].mail_state(emu)


def write_of(request) -> tuple[str, str] | None:
    """The mailbox write a recorded request made, whichever provider it went to."""
    entry = next((p for p in TABLE.values() if p.state == request.provider or p.name == request.provider), None)
    return entry.write_of(request) if entry is not None else None


def add_profile(cli, emu, provider: str, *, name: str | None = None, user: str | None = None,
                extra: tuple[str, ...] = ()) -> str:
    """A profile for `provider` on the emulator (no credentials stored). Returns its name."""
    name = name or provider
    result = cli("profile", "add", name, "--provider", provider, "--url", emu.url,
                 "--user", user or LOGIN[provider], *extra)
    assert result.exit_code == 0, result.stderr
    return name


def log_in(cli, emu, provider: str, *, name: str | None = None, user: str | None = None, secret: str = SECRET,
           extra: tuple[str, ...] = ()) -> str:
    """add_profile, then `session login` with the secret. Returns the profile's name."""
    name = add_profile(cli, emu, provider, name=name, user=user, extra=extra)
    result = cli("-p", name, "session", "login", "--secret-stdin", stdin=secret + "\n")
    assert result.exit_code == 0, result.stderr
    return name
