"""The audit log: one JSON line per change a backend made or tried to make (create,
delete, password changes), in the user state dir. It records who did what to which
mailbox and how it ended, never a secret.

Changes are recorded by wrapping the backend, so every path that writes -- single
commands and bulk runs alike -- is logged without each command remembering to."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from mailctl.errors import AlreadyExists, KeyringUnavailable, NoCredentials, UsageError

STATE_DIR_ENV = "MAILCTL_STATE_DIR"



def _audited() -> dict[str, str]:
    """Backend method -> the command a user would recognise in the log, for every write."""
    from mailctl.providers.base import OPERATIONS, WRITES

    return {OPERATIONS[command]: command for command in WRITES}


AUDITED = _audited()


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    from mailctl.config import user_dir

    return user_dir("state", STATE_DIR_ENV, environ)


class AuditLog:
    def __init__(self, path: Path, *, redact: Callable[[str], str] | None = None,
                 warn: Callable[[str], None] | None = None):
        self.path = path
        self._lock = threading.Lock()
        # Every message is redacted before it is written (a server's refusal may repeat
        # the password it was sent).
        self.redact = redact or (lambda text: text)
        self._warn = warn
        self._warned = False

    def record(self, entry: dict[str, Any]) -> None:
        """Append `entry`; a log that cannot be written (read-only state dir, disk full)
        is a warning, said once per run -- never a failure of the change it records,
        which the server has already made (or refused)."""
        try:
            self.append(entry)
        except OSError as exc:
            with self._lock:
                first, self._warned = not self._warned, True
            if first and self._warn is not None:
                self._warn(f"could not write the audit log {self.path}: {exc.strerror or exc}; "
                           "what the server did is reported as it happened")

    def append(self, entry: dict[str, Any]) -> None:
        # A lone surrogate (a server's "\ud800") becomes that same JSON escape again.
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8", "backslashreplace")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # O_APPEND makes each line one atomic write, even with other mailctl runs.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)

    def entries(self) -> Iterator[dict[str, Any]]:
        try:
            handle = open(self.path, encoding="utf-8")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash; the rest is still worth showing
                if isinstance(entry, dict):
                    yield entry


def _target(method: str, args: tuple, kwargs: dict) -> str:
    first = args[0] if args else next(iter(kwargs.values()), None)
    # create_mailbox takes a NewMailbox; the others an Address or a user name.
    return str(getattr(first, "address", first))


class AuditedBackend:
    """Passes everything through to the real backend; records the writes."""

    def __init__(self, backend, log: AuditLog, profile_name: str):
        self._backend = backend
        self._log = log
        self._profile = profile_name
        # The last read of each mailbox (get_mailbox), so that a change of it can be
        # logged with its previous values as well as the new ones.
        self._seen: dict[str, Any] = {}
        self._seen_lock = threading.Lock()

    def __getattr__(self, name: str):
        attribute = getattr(self._backend, name)
        if name == "get_mailbox":
            def remembered(address, *args, **kwargs):
                mailbox = attribute(address, *args, **kwargs)
                with self._seen_lock:
                    self._seen[str(address)] = mailbox
                return mailbox

            return remembered
        if name not in AUDITED:
            return attribute

        def audited(*args, **kwargs):
            entry = {
                "profile": self._profile,
                "provider": self._backend.provider,
                "command": AUDITED[name],
                "target": _target(name, args, kwargs),
            }
            try:
                result = attribute(*args, **kwargs)
            except (NoCredentials, KeyringUnavailable, UsageError, AlreadyExists):
                raise  # stopped before anything was sent: no change was attempted
            except BaseException as exc:
                code = getattr(exc, "code", "interrupted" if isinstance(exc, KeyboardInterrupt) else "error")
                self._record(entry, "failed", code, getattr(exc, "message", None))
                raise
            self._add_changes(name, entry, result, args, kwargs)
            self._record(entry, "ok", None, None)
            return result

        return audited

    def _add_changes(self, method: str, entry: dict, result: Any, args: tuple, kwargs: dict) -> None:
        """pop set: each changed field's previous and new value, where a read of the
        mailbox before the change is known (the CLI reads it to report the same)."""
        if method != "change_mailbox" or result is None:
            return
        from mailctl.models import changed_fields

        with self._seen_lock:
            before = self._seen.pop(entry["target"], None)
        if before is not None:
            change = kwargs.get("change", args[1] if len(args) > 1 else None)
            after = change.known_after(before, result) if change is not None else result
            entry["changes"] = changed_fields(before, after)

    def _record(self, entry: dict, outcome: str, code: str | None, message: str | None) -> None:
        entry["time"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        entry["outcome"] = outcome
        if message is not None:
            message = self._log.redact(message)
        entry["error"] = {"code": code, "message": message} if code else None
        self._log.record(entry)
