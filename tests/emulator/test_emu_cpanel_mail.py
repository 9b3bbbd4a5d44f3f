"""cPanel UAPI forwarders, suspension, disk usage and password checks; cPanel API 2
through /json-api/cpanel; all as plain form posts shaped like the public clients'."""

from __future__ import annotations

import pytest

MB = 1024 * 1024


def ok_data(response):
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == 1 and answer["errors"] is None, answer
    return answer["data"]


def refusal(response):
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == 0 and answer["data"] is None
    return answer["errors"][0]


def test_add_and_list_forwarders(emu, uapi):
    data = ok_data(uapi("add_forwarder", domain="example.com", email="team@example.com",
                        fwdopt="fwd", fwdemail="info@example.com,boss@elsewhere.net"))
    assert data == [
        {"email": "team@example.com", "domain": "example.com", "forward": "info@example.com"},
        {"email": "team@example.com", "domain": "example.com", "forward": "boss@elsewhere.net"}]
    assert emu.state.cpanel.forwarders["example.com"]["team"] == [
        "info@example.com", "boss@elsewhere.net"]
    rows = ok_data(uapi("list_forwarders", domain="example.com"))
    assert rows[0] == {"dest": "team@example.com", "forward": "info@example.com",
                       "html_dest": "team@example.com", "html_forward": "info@example.com",
                       "uri_dest": "team%40example.com", "uri_forward": "info%40example.com"}
    assert [r["forward"] for r in rows] == ["info@example.com", "boss@elsewhere.net"]


def test_add_forwarder_appends_and_local_part_takes_domain(emu, uapi):
    emu.state.cpanel.set_forwarder("example.com", "team", ["info@example.com"])
    ok_data(uapi("add_forwarder", domain="example.com", email="team", fwdopt="fwd",
                 fwdemail="sales@example.com"))
    assert emu.state.cpanel.forwarders["example.com"]["team"] == [
        "info@example.com", "sales@example.com"]


def test_list_forwarders_regex_and_empty(emu, uapi):
    assert ok_data(uapi("list_forwarders", domain="example.com")) == []
    emu.state.cpanel.set_forwarder("example.com", "team", ["info@example.com"])
    emu.state.cpanel.set_forwarder("example.com", "other", ["x@y.test"])
    assert [r["dest"] for r in ok_data(uapi("list_forwarders", regex="^team"))] == [
        "team@example.com"]


@pytest.mark.parametrize("fields, needle", [
    ({"email": "team@example.com", "fwdemail": "info@example.com"}, "already exists"),
    ({"email": "loop@example.com", "fwdemail": "loop@example.com"}, "itself"),
    ({"email": "x@other.test", "fwdemail": "info@example.com"}, "do not own"),
    ({"email": "x@example.com", "fwdemail": "nonsense"}, "not a valid"),
    ({"email": "x@example.com", "fwdemail": ""}, "fwdemail"),
    ({"email": "x@example.com", "fwdemail": "a@b.test", "fwdopt": "pipe"}, "fwd"),
])
def test_add_forwarder_refusals(emu, uapi, fields, needle):
    emu.state.cpanel.set_forwarder("example.com", "team", ["info@example.com"])
    fields = {"domain": "example.com", "fwdopt": "fwd", **fields}
    assert needle in refusal(uapi("add_forwarder", **fields))
    assert emu.state.cpanel.forwarders["example.com"] == {"team": ["info@example.com"]}


def test_delete_forwarder_one_destination_at_a_time(emu, uapi):
    emu.state.cpanel.set_forwarder("example.com", "team", ["info@example.com", "x@y.test"])
    assert ok_data(uapi("delete_forwarder", address="team@example.com",
                        forwarder="info@example.com")) is None
    assert emu.state.cpanel.forwarders["example.com"] == {"team": ["x@y.test"]}
    ok_data(uapi("delete_forwarder", address="team@example.com", forwarder="x@y.test"))
    assert emu.state.cpanel.forwarders["example.com"] == {}
    assert "does not exist" in refusal(uapi("delete_forwarder", address="team@example.com",
                                            forwarder="x@y.test"))


@pytest.mark.parametrize("function, flag, value", [
    ("suspend_login", "suspended_login", True), ("suspend_incoming", "suspended_incoming", True),
    ("suspend_outgoing", "suspended_outgoing", True), ("hold_outgoing", "hold_outgoing", True)])
def test_suspension_flags_are_independent(emu, uapi, function, flag, value):
    assert ok_data(uapi(function, email="sales@example.com")) is None
    box = emu.state.cpanel.mailbox("sales@example.com")
    flags = {f: getattr(box, f) for f in ("suspended_login", "suspended_incoming",
                                          "suspended_outgoing", "hold_outgoing")}
    assert flags == {f: f == flag for f in flags}
    row = ok_data(uapi("list_pops_with_disk", email="sales@example.com"))[0]
    assert row[flag] == 1
    assert row["has_suspended"] == int(flag != "hold_outgoing")
    undo = {"suspend_login": "unsuspend_login", "suspend_incoming": "unsuspend_incoming",
            "suspend_outgoing": "unsuspend_outgoing", "hold_outgoing": "release_outgoing"}[function]
    ok_data(uapi(undo, email="sales@example.com"))
    assert getattr(box, flag) is False


