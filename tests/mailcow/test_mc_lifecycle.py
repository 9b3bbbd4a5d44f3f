"""pop show and pop set on mailcow through the real CLI against the emulator: `GET
get/mailbox/<address>`, `POST edit/mailbox` with the quota in MiB and `active` 0/1/2 (one
field for login and delivery), the requests made and the emulator's state afterwards."""

from __future__ import annotations

import pytest

from mailctl import errors
from mailctl.api import Client
from mailcow_support import RW_KEY

MB = 1024 * 1024
SALES = "sales@example.com"


def active(mc, address=SALES) -> int:
    return mc.mailbox(address).active


# -- pop show ----------------------------------------------------------------------------------

def test_show_reads_the_mailbox_and_the_aliases_that_deliver_to_it(cli, logged_in, mc, wire):
    mc.add_alias("team@example.com", [SALES, "x@other.test"])
    mc.add_alias("list@example.com", ["info@example.com"])
    emu_calls_before = len(wire.requests())
    result = cli("--json", "pop", "show", SALES)
    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": SALES, "quota_mb": 500, "usage_bytes": int(230.25 * MB), "suspended": False,
                           "plan": None, "restrictions": [], "domain": "example.com",
                           "aliases": ["team@example.com"]}
    assert wire.calls()[emu_calls_before:] == ["GET get/mailbox/sales@example.com", "GET get/alias/all/example.com"]


@pytest.mark.parametrize("state, restrictions", [(2, ["login"]), (0, ["login", "incoming"])])
def test_show_reads_active_as_restrictions(cli, logged_in, mc, state, restrictions):
    mc.mailbox(SALES).active = state
    data = cli("--json", "pop", "show", SALES).json
    assert (data["suspended"], data["restrictions"]) == (True, restrictions)


def test_show_of_a_missing_mailbox_or_domain_is_exit_3(cli, logged_in):
    result = cli("--json", "pop", "show", "ghost@example.com")
    assert result.exit_code == 3
    assert result.error_json["error"]["message"] == "no mailbox ghost@example.com on mailcow"
    result = cli("--json", "pop", "show", "a@nope.example")
    assert result.exit_code == 3
    assert result.error_json["error"]["message"] == "domain nope.example is not on this mailcow server"


# -- pop set: quota ----------------------------------------------------------------------------

def test_set_quota_sends_mib_and_reads_bytes_back(cli, logged_in, mc, wire):
    result = cli("--json", "pop", "set", SALES, "--quota", "700")
    assert result.exit_code == 0, result.stderr
    assert result.json["changes"] == {"quota_mb": [500, 700]}
    assert mc.mailbox(SALES).quota_bytes == 700 * MB
    assert wire.bodies("edit/mailbox") == [{"items": [SALES], "attr": {"quota": 700}}]
    result = cli("--json", "pop", "set", SALES, "--quota", "unlimited")
    assert result.json["changes"] == {"quota_mb": [700, None]}
    assert mc.mailbox(SALES).quota_bytes == 0
    assert wire.bodies("edit/mailbox")[-1] == {"items": [SALES], "attr": {"quota": 0}}


def test_a_quota_over_the_domain_limit_is_mailcows_refusal_exit_1(cli, logged_in, mc):
    result = cli("--json", "pop", "set", SALES, "--quota", "20000")
    assert result.exit_code == 1
    assert result.error_json["error"]["message"] == ("mailcow refused the change of sales@example.com: "
                                                     "mailbox_quota_exceeded (10240)")
    assert mc.mailbox(SALES).quota_bytes == 500 * MB


def test_what_is_already_so_sends_no_write(cli, logged_in, mc, wire):
    result = cli("--json", "pop", "set", SALES, "--quota", "500", "--unsuspend")
    assert result.exit_code == 0, result.stderr
    assert result.json["outcome"] == "unchanged"
    assert wire.bodies("edit/mailbox") == []


# -- pop set: suspension -------------------------------------------------------------------------

