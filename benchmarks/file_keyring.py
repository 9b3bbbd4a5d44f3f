"""A keyring backend that keeps its entries in one JSON file, so the start-up benchmark
can measure mailctl reading its secret through the `keyring` library on a machine with
no OS keyring (a CI container, a server). For benchmarks only: the file is plaintext.

Selected with PYTHON_KEYRING_BACKEND=file_keyring.Keyring (this directory on PYTHONPATH)
and MAILCTL_BENCH_KEYRING=PATH."""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class Keyring(KeyringBackend):
    priority = 1

    @property
    def _path(self) -> str:
        return os.environ["MAILCTL_BENCH_KEYRING"]

    def _load(self) -> dict:
        try:
            with open(self._path, encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict) -> None:
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(entries)
