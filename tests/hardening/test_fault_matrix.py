"""Every emulator fault against every provider, for a read (`pop list`) and a write
(`pop create`): the documented exit code, one error line and never a traceback; a read
recovers from a fault that happens once when the fault is one reads are retried on; a
write is sent exactly once, and the emulator's state shows it neither duplicated nor
lost, with mailctl saying what actually happened.

The expectations are tables: `EXPECTED` per fault, with the DirectAdmin login page as
the one override (it is how DirectAdmin says "not logged in", so it is an auth failure
there and an unreadable answer everywhere else)."""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass

import pytest

from hardening_support import (
    DEFAULT_MAILBOXES,
    DOMAIN,
    NEW,
    NEW_PASSWORD,
    PROVIDERS,
    TABLE,
    assert_one_error_line,
    connect,
    mail_state,
)
from provider_table import TABLE

TIMEOUT = "0.5"
# Longer than --timeout, short enough that no stalled server thread outlives its test
# for long (stopping the emulator cuts it short anyway).
STALL_SECONDS = 3

# The emulator fault of each kind. 429 sends Retry-After: 0 so that the cases which keep
# failing do not sleep; test_a_read_retried_after_429_waits_as_retry_after_says shows
# the header is the one obeyed.
FAULTS = {
    "stall": dict(kind="stall", seconds=STALL_SECONDS),
    "500": dict(kind="500"),
    "503": dict(kind="503"),
    "429": dict(kind="429", retry_after=0),
    "reset": dict(kind="reset"),
    "truncate": dict(kind="truncate"),
    "nonjson": dict(kind="nonjson"),
    "login_page": dict(kind="login_page"),
}

# The one request of `pop create` that writes, per provider.
WRITE_REQUEST = {name: entry.write_request for name, entry in TABLE.items()}


@dataclass(frozen=True)
class Expect:
    read_always: int  # exit code when every request of the read fails
    read_once: int  # exit code when only the first request fails
    attempts: int  # how often the failing read request is sent when it keeps failing
    write_before: int  # the write failed before the server applied it
    write_after: int  # the server applied the write, then its answer was lost
    message: str  # in the error line
    code: str  # error.code in --json mode
    # What a write that failed before it was applied is reported as. After a timeout the
    # server may still apply it, so mailctl must not call it "NOT applied".
    write_before_says: str = "NOT applied"


RETRIED = dict(read_once=0, attempts=4, write_before=5, write_after=0)
# A 200 answer that cannot be read is not retried: it is an answer, and a broken one.
UNREADABLE = dict(read_once=5, attempts=1, write_before=5, write_after=0)
EXPECTED = {
    "stall": Expect(read_always=5, message=f"did not answer within {TIMEOUT}s", code="timeout",
                    write_before_says="may still apply it", **RETRIED),
    "500": Expect(read_always=5, message="HTTP 500", code="transport", **RETRIED),
    "503": Expect(read_always=5, message="HTTP 503", code="transport", **RETRIED),
    "429": Expect(read_always=5, message="HTTP 429", code="transport", **RETRIED),
    "reset": Expect(read_always=5, message="closed the connection without an answer", code="transport", **RETRIED),
    "truncate": Expect(read_always=5, message="was cut off", code="transport", **RETRIED),
    "nonjson": Expect(read_always=5, message="JSON", code="bad_response", **UNREADABLE),
    "login_page": Expect(read_always=5, message="not JSON", code="bad_response", **UNREADABLE),
}
# DirectAdmin answers its login page instead of running a command it did not
# authenticate: an auth failure (exit 4), never retried, whatever was asked. The "after"
# write is a combination a real DirectAdmin cannot produce (it authenticates before it
# acts); it stays in the table to show the write is still sent only once.
OVERRIDES = {
    ("directadmin", "login_page"): Expect(read_always=4, read_once=4, attempts=1, write_before=4, write_after=4,
                                          message="its login page", code="auth"),
    # Virtualmin asked for JSON and got an HTML page: Webmin's login page (providers notes).
    ("virtualmin", "login_page"): Expect(read_always=4, read_once=4, attempts=1, write_before=4, write_after=4,
                                         message="HTML page", code="auth"),
}


