"""The mailbox lifecycle on ISPConfig through the real CLI against the emulator: pop show,
pop set (quota in bytes, the suspension switches), alias list/add/remove over the
mail_forwarding table; what goes over the wire, the emulator's state afterwards, and
every write worded as accepted (the panel's job queue applies it)."""

from __future__ import annotations

import json

import pytest

MB = 1024 * 1024
INFO = "info@example.com"
SALES = "sales@example.com"
TEAM = "team@example.com"
OUT1, OUT2 = "a@elsewhere.test", "b@elsewhere.test"
LATER = "(ISPConfig applies queued changes shortly)"


def messages(result) -> list[str]:
    """The messages of a --json run: stderr carries JSON lines only."""
    return [json.loads(line)["message"] for line in result.stderr.splitlines() if '"message"' in line]


def writes(wire) -> list[str]:
    return [c for c in wire.calls() if c.endswith(("_add", "_update", "_delete"))]


# -- pop show -------------------------------------------------------------------------------

def test_show_reads_one_mailbox_and_the_routes_that_deliver_to_it(cli, isp, logged_in, wire):
    isp.add_forward(TEAM, [OUT1, SALES])
    isp.add_forward("old@example.com", [SALES], type="alias")
    isp.add_forward("sales2@example.com", ["xsales@example.com"])  # LIKE would match; not a destination
    isp.add_forward("@example.com", [SALES], type="catchall")  # not an address route

    result = cli("--json", "pop", "show", SALES)

    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": SALES, "quota_mb": 500, "usage_bytes": None, "suspended": False,
                           "plan": None, "restrictions": [], "domain": "example.com",
                           "aliases": ["old@example.com", TEAM]}
    assert wire.calls() == ["mail_user_get", "mail_forward_get"]
    assert wire.bodies("mail_user_get")[0]["primary_id"] == {"email": SALES}
    assert wire.bodies("mail_forward_get")[0]["primary_id"] == {"destination": f"%{SALES}%"}


# -- pop set --------------------------------------------------------------------------------

def test_set_quota_sends_bytes_and_only_the_change_plus_email(cli, isp, logged_in, wire):
    result = cli("--json", "pop", "set", SALES, "--quota", "2G")

    assert result.exit_code == 0, result.stderr
    [body] = wire.bodies("mail_user_update")
    assert body["params"] == {"email": SALES, "quota": 2048 * MB}
    assert body["primary_id"] == isp.mailbox(SALES).mailuser_id and body["client_id"] == 1
    assert isp.mailbox(SALES).quota == 2048 * MB
    assert isp.mailbox(SALES).password == "mailbox-secret"  # no read record was sent back
    assert result.json["applied"] is False and result.json["changes"] == {"quota_mb": [500, 2048]}
    assert messages(result) == [f"Accepted: changed {SALES}: quota 500 MB -> 2048 MB {LATER}"]
    assert isp.jobs[-1] == ["mail_user", "u", isp.mailbox(SALES).mailuser_id]


def test_suspend_sets_the_login_switches_and_postfix_and_unsuspend_lifts_them(cli, isp, logged_in, wire):
    assert cli("pop", "set", SALES, "--suspend").exit_code == 0
    assert wire.bodies("mail_user_update")[-1]["params"] == {
        "email": SALES, "disableimap": "y", "disablepop3": "y", "disablesmtp": "y", "postfix": "n"}
    box = isp.mailbox(SALES)
    assert (box.disableimap, box.disablepop3, box.disablesmtp, box.postfix) == ("y", "y", "y", "n")

    assert cli("pop", "set", SALES, "--unsuspend", "--login").exit_code == 0
    assert wire.bodies("mail_user_update")[-1]["params"] == {
        "email": SALES, "disableimap": "n", "disablepop3": "n", "disablesmtp": "n"}
    assert (box.disableimap, box.postfix) == ("n", "n")
    shown = cli("--json", "pop", "show", SALES).json
    assert shown["restrictions"] == ["incoming"] and shown["suspended"] is True


def test_lifting_incoming_also_clears_disabledeliver(cli, isp, logged_in, wire):
    isp.mailbox(SALES).disabledeliver = "y"
    assert cli("--json", "pop", "show", SALES).json["restrictions"] == ["incoming"]

    result = cli("pop", "set", SALES, "--unsuspend", "--incoming")

    assert result.exit_code == 0, result.stderr
    assert wire.bodies("mail_user_update")[-1]["params"] == {"email": SALES, "disabledeliver": "n"}
    assert isp.mailbox(SALES).disabledeliver == "n" and isp.mailbox(SALES).postfix == "y"


