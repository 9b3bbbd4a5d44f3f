"""ISPConfig sessions end 30 minutes after login: an expired one is renewed with exactly
one extra login (once, thread-safe for bulk workers); a refused renewal stops."""

from __future__ import annotations

import json

NEW = "new@example.com"


def test_a_read_after_expiry_logs_in_once_and_repeats(cli, isp, logged_in, wire, session_of):
    stale = session_of()
    isp.expire_sessions()

    result = cli("pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert wire.calls() == ["mail_domain_get_by_domain", "login", "mail_domain_get_by_domain", "mail_user_get"]
    assert session_of() not in (stale, None) and session_of() in isp.sessions


def test_a_write_after_expiry_is_applied_once(cli, isp, logged_in, wire):
    isp.session_lifetime = 0  # every session is already over when it is used
    result = cli("pop", "list", "example.com")
    assert result.exit_code == 4  # the new session is refused too: no second renewal
    assert wire.calls().count("login") == 1

    isp.session_lifetime = 1800
    isp.expire_sessions()
    emu_calls_before = len(wire.calls())
    created = cli("pop", "create", NEW, "--password-stdin", stdin="Str0ng-pass-1\n")

    assert created.exit_code == 0, created.stderr
    assert wire.calls()[emu_calls_before:].count("login") == 1
    assert wire.calls().count("mail_user_add") == 1
    assert isp.has_mailbox(NEW)


def test_status_after_expiry_says_renewed(cli, isp, logged_in, wire):
    isp.expire_sessions()

    result = cli("--json", "session", "status")

    assert result.exit_code == 0, result.stderr
    assert result.json["session"] == "renewed"
    assert wire.calls().count("login") == 1


def test_a_refused_renewal_stops_with_exit_4(cli, isp, logged_in, wire):
    isp.expire_sessions()
    isp.remote_users["demo"].password = "Changed-pass-1"

    result = cli("pop", "list", "example.com")

    assert result.exit_code == 4
    assert wire.calls() == ["mail_domain_get_by_domain", "login"]  # one login, never a loop


def test_bulk_workers_share_one_renewal(cli, isp, logged_in, wire, tmp_path):
    rows = [{"address": f"user{n}@example.com", "password": f"Str0ng-pass-{n}"} for n in range(8)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    isp.expire_sessions()

    result = cli("pop", "create", "--from-file", str(path), "--jobs", "4")

    assert result.exit_code == 0, result.stderr
    assert wire.calls().count("login") == 1
    assert wire.calls().count("mail_user_add") == 8
    assert sorted(isp.addresses()) == sorted(["info@example.com", "sales@example.com"] + [r["address"] for r in rows])
    # Said once, in the run's summary, not per row.
    [line] = result.stderr.splitlines()
    assert line.startswith("Accepted: pop create: 8 created in ")
    assert line.endswith("s (ISPConfig applies queued changes shortly)")
