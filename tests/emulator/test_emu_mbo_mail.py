"""mailbox.org: documented params, string quotas, sort fields, forwards/aliases/active,
vacation notices and the refusal envelope, sent as JSON-RPC bodies written by hand."""

from __future__ import annotations

import pytest

STRONG = "Str0ng-pass"
NEW = {"mail": "new@example.com", "password": STRONG, "plan": "light", "first_name": "New",
       "last_name": "Person", "inboxsave": True, "forwards": []}


def error_code(answer):
    assert answer["result"] is None
    return answer["error"]["code"]


def test_refusal_envelope_has_result_null(rpc, session):
    answer = rpc("mail.get", {"mail": "ghost@example.com"}, session)
    assert answer == {"jsonrpc": "2.0", "result": None,
                      "error": {"code": 1001, "message": answer["error"]["message"]}, "id": "7"}


def test_refusal_envelope_without_result_when_switched_off(emu, rpc, session):
    emu.settings.mbo_error_result_null = False
    answer = rpc("mail.get", {"mail": "ghost@example.com"}, session)
    assert "result" not in answer and answer["error"]["code"] == 1001


def test_mail_add_as_the_public_library_sends_it(emu, rpc, session):
    # memo, language, skip_welcome_mail and a null uid_extern on every call
    params = {**NEW, "memo": "", "language": "en_US", "skip_welcome_mail": False,
              "uid_extern": None}
    assert rpc("mail.add", params, session)["result"]["mail"] == "new@example.com"
    assert "uid_extern" not in emu.state.mailboxorg.mailbox("new@example.com").extra


@pytest.mark.parametrize("params", [
    {"uid_extern": "ext-42"}, {"allow_nets": "10.0.0.0/8,192.0.2.1"},
    {"same_password_disallowed": True}, {"same_password_allowed": False},
    {"alternate_mail": "me@elsewhere.test"}, {"title": "Dr."}])
def test_documented_params_are_accepted_on_add_and_set(emu, rpc, session, params):
    assert "result" in rpc("mail.add", {**NEW, **params}, session)
    answer = rpc("mail.set", {"mail": "info@example.com", **params}, session)
    assert answer.get("error") is None
    (name, value), = params.items()
    assert emu.state.mailboxorg.mailbox("info@example.com").extra[name] == value


def test_quotas_as_strings(emu, rpc, session):
    answer = rpc("mail.set", {"mail": "info@example.com", "plan": "premium",
                              "additional_mail_quota": "5", "additional_cloud_quota": "2"}, session)
    assert answer["result"]["additional_mail_quota"] == 5
    box = emu.state.mailboxorg.mailbox("info@example.com")
    assert (box.additional_mail_quota, box.extra["additional_cloud_quota"]) == (5, 2)
    assert error_code(rpc("mail.set", {"mail": "info@example.com", "plan": "premium",
                                       "additional_mail_quota": "five"}, session)) == -32602


def test_unknown_params_stay_refused(emu, rpc, session):
    assert error_code(rpc("mail.set", {"mail": "info@example.com", "frobnicate": 1}, session)) == -32602
    assert error_code(rpc("mail.set", {"mail": "info@example.com", "require_reset": True},
                          session)) == -32602


@pytest.mark.parametrize("field, order", [
    ("first_name", ["ann@example.com", "info@example.com", "sales@example.com"]),
    ("last_name", ["info@example.com", "ann@example.com", "sales@example.com"]),
    ("status", ["info@example.com", "sales@example.com", "ann@example.com"]),
])
def test_mail_list_sort_fields(emu, rpc, session, field, order):
    emu.state.mailboxorg.add_mailbox("ann@example.com", first_name="Ann", last_name="Smith",
                                     active=False)
    result = rpc("mail.list", {"domain": "example.com", "sort_field": field}, session)["result"]
    assert [m["mail"] for m in result] == order


