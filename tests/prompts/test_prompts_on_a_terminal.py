"""Prompts as a person meets them on a real terminal (tests/pty_session.py): Ctrl-C ends
the line before "interrupted", Ctrl-D is "no input given", a typo in a secret is asked
again, --no-input says so, and a mailbox that is not there is not asked about."""

from __future__ import annotations

import pytest

from prompts_support import SECRET, da_calls
from pty_session import TerminalSession

STRONG = "N3w-Mailbox-pass"  # passes the emulator's password rule
MAILBOX_SECRET = "mailbox-secret"  # the emulator's password of its default mailboxes


@pytest.fixture
def env(terminal_env):
    """A run whose secret comes from MAILCTL_SECRET (there is no keyring)."""
    return {**terminal_env, "MAILCTL_SECRET": SECRET}


def mailbox(emu, address: str):
    return emu.state.directadmin.mailbox(address)


# -- Ctrl-C and Ctrl-D ------------------------------------------------------------------------------


def test_ctrl_c_at_a_confirmation_ends_the_line_and_changes_nothing(da, env):
    with TerminalSession(["pop", "delete", "info@example.com"], env=env) as term:
        term.expect("ALL MAIL in it? [y/N] ")
        term.control("c")
        assert term.wait() == 130
    assert term.transcript.endswith("[y/N] ^C\nmailctl: interrupted\n")
    assert mailbox(da, "info@example.com") is not None
    assert ("/CMD_API_POP", "delete") not in da_calls(da)


def test_ctrl_c_in_json_mode_is_a_json_error_line_of_its_own(da, env):
    import json

    with TerminalSession(["--json", "pop", "delete", "info@example.com"], env=env) as term:
        term.expect("[y/N] ")
        term.control("c")
        assert term.wait() == 130
    before, last = term.transcript.rstrip("\n").rsplit("\n", 1)
    assert before.endswith("[y/N] ^C")
    assert json.loads(last)["error"] == {"code": "interrupted", "message": "interrupted", "provider": None}


def test_ctrl_c_at_a_hidden_prompt_ends_the_line(da, terminal_env):
    env = {**terminal_env, "MAILCTL_SECRET_STORE": "plaintext"}
    with TerminalSession(["session", "login"], env=env) as term:
        term.expect(f"Secret for demo on {da.url}: ")
        term.control("c")
        assert term.wait() == 130
    assert term.transcript.endswith(f"Secret for demo on {da.url}: \nmailctl: interrupted\n")
    assert da_calls(da) == []


def test_ctrl_d_at_a_hidden_prompt_is_no_input_not_an_interruption(da, terminal_env):
    env = {**terminal_env, "MAILCTL_SECRET_STORE": "plaintext"}
    with TerminalSession(["session", "login"], env=env) as term:
        term.expect("Secret for demo")
        term.control("d")
        assert term.wait() == 2
    assert term.transcript.endswith(": \nmailctl: error: no input given at the prompt; nothing was changed\n")
    assert "interrupted" not in term.transcript
    assert da_calls(da) == []


def test_ctrl_d_at_a_confirmation_is_no_answer_and_deletes_nothing(da, env):
    with TerminalSession(["pop", "delete", "info@example.com"], env=env) as term:
        term.expect("[y/N] ")
        term.control("d")
        assert term.wait() == 2
    assert term.transcript.endswith("[y/N] \nmailctl: error: no answer given; nothing was changed\n")
    assert "interrupted" not in term.transcript
    assert mailbox(da, "info@example.com") is not None


def test_an_answer_that_is_neither_yes_nor_no_is_asked_again(da, env):
    with TerminalSession(["pop", "delete", "info@example.com"], env=env) as term:
        term.expect("[y/N] ")
        term.send("maybe\n")
        term.expect("Please answer y or n.")
        term.expect("[y/N] ")
        term.send("y\n")
        assert term.wait() == 0
    assert "Deleted info@example.com" in term.transcript
    assert mailbox(da, "info@example.com") is None


# -- secrets typed wrong are asked again ----------------------------------------------------------------


def test_a_mismatched_second_password_is_asked_again(da, env):
    with TerminalSession(["passwd", "info@example.com"], env=env) as term:
        term.expect("New password for info@example.com: ")
        term.send(STRONG + "\n")
        term.expect("New password for info@example.com (again): ")
        term.send("something-else\n")
        term.expect("The two passwords do not match; try again.")
        term.expect("New password for info@example.com: ")
        term.send(STRONG + "\n")
        term.expect("(again): ")
        term.send(STRONG + "\n")
        assert term.wait() == 0
    assert "Changed the password of info@example.com" in term.transcript
    assert mailbox(da, "info@example.com").password == STRONG


def test_three_mismatches_end_in_exit_2_and_change_nothing(da, env):
    with TerminalSession(["passwd", "info@example.com"], env=env) as term:
        for attempt in range(3):
            term.expect("New password for info@example.com: ")
            term.send(STRONG + "\n")
            term.expect("(again): ")
            term.send(f"wrong-{attempt}\n")
        assert term.wait() == 2
    assert term.transcript.count("try again.") == 2
    assert term.transcript.endswith("mailctl: error: the two passwords do not match (3 attempts); nothing was changed\n")
    assert mailbox(da, "info@example.com").password == MAILBOX_SECRET


def test_an_empty_secret_is_asked_again(da, terminal_env, tmp_path):
    env = {**terminal_env, "MAILCTL_SECRET_STORE": "plaintext"}
    with TerminalSession(["session", "login"], env=env) as term:
        term.expect("Secret for demo")
        term.send("\n")
        term.expect("is empty; try again.")
        term.expect("Secret for demo")
        term.send(SECRET + "\n")
        assert term.wait() == 0
    assert "Logged in to" in term.transcript
    assert (tmp_path / "config" / "mailctl" / "secrets" / "da").read_text() == SECRET


# -- --no-input on a terminal ------------------------------------------------------------------------


@pytest.mark.parametrize("command, said", [
    (["pop", "delete", "info@example.com"], "not asking: --no-input was given; pass --yes to confirm"),
    (["passwd", "info@example.com"], "needed but --no-input was given: use --password-stdin"),
])
def test_no_input_on_a_terminal_says_it_was_given(da, env, command, said):
    with TerminalSession(["--no-input", *command], env=env) as term:
        assert term.wait() == 2
    assert said in term.transcript
    assert "no terminal" not in term.transcript
    assert mailbox(da, "info@example.com").password == MAILBOX_SECRET


# -- pop delete of a mailbox that is not there -------------------------------------------------------


def test_pop_delete_of_a_missing_mailbox_fails_before_asking(da, env):
    with TerminalSession(["pop", "delete", "nobody@example.com"], env=env) as term:
        assert term.wait() == 3
    assert term.transcript == "mailctl: error: no mailbox nobody@example.com\n"
    assert da_calls(da) and all(action != "delete" for _, action in da_calls(da))


def test_pop_delete_missing_ok_of_a_missing_mailbox_asks_nothing(da, env):
    with TerminalSession(["pop", "delete", "--missing-ok", "nobody@example.com"], env=env) as term:
        assert term.wait() == 0
    assert term.transcript == "Absent: no mailbox nobody@example.com\n"
