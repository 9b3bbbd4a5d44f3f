"""Helpers for the bulk-run tests (a module, since test modules cannot import conftest
reliably): views of the emulator's state and of the writes that reached it, and input
and report files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from mailctl.emulator import Emulator

SECRET = "demo-secret"
PROVIDERS = ("directadmin", "cpanel", "whm", "mailboxorg")
USERS = {"directadmin": "demo", "cpanel": "demo", "whm": "root", "mailboxorg": "demo"}
DOMAIN = "example.com"


@dataclass
class Panel:
    """One provider's profile on the emulator, and what the emulator holds for it."""

    name: str
    emu: Emulator

    @property
    def state(self):
        world = self.emu.state
        # WHM manages the cPanel accounts of the server: their mailboxes are cPanel's.
        return {"directadmin": world.directadmin, "cpanel": world.cpanel, "whm": world.cpanel,
                "mailboxorg": world.mailboxorg}[self.name]

    def addresses(self, domain: str = DOMAIN) -> set[str]:
        with self.emu.state.lock:
            return set(self.state.addresses(domain))

    def password(self, address: str) -> str | None:
        with self.emu.state.lock:
            return self.state.mailbox(address).password

    def writes(self) -> list[tuple[str, str]]:
        """(operation, address) of every mailbox write that reached the server, in order."""
        return [w for w in (_write(r) for r in self.emu.requests) if w is not None]


_OPERATIONS = {
    "create": "create", "delete": "delete", "modify": "passwd",  # DirectAdmin actions
    "add_pop": "create", "delete_pop": "delete", "passwd_pop": "passwd",  # UAPI functions
    "mail.add": "create", "mail.del": "delete", "mail.set": "passwd",  # mailbox.org methods
}


def _write(request) -> tuple[str, str] | None:
    if request.provider == "mailboxorg":
        body = json.loads(request.body)
        operation = _OPERATIONS.get(body.get("method"))
        return (operation, body["params"]["mail"]) if operation else None
    form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
    if request.provider == "directadmin":
        operation = _OPERATIONS.get(form.get("action", "")) if request.path.startswith("/CMD_API_") else None
        return (operation, f"{form['user']}@{form['domain']}") if operation and "user" in form else None
    function = form.get("cpanel.function") or request.path.rpartition("/")[2]
    operation = _OPERATIONS.get(function) if function in ("add_pop", "delete_pop", "passwd_pop") else None
    if operation is None:
        return None
    local = form["email"]
    return (operation, local if "@" in local else f"{local}@{form['domain']}")


def login(cli, emu, provider: str, name: str | None = None) -> None:
    name = name or provider
    result = cli("profile", "add", name, "--provider", provider, "--url", emu.url, "--user", USERS[provider])
    assert result.exit_code == 0, result.stderr
    result = cli("-p", name, "session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr


def csv_file(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    lines = [",".join(columns)] + [",".join(str(row.get(c, "")) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def new_rows(count: int, prefix: str = "user", domain: str = DOMAIN) -> list[dict[str, str]]:
    return [{"address": f"{prefix}{n:03d}@{domain}", "password": f"Str0ng-pass-{prefix}{n}"} for n in range(count)]


def report_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
