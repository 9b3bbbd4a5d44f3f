"""WHM `domain list` without --cpanel-user: every account the login owns (`listaccts`),
each account's mail domains with the account as the owner -- through the real CLI
against the emulator."""

from __future__ import annotations

from cpanel_support import TOKEN, form

RESELLER_TOKEN = TOKEN.replace("A", "B")


def whm_profile(cli, emu, *, user: str = "root", secret: str = TOKEN) -> None:
    assert cli("profile", "add", "w", "--provider", "whm", "--url", emu.url, "--user", user).exit_code == 0
    assert cli("session", "login", "--secret-stdin", stdin=secret + "\n").exit_code == 0
    emu.clear_requests()


def three_accounts(emu) -> None:
    """demo (example.com, root's), alice (alice.test and its addon shop.test, root's) and
    rita (rita.test, owned by reseller res)."""
    emu.state.whm.add_user("res", "Res-pass-1", token=RESELLER_TOKEN, role="reseller")
    emu.state.cpanel.add_account("alice", "Al1ce-pass", main_domain="alice.test")
    emu.state.cpanel.add_domain("shop.test", "alice")
    emu.state.cpanel.add_account("rita", "R1ta-pass", owner="res", main_domain="rita.test")
    emu.state.cpanel.add_mailbox("bob@shop.test")


def test_root_lists_every_accounts_domains_with_the_owner(cli, emu):
    three_accounts(emu)
    whm_profile(cli, emu)
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"name": "alice.test", "mailbox_count": None, "owner": "alice"},
        {"name": "example.com", "mailbox_count": None, "owner": "demo"},
        {"name": "rita.test", "mailbox_count": None, "owner": "rita"},
        {"name": "shop.test", "mailbox_count": None, "owner": "alice"},
    ]
    sent = [(r.path, form(r).get("cpanel.user"), form(r).get("cpanel.function")) for r in emu.requests]
    assert sent[0] == ("/json-api/listaccts", None, None)
    # Only the user names are asked for (WHM's output columns), not every account's record.
    assert (form(emu.requests[0])["api.columns.enable"], form(emu.requests[0])["api.columns.a"]) == ("1", "user")
    assert sorted(sent[1:]) == [("/json-api/uapi_cpanel", user, "list_mail_domains")
                                for user in ("alice", "demo", "rita")]
    assert all(form(r)["api.version"] == "1" for r in emu.requests)


def test_the_owner_is_a_column_in_plain_and_table(cli, emu):
    three_accounts(emu)
    whm_profile(cli, emu)
    plain = cli("domain", "list")
    assert plain.stdout == ("alice.test\t-\talice\nexample.com\t-\tdemo\nrita.test\t-\trita\n"
                            "shop.test\t-\talice\n")
    table = cli("domain", "list", tty=True)
    assert table.stdout.splitlines()[0].split() == ["Domain", "Mailboxes", "Owner"]
    assert table.stdout.splitlines()[4].split() == ["shop.test", "-", "alice"]


def test_a_reseller_lists_only_its_own_accounts(cli, emu):
    three_accounts(emu)
    whm_profile(cli, emu, user="res", secret=RESELLER_TOKEN)
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0, result.stderr
    assert result.json == [{"name": "rita.test", "mailbox_count": None, "owner": "rita"}]


def test_cpanel_user_still_lists_one_account_without_listaccts(cli, emu):
    three_accounts(emu)
    whm_profile(cli, emu)
    result = cli("--json", "domain", "list", "--cpanel-user", "alice")
    assert [d["name"] for d in result.json] == ["alice.test", "shop.test"]
    assert [r.path for r in emu.requests] == ["/json-api/uapi_cpanel"]


def test_pop_list_of_every_domain_needs_no_owner_lookups(cli, emu):
    three_accounts(emu)
    whm_profile(cli, emu)
    result = cli("--json", "pop", "list", "--all-domains")
    assert result.exit_code == 0, result.stderr
    assert "bob@shop.test" in [m["address"] for m in result.json]
    assert "/json-api/getdomainowner" not in [r.path for r in emu.requests]


def test_a_token_without_list_accts_is_a_permission_problem(cli, emu):
    emu.state.whm.add_token("root", RESELLER_TOKEN, acls=["passwd"])
    whm_profile(cli, emu, secret=RESELLER_TOKEN)
    result = cli("--json", "domain", "list")
    assert result.exit_code == 4
    error = result.error_json["error"]
    assert error["code"] == "permission"
    assert error["message"].startswith("WHM denied listing the accounts (listaccts) to root")
    assert "session login" not in error["message"]  # another secret of the same token would not help


def test_an_unreadable_account_list_is_exit_5(cli, emu, answers_patched):
    whm_profile(cli, emu)
    emu.add_fault("kind=nonjson,path=/json-api/listaccts")
    result = cli("--json", "domain", "list")
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "bad_response"
