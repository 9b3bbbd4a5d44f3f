"""What the output tests share: running the CLI on a pretend terminal of a given width
(with styles, when a test wants to see the bold header)."""

from __future__ import annotations

import io
import os

from mailctl.cli import run


def run_on_terminal(*args: str, columns: int = 80, styles: bool = False, environ: dict | None = None):
    """(exit code, stdout, stderr) of `mailctl ARGS` with stdout a terminal `columns` wide."""
    from mailctl.environment import Environment

    stdout, stderr = io.StringIO(), io.StringIO()
    env = Environment(stdin=io.StringIO(""), stdout=stdout, stderr=stderr, stdin_isatty=False,
                      stdout_isatty=True, stderr_isatty=False, stdout_styles=styles, columns=columns,
                      environ={**os.environ, **(environ or {})})
    code = run(list(args), env)
    return code, stdout.getvalue(), stderr.getvalue()