def test_paging_follows_changes(emu, rpc, session):
    params = {"domain": "example.com", "page_size": 1, "page": 1}
    assert rpc("mail.list", params, session)["result"]["results"][0]["mail"] == "info@example.com"
    rpc("mail.add", {**NEW, "mail": "aaa@example.com"}, session)
    page = rpc("mail.list", params, session)["result"]
    assert page["totalHits"] == 3 and page["results"][0]["mail"] == "aaa@example.com"
    rpc("mail.del", {"mail": "aaa@example.com"}, session)
    assert rpc("mail.list", params, session)["result"]["totalHits"] == 2


def test_forwards_aliases_and_active(emu, rpc, session):
    result = rpc("mail.set", {"mail": "info@example.com", "forwards": ["Boss@Elsewhere.test"],
                              "aliases": ["hello@example.com"], "active": False}, session)["result"]
    assert (result["forwards"], result["aliases"], result["active"]) == (
        ["boss@elsewhere.test"], ["hello@example.com"], False)
    got = rpc("mail.get", {"mail": "info@example.com"}, session)["result"]
    assert (got["forwards"], got["aliases"], got["active"]) == (
        ["boss@elsewhere.test"], ["hello@example.com"], False)
    cleared = rpc("mail.set", {"mail": "info@example.com", "forwards": [], "aliases": []}, session)
    assert cleared["result"]["forwards"] == [] and cleared["result"]["aliases"] == []


@pytest.mark.parametrize("params, code", [
    ({"aliases": ["x@elsewhere.test"]}, 1003),          # not a domain of the account
    ({"aliases": ["sales@example.com"]}, 1002),          # another mailbox
    ({"aliases": ["taken@example.com"]}, 1002),          # another mailbox's alias
    ({"aliases": ["info@example.com"]}, 1003),           # itself
    ({"forwards": ["info@example.com"]}, 1003),          # itself
    ({"forwards": ["a@b.test", "A@b.test"]}, 1003),      # twice
    ({"forwards": ["not-an-address"]}, 1003),
    ({"forwards": "a@b.test"}, -32602),
])
def test_route_refusals_change_nothing(emu, rpc, session, params, code):
    emu.state.mailboxorg.mailbox("sales@example.com").aliases = ["taken@example.com"]
    emu.state.touch()
    assert error_code(rpc("mail.set", {"mail": "info@example.com", **params}, session)) == code
    box = emu.state.mailboxorg.mailbox("info@example.com")
    assert (box.forwards, box.aliases) == ([], [])


def test_mail_add_on_an_alias_address_is_refused(emu, rpc, session):
    rpc("mail.set", {"mail": "info@example.com", "aliases": ["new@example.com"]}, session)
    assert error_code(rpc("mail.add", NEW, session)) == 1002


def test_deletion_date_deactivates(emu, rpc, session):
    rpc("mail.set", {"mail": "sales@example.com", "deletion_date": "2027-01-01"}, session)
    assert emu.state.mailboxorg.mailbox("sales@example.com").active is False


def test_vacation_get_and_set(emu, rpc, session):
    empty = rpc("mail.vacation.get", {"mail": "info@example.com"}, session)["result"]
    assert empty == {"mail": "info@example.com", "active": False, "subject": "", "body": "",
                     "start_date": "", "end_date": "", "additional_mail_addresses": []}
    params = {"mail": "info@example.com", "subject": "Away", "body": "Back soon",
              "start_date": "2026-07-01", "end_date": "2026-07-14",
              "additional_mail_addresses": None}
    assert rpc("mail.vacation.set", params, session)["result"] is True
    got = rpc("mail.vacation.get", {"mail": "info@example.com"}, session)["result"]
    assert (got["active"], got["subject"], got["end_date"]) == (True, "Away", "2026-07-14")
    assert emu.state.mailboxorg.mailbox("info@example.com").vacation["body"] == "Back soon"


@pytest.mark.parametrize("change, code", [
    ({"start_date": "01.07.2026"}, -32602), ({"end_date": "2026-06-01"}, 1003),
    ({"subject": 5}, -32602), ({"mood": "sunny"}, -32602), ({"mail": "ghost@example.com"}, 1001)])
def test_vacation_refusals(rpc, session, change, code):
    params = {"mail": "info@example.com", "subject": "Away", "start_date": "2026-07-01",
              "end_date": "2026-07-14", **change}
    assert error_code(rpc("mail.vacation.set", params, session)) == code
