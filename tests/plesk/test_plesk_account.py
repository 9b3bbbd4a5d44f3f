"""`account passwd` on Plesk: `<customer><set>`, which the administrator and resellers may
send and customers may not. A customer's profile is refused with exit 2 before anything is
sent; the admin changes any customer's password, a reseller only its own customers'."""

from __future__ import annotations

import pytest

from plesk_support import SECRET, add_profile

NEW = "N3w-Account-pass"


def log_in(cli, name: str, user: str, *extra: str, emu) -> str:
    add_profile(cli, emu, name, user, *extra)
    result = cli("-p", name, "session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    emu.clear_requests()
    return name


def test_the_admin_changes_a_customers_password(cli, emu, plesk, packets):
    log_in(cli, "a", "admin", emu=emu)
    result = cli("-p", "a", "--json", "account", "passwd", "demo", "--password-stdin", stdin=NEW + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"user": "demo", "changed": True, "services": ["panel"]}
    assert "Changed the password of account demo (panel)" in result.stderr
    assert plesk.users["demo"].password == NEW
    [packet] = packets()
    assert packet.findtext("customer/set/filter/login") == "demo"
    assert packet.findtext("customer/set/values/gen_info/passwd") == NEW
    # The customer logs in with it now, and the old one is refused.
    add_profile(cli, emu, "c", "demo")
    assert cli("-p", "c", "session", "login", "--secret-stdin", stdin=NEW + "\n").exit_code == 0
    assert cli("-p", "c", "session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 4


def test_a_customer_is_refused_with_exit_2_before_any_prompt_or_request(cli, emu, plesk, logged_in):
    result = cli("--json", "account", "passwd", "demo", tty=True, stdin="")
    assert result.exit_code == 2
    error = result.error_json["error"]
    assert error["provider"] == "plesk" and error["code"] == "unsupported"
    assert "administrator (login admin) or a reseller" in error["message"]
    assert result.prompts == []
    assert emu.requests == []
    assert plesk.users["demo"].password == SECRET


def test_the_python_api_refuses_a_customer_the_same_way(emu, plesk, tmp_path):
    from mailctl.api import Client
    from mailctl.errors import Unsupported

    with Client("plesk", emu.url, "demo", SECRET, allow_http=True, audit=False) as client:
        with pytest.raises(Unsupported):
            client.change_account_password("demo", NEW)
    assert emu.requests == []


def test_a_reseller_changes_its_own_customers_password_only(cli, emu, plesk):
    plesk.add_user("res", SECRET, role="reseller")
    plesk.add_user("mine", "Old-pass-1x", owner="res")
    plesk.add_user("theirs", "Old-pass-2x")
    log_in(cli, "r", "res", "--reseller", emu=emu)
    result = cli("-p", "r", "account", "passwd", "mine", "--password-stdin", stdin=NEW + "\n")
    assert result.exit_code == 0, result.stderr
    assert plesk.users["mine"].password == NEW
    other = cli("-p", "r", "account", "passwd", "theirs", "--password-stdin", stdin=NEW + "\n")
    assert other.exit_code == 3
    assert "no customer theirs that res manages" in other.stderr
    assert plesk.users["theirs"].password == "Old-pass-2x"


def test_a_login_marked_reseller_that_is_not_one_is_refused_by_plesk_exit_4(cli, emu, plesk):
    log_in(cli, "fake", "demo", "--reseller", emu=emu)
    result = cli("-p", "fake", "account", "passwd", "demo", "--password-stdin", stdin=NEW + "\n")
    assert result.exit_code == 4
    assert "errcode 1006" in result.stderr
    assert plesk.users["demo"].password == SECRET
    assert len(emu.requests) == 1  # never retried


def test_an_unknown_customer_is_exit_3_and_a_weak_password_exit_1(cli, emu, plesk):
    log_in(cli, "a", "admin", emu=emu)
    assert cli("-p", "a", "account", "passwd", "ghost", "--password-stdin", stdin=NEW + "\n").exit_code == 3
    weak = cli("-p", "a", "account", "passwd", "demo", "--password-stdin", stdin="weak\n")
    assert weak.exit_code == 1 and "errcode 1019" in weak.stderr
    assert plesk.users["demo"].password == SECRET


def test_the_new_password_is_never_in_the_trace(cli, emu, plesk):
    log_in(cli, "a", "admin", emu=emu)
    password = "S&cret<acc> 9x"
    result = cli("-p", "a", "--debug", "account", "passwd", "demo", "--password-stdin", stdin=password + "\n")
    assert result.exit_code == 0, result.stderr
    assert plesk.users["demo"].password == password
    for form in (password, "S&amp;cret&lt;acc&gt; 9x", "S%26cret", SECRET):
        assert form not in result.stderr
    assert "REDACTED" in result.stderr


def test_a_lost_answer_is_ambiguous_and_not_resent(cli, emu, plesk):
    log_in(cli, "a", "admin", emu=emu)
    lost = emu.add_fault(kind="reset", when="after", field="operation:customer.set")
    result = cli("-p", "a", "account", "passwd", "demo", "--password-stdin", stdin=NEW + "\n")
    assert result.exit_code == 5
    assert lost.matched == 1 and len(emu.requests) == 1
    assert plesk.users["demo"].password == NEW


def test_the_reseller_option_is_shown_and_stored(cli, emu):
    add_profile(cli, emu, "r", "res", "--reseller")
    shown = cli("--json", "profile", "show", "r")
    assert shown.exit_code == 0, shown.stderr
    assert (shown.json["reseller"], shown.json["secret_key"]) == (True, False)
