"""mailbox.org JSON-RPC: sessions, errors, mailbox methods, paging."""

from __future__ import annotations

import time

import pytest

STRONG = "Str0ng-pass"
NEW = {"mail": "new@example.com", "password": STRONG, "plan": "light", "first_name": "New",
       "last_name": "Person", "inboxsave": True, "forwards": []}


def error_code(answer):
    # The real service puts "result": null beside the error object.
    assert answer["result"] is None
    return answer["error"]["code"]


def test_auth_returns_session_with_awkward_characters(rpc):
    answer = rpc("auth", {"user": "demo", "pass": "demo-secret"})
    assert answer["id"] == "7" and answer["jsonrpc"] == "2.0"
    assert answer["result"]["level"] == "account"
    session = answer["result"]["session"]
    assert all(ch in session for ch in ";%)&")


@pytest.mark.parametrize("params", [{"user": "demo", "pass": "wrong"},
                                    {"user": "ghost", "pass": "demo-secret"}])
def test_bad_credentials_is_code_2(rpc, params):
    assert error_code(rpc("auth", params)) == 2


def test_hello(rpc, session):
    assert rpc("hello.world")["result"] == "Hello World!"
    assert rpc("hello.innerworld", session=session)["result"] == "Hello Inner-World!"
    assert error_code(rpc("hello.innerworld")) == 253
    assert error_code(rpc("hello.innerworld", session="made-up")) == 253


def idle_for(emu, session: str, seconds: float) -> None:
    """As if the session had not been used for `seconds` (no test waits for a clock)."""
    emu.state.mailboxorg.sessions[session].last_used = time.monotonic() - seconds


def test_session_expires_after_idle_time_and_each_use_resets_it(emu, rpc, session):
    emu.settings.mbo_session_idle = 300
    for _ in range(3):  # 600 s in all, but never 300 s idle
        idle_for(emu, session, 200)
        assert rpc("hello.innerworld", session=session)["result"] == "Hello Inner-World!"
        assert time.monotonic() - emu.state.mailboxorg.sessions[session].last_used < 200
    idle_for(emu, session, 301)
    assert error_code(rpc("hello.innerworld", session=session)) == 253
    assert session not in emu.state.mailboxorg.sessions


def test_expire_from_state_and_deauth(emu, rpc):
    first = rpc("auth", {"user": "demo", "pass": "demo-secret"})["result"]["session"]
    second = rpc("auth", {"user": "demo", "pass": "demo-secret"})["result"]["session"]
    emu.state.mailboxorg.expire_session(first)
    assert error_code(rpc("hello.innerworld", session=first)) == 253
    assert rpc("deauth", session=second)["result"] is True
    assert error_code(rpc("hello.innerworld", session=second)) == 253


def test_domain_list_and_account_get(emu, rpc, session):
    assert rpc("domain.list", {"account": "demo"}, session)["result"] == [
        {"domain": "example.com", "count_mails": 2}]
    assert rpc("domain.list", {"account": "demo", "filter": "nomatch"}, session)["result"] == []
    account = rpc("account.get", {"account": "demo"}, session)["result"]
    assert account["account"] == "demo" and account["type"] == "business"
    emu.state.mailboxorg.add_account("other", "Other-pass1")
    assert error_code(rpc("domain.list", {"account": "other"}, session)) == 2
    assert error_code(rpc("domain.list", {}, session)) == -32602


def test_mail_list_without_paging_is_an_array(rpc, session):
    result = rpc("mail.list", {"domain": "example.com"}, session)["result"]
    assert [m["mail"] for m in result] == ["info@example.com", "sales@example.com"]
    assert result[1]["plan"] == "premium" and result[1]["type"] == "inbox"
    assert "first_name" not in result[0]
    detailed = rpc("mail.list", {"domain": "example.com", "details": True}, session)["result"]
    assert detailed[0]["first_name"] == "Info"


def test_mail_list_paging_and_sorting(emu, rpc, session):
    for n in range(3):
        emu.state.mailboxorg.add_mailbox(f"extra{n}@example.com")
    page = rpc("mail.list", {"domain": "example.com", "page_size": 2, "page": 3}, session)["result"]
    assert (page["totalHits"], page["totalPages"]) == (5, 3)
    assert [m["mail"] for m in page["results"]] == ["sales@example.com"]
    first = rpc("mail.list", {"domain": "example.com", "page_size": 2, "sort_order": "desc"},
                session)["result"]
    assert [m["mail"] for m in first["results"]] == ["sales@example.com", "info@example.com"]
    assert error_code(rpc("mail.list", {"domain": "example.com", "page": 2}, session)) == -32602
    assert error_code(rpc("mail.list", {"domain": "example.com", "page_size": "2"},
                          session)) == -32602


