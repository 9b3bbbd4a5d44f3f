"""cPanel UAPI: Email functions, auth failures, status 0 refusals."""

from __future__ import annotations

import json

import pytest

STRONG = "Str0ng-pass"
MB = 1024 * 1024


def ok_data(response):
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == 1, answer
    assert answer["errors"] is None
    return answer["data"]


def refusal(response):
    """A refusal is HTTP 200 with status 0 and the message in an errors array."""
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == 0 and answer["data"] is None
    assert isinstance(answer["errors"], list) and len(answer["errors"]) == 1
    return answer["errors"][0]


def test_bare_answer_object_without_wrapper(uapi):
    answer = uapi("count_pops").json()
    assert answer == {"status": 1, "errors": None, "messages": None, "warnings": None,
                      "metadata": {}, "data": 2}


def test_list_pops_includes_main_account(uapi):
    assert ok_data(uapi("list_pops")) == [
        {"email": "info@example.com", "login": "info@example.com", "suspended_incoming": 0,
         "suspended_login": 0},
        {"email": "sales@example.com", "login": "sales@example.com", "suspended_incoming": 0,
         "suspended_login": 0},
        {"email": "demo", "login": "Main Account", "suspended_incoming": 0, "suspended_login": 0}]
    assert [p["email"] for p in ok_data(uapi("list_pops", skip_main="1"))] == \
        ["info@example.com", "sales@example.com"]
    assert [p["email"] for p in ok_data(uapi("list_pops", regex="^sal"))] == ["sales@example.com"]


def test_list_pops_with_disk_byte_fields(uapi):
    info, sales = ok_data(uapi("list_pops_with_disk", domain="example.com"))
    assert (info["_diskquota"], info["diskquota"], info["_diskused"]) == (0, "unlimited", 12.5 * MB)
    assert sales == {
        "email": "sales@example.com", "login": "sales@example.com", "user": "sales",
        "domain": "example.com", "_diskquota": 500 * MB, "_diskused": int(230.25 * MB),
        "diskquota": "500", "txtdiskquota": "500", "diskused": 230.25, "diskusedpercent": 46,
        "humandiskquota": "500 MB", "humandiskused": "230.25 MB", "mtime": 1700000000,
        "suspended_incoming": 0, "suspended_login": 0, "suspended_outgoing": 0,
        "hold_outgoing": 0, "has_suspended": 0}


def test_list_pops_with_disk_filters(uapi):
    assert [p["user"] for p in ok_data(uapi("list_pops_with_disk", email="info"))] == ["info"]
    assert ok_data(uapi("list_pops_with_disk", domain="other.test")) == []
    assert len(ok_data(uapi("list_pops_with_disk", maxaccounts="1"))) == 1


def test_basic_auth_with_password(emu, http):
    response = http.post(f"{emu.url}/execute/Email/count_pops", auth=("demo", "demo-secret"))
    assert ok_data(response) == 2


@pytest.mark.parametrize("status", [401, 403])
def test_bad_token_is_http_error_with_non_json_body(emu, uapi, status):
    emu.settings.cpanel_auth_status = status
    response = uapi("list_pops", token="demo:wrong")
    assert response.status_code == status
    with pytest.raises(ValueError):
        json.loads(response.text)


def test_other_auth_failures(emu, http, uapi):
    assert http.post(f"{emu.url}/execute/Email/list_pops").status_code == 401
    assert http.post(f"{emu.url}/execute/Email/list_pops",
                     headers={"Authorization": "whm root:demo-secret"}).status_code == 401
    assert http.post(f"{emu.url}/execute/Email/list_pops",
                     auth=("demo", "wrong")).status_code == 401
    emu.state.cpanel.accounts["demo"].suspended = True
    assert uapi("list_pops").status_code == 401


def test_add_pop(emu, uapi):
    assert ok_data(uapi("add_pop", email="new", password=STRONG, domain="example.com",
                        quota="20")) == "new+example.com"
    mailbox = emu.state.cpanel.mailbox("new@example.com")
    assert (mailbox.password, mailbox.quota_mb) == (STRONG, 20)


def test_add_pop_full_address_default_domain_and_unlimited(emu, uapi):
    ok_data(uapi("add_pop", email="x@example.com", password=STRONG, quota="unlimited"))
    ok_data(uapi("add_pop", email="y", password=STRONG))  # main domain
    assert emu.state.cpanel.mailbox("x@example.com").quota_mb == 0
    assert emu.state.cpanel.has_mailbox("y@example.com")


def test_add_pop_with_password_hash(emu, uapi):
    ok_data(uapi("add_pop", email="h", password_hash="$6$salt$hash"))
    mailbox = emu.state.cpanel.mailbox("h@example.com")
    assert (mailbox.password, mailbox.password_hash) == (None, "$6$salt$hash")


