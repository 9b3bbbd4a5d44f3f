"""All of a run's contact with the outside world, in one object that tests replace:
streams, whether they are terminals, the environment variables and the prompt."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Callable, Mapping, TextIO


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _getpass(prompt: str) -> str:
    import getpass

    return getpass.getpass(prompt, stream=sys.stderr)


@dataclass(eq=False)  # a run's surroundings: compared by identity (one generated method fewer)
class Environment:
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin_isatty: bool | None = None
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    getpass: Callable[[str], str] = _getpass
    no_input: bool = False
    # Whether stdout shows terminal styles (a bold header). None: when it really is a
    # terminal that is not TERM=dumb -- `stdout_isatty` alone may be a test's pretence.
    stdout_styles: bool | None = None
    # The terminal's width in cells. None: $COLUMNS, else the terminal's own, else 80.
    columns: int | None = None

    def __post_init__(self) -> None:
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(self.stdin)
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)
        if self.stdout_styles is None:
            self.stdout_styles = _isatty(self.stdout) and self.environ.get("TERM") != "dumb"

    @property
    def can_prompt(self) -> bool:
        return bool(self.stdin_isatty) and not self.no_input

    @property
    def color(self) -> bool:
        return "NO_COLOR" not in self.environ

    def terminal_width(self) -> int:
        if self.columns:
            return self.columns
        value = self.environ.get("COLUMNS", "")
        if value.isdigit() and int(value) > 0:
            return int(value)
        try:
            return os.get_terminal_size(self.stdout.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            return 80

    def read_stdin_line(self) -> str:
        if self.stdin is None:
            return ""
        return self.stdin.readline()
