"""The report of a bulk run: one JSON object per line, appended and flushed as each row
finishes, so a run that dies loses nothing it already did. It may hold generated
passwords, so it is created with mode 0600.

A line: {"command", "row" (the line of the input file), "address", "outcome", "error",
"error_code", and "password" for a generated password that was (or may have been) set}.

--resume reads a report back: the addresses it marks done are skipped, and the new
results are appended to the same file, which stays the one record of the whole job."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

from mailctl.errors import UsageError

DONE_OUTCOMES = ("created", "changed", "deleted", "unchanged", "added", "removed", "exists", "absent")


class Report:
    """`job` ({"profile", "input"}) goes into every line beside the row's own fields, so
    --resume can tell this job's report from any other file."""

    def __init__(self, path: Path, *, resuming: bool, job: dict[str, Any] | None = None):
        self.path = path
        self.job = dict(job or {})
        self._handle = _open_private(path, resuming=resuming)
        # The first failure to write (disk full...), and every entry not written since:
        # they may hold generated passwords, the caller shows them another way.
        self.error: OSError | None = None
        self.unwritten: list[dict[str, Any]] = []

    def write(self, entry: dict[str, Any]) -> None:
        line = json.dumps({**entry, **self.job}, ensure_ascii=False) + "\n"
        if self.error is None:
            try:
                self._handle.write(line)
                self._handle.flush()
                return
            except OSError as exc:
                self.error = exc
        self.unwritten.append(entry)

    def close(self) -> None:
        try:
            self._handle.close()
        except OSError as exc:
            self.error = self.error or exc


def _open_private(path: Path, *, resuming: bool):
    """The report, opened to append. A new report is created (O_EXCL): an existing
    file is taken only when it is empty and a regular file (one made for this run, say
    by mktemp). A symlink is never followed (O_NOFOLLOW): a report may hold passwords,
    and a link planted where it will be written would send them elsewhere."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    flags = os.O_WRONLY | os.O_APPEND | nofollow
    try:
        if resuming:
            fd = os.open(path, flags)
        else:
            try:
                fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                refuse_to_overwrite(path)
                fd = os.open(path, flags)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (not resuming and info.st_size):
            os.close(fd)
            refuse_to_overwrite(path)
            raise UsageError(f"the report {path} is not a regular file: choose a new report file")
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise UsageError(f"the report {path} is a symbolic link: not writing through it; "
                             "give the real path or a new file") from None
        raise UsageError(f"cannot write the report {path}: {exc.strerror}") from None
    handle = os.fdopen(fd, "a", encoding="utf-8")
    # A file that existed keeps its mode on open(): tighten it, it may get passwords.
    os.fchmod(fd, 0o600)
    if resuming and _ends_without_newline(path):
        handle.write("\n")  # the run that wrote it died mid-line; start on a fresh one
    return handle


def refuse_to_overwrite(path: Path) -> None:
    """UsageError if `path` holds an earlier report or is a symbolic link (checked
    again when it is opened)."""
    try:
        info = path.lstat()
    except OSError:
        return  # missing (fine) or unreadable (opening it will say why)
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"the report {path} is a symbolic link: not writing through it; "
                         "give the real path or a new file")
    if info.st_size:
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


def done_addresses(path: Path, command: str, job: dict[str, Any] | None = None) -> tuple[set[str], int]:
    """The addresses a report marks done, and how many of its lines could not be read
    (the last line of a run killed mid-write, typically). Its first record must name the
    same job (`command` and `job`'s profile and input), else nothing is appended to it."""
    if path.is_symlink():
        raise UsageError(f"the report {path} is a symbolic link: not writing through it; give the real path")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--resume {path}: no such report (the first run writes it with --report {path})") from None
    except OSError as exc:
        raise UsageError(f"cannot read the report {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a mailctl report (not UTF-8 text)") from None
    _check_job(path, text, command, job or {})
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


def _check_job(path: Path, text: str, command: str, job: dict[str, Any]) -> None:
    """UsageError unless the report's first record is a row of this job. A report from
    before job fields were written (command, row, address, outcome, no profile) is taken
    when its command matches."""
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        return  # an empty report: the run that made it stopped before any row
    try:
        entry = json.loads(first)
    except ValueError:
        entry = None
    if not isinstance(entry, dict) or not {"command", "row", "address", "outcome"} <= set(entry):
        raise UsageError(f"{path} is not a mailctl report (its first line is not a report row): "
                         "nothing is appended to it")
    if entry.get("command") != command:
        raise UsageError(
            f"{path} is the report of a '{entry.get('command')}' run, not of '{command}': "
            "resume a run with the same command"
        )
    for name, value in job.items():
        if name in entry and entry[name] != value:
            raise UsageError(f"{path} is the report of another job ({name} {entry[name]!r}, not {value!r}): "
                             "resume with the same profile and input file, or start a new report")
