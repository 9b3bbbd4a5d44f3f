"""Lost answers, server errors and junk: reads are retried, writes are sent once and a lost
answer is settled by looking at the emulator's state, never by sending the write again."""

from __future__ import annotations

from directadmin_support import MAILBOX_SECRET, STRONG, actions, calls


def test_a_create_whose_answer_is_lost_but_applied_succeeds_with_a_notice(cli, da):
    da.add_fault(kind="reset", provider="directadmin", field="action:create", when="after")
    result = cli("--json", "pop", "create", "new@example.com", "--quota", "5", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr and "the change was applied" in result.stderr
    assert result.json["address"] == "new@example.com"
    assert da.state.directadmin.mailbox("new@example.com").password == STRONG
    assert actions(da) == [("/CMD_API_POP", "create"), ("/CMD_API_POP", "list")]  # checked, not re-sent


def test_a_create_that_failed_before_acting_says_not_applied(cli, da):
    da.add_fault(kind="reset", provider="directadmin", field="action:create", when="before")
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 5
    assert "NOT applied" in result.error_json["error"]["message"]
    assert not da.state.directadmin.has_mailbox("new@example.com")
    assert actions(da) == [("/CMD_API_POP", "create"), ("/CMD_API_POP", "list")]


def test_a_5xx_on_a_write_is_not_retried_and_the_state_decides(cli, da):
    da.add_fault(kind="500", provider="directadmin", field="action:create", when="after")
    result = cli("pop", "create", "new@example.com", "--quota", "5", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 0
    assert "HTTP 500" in result.stderr
    assert [a for _, a in actions(da)].count("create") == 1


def test_an_unreadable_answer_to_a_write_is_settled_by_the_state(cli, da):
    da.add_fault(kind="nonjson", provider="directadmin", field="action:delete", when="after")
    result = cli("--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert "the deletion of sales@example.com was lost" in result.stderr
    assert not da.state.directadmin.has_mailbox("sales@example.com")


def test_a_delete_that_timed_out_after_acting_succeeds(cli, da):
    da.add_fault(kind="stall", seconds=3, provider="directadmin", field="action:delete", when="after")
    result = cli("--timeout", "0.3", "--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert "did not answer within 0.3s" in result.stderr
    assert not da.state.directadmin.has_mailbox("sales@example.com")


def test_a_delete_refused_by_a_503_before_acting_says_not_applied(cli, da):
    da.add_fault(kind="503", provider="directadmin", field="action:delete")
    result = cli("--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 5
    assert "NOT applied" in result.stderr and "safe to retry" in result.stderr
    assert da.state.directadmin.has_mailbox("sales@example.com")
    assert [a for _, a in actions(da)].count("delete") == 1


def test_when_the_check_fails_too_the_write_is_ambiguous(cli, da):
    da.add_fault(kind="reset", provider="directadmin", field="action:create", when="after")
    da.add_fault(kind="reset", provider="directadmin", field="action:list")
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert da.state.directadmin.has_mailbox("new@example.com")  # it did happen; mailctl could not know
    assert [a for _, a in actions(da)].count("create") == 1


def test_a_lost_password_change_is_ambiguous_and_not_re_sent(cli, da):
    da.add_fault(kind="reset", provider="directadmin", field="action:modify", when="after")
    result = cli("--json", "passwd", "info@example.com", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert [a for _, a in actions(da)] == ["list", "modify"]


def test_a_lost_self_service_change_is_ambiguous(cli, da):
    da.add_fault(kind="truncate", path="/CMD_CHANGE_EMAIL_PASSWORD", when="after")
    result = cli("--json", "passwd", "--self", "info@example.com", "--password-stdin",
                 stdin=f"{MAILBOX_SECRET}\n{STRONG}\n")
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert len(calls(da, "/CMD_CHANGE_EMAIL_PASSWORD")) == 1


def test_a_lost_account_password_change_is_ambiguous(cli, da):
    da.add_fault(kind="502", path="/CMD_API_USER_PASSWD")
    result = cli("--json", "account", "passwd", "demo", "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert len(calls(da, "/CMD_API_USER_PASSWD")) == 1


def test_reads_are_retried_after_5xx_429_and_resets(cli, da):
    da.add_fault(kind="503", path="/CMD_API_POP", count=1)
    da.add_fault(kind="429", retry_after=0, path="/CMD_API_POP", nth=2, count=1)
    da.add_fault(kind="reset", path="/CMD_API_POP", nth=3, count=1)
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert len(result.json) == 2
    assert len(calls(da, "/CMD_API_POP")) == 4


def test_a_read_that_keeps_failing_exits_5(cli, da):
    da.add_fault(kind="500", path="/CMD_API_SHOW_DOMAINS")
    result = cli("--json", "domain", "list")
    assert result.exit_code == 5
    assert "HTTP 500" in result.error_json["error"]["message"]
    assert len(calls(da)) == 4  # the first try and three retries


def test_a_stalled_read_times_out_and_is_retried(cli, da):
    da.add_fault(kind="stall", seconds=3, path="/CMD_API_SHOW_DOMAINS", count=1)
    result = cli("--timeout", "0.3", "--json", "domain", "list")
    assert result.exit_code == 0, result.stderr
    assert len(calls(da)) == 2


def test_junk_and_cut_off_answers_to_reads_exit_5_without_a_traceback(cli, da):
    da.add_fault(kind="nonjson", path="/CMD_API_POP")
    result = cli("pop", "list", "example.com")
    assert result.exit_code == 5
    assert "Traceback" not in result.stderr
    da.clear_faults()
    da.add_fault(kind="truncate", path="/CMD_API_SHOW_DOMAINS")
    result = cli("domain", "list")
    assert result.exit_code == 5
    assert "Traceback" not in result.stderr


def test_connection_refused_exits_5(cli, da):
    da.stop()
    result = cli("--json", "domain", "list")
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "transport"
