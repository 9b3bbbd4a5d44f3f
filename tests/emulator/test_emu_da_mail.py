"""DirectAdmin forwarders, suspension, the mailbox password check and vacation lists,
sent as plain form posts the way the public clients send them."""

from __future__ import annotations

import pytest

from mailctl.emulator import Emulator
from mailctl.emulator.state import DAAutoresponder, DAVacation

FWD = "CMD_API_EMAIL_FORWARDERS"


def test_forwarder_list_is_empty_by_default(da):
    response = da(FWD, domain="example.com")
    assert response.status_code == 200
    assert response.content == b""


def test_create_list_and_json(emu, da, dawire):
    answer = dawire.decode(da(FWD, action="create", domain="example.com", user="team",
                              email="info@example.com,Boss@Elsewhere.net").text)
    assert answer["error"] == "0"
    assert emu.state.directadmin.forwarders["example.com"]["team"] == [
        "info@example.com", "boss@elsewhere.net"]
    listed = da(FWD, domain="example.com")
    assert listed.text == ("team=info%40example%2Ecom%2Cboss%40elsewhere%2Enet")
    assert dawire.decode(listed.text) == {"team": "info@example.com,boss@elsewhere.net"}
    assert da(FWD, domain="example.com", json="yes").json() == {
        "team": ["info@example.com", "boss@elsewhere.net"]}


def test_bare_name_is_a_local_destination(emu, da):
    da(FWD, action="create", domain="example.com", user="team", email="sales")
    assert emu.state.directadmin.forwarders["example.com"]["team"] == ["sales@example.com"]


def test_modify_replaces_all_destinations(emu, da, dawire):
    emu.state.directadmin.set_forwarder("example.com", "team", ["info@example.com"])
    answer = dawire.decode(da(FWD, action="modify", domain="example.com", user="team",
                              email="sales@example.com").text)
    assert answer["error"] == "0"
    assert emu.state.directadmin.forwarders["example.com"]["team"] == ["sales@example.com"]


@pytest.mark.parametrize("fields, needle", [
    ({"action": "create", "user": "team", "email": "x@y.test"}, "already exists"),
    ({"action": "modify", "user": "ghost", "email": "x@y.test"}, "does not exist"),
    ({"action": "delete", "select0": "ghost"}, "does not exist"),
    ({"action": "create", "user": "loop", "email": "loop@example.com"}, "itself"),
    ({"action": "create", "user": "twice", "email": "a@b.test,A@b.test"}, "twice"),
    ({"action": "create", "user": "bad", "email": "not an address"}, "not a valid"),
    ({"action": "create", "user": "empty", "email": ""}, "at least one"),
    ({"action": "create", "user": "Bad Name", "email": "a@b.test"}, "not a valid"),
])
def test_forwarder_refusals_change_nothing(emu, da, dawire, fields, needle):
    emu.state.directadmin.set_forwarder("example.com", "team", ["info@example.com"])
    answer = dawire.decode(da(FWD, domain="example.com", **fields).text)
    assert answer["error"] == "1"
    assert needle in dawire.strip_tags(answer["details"])
    assert emu.state.directadmin.forwarders["example.com"] == {"team": ["info@example.com"]}


def test_forwarders_of_a_foreign_domain(emu, da, dawire):
    emu.state.directadmin.add_user("bob", "Bob-pass-1")
    emu.state.directadmin.add_domain("bob.test", "bob")
    answer = dawire.decode(da(FWD, domain="bob.test").text)
    assert answer["error"] == "1" and "does not belong to you" in answer["text"]


def test_delete_by_select_all_or_nothing(emu, da, dawire):
    for name in ("a", "b", "c"):
        emu.state.directadmin.set_forwarder("example.com", name, ["info@example.com"])
    refused = dawire.decode(da(FWD, action="delete", domain="example.com", select0="a",
                               select1="ghost").text)
    assert refused["error"] == "1"
    assert sorted(emu.state.directadmin.forwarders["example.com"]) == ["a", "b", "c"]
    answer = dawire.decode(da(FWD, action="delete", domain="example.com", select0="a",
                              select1="c").text)
    assert answer["error"] == "0"
    assert list(emu.state.directadmin.forwarders["example.com"]) == ["b"]


