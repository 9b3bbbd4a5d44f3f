"""Lock-out safety: panels count failed logins and lock the account or the IP out after a
few. A secret the server refused is never sent again in the same run, however many
workers wait for a session; a login that meets a server failure (5xx, 429, a dropped
connection) is sent at most twice, for every provider."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest

from hardening_support import DOMAIN, PROVIDERS, SECRET, add_profile_only, assert_one_error_line, connect


def _methods(emu) -> Counter:
    return Counter(json.loads(r.body).get("method") for r in emu.requests if r.provider == "mailboxorg")


def _csv(path, count: int):
    lines = ["address,password"] + [f"user{n:03d}@{DOMAIN},Str0ng-pass-{n}" for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_refused_renewal_is_one_failed_login_however_many_workers_wait(cli, emu, tmp_path):
    connect(cli, emu, "mailboxorg")
    emu.settings.latency_ms = 10  # many requests in flight when the session dies
    expired = threading.Event()

    def expire_and_change_the_secret() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _methods(emu)["mail.add"] < 20:
            time.sleep(0.002)
        with emu.state.lock:
            emu.state.mailboxorg.accounts["demo"].password = "changed-elsewhere"
            emu.state.mailboxorg.expire_sessions()
        expired.set()

    watcher = threading.Thread(target=expire_and_change_the_secret, daemon=True)
    watcher.start()
    report = tmp_path / "report.jsonl"
    result = cli("pop", "create", "--from-file", str(_csv(tmp_path / "in.csv", 96)), "--jobs", "16",
                 "--report", str(report))
    watcher.join()

    assert expired.is_set()
    assert result.exit_code == 4, result.stderr
    assert _methods(emu)["auth"] == 1  # not 16: the refused secret was not sent again
    assert "refused the login of account 'demo'" in result.stderr
    assert "Traceback" not in result.stderr
    # Every row the server applied before the session died is in the report as done.
    created = set(emu.state.mailboxorg.addresses())
    done = {json.loads(line)["address"] for line in report.read_text().splitlines()
            if json.loads(line)["outcome"] == "created"}
    assert done == {a for a in created if a.startswith("user")}


def test_a_refused_secret_is_not_sent_again_by_a_later_renewal_in_the_same_run(cli, emu):
    connect(cli, emu, "mailboxorg")
    emu.state.mailboxorg.expire_sessions()
    emu.state.mailboxorg.accounts["demo"].password = "changed-elsewhere"

    result = cli("pop", "list", "--all-domains")

    assert result.exit_code == 4
    assert _methods(emu)["auth"] == 1
    assert_one_error_line(result.stderr)


FAILURES = {
    "503": dict(kind="503"),
    "429": dict(kind="429", retry_after=0),
    "reset": dict(kind="reset"),
}


@pytest.mark.parametrize("fault", FAILURES)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_session_login_meeting_a_server_failure_is_sent_at_most_twice(cli, emu, provider, fault):
    name = add_profile_only(cli, emu, provider)
    emu.clear_requests()
    emu.add_fault(provider=_emulated(provider), **FAILURES[fault])

    result = cli("-p", name, "session", "login", "--secret-stdin", stdin=SECRET + "\n")

    assert result.exit_code == 5, result.stderr
    assert_one_error_line(result.stderr)
    assert len(emu.requests) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_session_login_that_fails_once_is_retried_once_and_succeeds(cli, emu, provider):
    name = add_profile_only(cli, emu, provider)
    emu.clear_requests()
    emu.add_fault(provider=_emulated(provider), kind="503", nth=1, count=1)

    result = cli("-p", name, "session", "login", "--secret-stdin", stdin=SECRET + "\n")

    assert result.exit_code == 0, result.stderr
    assert len(emu.requests) == 2


def test_a_mailboxorg_renewal_meeting_a_server_failure_sends_auth_at_most_twice(cli, emu):
    connect(cli, emu, "mailboxorg")
    emu.state.mailboxorg.expire_sessions()
    emu.add_fault(provider="mailboxorg", method="auth", kind="503")

    result = cli("domain", "list")

    assert result.exit_code == 5, result.stderr
    assert _methods(emu)["auth"] == 2
    assert _methods(emu)["domain.list"] == 1


def test_reads_other_than_logins_still_retry_as_before(cli, emu):
    connect(cli, emu, "cpanel")
    emu.add_fault(provider="cpanel", kind="503")

    result = cli("domain", "list")

    assert result.exit_code == 5
    assert len(emu.requests) == 4


def _emulated(provider: str) -> str:
    """The emulator app that answers `provider` (WHM is its own app)."""
    return provider