def test_mail_list_of_foreign_domain_is_denied(emu, rpc, session):
    emu.state.mailboxorg.add_account("other", "Other-pass1")
    emu.state.mailboxorg.add_domain("other.test", "other")
    assert error_code(rpc("mail.list", {"domain": "other.test"}, session)) == 2


def test_mail_get(rpc, session):
    mailbox = rpc("mail.get", {"mail": "info@example.com"}, session)["result"]
    assert (mailbox["first_name"], mailbox["last_name"], mailbox["active"]) == \
        ("Info", "Desk", True)
    assert "password" not in mailbox
    assert error_code(rpc("mail.get", {"mail": "ghost@example.com"}, session)) == 1001
    assert error_code(rpc("mail.get", {"mail": "x@elsewhere.test"}, session)) == 2


def test_mail_add(emu, rpc, session):
    result = rpc("mail.add", {**NEW, "memo": "hi", "language": "de_DE"}, session)["result"]
    assert result["mail"] == "new@example.com" and result["plan"] == "light"
    mailbox = emu.state.mailboxorg.mailbox("new@example.com")
    assert (mailbox.password, mailbox.first_name, mailbox.memo) == (STRONG, "New", "hi")
    assert error_code(rpc("mail.add", NEW, session)) == 1002


@pytest.mark.parametrize("missing", ["mail", "password", "plan", "first_name", "last_name",
                                     "inboxsave", "forwards"])
def test_mail_add_requires_every_documented_param(emu, rpc, session, missing):
    params = {k: v for k, v in NEW.items() if k != missing}
    assert error_code(rpc("mail.add", params, session)) == -32602
    assert not emu.state.mailboxorg.has_mailbox("new@example.com")


@pytest.mark.parametrize("change, code", [
    ({"plan": "gold"}, -32602),
    ({"inboxsave": "yes"}, -32602),
    ({"forwards": "a@b.c"}, -32602),
    ({"frobnicate": 1}, -32602),
    ({"password_hash": "$6$x"}, -32602),
    ({"password": "weak"}, 1003),
    ({"mail": "new@elsewhere.test"}, 2),
])
def test_mail_add_refusals(emu, rpc, session, change, code):
    assert error_code(rpc("mail.add", {**NEW, **change}, session)) == code
    assert len(emu.state.mailboxorg.addresses()) == 2


def test_mail_add_with_password_hash(emu, rpc, session):
    params = {k: v for k, v in NEW.items() if k != "password"}
    rpc("mail.add", {**params, "password_hash": "{SSHA}abc"}, session)
    assert emu.state.mailboxorg.mailbox("new@example.com").password_hash == "{SSHA}abc"


def test_mail_set_password(emu, rpc, session):
    result = rpc("mail.set", {"mail": "info@example.com", "password": STRONG,
                              "require_reset_password": True}, session)["result"]
    assert result["require_reset_password"] is True
    mailbox = emu.state.mailboxorg.mailbox("info@example.com")
    assert (mailbox.password, mailbox.require_reset_password) == (STRONG, True)
    assert error_code(rpc("mail.set", {"mail": "info@example.com", "password": "x"},
                          session)) == 1003
    assert error_code(rpc("mail.set", {"mail": "ghost@example.com", "password": STRONG},
                          session)) == 1001


def test_mail_set_quota_only_with_plan(emu, rpc, session):
    assert error_code(rpc("mail.set", {"mail": "info@example.com",
                                       "additional_mail_quota": 5}, session)) == -32602
    rpc("mail.set", {"mail": "info@example.com", "plan": "premium", "additional_mail_quota": 5},
        session)
    mailbox = emu.state.mailboxorg.mailbox("info@example.com")
    assert (mailbox.plan, mailbox.additional_mail_quota) == ("premium", 5)


def test_mail_del(emu, rpc, session):
    assert rpc("mail.del", {"mail": "sales@example.com"}, session)["result"] is True
    assert emu.state.mailboxorg.addresses() == ["info@example.com"]
    assert error_code(rpc("mail.del", {"mail": "sales@example.com"}, session)) == 1001


def test_protocol_errors(emu, http, rpc, session):
    not_json = http.post(f"{emu.url}/v1/", data=b"{not json", timeout=5).json()
    assert not_json == {"jsonrpc": "2.0", "result": None,
                        "error": {"code": -32700, "message": "Parse error"}, "id": None}
    assert error_code(rpc("mail.frobnicate", {}, session)) == -32601
    no_version = http.post(f"{emu.url}/v1/", json={"id": 3, "method": "hello.world"}).json()
    assert no_version["error"]["code"] == -32600 and no_version["id"] == 3
    bad_params = http.post(f"{emu.url}/v1/", json={"jsonrpc": "2.0", "id": 4,
                                                    "method": "hello.world", "params": [1]}).json()
    assert bad_params["error"]["code"] == -32602
    assert http.get(f"{emu.url}/v1/").status_code == 405
