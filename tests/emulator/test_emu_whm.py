"""WHM json-api: passwd in API 1 and API 0, getdomainowner, uapi_cpanel, auth."""

from __future__ import annotations

import json

import pytest

STRONG = "Str0ng-pass"


def test_passwd_api1(emu, whm):
    answer = whm("passwd", user="demo", password=STRONG).json()
    assert answer == {
        "metadata": {"command": "passwd", "result": 1, "reason": "OK", "version": 1,
                     "output": {"warnings": None, "messages": ["Password changed for user demo"]}},
        "data": {"app": ["system", "ftp", "mail", "MySQL"]}}
    account = emu.state.cpanel.accounts["demo"]
    assert (account.password, account.db_password) == (STRONG, STRONG)
    assert account.tokens == ["demo-secret"]  # tokens survive a password change


def test_passwd_api1_without_database(emu, whm):
    answer = whm("passwd", user="demo", password=STRONG, db_pass_update="0").json()
    assert answer["data"]["app"] == ["system", "ftp", "mail"]
    assert emu.state.cpanel.accounts["demo"].db_password == "demo-secret"


def test_passwd_api0_when_version_is_missing(emu, whm):
    answer = whm("passwd", api_version=None, user="demo", **{"pass": STRONG}).json()
    assert answer["passwd"][0]["status"] == 1
    assert answer["passwd"][0]["statusmsg"] == "Password changed for user demo"
    assert answer["passwd"][0]["services"] == [{"app": "system"}, {"app": "ftp"},
                                               {"app": "mail"}, {"app": "mySQL"}]
    assert "metadata" not in answer
    assert emu.state.cpanel.accounts["demo"].password == STRONG


def test_api0_ignores_the_api1_password_field(emu, whm):
    answer = whm("passwd", api_version=None, user="demo", password=STRONG).json()
    assert answer["passwd"][0]["status"] == 0
    assert emu.state.cpanel.accounts["demo"].password == "demo-secret"


def test_legacy_only_server_answers_api0(emu, whm):
    emu.settings.whm_legacy_only = True
    answer = whm("passwd", user="demo", **{"pass": STRONG}).json()
    assert answer["passwd"][0]["status"] == 1
    assert emu.state.cpanel.accounts["demo"].password == STRONG
    assert whm("getdomainowner", domain="example.com").json()["status"] == 0


@pytest.mark.parametrize("setup, user, password, needle", [
    (None, "ghost", STRONG, "does not exist"),
    (None, "demo", "weak", "too weak"),
    (None, "demo", "", "empty"),
    ("suspend", "demo", STRONG, "would unsuspend"),
])
def test_passwd_refusals(emu, whm, setup, user, password, needle):
    if setup == "suspend":
        emu.state.cpanel.accounts["demo"].suspended = True
    answer = whm("passwd", user=user, password=password).json()
    assert answer["metadata"]["result"] == 0
    assert needle in answer["metadata"]["reason"]
    assert "data" not in answer
    legacy = whm("passwd", api_version=None, user=user, **{"pass": password}).json()
    assert legacy["passwd"][0]["status"] == 0 and needle in legacy["passwd"][0]["statusmsg"]
    assert emu.state.cpanel.accounts["demo"].password == "demo-secret"


def test_reseller_reaches_only_its_accounts(emu, whm):
    emu.state.whm.add_user("res", "Res-pass1", token="RTOK", role="reseller")
    emu.state.cpanel.add_account("alice", "Al1ce-pass", owner="res", main_domain="alice.test")
    refused = whm("passwd", token="res:RTOK", user="demo", password=STRONG).json()
    assert refused["metadata"]["result"] == 0
    assert whm("passwd", token="res:RTOK", user="alice", password=STRONG).json()[
        "metadata"]["result"] == 1
    assert emu.state.cpanel.accounts["alice"].password == STRONG
    assert whm("getdomainowner", token="res:RTOK", domain="example.com").json()["data"] == \
        {"user": None}


def test_getdomainowner(whm):
    answer = whm("getdomainowner", domain="example.com").json()
    assert answer["data"] == {"user": "demo"}
    assert answer["metadata"]["result"] == 1
    assert whm("getdomainowner", domain="unknown.test").json()["data"] == {"user": None}


def test_uapi_cpanel_proxies_uapi(emu, whm):
    answer = whm("uapi_cpanel", **{"cpanel.user": "demo", "cpanel.module": "Email",
                                   "cpanel.function": "list_pops", "skip_main": "1"}).json()
    assert answer["metadata"]["result"] == 1
    assert answer["data"]["uapi"]["status"] == 1
    assert [p["email"] for p in answer["data"]["uapi"]["data"]] == ["info@example.com",
                                                                   "sales@example.com"]
    whm("uapi_cpanel", **{"cpanel.user": "demo", "cpanel.module": "Email",
                          "cpanel.function": "add_pop", "email": "viawhm", "password": STRONG})
    assert emu.state.cpanel.has_mailbox("viawhm@example.com")


def test_uapi_cpanel_inner_refusal_inside_successful_call(whm):
    answer = whm("uapi_cpanel", **{"cpanel.user": "demo", "cpanel.module": "Email",
                                   "cpanel.function": "add_pop", "email": "info",
                                   "password": STRONG}).json()
    assert answer["metadata"]["result"] == 1
    assert answer["data"]["uapi"]["status"] == 0
    assert "already exists" in answer["data"]["uapi"]["errors"][0]


def test_uapi_cpanel_unknown_account(whm):
    answer = whm("uapi_cpanel", **{"cpanel.user": "ghost", "cpanel.module": "Email",
                                   "cpanel.function": "list_pops"}).json()
    assert answer["metadata"]["result"] == 0
    assert "data" not in answer


def test_auth(emu, http, whm):
    basic = http.post(f"{emu.url}/json-api/getdomainowner", auth=("root", "demo-secret"),
                      data={"api.version": "1", "domain": "example.com"})
    assert basic.json()["data"] == {"user": "demo"}
    bad = whm("getdomainowner", token="root:wrong", domain="example.com")
    assert bad.status_code == 401
    with pytest.raises(ValueError):
        json.loads(bad.text)
    emu.settings.cpanel_auth_status = 403
    cpanel_token = http.post(f"{emu.url}/json-api/getdomainowner",
                             headers={"Authorization": "cpanel demo:demo-secret"})
    assert cpanel_token.status_code == 403


def test_unknown_function(whm):
    answer = whm("nonesuch").json()
    assert answer["metadata"]["result"] == 0
    assert answer["metadata"]["reason"] == \
        'Unknown app ("nonesuch") requested for this version (1) of the API.'
