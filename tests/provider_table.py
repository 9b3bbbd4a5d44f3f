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


def _remote_cgi_write(request) -> tuple[str, str] | None:
    form = _form(request)
    program = form.get("program")
    operation = {"create-user": "create", "delete-user": "delete"}.get(program)
    if program == "modify-user" and "pass" in form:
        operation = "passwd"
    return (operation, f"{form['user']}@{form['domain']}") if operation else None


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

    @property
    def spec(self):
        return providers.spec(self.name)

    def mail_state(self, emu):
        return getattr(emu.state, self.state)


TABLE: dict[str, TestedProvider] = {p.name: p for p in (
    TestedProvider("directadmin", "demo", "directadmin", _directadmin_write, admin="admin"),
    TestedProvider("cpanel", "demo", "cpanel", _uapi_write),
    TestedProvider("whm", "root", "cpanel", _uapi_write),
    TestedProvider("mailboxorg", "demo", "mailboxorg", _jsonrpc_write),
    TestedProvider("virtualmin", "demo", "virtualmin", _remote_cgi_write),
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
