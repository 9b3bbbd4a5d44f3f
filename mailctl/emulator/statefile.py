"""Saving the world to a `--state` file: batched, in the background, crash-safe.

Changes mark the file dirty; a background thread saves shortly afterwards (several
changes in that window become one write), and stop() saves whatever is left. A save
snapshots the world under its lock and serialises outside it, so requests are not held
up by the JSON encoding. Every write goes to a temporary file in the same directory,
is flushed to disk, and then renamed over the old one: a reader, or a crash at any
moment, sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import World

# Long enough to batch a bulk run's burst of writes, short enough that an emulator
# killed without stop() loses at most this much.
DEFAULT_DELAY = 0.2


# Up to this many mailboxes the file is indented for people to read and edit; beyond,
# it is compact: json's C encoder works only without indent (12 s against 1 s for
# 300,000 mailboxes).
PRETTY_UP_TO = 10_000


def write_atomically(path: str | os.PathLike[str], data: Any, pretty: bool = True) -> None:
    if pretty:
        text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    else:
        text = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".emulator-state-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (where the platform allows opening a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class StateSaver:
    """Saves `world` to `path` a moment after it changed, and once more on stop()."""

    def __init__(self, world: World, path: str, delay: float = DEFAULT_DELAY) -> None:
        self.world = world
        self.path = path
        self.delay = delay
        self.saves = 0  # how many writes happened (tests read it)
        self._saved_revision = world.revision
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._write_lock = threading.Lock()  # one writer at a time: thread vs flush()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="mailctl-emulator-state",
                                        daemon=True)
        self._thread.start()

    def changed(self) -> None:
        self._wake.set()

    def flush(self) -> None:
        """Save now if anything changed since the last save."""
        with self._write_lock:
            with self.world.lock:
                revision = self.world.revision
                if revision == self._saved_revision:
                    return
                snapshot = self.world.to_dict()
                pretty = self.world.mailbox_count() <= PRETTY_UP_TO
            write_atomically(self.path, snapshot, pretty)
            self._saved_revision = revision
            self.saves += 1

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stopping.is_set():
                return
            self._stopping.wait(self.delay)  # gather the changes that follow closely
            try:
                self.flush()
            except OSError as error:  # a full disk must not kill the server
                print(f"emulator: could not save the state file: {error}", flush=True,
                      file=__import__("sys").stderr)
