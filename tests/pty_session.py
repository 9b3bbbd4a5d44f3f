"""Drive the real `mailctl` process on a pseudo terminal, as a person at a keyboard would.

For behaviour that is about a terminal (hidden prompts, Ctrl-C and Ctrl-D, confirmations,
progress) the in-process runner's `tty=True` is not enough: only a real terminal shows
what getpass, echo and signals do. A session starts `python -m mailctl ARGS` with its
stdin, stdout and stderr on the slave side of a pty, and the test reads the screen and
types on the master side:

    with TerminalSession(["pop", "delete", "info@example.com"], env=env) as term:
        term.expect("ALL MAIL")
        term.send("n\\n")
        assert term.wait() == 1
    assert "Aborted" in term.transcript
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time
from typing import Mapping, Sequence

CONTROL = {"c": b"\x03", "d": b"\x04"}


class TerminalSession:
    def __init__(self, args: Sequence[str], *, env: Mapping[str, str] | None = None,
                 timeout: float = 20.0, columns: int = 100, rows: int = 30) -> None:
        self.timeout = timeout
        self._master, slave = pty.openpty()
        _set_size(slave, rows, columns)
        environ = {**os.environ, **(env or {}), "COLUMNS": str(columns), "LINES": str(rows)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mailctl", *args], stdin=slave, stdout=slave, stderr=slave,
            env=environ, start_new_session=True, close_fds=True,
            # The pty becomes the child's controlling terminal, so Ctrl-C typed on it is a
            # SIGINT from the line discipline, as on a real terminal.
            preexec_fn=lambda: _take_terminal(slave),
        )
        os.close(slave)
        self._screen = bytearray()
        self._seen = 0  # how far expect() has matched

    # -- reading -------------------------------------------------------------------------

    @property
    def transcript(self) -> str:
        """Everything the process wrote, with terminal line endings as plain newlines."""
        return self._screen.decode("utf-8", "replace").replace("\r\n", "\n")

    def expect(self, pattern: str, *, regex: bool = False) -> str:
        """Wait until `pattern` appears after the previous match; returns the text up to it."""
        wanted = re.compile(pattern if regex else re.escape(pattern))
        deadline = time.monotonic() + self.timeout
        while True:
            text = self._screen.decode("utf-8", "replace")
            found = wanted.search(text, self._seen)
            if found:
                before = text[self._seen:found.end()]
                self._seen = found.end()
                return before
            if not self._read(deadline - time.monotonic()):
                raise AssertionError(f"{pattern!r} never appeared; the terminal showed:\n{self.transcript}")

    def _read(self, wait: float) -> bool:
        if wait <= 0:
            return False
        ready, _, _ = select.select([self._master], [], [], min(wait, 0.2))
        if not ready:
            return self.process.poll() is None or self._drain_once()
        return self._drain_once()

    def _drain_once(self) -> bool:
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # the child closed the terminal
            return False
        if not chunk:
            return False
        self._screen.extend(chunk)
        return True

    # -- typing --------------------------------------------------------------------------

    def send(self, text: str) -> None:
        os.write(self._master, text.encode())

    def control(self, key: str) -> None:
        """Type Ctrl-KEY ("c" for an interrupt, "d" for end of input)."""
        os.write(self._master, CONTROL[key])

    # -- ending --------------------------------------------------------------------------

    def wait(self) -> int:
        """Wait for the process to end, reading all it writes; its exit code
        (128 + N for a signal N, as a shell reports it)."""
        deadline = time.monotonic() + self.timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"mailctl did not end; the terminal showed:\n{self.transcript}")
            self._read(0.2)
        while self._read(0.05):
            pass
        code = self.process.returncode
        return 128 - code if code < 0 else code

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self._master)

    def __enter__(self) -> "TerminalSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _take_terminal(fd: int) -> None:
    import fcntl

    fcntl.ioctl(fd, termios.TIOCSCTTY, 0)


def _set_size(fd: int, rows: int, columns: int) -> None:
    import fcntl
    import struct

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
