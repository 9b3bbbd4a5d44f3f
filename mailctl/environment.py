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


@dataclass
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

    def __post_init__(self) -> None:
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(self.stdin)
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)

    @property
    def can_prompt(self) -> bool:
        return bool(self.stdin_isatty) and not self.no_input

    @property
    def color(self) -> bool:
        return "NO_COLOR" not in self.environ

    def read_stdin_line(self) -> str:
        if self.stdin is None:
            return ""
        return self.stdin.readline()
