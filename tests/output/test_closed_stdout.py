"""A reader that goes away (`| head -1`, `jq -e` done early) is not an error: the run
ends quietly with exit 0 in every mode -- through a real pipe, in a subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from mailctl.audit import state_dir
from mailctl.cli import run
from mailctl.environment import Environment


def big_audit_log(entries: int = 20000) -> None:
    path = state_dir() / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"time": "2024-05-01T10:00:00+00:00", "profile": "prod", "command": "pop delete",
            "target": "info@example.com", "outcome": "failed", "error": {"code": "refused", "message": "no"}}
    path.write_text((json.dumps(line) + "\n") * entries)


@pytest.mark.parametrize("mode", [["-o", "plain"], ["-o", "table"], ["--json"]])
def test_head_closing_the_pipe_exits_0_quietly(mode):
    big_audit_log()
    child = subprocess.Popen([sys.executable, "-m", "mailctl", *mode, "audit", "-n", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    first = child.stdout.readline()
    child.stdout.close()  # what `head -1` does after its line
    stderr = child.stderr.read()
    assert child.wait(timeout=60) == 0
    assert first and stderr == b""


class ClosedPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_inside_the_process_exits_0_with_nothing_on_stderr(cli):
    big_audit_log(10)
    stderr = io.StringIO()
    env = Environment(stdin=io.StringIO(), stdout=ClosedPipe(), stderr=stderr, stdout_isatty=False, environ=os.environ)
    assert run(["audit"], env) == 0
    assert stderr.getvalue() == ""
