"""mailbox.org sessions under a concurrent run: 16 workers share one session, and when
it expires mid-run the backend logs in again once, not once per worker (each login is
an entry on the account's failed-login counter when the secret has just been changed)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter

from bulk_support import csv_file, new_rows


def _methods(emu) -> Counter:
    return Counter(json.loads(r.body).get("method") for r in emu.requests if r.provider == "mailboxorg")


def test_one_session_serves_every_worker(cli, mailboxorg, tmp_path):
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", new_rows(48))), "--jobs", "16")
    assert result.exit_code == 0, result.stderr
    assert _methods(mailboxorg.emu)["auth"] == 0  # the stored session is used


def test_without_a_stored_session_the_first_row_logs_in_alone(cli, mailboxorg, tmp_path, memory_keyring):
    memory_keyring.store.pop(("mailctl", "mailboxorg:session"))
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", new_rows(48))), "--jobs", "16")
    assert result.exit_code == 0, result.stderr
    assert _methods(mailboxorg.emu)["auth"] == 1


def test_a_session_expiring_mid_run_is_renewed_once(cli, mailboxorg, tmp_path):
    emu = mailboxorg.emu
    emu.settings.latency_ms = 10  # so many requests are in flight when it expires
    expired = threading.Event()

    def expire_after_some_adds() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _methods(emu)["mail.add"] < 20:
            time.sleep(0.002)
        with emu.state.lock:
            emu.state.mailboxorg.expire_sessions()
        expired.set()

    watcher = threading.Thread(target=expire_after_some_adds, daemon=True)
    watcher.start()
    rows = new_rows(96)
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", rows)), "--jobs", "16")
    watcher.join()
    assert expired.is_set()
    assert result.exit_code == 0, result.stderr
    assert _methods(emu)["auth"] == 1
    assert mailboxorg.addresses() >= {row["address"] for row in rows}
    # The calls refused with 253 were repeated (the server had not acted on them).
    assert [line.split("\t")[2] for line in result.stdout.splitlines()] == ["created"] * 96
