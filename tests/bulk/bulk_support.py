"""Helpers for the bulk-run tests (a module, since test modules cannot import conftest
reliably): views of the emulator's state and of the writes that reached it, and input
and report files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailctl.emulator import Emulator

from provider_table import DOMAIN, PROVIDERS, SECRET, log_in, mail_state, write_of  # noqa: F401


@dataclass
class Panel:
    """One provider's profile on the emulator, and what the emulator holds for it."""

    name: str
    emu: Emulator

    @property
    def state(self):
        return mail_state(self.emu, self.name)

    def addresses(self, domain: str = DOMAIN) -> set[str]:
        with self.emu.state.lock:
            return set(self.state.addresses(domain))

    def password(self, address: str) -> str | None:
        with self.emu.state.lock:
            return self.state.mailbox(address).password

    def writes(self) -> list[tuple[str, str]]:
        """(operation, address) of every mailbox write that reached the server, in order."""
        return [w for w in (write_of(r, self.emu) for r in self.emu.requests) if w is not None]


def login(cli, emu, provider: str, name: str | None = None) -> None:
    log_in(cli, emu, provider, name=name)


def csv_file(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    lines = [",".join(columns)] + [",".join(str(row.get(c, "")) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def new_rows(count: int, prefix: str = "user", domain: str = DOMAIN) -> list[dict[str, str]]:
    return [{"address": f"{prefix}{n:03d}@{domain}", "password": f"Str0ng-pass-{prefix}{n}"} for n in range(count)]


def report_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