def test_a_set_to_what_it_is_sends_no_write_and_says_nothing_was_accepted(cli, isp, logged_in, wire):
    result = cli("--json", "pop", "set", SALES, "--quota", "500", "--unsuspend")

    assert result.exit_code == 0, result.stderr
    assert writes(wire) == [] and isp.jobs == []
    assert result.json["outcome"] == "unchanged" and "applied" not in result.json
    assert "Accepted" not in result.stderr and "nothing changed" in result.stderr


# -- alias add ------------------------------------------------------------------------------

def test_a_new_alias_is_one_forward_row(cli, isp, logged_in, wire):
    result = cli("--json", "alias", "add", TEAM, "--to", OUT1, "--to", OUT2)

    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": TEAM, "outcome": "added", "destinations": [OUT1, OUT2], "kind": "forwarder",
                           "applied": False}
    assert messages(result) == [f"Accepted: added {TEAM} -> {OUT1}, {OUT2} {LATER}"]
    [body] = wire.bodies("mail_forward_add")
    assert body["client_id"] == 1
    assert body["params"] == {"server_id": 1, "source": TEAM, "destination": f"{OUT1}, {OUT2}", "type": "forward",
                              "active": "y"}
    [row] = isp.forwardings.values()
    assert (row.source, row.type, row.destinations()) == (TEAM, "forward", [OUT1, OUT2])


def test_adding_a_destination_updates_the_row_it_has(cli, isp, logged_in, wire):
    row = isp.add_forward(TEAM, [OUT1])

    result = cli("alias", "add", TEAM, "--to", OUT2)

    assert result.exit_code == 0, result.stderr
    assert writes(wire) == ["mail_forward_update"]
    assert wire.bodies("mail_forward_update")[0]["primary_id"] == row.forwarding_id
    assert list(isp.forwardings) == [str(row.forwarding_id)] and row.destinations() == [OUT1, OUT2]


def test_an_alias_row_stays_and_a_forward_row_carries_the_new_destination(cli, isp, logged_in, wire):
    alias = isp.add_forward("old@example.com", [SALES], type="alias")

    result = cli("--json", "alias", "add", "old@example.com", "--to", OUT1)

    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [SALES, OUT1]
    assert writes(wire) == ["mail_forward_add"]
    assert alias.destinations() == [SALES]
    assert isp.routes("example.com") == {"old@example.com": [SALES, OUT1]}


def test_a_lost_add_answer_is_settled_by_reading_and_never_doubles_the_row(cli, emu, isp, logged_in, wire):
    emu.add_fault("reset,when=after,field=mail_forward_add:")

    result = cli("alias", "add", TEAM, "--to", OUT1)

    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert writes(wire) == ["mail_forward_add"]
    assert [r.source for r in isp.forwardings.values()] == [TEAM]
    again = cli("--json", "alias", "add", TEAM, "--to", OUT1)
    assert again.exit_code == 1 and again.error_json["error"]["code"] == "exists"
    assert len(isp.forwardings) == 1


def test_an_add_that_failed_before_acting_is_safe_to_retry_and_the_retry_adds_one_row(cli, emu, isp, logged_in):
    emu.add_fault("500,when=before,count=1,field=mail_forward_add:")

    failed = cli("--json", "alias", "add", TEAM, "--to", OUT1)

    assert failed.exit_code == 5
    assert "NOT applied" in failed.error_json["error"]["message"]
    assert isp.forwardings == {}
    assert cli("alias", "add", TEAM, "--to", OUT1).exit_code == 0
    assert len(isp.forwardings) == 1


def test_a_stalled_add_is_ambiguous_and_not_sent_again(cli, emu, isp, logged_in, wire):
    emu.add_fault("stall,seconds=2,when=before,count=1,field=mail_forward_add:")

    result = cli("--json", "--timeout", "0.5", "alias", "add", TEAM, "--to", OUT1)

    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert writes(wire) == ["mail_forward_add"]


def test_add_on_a_domain_the_panel_lacks_is_exit_3_without_a_write(cli, logged_in, wire):
    result = cli("alias", "add", "team@nope.test", "--to", OUT1)

    assert result.exit_code == 3
    assert writes(wire) == []


# -- alias list -----------------------------------------------------------------------------

def test_list_merges_the_rows_of_one_source_and_leaves_out_catchalls(cli, isp, logged_in, wire):
    isp.add_forward(TEAM, [OUT1])
    isp.add_forward(TEAM, [OUT1, OUT2])  # a duplicate row, as a retried add leaves it
    isp.add_forward("old@example.com", [SALES], type="alias")
    isp.add_forward("@example.com", [INFO], type="catchall")
    isp.add_forward("x@example.com.evil.test", [OUT1])  # LIKE near-miss of another domain

    result = cli("--json", "alias", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"address": "old@example.com", "destinations": [SALES], "kind": "alias", "domain": "example.com"},
        {"address": TEAM, "destinations": [OUT1, OUT2], "kind": "forwarder", "domain": "example.com"},
    ]
    assert wire.bodies("mail_forward_get")[0]["primary_id"] == {"source": "%@example.com"}