def test_suspend_unknown_mailbox(uapi):
    assert "does not exist" in refusal(uapi("suspend_login", email="ghost@example.com"))


def test_edit_and_get_pop_quota(emu, uapi):
    ok_data(uapi("edit_pop_quota", email="info", domain="example.com", quota="250"))
    assert emu.state.cpanel.mailbox("info@example.com").quota_mb == 250
    assert ok_data(uapi("get_pop_quota", email="info", domain="example.com", as_bytes="1")) == 250 * MB
    ok_data(uapi("edit_pop_quota", email="info@example.com", quota="unlimited"))
    assert ok_data(uapi("get_pop_quota", email="info@example.com")) == 0


def test_get_disk_usage(uapi):
    assert ok_data(uapi("get_disk_usage", user="sales", domain="example.com")) == {
        "user": "sales", "domain": "example.com", "login": "sales@example.com", "diskused": 230.25}
    assert "does not exist" in refusal(uapi("get_disk_usage", user="ghost", domain="example.com"))


@pytest.mark.parametrize("password, expected", [("mailbox-secret", 1), ("wrong", 0), ("", 0)])
def test_verify_password(uapi, password, expected):
    assert ok_data(uapi("verify_password", email="info@example.com", password=password)) == expected


def test_email_filter_finds_one_mailbox_only(uapi):
    assert [r["email"] for r in ok_data(uapi("list_pops_with_disk", email="sales@example.com"))] \
        == ["sales@example.com"]
    assert ok_data(uapi("list_pops_with_disk", email="ghost@example.com")) == []
    assert ok_data(uapi("list_pops_with_disk", domain="other.test")) == []


def test_token_survives_account_password_change(emu, whm, uapi):
    answer = whm("passwd", user="demo", password="N3w-account-pass").json()
    assert answer["metadata"]["result"] == 1
    assert ok_data(uapi("count_pops")) == 2  # the token demo-secret still works


def test_forwarders_through_whm_uapi_cpanel(emu, whm):
    answer = whm("uapi_cpanel", **{"cpanel.user": "demo", "cpanel.module": "Email",
                                   "cpanel.function": "add_forwarder", "domain": "example.com",
                                   "email": "team@example.com", "fwdopt": "fwd",
                                   "fwdemail": "info@example.com"}).json()
    assert answer["data"]["uapi"]["status"] == 1
    assert emu.state.cpanel.forwarders["example.com"] == {"team": ["info@example.com"]}


# --------------------------------------------------------------------------- API 2

API2 = {"cpanel_jsonapi_module": "Email", "cpanel_jsonapi_func": "listpopswithdisk",
        "cpanel_jsonapi_apiversion": "2"}


def test_api2_with_a_cpanel_token(emu, http):
    response = http.post(f"{emu.url}/json-api/cpanel", data={**API2, "domain": "example.com"},
                         headers={"Authorization": "cpanel demo:demo-secret"}, timeout=5)
    assert response.status_code == 200
    result = response.json()["cpanelresult"]
    assert (result["apiversion"], result["func"], result["module"]) == (2, "listpopswithdisk", "Email")
    assert result["event"] == {"result": 1}
    assert [row["email"] for row in result["data"]] == ["info@example.com", "sales@example.com"]
    assert result["data"][1]["_diskquota"] == 500 * MB


def test_api2_from_whm_as_a_user(emu, http):
    response = http.get(f"{emu.url}/json-api/cpanel", params={**API2, "cpanel_jsonapi_user": "demo"},
                        headers={"Authorization": "whm root:demo-secret"}, timeout=5)
    result = response.json()["cpanelresult"]
    assert [row["user"] for row in result["data"]] == ["info", "sales"]


def test_api2_from_whm_for_an_unknown_user(http, emu):
    response = http.post(f"{emu.url}/json-api/cpanel", data={**API2, "cpanel_jsonapi_user": "ghost"},
                         headers={"Authorization": "whm root:demo-secret"}, timeout=5)
    result = response.json()["cpanelresult"]
    assert result["data"]["result"] == "0" and "ghost" in result["error"]


def test_api2_unknown_function_and_bad_login(emu, http):
    response = http.post(f"{emu.url}/json-api/cpanel", data={**API2, "cpanel_jsonapi_func": "nope"},
                         headers={"Authorization": "cpanel demo:demo-secret"}, timeout=5)
    assert "nope" in response.json()["cpanelresult"]["error"]
    bad = http.post(f"{emu.url}/json-api/cpanel", data=API2,
                    headers={"Authorization": "cpanel demo:wrong"}, timeout=5)
    assert bad.status_code == 401


def test_api2_write_refusal_and_success(emu, http):
    headers = {"Authorization": "cpanel demo:demo-secret"}
    fields = {**API2, "cpanel_jsonapi_func": "addpop", "email": "new", "domain": "example.com",
              "password": "Str0ng-pass", "quota": "10"}
    result = http.post(f"{emu.url}/json-api/cpanel", data=fields, headers=headers,
                       timeout=5).json()["cpanelresult"]
    assert result["data"] == ["new+example.com"]
    again = http.post(f"{emu.url}/json-api/cpanel", data=fields, headers=headers,
                      timeout=5).json()["cpanelresult"]
    assert again["data"]["result"] == "0" and "already exists" in again["error"]
    assert emu.state.cpanel.mailbox("new@example.com").quota_mb == 10
