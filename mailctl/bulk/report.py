"""The report of a bulk run: one JSON object per line, appended and flushed as each row
finishes, so a run that dies loses nothing it already did. It may hold generated
passwords, so it is created with mode 0600.

A line: {"command", "row" (the line of the input file), "address", "outcome", "error",
"error_code", and "password" for a generated password that was (or may have been) set}.

--resume reads a report back: the addresses it marks done are skipped, and the new
results are appended to the same file, which stays the one record of the whole job."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mailctl.errors import UsageError

DONE_OUTCOMES = ("created", "changed", "deleted", "unchanged", "added", "removed", "exists", "absent")


class Report:
    def __init__(self, path: Path, *, resuming: bool):
        self.path = path
        self._handle = _open_private(path, resuming=resuming)

    def write(self, entry: dict[str, Any]) -> None:
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def _open_private(path: Path, *, resuming: bool):
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    try:
        if not resuming:
            refuse_to_overwrite(path)
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot write the report {path}: {exc.strerror}") from None
    handle = os.fdopen(fd, "a", encoding="utf-8")
    # A file that existed keeps its mode on open(): tighten it, it may get passwords.
    os.fchmod(fd, 0o600)
    if resuming and _ends_without_newline(path):
        handle.write("\n")  # the run that wrote it died mid-line; start on a fresh one
    return handle


def refuse_to_overwrite(path: Path) -> None:
    """UsageError if `path` holds an earlier report (checked again when it is opened)."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # missing (fine) or unreadable (opening it will say why)
    if size:
        # It may be the only copy of the passwords an earlier run generated.
        raise UsageError(
            f"the report {path} already exists: continue that run with --resume {path}, "
            "or choose a new report file"
        )


def _ends_without_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def done_addresses(path: Path, command: str) -> tuple[set[str], int]:
    """The addresses a report marks done, and how many of its lines could not be read
    (the last line of a run killed mid-write, typically)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--resume {path}: no such report (the first run writes it with --report {path})") from None
    except OSError as exc:
        raise UsageError(f"cannot read the report {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a mailctl report (not UTF-8 text)") from None
    done: set[str] = set()
    unreadable = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            unreadable += 1
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("address"), str):
            unreadable += 1
            continue
        if entry.get("command") != command:
            raise UsageError(
                f"{path} is the report of a '{entry.get('command')}' run, not of '{command}': "
                "resume a run with the same command"
            )
        if entry.get("outcome") in DONE_OUTCOMES:
            done.add(entry["address"])
    return done, unreadable