def test_list_without_the_forward_group_is_exit_4_naming_it(cli, emu, isp, profile):
    isp.add_remote_user("mailonly", "Mail-only-1", groups=["mail_user", "mail_domain"])
    assert cli("profile", "add", "m", "--provider", "ispconfig", "--url", emu.url, "--user", "mailonly").exit_code == 0
    assert cli("-p", "m", "session", "login", "--secret-stdin", stdin="Mail-only-1\n").exit_code == 0

    result = cli("-p", "m", "alias", "list", "example.com")

    assert result.exit_code == 4
    assert "may not call mail_forward_get" in result.stderr


# -- alias remove ---------------------------------------------------------------------------

def test_remove_deletes_each_row_by_the_function_of_its_type(cli, isp, logged_in, wire):
    forward = isp.add_forward("old@example.com", [OUT1])
    alias = isp.add_forward("old@example.com", [SALES], type="alias")
    catchall = isp.add_forward("@example.com", [INFO], type="catchall")

    result = cli("--json", "-y", "alias", "remove", "old@example.com")

    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": "old@example.com", "outcome": "removed", "destinations": None,
                           "applied": False}
    assert [(c, b["primary_id"]) for c in ("mail_forward_delete", "mail_alias_delete") for b in wire.bodies(c)] == [
        ("mail_forward_delete", forward.forwarding_id), ("mail_alias_delete", alias.forwarding_id)]
    assert list(isp.forwardings) == [str(catchall.forwarding_id)]
    assert messages(result) == [f"Accepted: removed every destination of old@example.com {LATER}"]


def test_removing_one_destination_updates_the_row(cli, isp, logged_in, wire):
    row = isp.add_forward(TEAM, [OUT1, OUT2])

    result = cli("--json", "-y", "alias", "remove", TEAM, "--to", OUT1)

    assert result.exit_code == 0, result.stderr
    assert result.json["destinations"] == [OUT2]
    assert writes(wire) == ["mail_forward_update"]
    assert wire.bodies("mail_forward_update")[0]["params"]["destination"] == OUT2
    assert row.destinations() == [OUT2]


def test_a_lost_delete_answer_is_settled_by_reading(cli, emu, isp, logged_in, wire):
    isp.add_forward(TEAM, [OUT1])
    emu.add_fault("503,when=after,field=mail_forward_delete:")

    result = cli("-y", "alias", "remove", TEAM)

    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert writes(wire) == ["mail_forward_delete"] and isp.forwardings == {}


def test_remove_of_a_missing_alias_is_exit_3_without_a_write(cli, logged_in, wire):
    assert cli("-y", "alias", "remove", TEAM).exit_code == 3
    assert cli("-y", "alias", "remove", "team@nope.test").exit_code == 3
    assert writes(wire) == []


# -- accepted, in every write command ---------------------------------------------------------

def test_pop_delete_of_several_says_accepted_for_each_and_json_has_applied_false(cli, isp, logged_in):
    result = cli("--json", "-y", "pop", "delete", INFO, SALES, "nobody@example.com", "--missing-ok")

    assert result.exit_code == 0, result.stderr
    assert result.json == [{"address": INFO, "outcome": "deleted", "error": None, "applied": False},
                           {"address": SALES, "outcome": "deleted", "error": None, "applied": False},
                           {"address": "nobody@example.com", "outcome": "absent", "error": None}]
    assert messages(result)[:2] == [f"Accepted: deleted {INFO} {LATER}", f"Accepted: deleted {SALES} {LATER}"]


def test_bulk_set_results_carry_applied_false_for_the_rows_changed(cli, isp, logged_in, tmp_path):
    source = tmp_path / "set.csv"
    source.write_text(f"address,quota,suspend\n{SALES},1G,\n{INFO},,no\n")

    result = cli("--json", "pop", "set", "--from-file", str(source))

    assert result.exit_code == 0, result.stderr
    assert [(r["address"], r["outcome"], r.get("applied")) for r in result.json] == [
        (SALES, "changed", False), (INFO, "unchanged", None)]
    assert messages(result)[0].startswith("Accepted: pop set: 1 changed, 1 unchanged in ")
    assert isp.mailbox(SALES).quota == 1024 * MB


@pytest.mark.parametrize("args", [
    ("pop", "delete", INFO, "--keep-data"),
    ("alias", "add", TEAM, "--to", ":fail:"),
    ("pop", "set", SALES, "--quota", "1.5G"),
])
def test_what_it_cannot_do_is_exit_2_with_zero_requests(cli, emu, logged_in, args):
    result = cli("--json", "-y", *args)

    assert result.exit_code == 2, result.stderr
    assert emu.requests == []