@pytest.mark.parametrize("start, args, end", [
    (1, ("--suspend",), 0),
    (1, ("--suspend", "--login"), 2),
    (2, ("--suspend", "--incoming"), 0),  # login is off already: both off is active 0
    (0, ("--suspend", "--login"), 0),
    (0, ("--unsuspend", "--incoming"), 2),  # login stays off
    (2, ("--unsuspend", "--login"), 1),
    (0, ("--unsuspend",), 1),
])
def test_suspension_is_the_one_active_field(cli, logged_in, mc, wire, start, args, end):
    mc.mailbox(SALES).active = start
    result = cli("--json", "pop", "set", SALES, *args)
    assert result.exit_code == 0, result.stderr
    assert active(mc) == end
    assert wire.bodies("edit/mailbox") == ([] if start == end else [{"items": [SALES], "attr": {"active": end}}])


def test_incoming_refused_with_login_allowed_cannot_be_expressed_exit_1_and_no_write(cli, logged_in, mc, wire):
    result = cli("--json", "pop", "set", SALES, "--suspend", "--incoming")
    assert result.exit_code == 1
    assert result.error_json["error"]["message"] == (
        "mailcow cannot refuse incoming mail to sales@example.com while its login stays allowed (one `active` "
        "field: 0 switches off both); nothing was changed: to stop both, run pop set sales@example.com --suspend")
    assert active(mc) == 1
    mc.mailbox(SALES).active = 0
    result = cli("--json", "pop", "set", SALES, "--unsuspend", "--login")
    assert result.exit_code == 1
    assert "cannot allow login to sales@example.com while incoming mail stays refused" in result.stderr
    assert "pop set sales@example.com --unsuspend" in result.stderr
    assert active(mc) == 0
    assert wire.bodies("edit/mailbox") == []


def test_the_api_refuses_a_combination_active_lacks_before_any_request(emu, mc):
    with Client("mailcow", emu.url, "admin", RW_KEY) as client:
        with pytest.raises(errors.UsageError) as caught:
            client.check_change_mailbox(SALES, suspend_login=False, suspend_incoming=True)
        assert caught.value.message == "--incoming: mailcow suspends incoming only together with login"
        assert emu.requests == []
        client.change_mailbox(SALES, suspend_login=True, suspend_incoming=True)
    assert active(mc) == 0


def test_a_bulk_run_sets_each_row_and_refuses_the_one_active_cannot_hold(cli, logged_in, mc, tmp_path):
    mc.mailbox("info@example.com").active = 2
    source = tmp_path / "set.csv"
    source.write_text(f"address,quota,suspend\n{SALES},2G,yes\ninfo@example.com,,yes\n")
    result = cli("--json", "pop", "set", "--from-file", str(source), "--incoming")
    assert result.exit_code == 6
    assert [(r["address"], r["outcome"]) for r in result.json] == [(SALES, "failed"), ("info@example.com", "changed")]
    assert (active(mc), mc.mailbox(SALES).quota_bytes) == (1, 500 * MB)  # nothing of the refused row
    assert active(mc, "info@example.com") == 0


def test_a_lost_answer_is_settled_by_reading_not_resent(cli, logged_in, emu, mc, wire):
    emu.add_fault(kind="500", path="/api/v1/edit/mailbox", when="after")
    result = cli("--json", "pop", "set", SALES, "--quota", "600", "--suspend", "--login")
    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert (mc.mailbox(SALES).quota_bytes, active(mc)) == (600 * MB, 2)
    assert wire.bodies("edit/mailbox") == [{"items": [SALES], "attr": {"quota": 600, "active": 2}}]


def test_the_read_only_key_is_exit_4_and_nothing_changes(cli, read_only, mc):
    result = cli("--json", "pop", "set", SALES, "--quota", "1")
    assert result.exit_code == 4
    assert "read-only" in result.error_json["error"]["message"]
    assert mc.mailbox(SALES).quota_bytes == 500 * MB


def test_create_exists_ok_reads_the_mailbox_alone(cli, logged_in, mc, wire):
    result = cli("--json", "pop", "create", SALES, "--exists-ok", "--password-stdin", stdin="N3w-Mailbox-pass\n")
    assert result.exit_code == 0, result.stderr
    assert result.json["outcome"] == "exists"
    assert wire.calls() == ["GET get/mailbox/sales@example.com"]
