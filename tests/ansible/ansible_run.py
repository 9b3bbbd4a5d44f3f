"""Running the real ansible-playbook of this Python against the emulator, for the
collection's tests: an inventory in a work directory, a private home, parsable output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COLLECTION = REPO / "ansible_collections" / "mailctl" / "mail"
PLAYBOOK_BIN = shutil.which("ansible-playbook", path=os.path.dirname(sys.executable)) or shutil.which(
    "ansible-playbook")

needs_ansible = pytest.mark.skipif(PLAYBOOK_BIN is None,
                                   reason="ansible-playbook is not installed (pip install -e '.[ansible]')")


def ansible(workdir: Path, *args: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    home = workdir / "home"
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(home), "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state"),
        "ANSIBLE_COLLECTIONS_PATH": str(REPO), "ANSIBLE_HOME": str(home / "ansible"),
        "ANSIBLE_LOCAL_TEMP": str(home / "tmp"), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0", "ANSIBLE_PIPELINING": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_STDOUT_CALLBACK": "default",
        # Keep the summary line parsable and warnings out of the way.
        "ANSIBLE_DEPRECATION_WARNINGS": "0", "ANSIBLE_LOCALHOST_WARNING": "0",
        **(extra_env or {}),
    }
    return subprocess.run([PLAYBOOK_BIN, "-i", str(workdir / "inventory.json"), *args], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=300)


def recap(output: str) -> dict[str, dict[str, int]]:
    """host -> {ok, changed, failed, ...} from PLAY RECAP."""
    counts = {}
    for line in output.split("PLAY RECAP", 1)[1].splitlines()[1:]:
        if ":" not in line:
            continue
        host, _, rest = line.partition(":")
        counts[host.strip()] = {k: int(v) for k, v in (part.split("=") for part in rest.split())}
    return counts
