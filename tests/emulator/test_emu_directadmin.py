"""DirectAdmin legacy API: bodies, encodings, auth variants, mailbox commands."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailctl.emulator.directadmin import entities, quote

STRONG = "Str0ng-pass"
CREATE = {"action": "create", "domain": "example.com", "user": "new", "passwd": STRONG,
          "passwd2": STRONG, "quota": "10"}


def test_list_is_encoded_like_the_real_server(da):
    response = da("CMD_API_POP", action="list", domain="example.com")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == "list%5B%5D=info&list%5B%5D=sales"


def test_get_with_query_string_is_accepted(emu, http):
    response = http.get(f"{emu.url}/CMD_API_POP?action=list&domain=example.com",
                        auth=("demo", "demo-secret"))
    assert response.text == "list%5B%5D=info&list%5B%5D=sales"


def test_empty_list_is_an_empty_body(emu, da):
    emu.state.directadmin.add_domain("empty.test", "demo")
    response = da("CMD_API_POP", action="list", domain="empty.test")
    assert response.status_code == 200
    assert response.content == b""


def test_show_domains_percent_encodes_dots(da):
    assert da("CMD_API_SHOW_DOMAINS").text == "list%5B%5D=example%2Ecom"


def test_show_domains_of_a_user_without_domains_is_empty(da):
    assert da("CMD_API_SHOW_DOMAINS", auth=("admin", "demo-secret")).content == b""


def test_full_list_is_a_nested_map(da, dawire):
    response = da("CMD_API_POP", action="full_list", domain="example.com")
    assert response.text == (
        "info=quota%3D%30%26usage%3D%31%32%2E%35%26sent%3D%33%26limit%3D%32%30%30"
        "%26suspended%3Dno"
        "&sales=quota%3D%35%30%30%26usage%3D%32%33%30%2E%32%35%26sent%3D%34%31"
        "%26limit%3D%32%30%30%26suspended%3Dno")
    assert dawire.nested(response.text)["sales"] == {
        "quota": "500", "usage": "230.25", "sent": "41", "limit": "200", "suspended": "no"}


def test_quota_list_spells_unlimited(da, dawire):
    response = da("CMD_API_POP", action="list", type="quota", domain="example.com")
    assert dawire.nested(response.text) == {
        "info": {"usage": "12.5", "quota": "unlimited"},
        "sales": {"usage": "230.25", "quota": "500"}}


def test_full_list_can_be_unsupported(emu, da, dawire):
    emu.settings.da_full_list = False
    answer = dawire.decode(da("CMD_API_POP", action="full_list", domain="example.com").text)
    assert answer["error"] == "1"
    assert da("CMD_API_POP", action="list", domain="example.com").text.startswith("list%5B%5D=")


def test_create_answer_encodes_digits_and_entities(emu, da, dawire):
    response = da("CMD_API_POP", **CREATE)
    assert response.text == ("error=%30&text=Email%20account%20created&details="
                             "new%26%23%36%34%3Bexample%26%23%34%36%3Bcom%20created%3Cbr%3E")
    assert dawire.decode(response.text)["details"] == "new@example.com created<br>"
    mailbox = emu.state.directadmin.mailbox("new@example.com")
    assert (mailbox.password, mailbox.quota_mb, mailbox.limit) == (STRONG, 10, 200)


def test_create_with_limit_and_default_quota(emu, da):
    fields = {**CREATE, "limit": "50"}
    del fields["quota"]
    da("CMD_API_POP", **fields)
    mailbox = emu.state.directadmin.mailbox("new@example.com")
    assert (mailbox.quota_mb, mailbox.limit) == (0, 50)


@pytest.mark.parametrize("change, needle", [
    ({"user": "info"}, "already exists"),
    ({"passwd": "", "passwd2": ""}, "empty"),
    ({"passwd": "weakpass", "passwd2": "weakpass"}, "too weak"),
    ({"passwd2": "Other-pass1"}, "not the same"),
    ({"quota": "-5"}, "whole number"),
    ({"quota": "lots"}, "whole number"),
    ({"limit": "x"}, "whole number"),
    ({"user": "bad name"}, "not a valid"),
    ({"domain": "nowhere.test"}, "does not belong to you"),
])
def test_create_refusals(emu, da, dawire, change, needle):
    before = emu.state.directadmin.addresses()
    response = da("CMD_API_POP", **{**CREATE, **change})
    answer = dawire.decode(response.text)
    assert response.status_code == 200
    assert answer["error"] == "1"
    assert needle in dawire.strip_tags(answer["details"])
    assert "<b>" in answer["details"] and "Back</a>" in answer["details"]
    assert emu.state.directadmin.addresses() == before


def test_error_details_carry_numeric_entities(da):
    response = da("CMD_API_POP", **{**CREATE, "user": "info"})
    # "info@example.com" -> info&#64;example&#46;com, then percent-encoded
    assert "info%26%23%36%34%3Bexample%26%23%34%36%3Bcom" in response.text


def test_domain_of_another_user_does_not_belong_to_you(emu, da, dawire):
    da_state = emu.state.directadmin
    da_state.add_user("bob", STRONG)
    da_state.add_domain("bob.test", "bob")
    # A `user=` field does not switch accounts.
    answer = dawire.decode(da("CMD_API_POP", action="list", domain="bob.test", user="bob").text)
    assert answer["error"] == "1"
    assert "does not belong to you" in answer["text"]


def test_admin_logs_in_as_user(emu, da):
    response = da("CMD_API_POP", auth=("admin|demo", "demo-secret"), **CREATE)
    assert "error=%30" in response.text
    assert emu.state.directadmin.has_mailbox("new@example.com")


def test_admin_as_itself_cannot_touch_users_domain(da, dawire):
    answer = dawire.decode(da("CMD_API_POP", auth=("admin", "demo-secret"), action="list",
                              domain="example.com").text)
    assert answer["error"] == "1"


def test_reseller_logs_in_only_as_own_users(emu, da):
    da_state = emu.state.directadmin
    da_state.add_user("res", "Res-pass1", role="reseller")
    da_state.add_user("carol", "Carol-pass1", creator="res")
    da_state.add_domain("carol.test", "carol")
    assert da("CMD_API_SHOW_DOMAINS", auth=("res|carol", "Res-pass1")).text == \
        "list%5B%5D=carol%2Etest"
    assert "DirectAdmin Login" in da("CMD_API_SHOW_DOMAINS", auth=("res|demo", "Res-pass1")).text
    assert "DirectAdmin Login" in da("CMD_API_SHOW_DOMAINS", auth=("demo|carol", "demo-secret")).text


def test_login_key_replaces_password_and_can_be_limited(emu, da):
    emu.state.directadmin.add_login_key("demo", "KEY-all")
    emu.state.directadmin.add_login_key("demo", "KEY-pop", commands=["CMD_API_POP"])
    assert da("CMD_API_SHOW_DOMAINS", auth=("demo", "KEY-all")).text == "list%5B%5D=example%2Ecom"
    assert da("CMD_API_POP", auth=("demo", "KEY-pop"), action="list",
              domain="example.com").text.startswith("list%5B%5D=")
    refused = da("CMD_API_SHOW_DOMAINS", auth=("demo", "KEY-pop"))
    assert "<title>DirectAdmin Login</title>" in refused.text


def test_failed_login_default_is_200_login_page(da):
    response = da("CMD_API_POP", auth=("demo", "wrong"), action="list", domain="example.com")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>DirectAdmin Login</title>" in response.text
    assert 'action="/CMD_LOGIN"' in response.text
    assert response.headers["X-DirectAdmin"] == "Unauthorized"


def test_failed_login_page_without_unauthorized_header(emu, da):
    emu.settings.da_unauthorized_header = False
    response = da("CMD_API_LOGIN_TEST", auth=("nobody", "x"))
    assert response.status_code == 200
    assert "<title>DirectAdmin Login</title>" in response.text
    assert "X-DirectAdmin" not in response.headers


def test_failed_login_as_redirect(emu, da, http):
    emu.settings.da_auth_failure = "redirect"
    response = da("CMD_API_LOGIN_TEST", auth=("demo", "wrong"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/CMD_LOGIN"
    followed = http.post(f"{emu.url}/CMD_API_LOGIN_TEST", auth=("demo", "wrong"))
    assert followed.status_code == 200
    assert "<title>DirectAdmin Login</title>" in followed.text


def test_failed_login_as_json_401(emu, da):
    emu.settings.da_auth_failure = "json401"
    response = da("CMD_API_LOGIN_TEST", auth=("demo", "wrong"))
    assert response.status_code == 401
    assert response.text == '{"error":"Not logged in","success":"no"}'
    assert response.json() == {"error": "Not logged in", "success": "no"}


def test_missing_or_foreign_auth_is_a_failed_login(emu, http):
    no_auth = http.post(f"{emu.url}/CMD_API_LOGIN_TEST")
    token = http.post(f"{emu.url}/CMD_API_LOGIN_TEST",
                      headers={"Authorization": "cpanel demo:demo-secret"})
    for response in (no_auth, token):
        assert "<title>DirectAdmin Login</title>" in response.text


def test_login_test(da):
    assert da("CMD_API_LOGIN_TEST").text == "error=%30&text=Login%20OK&details=none"


def test_json_mode_envelopes(emu, da):
    assert da("CMD_API_POP", action="list", domain="example.com", json="yes").json() == \
        ["info", "sales"]
    emu.settings.da_json_list = "object"
    assert da("CMD_API_SHOW_DOMAINS", json="yes").json() == {"list": ["example.com"]}
    ok = da("CMD_API_POP", json="yes", **CREATE)
    assert ok.headers["Content-Type"] == "application/json"
    assert ok.json() == {"success": "Email account created", "result": "new@example.com created"}
    failed = da("CMD_API_POP", json="yes", **CREATE).json()
    assert failed == {"error": "Cannot create email account",
                      "result": "new@example.com already exists"}
    assert da("CMD_API_LOGIN_TEST", json="yes").json() == {"success": "Login OK", "result": "none"}


def test_json_mode_from_query_string_and_nested(emu, http):
    response = http.post(f"{emu.url}/CMD_API_POP?json=yes", auth=("demo", "demo-secret"),
                         data={"action": "full_list", "domain": "example.com"})
    assert response.json()["info"] == {"quota": "0", "usage": "12.5", "sent": "3",
                                       "limit": "200", "suspended": "no"}


def test_modify_password_and_quota(emu, da, dawire):
    answer = dawire.decode(da("CMD_API_POP", action="modify", domain="example.com", user="info",
                              passwd=STRONG, passwd2=STRONG, quota="25").text)
    assert answer["error"] == "0"
    mailbox = emu.state.directadmin.mailbox("info@example.com")
    assert (mailbox.password, mailbox.quota_mb) == (STRONG, 25)


def test_modify_quota_only_keeps_password(emu, da):
    da("CMD_API_POP", action="modify", domain="example.com", user="sales", passwd="", passwd2="",
       quota="0")
    mailbox = emu.state.directadmin.mailbox("sales@example.com")
    assert (mailbox.password, mailbox.quota_mb) == ("mailbox-secret", 0)


def test_modify_without_quota_keeps_the_quota(emu, da, dawire):
    # Clients change only the password this way.
    answer = dawire.decode(da("CMD_API_POP", action="modify", domain="example.com", user="sales",
                              passwd=STRONG, passwd2=STRONG).text)
    assert answer["error"] == "0"
    mailbox = emu.state.directadmin.mailbox("sales@example.com")
    assert (mailbox.password, mailbox.quota_mb, mailbox.limit) == (STRONG, 500, 200)


def test_modify_password_without_passwd2(emu, da, dawire):
    answer = dawire.decode(da("CMD_API_POP", action="modify", domain="example.com", user="info",
                              passwd=STRONG).text)
    assert answer["error"] == "0"
    assert emu.state.directadmin.mailbox("info@example.com").password == STRONG


def test_create_without_passwd2_as_documented(emu, da, dawire):
    fields = {k: v for k, v in CREATE.items() if k != "passwd2"}
    assert dawire.decode(da("CMD_API_POP", **fields).text)["error"] == "0"
    assert emu.state.directadmin.mailbox("new@example.com").password == STRONG


def test_modify_rename_and_unknown(emu, da, dawire):
    da("CMD_API_POP", action="modify", domain="example.com", user="info", newuser="hello",
       passwd="", passwd2="", quota="0")
    assert emu.state.directadmin.addresses("example.com") == ["hello@example.com",
                                                              "sales@example.com"]
    answer = dawire.decode(da("CMD_API_POP", action="modify", domain="example.com", user="ghost",
                              passwd="", passwd2="", quota="0").text)
    assert answer["error"] == "1" and "does not exist" in answer["details"]


@pytest.mark.parametrize("fields", [{"user": "sales"}, {"select0": "sales"},
                                    {"user": "sales", "select0": "sales"}])
def test_delete_by_user_or_select0(emu, da, dawire, fields):
    answer = dawire.decode(da("CMD_API_POP", action="delete", domain="example.com", **fields).text)
    assert answer["error"] == "0"
    assert emu.state.directadmin.addresses() == ["info@example.com"]


def test_delete_unknown_deletes_nothing(emu, da, dawire):
    answer = dawire.decode(da("CMD_API_POP", action="delete", domain="example.com",
                              select0="info", select1="ghost").text)
    assert answer["error"] == "1"
    assert len(emu.state.directadmin.addresses()) == 2


def test_newer_server_moves_writes_to_email_pop(emu, da, dawire):
    assert dawire.decode(da("CMD_API_EMAIL_POP", **CREATE).text)["text"] == "Unknown command"
    emu.settings.da_email_pop = True
    refused = dawire.decode(da("CMD_API_POP", **CREATE).text)
    assert (refused["error"], refused["text"]) == ("1", "Unknown command")
    assert not emu.state.directadmin.has_mailbox("new@example.com")
    created = dawire.decode(da("CMD_API_EMAIL_POP", **CREATE).text)
    assert created["error"] == "0" and created["text"] == "Account created"
    assert emu.state.directadmin.has_mailbox("new@example.com")
    assert da("CMD_API_POP", action="list", domain="example.com").text == \
        "list%5B%5D=info&list%5B%5D=new&list%5B%5D=sales"


def test_unknown_command(da, dawire):
    answer = dawire.decode(da("CMD_API_NOPE").text)
    assert (answer["error"], answer["text"]) == ("1", "Unknown command")


def test_change_email_password_needs_no_panel_login(emu, http, dawire):
    fields = {"email": "info@example.com", "oldpassword": "mailbox-secret",
              "password1": STRONG, "password2": STRONG, "api": "1"}
    response = http.post(f"{emu.url}/CMD_CHANGE_EMAIL_PASSWORD", data=fields)
    assert dawire.decode(response.text)["error"] == "0"
    assert emu.state.directadmin.mailbox("info@example.com").password == STRONG
    again = dawire.decode(http.post(f"{emu.url}/CMD_CHANGE_EMAIL_PASSWORD", data=fields).text)
    assert again["error"] == "1"  # the old password is no longer "mailbox-secret"


@pytest.mark.parametrize("change", [{"oldpassword": "wrong"}, {"email": "ghost@example.com"},
                                    {"password2": "Other-pass1"},
                                    {"password1": "short", "password2": "short"}])
def test_change_email_password_refusals(emu, http, dawire, change):
    fields = {"email": "info@example.com", "oldpassword": "mailbox-secret",
              "password1": STRONG, "password2": STRONG, "api": "yes", **change}
    answer = dawire.decode(http.post(f"{emu.url}/CMD_CHANGE_EMAIL_PASSWORD", data=fields).text)
    assert answer["error"] == "1"
    assert emu.state.directadmin.mailbox("info@example.com").password == "mailbox-secret"


def test_change_email_password_without_api_is_a_web_page(emu, http):
    response = http.post(f"{emu.url}/CMD_CHANGE_EMAIL_PASSWORD", data={
        "email": "info@example.com", "oldpassword": "mailbox-secret",
        "password1": STRONG, "password2": STRONG})
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<html>")


def test_domain_owners_is_admin_level(da):
    assert da("CMD_API_DOMAIN_OWNERS", auth=("admin", "demo-secret")).text == "example%2Ecom=demo"
    assert "DirectAdmin Login" in da("CMD_API_DOMAIN_OWNERS").text
    assert "DirectAdmin Login" in da("CMD_API_DOMAIN_OWNERS", auth=("admin|demo", "demo-secret")).text


def test_user_passwd_with_selected_services(emu, da, dawire):
    answer = dawire.decode(da("CMD_API_USER_PASSWD", auth=("admin", "demo-secret"),
                              username="demo", passwd=STRONG, passwd2=STRONG, options="yes",
                              system="yes", ftp="yes").text)
    assert answer["error"] == "0"
    user = emu.state.directadmin.users["demo"]
    assert (user.password, user.ftp_password, user.db_password) == (STRONG, STRONG, "demo-secret")
    assert da("CMD_API_LOGIN_TEST", auth=("demo", STRONG)).text.startswith("error=%30")


def test_user_passwd_without_options_changes_every_service(emu, da):
    da("CMD_API_USER_PASSWD", auth=("admin", "demo-secret"), username="demo", passwd=STRONG,
       passwd2=STRONG)
    user = emu.state.directadmin.users["demo"]
    assert {user.password, user.ftp_password, user.db_password} == {STRONG}


def test_user_passwd_refusals(emu, da, dawire):
    admin = ("admin", "demo-secret")
    mismatch = dawire.decode(da("CMD_API_USER_PASSWD", auth=admin, username="demo", passwd=STRONG,
                                passwd2="Other-pass1").text)
    unknown = dawire.decode(da("CMD_API_USER_PASSWD", auth=admin, username="ghost", passwd=STRONG,
                               passwd2=STRONG).text)
    assert mismatch["error"] == unknown["error"] == "1"
    assert "DirectAdmin Login" in da("CMD_API_USER_PASSWD", username="demo", passwd=STRONG,
                                     passwd2=STRONG).text
    emu.state.directadmin.add_user("res", "Res-pass1", role="reseller")
    foreign = dawire.decode(da("CMD_API_USER_PASSWD", auth=("res", "Res-pass1"), username="demo",
                               passwd=STRONG, passwd2=STRONG).text)
    assert foreign["error"] == "1" and "does not belong to you" in foreign["text"]
    assert emu.state.directadmin.users["demo"].password == "demo-secret"


@given(st.text())
def test_quote_keeps_only_letters_and_round_trips(text):
    encoded = quote(text)
    assert re.fullmatch(r"(?:[A-Za-z]|%[0-9A-F]{2})*", encoded)
    assert unquote(encoded) == text


@given(st.text())
def test_entities_round_trip(text):
    encoded = entities(text)
    assert not re.search(r"[0-9.@']", re.sub(r"&#\d+;", "", encoded))
    assert re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), encoded) == text