def expected(provider: str, fault: str) -> Expect:
    expect = OVERRIDES.get((provider, fault), EXPECTED[fault])
    answer_format = TABLE[provider].answer_format
    if fault in ("nonjson", "login_page") and answer_format != "JSON":
        # The answer is unreadable as what this provider speaks.
        expect = dataclasses.replace(expect, message=expect.message.replace("JSON", answer_format))
    return expect


def cases():
    return [pytest.param(provider, fault, id=f"{provider}-{fault}") for provider in PROVIDERS for fault in FAULTS]


def listed(stdout: str) -> list[str]:
    """The addresses of `pop list` in plain output (first field of each line)."""
    return [line.split("\t")[0] for line in stdout.splitlines()]


# -- reads -------------------------------------------------------------------------------


@pytest.mark.parametrize("provider, fault", cases())
def test_a_read_that_keeps_failing_exits_with_one_error_line(cli, emu, provider, fault):
    connect(cli, emu, provider)
    expect = expected(provider, fault)
    injected = emu.add_fault(provider=provider, **FAULTS[fault])

    result = cli("--timeout", TIMEOUT, "pop", "list", DOMAIN)

    assert result.exit_code == expect.read_always
    assert expect.message in assert_one_error_line(result.stderr)
    assert result.stdout == ""
    assert injected.matched == expect.attempts  # the first try and, if retried, three more
    assert mail_state(emu, provider).addresses() == DEFAULT_MAILBOXES


@pytest.mark.parametrize("provider, fault", [c for c in cases() if c.values[1] != "stall"])
def test_a_read_that_keeps_failing_says_so_in_json_naming_the_provider(cli, emu, provider, fault):
    # The stall is left out only for time: its error is the transport's, as reset's is.
    connect(cli, emu, provider)
    expect = expected(provider, fault)
    emu.add_fault(provider=provider, **FAULTS[fault])

    result = cli("--json", "--timeout", TIMEOUT, "pop", "list", DOMAIN)

    assert result.exit_code == expect.read_always
    assert len(result.stderr.splitlines()) == 1
    error = json.loads(result.stderr)["error"]
    assert (error["code"], error["provider"]) == (expect.code, provider)
    assert expect.message in error["message"]


@pytest.mark.parametrize("provider, fault", cases())
def test_a_read_whose_first_request_fails_once(cli, emu, provider, fault):
    connect(cli, emu, provider)
    expect = expected(provider, fault)
    emu.add_fault(provider=provider, nth=1, count=1, **FAULTS[fault])

    result = cli("--debug", "--timeout", TIMEOUT, "pop", "list", DOMAIN)

    assert result.exit_code == expect.read_once
    assert "Traceback" not in result.stderr
    if expect.read_once == 0:
        assert listed(result.stdout) == DEFAULT_MAILBOXES
        assert "retrying" in result.stderr  # recovered by a retry, not by luck
    else:
        assert result.stdout == ""
        assert expect.message in result.stderr


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_read_retried_after_429_waits_as_retry_after_says(cli, emu, provider, monkeypatch):
    # With the backoff at 5 s, an immediate retry can only come from Retry-After: 0.
    monkeypatch.setattr("mailctl.transport.DEFAULT_BACKOFF", 5.0)
    connect(cli, emu, provider)
    emu.add_fault(provider=provider, nth=1, count=1, **FAULTS["429"])

    result = cli("--debug", "pop", "list", DOMAIN)

    assert result.exit_code == 0, result.stderr
    assert "HTTP 429; retrying in 0.0s (1/3)" in result.stderr
    assert listed(result.stdout) == DEFAULT_MAILBOXES


# -- writes ------------------------------------------------------------------------------


def create(cli):
    return cli("--timeout", TIMEOUT, "pop", "create", NEW, "--password-stdin", stdin=NEW_PASSWORD + "\n")