def test_mailbox_delete_with_clean_forwarders(emu, da):
    da_state = emu.state.directadmin
    da_state.set_forwarder("example.com", "team", ["sales@example.com", "x@y.test"])
    da_state.set_forwarder("example.com", "only", ["sales@example.com"])
    da("CMD_API_POP", action="delete", domain="example.com", user="sales", select0="sales",
       clean_forwarders="yes")
    assert da_state.forwarders["example.com"] == {"team": ["x@y.test"]}
    assert not da_state.has_mailbox("sales@example.com")


def test_mailbox_delete_without_clean_keeps_forwarders(emu, da):
    emu.state.directadmin.set_forwarder("example.com", "team", ["sales@example.com"])
    da("CMD_API_POP", action="delete", domain="example.com", user="sales")
    assert emu.state.directadmin.forwarders["example.com"] == {"team": ["sales@example.com"]}


def test_suspend_and_unsuspend_buttons(emu, da, dawire):
    answer = dawire.decode(da("CMD_API_POP", action="delete", domain="example.com",
                              select0="sales", suspend="Suspend").text)
    assert answer["error"] == "0"
    assert emu.state.directadmin.mailbox("sales@example.com").suspended is True
    listed = dawire.nested(da("CMD_API_POP", action="full_list", domain="example.com").text)
    assert listed["sales"]["suspended"] == "yes"
    da("CMD_API_POP", action="delete", domain="example.com", select0="sales", unsuspend="Unsuspend")
    assert emu.state.directadmin.mailbox("sales@example.com").suspended is False


def test_suspend_unknown_mailbox_is_refused(emu, da, dawire):
    answer = dawire.decode(da("CMD_API_POP", action="delete", domain="example.com",
                              select0="ghost", suspend="Suspend").text)
    assert answer["error"] == "1"


def test_quota_of_one_mailbox(da, dawire):
    response = da("CMD_API_POP", action="list", type="quota", domain="example.com", user="sales")
    assert dawire.nested(response.text) == {"sales": {"usage": "230.25", "quota": "500"}}


@pytest.mark.parametrize("password, error", [("mailbox-secret", "0"), ("wrong", "1"), ("", "1")])
def test_email_auth(da, dawire, password, error):
    answer = dawire.decode(da("CMD_API_EMAIL_AUTH", email="info@example.com", passwd=password).text)
    assert answer["error"] == error


def test_email_auth_unknown_mailbox_answers_like_a_wrong_password(da, dawire):
    answer = dawire.decode(da("CMD_API_EMAIL_AUTH", email="ghost@example.com", passwd="x").text)
    assert answer["error"] == "1" and answer["text"] == "Invalid password"


def test_vacation_and_autoresponder_lists(emu, da, dawire):
    assert da("CMD_API_EMAIL_VACATION", domain="example.com").content == b""
    assert da("CMD_API_EMAIL_AUTORESPONDER", domain="example.com").content == b""
    emu.state.directadmin.vacations["example.com"] = {
        "info": DAVacation(start="2026-07-01", end="2026-07-14", subject="Away")}
    emu.state.directadmin.autoresponders["example.com"] = {
        "sales": DAAutoresponder(text="Thanks", cc="boss@example.com")}
    assert dawire.nested(da("CMD_API_EMAIL_VACATION", domain="example.com").text) == {
        "info": {"start": "2026-07-01", "end": "2026-07-14", "subject": "Away"}}
    assert dawire.decode(da("CMD_API_EMAIL_AUTORESPONDER", domain="example.com").text) == {
        "sales": "boss@example.com"}


def test_forwarders_survive_a_state_file(tmp_path, http):
    path = tmp_path / "state.json"
    with Emulator(state_file=path) as emu:
        http.post(f"{emu.url}/{FWD}", data={"action": "create", "domain": "example.com",
                                            "user": "team", "email": "info@example.com"},
                  auth=("demo", "demo-secret"), timeout=5)
    with Emulator(state_file=path) as emu:
        assert emu.state.directadmin.forwarders["example.com"] == {"team": ["info@example.com"]}
