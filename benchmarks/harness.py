"""What the whole-process benchmarks share: an environment of their own (config, state
and bytecode cache in a temporary directory, the emulator's secret) and running the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SECRET = "demo-secret"  # every login's secret in the emulator's default world


def isolated_env(home: Path) -> dict:
    """os.environ without mailctl's own variables, pointed at `home`; bytecode cached there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILCTL_")}
    env.update(MAILCTL_CONFIG_DIR=str(home / "config"), MAILCTL_STATE_DIR=str(home / "state"),
               MAILCTL_SECRET=SECRET, PYTHONPYCACHEPREFIX=str(home / "pycache"), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_mailctl(*args: str, env: dict, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "mailctl", *args], env=env, input=stdin, text=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