@pytest.mark.parametrize("provider, fault", cases())
def test_a_write_that_failed_before_it_was_applied_says_it_was_not(cli, emu, provider, fault):
    connect(cli, emu, provider)
    expect = expected(provider, fault)
    injected = emu.add_fault(when="before", **WRITE_REQUEST[provider], **FAULTS[fault])

    result = create(cli)

    assert result.exit_code == expect.write_before
    line = assert_one_error_line(result.stderr)
    assert expect.message in line
    if expect.write_before == 5:
        assert expect.write_before_says in line
        assert ("safe to retry" in line) == (expect.write_before_says == "NOT applied")
    assert injected.matched == 1  # sent once, never re-sent
    assert mail_state(emu, provider).addresses() == DEFAULT_MAILBOXES


@pytest.mark.parametrize("provider, fault", cases())
def test_a_write_whose_answer_was_lost_after_it_was_applied_exists_once(cli, emu, provider, fault):
    connect(cli, emu, provider)
    expect = expected(provider, fault)
    injected = emu.add_fault(when="after", **WRITE_REQUEST[provider], **FAULTS[fault])

    result = create(cli)

    assert result.exit_code == expect.write_after
    if expect.write_after == 0:
        assert "Traceback" not in result.stderr
        warning, done = result.stderr.splitlines()
        assert warning.startswith("warning: the answer to ") and "was lost" in warning
        assert "the change was applied" in warning
        # A provider that applies writes later says the create was accepted, not done.
        spec = TABLE[provider].spec
        assert done == (f"Accepted: created {NEW} ({spec.label} applies queued changes shortly)"
                        if spec.applies_later else f"Created {NEW}")
    else:
        assert expect.message in assert_one_error_line(result.stderr)
    assert injected.matched == 1
    state = mail_state(emu, provider)
    assert state.addresses() == sorted(DEFAULT_MAILBOXES + [NEW])
    assert state.mailbox(NEW).password == NEW_PASSWORD


# -- mailbox.org sessions ------------------------------------------------------------------


def methods(emu) -> list[str]:
    return [json.loads(r.body)["method"] for r in emu.requests if r.provider == "mailboxorg"]


def test_mailboxorg_read_after_the_session_expired_renews_it_and_succeeds(cli, emu, memory_keyring):
    connect(cli, emu, "mailboxorg")
    stale = memory_keyring.store[("mailctl", "mailboxorg:session")]
    emu.state.mailboxorg.expire_sessions()

    result = cli("pop", "list", DOMAIN)

    assert result.exit_code == 0, result.stderr
    assert listed(result.stdout) == DEFAULT_MAILBOXES
    assert methods(emu) == ["mail.list", "auth", "mail.list"]
    assert memory_keyring.store[("mailctl", "mailboxorg:session")] not in (stale, None)


def test_mailboxorg_write_after_the_session_expired_is_applied_once(cli, emu):
    connect(cli, emu, "mailboxorg")
    emu.state.mailboxorg.expire_sessions()

    result = create(cli)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Created {NEW}\n"
    # The first mail.add was refused (253) before the server acted: repeating it is safe.
    assert methods(emu) == ["mail.add", "auth", "mail.add"]
    assert emu.state.mailboxorg.addresses() == sorted(DEFAULT_MAILBOXES + [NEW])


# -- a write the server applies after mailctl gave up waiting -----------------------------


def wait_until_answered(emu, seconds: float = 5.0) -> None:
    """Until the server has handled every request it received (a late one included)."""
    deadline = time.monotonic() + seconds
    while any(r.status is None for r in emu.requests):
        assert time.monotonic() < deadline, "the emulator never answered"
        time.sleep(0.02)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_write_that_timed_out_is_never_called_not_applied_when_it_lands_later(cli, emu, provider):
    connect(cli, emu, provider)
    # The server handles the write, only late: after mailctl's timeout and state check.
    late = emu.add_fault(kind="latency", ms=1500, **WRITE_REQUEST[provider])

    result = create(cli)
    wait_until_answered(emu)

    assert late.matched == 1 and mail_state(emu, provider).has_mailbox(NEW)
    # The mailbox exists; mailctl must not have told the user it does not.
    assert result.exit_code in (0, 5)
    assert "NOT applied" not in result.stderr
