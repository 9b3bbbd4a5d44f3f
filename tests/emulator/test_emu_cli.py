"""`python -m mailctl.emulator` as a user runs it: URL on stdout, access log on stderr,
clean exit on SIGTERM/SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STRONG = "Str0ng-pass"


COMMAND = [sys.executable, "-m", "mailctl.emulator", "--port", "0"]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=REPO, env=ENV)
    url = process.stdout.readline().strip()
    if not url:
        process.kill()
        raise AssertionError(f"no URL on stdout: {process.communicate()[1]}")
    return process, url


def stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> tuple[int, str, str]:
    process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return process.returncode, out, err


def test_serves_logs_and_exits_cleanly(http):
    process, url = start()
    assert url.startswith("http://127.0.0.1:")
    listed = http.post(f"{url}/CMD_API_POP", auth=("demo", "demo-secret"),
                       data={"action": "list", "domain": "example.com"})
    assert listed.text == "list%5B%5D=info&list%5B%5D=sales"
    refused = http.post(f"{url}/CMD_API_POP", auth=("demo", "wrong"),
                        data={"action": "list", "domain": "example.com"})
    assert "<title>DirectAdmin Login</title>" in refused.text
    http.post(f"{url}/execute/Email/passwd_pop?email=info",
              data={"password": STRONG}, headers={"Authorization": "cpanel demo:demo-secret"})
    code, out, err = stop(process)
    assert code == 0
    assert out == ""  # only the URL line, already read
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("127.0.0.1 ") and lines[0].endswith('"POST /CMD_API_POP" 200')
    assert lines[2].endswith('"POST /execute/Email/passwd_pop?email=info" 200')
    assert STRONG not in err and "demo-secret" not in err and "example.com" not in err


def test_sigint_also_exits_cleanly():
    process, _ = start("--quiet")
    code, _, err = stop(process, signal.SIGINT)
    assert code == 0
    assert "Traceback" not in err


def test_state_file_survives_a_restart(tmp_path, http):
    path = tmp_path / "rehearsal.json"
    process, url = start("--state", str(path))
    http.post(f"{url}/v1/", json={"jsonrpc": "2.0", "id": 1, "method": "auth",
                                  "params": {"user": "demo", "pass": "demo-secret"}})
    created = http.post(f"{url}/CMD_API_POP", auth=("demo", "demo-secret"), data={
        "action": "create", "domain": "example.com", "user": "kept", "passwd": STRONG,
        "passwd2": STRONG, "quota": "5"})
    assert created.text.startswith("error=%30")
    assert stop(process)[0] == 0
    saved = json.loads(path.read_text())
    assert saved["directadmin"]["mailboxes"]["example.com"]["kept"]["quota_mb"] == 5
    process, url = start("--state", str(path), "--quiet")
    listed = http.post(f"{url}/CMD_API_POP", auth=("demo", "demo-secret"),
                       data={"action": "list", "domain": "example.com"})
    assert listed.text == "list%5B%5D=info&list%5B%5D=kept&list%5B%5D=sales"
    assert stop(process)[0] == 0


def test_switches_and_faults(http):
    process, url = start("--quiet", "--da-auth-failure", "json401", "--fault",
                         "503,path=/execute/,nth=2,count=1", "--whm-legacy-only")
    assert http.post(f"{url}/CMD_API_LOGIN_TEST", auth=("demo", "bad")).status_code == 401
    statuses = [http.post(f"{url}/execute/Email/count_pops",
                          headers={"Authorization": "cpanel demo:demo-secret"}).status_code
                for _ in range(3)]
    assert statuses == [200, 503, 200]
    legacy = http.post(f"{url}/json-api/passwd", headers={"Authorization": "whm root:demo-secret"},
                       data={"api.version": "1", "user": "demo", "pass": STRONG}).json()
    assert legacy["passwd"][0]["status"] == 1
    assert stop(process)[0] == 0


def test_tls_switches(tls_files, http):
    certfile, keyfile, cafile = tls_files
    process, url = start("--quiet", "--tls-cert", certfile, "--tls-key", keyfile)
    assert url.startswith("https://")
    assert http.post(f"{url}/v1/", json={"jsonrpc": "2.0", "id": 1, "method": "hello.world"},
                     verify=cafile).json()["result"] == "Hello World!"
    assert stop(process)[0] == 0


@pytest.mark.parametrize("args", [["--fault", "kind=teapot"], ["--tls-cert", "only.pem"],
                                  ["--da-auth-failure", "nope"]])
def test_bad_arguments_exit_2(args):
    result = subprocess.run([*COMMAND, *args], capture_output=True, text=True, cwd=REPO,
                            timeout=10, env=ENV)
    assert result.returncode == 2
    assert result.stdout == ""


def test_bad_state_file_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = subprocess.run([*COMMAND, "--state", str(path)], capture_output=True, text=True,
                            cwd=REPO, timeout=10, env=ENV)
    assert result.returncode == 2
    assert "broken.json" in result.stderr or "Expecting" in result.stderr