@pytest.mark.parametrize("fields, needle", [
    ({"email": "info"}, "already exists"),
    ({"password": "weakpass"}, "too weak"),
    ({"password": ""}, "required"),
    ({"email": "cpanel"}, "reserved"),
    ({"password_hash": "$6$x"}, "not both"),
    ({"domain": "nowhere.test"}, "do not own"),
    ({"quota": "-1"}, "not valid"),
    ({"email": "bad name"}, "not a valid"),
    ({"email": ""}, "required"),
])
def test_add_pop_refusals(emu, uapi, fields, needle):
    before = emu.state.cpanel.addresses()
    message = refusal(uapi("add_pop", **{"email": "new", "password": STRONG, **fields}))
    assert needle in message
    assert emu.state.cpanel.addresses() == before


def test_query_string_params_and_body_wins(emu, http):
    url = f"{emu.url}/execute/Email/add_pop?email=fromquery&password={STRONG}"
    headers = {"Authorization": "cpanel demo:demo-secret"}
    ok_data(http.get(url, headers=headers))
    assert emu.state.cpanel.has_mailbox("fromquery@example.com")
    ok_data(http.post(url, data={"email": "frombody"}, headers=headers))
    assert emu.state.cpanel.has_mailbox("frombody@example.com")


@pytest.mark.parametrize("flags, kept", [({"flags": "passwd"}, True), ({}, False),
                                         ({"flags": "other"}, False)])
def test_delete_pop_records_whether_data_was_kept(emu, uapi, flags, kept):
    assert ok_data(uapi("delete_pop", email="sales", domain="example.com", **flags)) is None
    assert not emu.state.cpanel.has_mailbox("sales@example.com")
    deleted = emu.state.cpanel.deleted[-1]
    assert (deleted.address, deleted.data_kept, deleted.usage_bytes) == \
        ("sales@example.com", kept, int(230.25 * MB))


def test_delete_unknown_pop(uapi):
    assert "does not exist" in refusal(uapi("delete_pop", email="ghost", domain="example.com"))


def test_passwd_pop(emu, uapi):
    assert ok_data(uapi("passwd_pop", email="info", domain="example.com", password=STRONG)) is None
    assert emu.state.cpanel.mailbox("info@example.com").password == STRONG
    assert "too weak" in refusal(uapi("passwd_pop", email="info", domain="example.com",
                                      password="abc"))
    assert "does not exist" in refusal(uapi("passwd_pop", email="ghost@example.com",
                                            password=STRONG))
    assert emu.state.cpanel.mailbox("info@example.com").password == STRONG


def test_edit_and_get_pop_quota(emu, uapi):
    assert ok_data(uapi("get_pop_quota", email="sales", domain="example.com")) == 500
    assert ok_data(uapi("get_pop_quota", email="sales", domain="example.com",
                        as_bytes="1")) == 500 * MB
    assert ok_data(uapi("edit_pop_quota", email="sales", domain="example.com", quota="75")) is None
    assert emu.state.cpanel.mailbox("sales@example.com").quota_mb == 75
    ok_data(uapi("edit_pop_quota", email="sales", domain="example.com", quota="unlimited"))
    assert ok_data(uapi("get_pop_quota", email="sales", domain="example.com")) == 0
    assert "not valid" in refusal(uapi("edit_pop_quota", email="sales", domain="example.com",
                                       quota="big"))


def test_count_pops_and_mail_domains(emu, uapi):
    emu.state.cpanel.add_domain("second.test", "demo")
    emu.state.cpanel.add_mailbox("a@second.test")
    assert ok_data(uapi("count_pops")) == 3
    assert ok_data(uapi("list_mail_domains")) == [{"domain": "example.com"},
                                                  {"domain": "second.test"}]


def test_other_accounts_are_invisible(emu, uapi):
    emu.state.cpanel.add_account("alice", "Al1ce-pass", token="ATOK", main_domain="alice.test")
    emu.state.cpanel.add_mailbox("bob@alice.test")
    assert "do not own" in refusal(uapi("delete_pop", email="bob@alice.test"))
    assert ok_data(uapi("list_pops", token="alice:ATOK", skip_main="1")) == [
        {"email": "bob@alice.test", "login": "bob@alice.test", "suspended_incoming": 0,
         "suspended_login": 0}]


def test_unknown_function_and_module(emu, http, uapi):
    assert "does not exist" in refusal(uapi("frobnicate"))
    response = http.post(f"{emu.url}/execute/Nope/list", headers={
        "Authorization": "cpanel demo:demo-secret"})
    assert "Nope" in refusal(response)


def test_pagination_meta_arguments(uapi):
    answer = uapi("list_pops", **{"api.paginate": "1", "api.paginate_size": "2",
                                  "api.paginate_start": "3"}).json()
    assert [p["email"] for p in answer["data"]] == ["demo"]
    assert answer["metadata"]["paginate"]["total_results"] == 3
    assert answer["metadata"]["paginate"]["current_page"] == 2
