"""mailbox.org domains and mailboxes: list (with paging), create, delete, passwd, and the
capabilities mailbox.org does not have."""

from __future__ import annotations

import pytest

NEW_PASSWORD = "New-pass-123\n"


def test_domain_list_sends_the_account_name_and_reports_counts(cli, mbo, logged_in, wire):
    mbo.add_domain("second.test", "demo")
    mbo.add_domain("foreign.test", "other-account")
    mbo.add_mailbox("a@second.test")

    result = cli("--json", "domain", "list")

    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"name": "example.com", "mailbox_count": 2, "owner": None},
        {"name": "second.test", "mailbox_count": 1, "owner": None},
    ]
    assert wire.params("domain.list") == [{"account": "demo"}]


def test_pop_list_reports_plan_and_state_of_each_mailbox(cli, mbo, logged_in):
    mbo.mailbox("sales@example.com").active = False

    result = cli("--json", "pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert result.json == [
        {"address": "info@example.com", "quota_mb": None, "usage_bytes": None, "suspended": False,
         "plan": "standard", "restrictions": None, "domain": "example.com"},
        {"address": "sales@example.com", "quota_mb": None, "usage_bytes": None, "suspended": True,
         "plan": "premium", "restrictions": None, "domain": "example.com"},
    ]


def test_pop_list_in_a_pipe_shows_the_plan_and_no_quota(cli, logged_in):
    # The plan decides the quota on mailbox.org: its quota is unknown ("-"), never
    # "unlimited"; the columns are every provider's, in the same order (the plan in its place).
    result = cli("pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "info@example.com\t-\t-\tno\tstandard\t-",
        "sales@example.com\t-\t-\tno\tpremium\t-",
    ]


def test_pop_list_follows_every_page_of_a_large_domain(cli, mbo, logged_in, wire):
    for number in range(248):
        mbo.add_mailbox(f"user{number:03d}@example.com", plan="light")

    result = cli("--json", "pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    addresses = [m["address"] for m in result.json]
    assert len(addresses) == 250 and len(set(addresses)) == 250
    assert set(addresses) == set(mbo.addresses("example.com"))
    pages = wire.params("mail.list")
    # Pages after the first are fetched concurrently: each is asked for once, page 1 first.
    assert pages[0]["page"] == 1
    assert sorted((p["page"], p["page_size"]) for p in pages) == [(1, 100), (2, 100), (3, 100)]
    assert all(p["domain"] == "example.com" for p in pages)


def test_pop_list_of_an_empty_domain_is_an_empty_list(cli, mbo, logged_in, wire):
    mbo.add_domain("empty.test", "demo")

    result = cli("--json", "pop", "list", "empty.test")

    assert result.exit_code == 0, result.stderr
    assert result.json == []
    assert wire.calls() == ["mail.list"]


def test_pop_list_leaves_out_forward_only_entries(cli, mbo, logged_in):
    mbo.add_mailbox("fwd@example.com", password=None, type="forward", forwards=["x@elsewhere.test"])

    result = cli("--json", "pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert [m["address"] for m in result.json] == ["info@example.com", "sales@example.com"]


def test_pop_list_of_a_domain_outside_the_account_is_exit_3_not_4(cli, mbo, logged_in, wire):
    # The server denies it (error 2) as it denies a missing permission; the account's
    # domain list tells that the domain is simply not there.
    mbo.add_domain("foreign.test", "other-account")

    result = cli("--json", "pop", "list", "foreign.test")

    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    assert "foreign.test" in result.error_json["error"]["message"]
    assert wire.calls() == ["mail.list", "domain.list"]


def test_pop_create_sends_every_required_parameter_with_documented_defaults(cli, mbo, logged_in, wire):
    result = cli("--json", "pop", "create", "new@example.com", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 0, result.stderr
    assert result.json["address"] == "new@example.com"
    assert result.json["plan"] == "standard" and result.json["created"] is True
    assert wire.params("mail.add") == [{
        "mail": "new@example.com", "password": "New-pass-123", "plan": "standard",
        "first_name": "new", "last_name": "example.com", "inboxsave": True, "forwards": [],
    }]
    box = mbo.mailbox("new@example.com")
    assert (box.password, box.plan, box.first_name, box.last_name) == ("New-pass-123", "standard", "new", "example.com")
    assert box.inboxsave is True and box.forwards == []


def test_pop_create_with_plan_and_names(cli, mbo, logged_in):
    result = cli("--json", "pop", "create", "ceo@example.com", "--plan", "premium", "--first-name", "Ada",
                 "--last-name", "Lovelace", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 0, result.stderr
    assert result.json["plan"] == "premium"
    box = mbo.mailbox("ceo@example.com")
    assert (box.plan, box.first_name, box.last_name) == ("premium", "Ada", "Lovelace")


def test_pop_create_generated_password_is_the_one_stored(cli, mbo, logged_in):
    result = cli("--json", "pop", "create", "gen@example.com", "--generate")

    assert result.exit_code == 0, result.stderr
    assert mbo.mailbox("gen@example.com").password == result.json["password"]


@pytest.mark.parametrize("options, words", [
    (["--quota", "500"], ["--quota", "plan"]),
    (["--quota", "unlimited"], ["--quota", "plan"]),
    (["--send-limit", "100"], ["--send-limit"]),
    (["--first-name", "  "], ["--first-name", "empty"]),
    (["--last-name", "x" * 129], ["--last-name", "128"]),
    (["--last-name", "bad\x07name"], ["--last-name", "control"]),
    (["--plan", "gold"], ["--plan"]),
])
def test_pop_create_refuses_what_mailbox_org_cannot_do_before_sending_anything(cli, mbo, logged_in, wire,
                                                                               options, words):
    result = cli("--json", "pop", "create", "new@example.com", *options, "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 2
    message = result.error_json["error"]["message"]
    assert all(word in message for word in words), message
    assert wire.calls() == []
    assert not mbo.has_mailbox("new@example.com")


def test_pop_create_of_an_existing_mailbox_is_exit_1_with_the_code(cli, mbo, logged_in):
    before = mbo.mailbox("info@example.com")

    result = cli("--json", "pop", "create", "info@example.com", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 1
    error = result.error_json["error"]
    assert error["code"] == "refused" and "error 1002" in error["message"]
    assert "already exists" in error["message"]  # the server's own text is shown
    assert mbo.mailbox("info@example.com") is before and before.password == "mailbox-secret"


def test_pop_create_with_a_password_the_server_refuses_is_exit_1(cli, mbo, logged_in):
    result = cli("--json", "pop", "create", "weak@example.com", "--password-stdin", stdin="short\n")

    assert result.exit_code == 1
    assert "error 1003" in result.error_json["error"]["message"]
    assert not mbo.has_mailbox("weak@example.com")


def test_pop_create_in_a_domain_outside_the_account_is_exit_3(cli, mbo, logged_in, wire):
    mbo.add_domain("foreign.test", "other-account")

    result = cli("--json", "pop", "create", "x@foreign.test", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 3
    assert "foreign.test" in result.error_json["error"]["message"]
    assert not mbo.has_mailbox("x@foreign.test")
    assert wire.calls() == ["mail.add", "domain.list"]


def test_pop_delete_removes_every_mailbox_named(cli, mbo, logged_in, wire):
    result = cli("--json", "--yes", "pop", "delete", "info@example.com", "sales@example.com")

    assert result.exit_code == 0, result.stderr
    assert [r["outcome"] for r in result.json] == ["deleted", "deleted"]
    assert mbo.addresses("example.com") == []
    assert wire.params("mail.del") == [{"mail": "info@example.com"}, {"mail": "sales@example.com"}]


def test_pop_delete_of_an_unknown_mailbox_is_exit_3_and_deletes_nothing(cli, mbo, logged_in):
    result = cli("--json", "--yes", "pop", "delete", "ghost@example.com")

    assert result.exit_code == 3
    assert result.error_json["error"]["message"] == "no mailbox ghost@example.com on mailbox.org"
    assert mbo.addresses("example.com") == ["info@example.com", "sales@example.com"]


def test_pop_delete_in_bulk_reports_the_unknown_one_and_deletes_the_rest(cli, mbo, logged_in):
    result = cli("--json", "--yes", "pop", "delete", "ghost@example.com", "info@example.com")

    assert result.exit_code == 6
    assert [(r["address"], r["outcome"]) for r in result.json] == [
        ("ghost@example.com", "failed"), ("info@example.com", "deleted")]
    assert mbo.addresses("example.com") == ["sales@example.com"]


def test_pop_delete_keep_data_is_refused_before_sending(cli, mbo, logged_in, wire):
    result = cli("--json", "--yes", "pop", "delete", "info@example.com", "--keep-data")

    assert result.exit_code == 2
    assert "mailboxorg" in result.error_json["error"]["message"]
    assert wire.calls() == []
    assert mbo.has_mailbox("info@example.com")


def test_passwd_changes_the_password_with_mail_set(cli, mbo, logged_in, wire):
    result = cli("--json", "passwd", "info@example.com", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 0, result.stderr
    assert result.json == {"address": "info@example.com", "changed": True}
    assert wire.params("mail.set") == [{"mail": "info@example.com", "password": "New-pass-123"}]
    box = mbo.mailbox("info@example.com")
    assert box.password == "New-pass-123" and box.require_reset_password is False


def test_passwd_require_reset_sets_the_flag(cli, mbo, logged_in, wire):
    result = cli("passwd", "sales@example.com", "--require-reset", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 0, result.stderr
    box = mbo.mailbox("sales@example.com")
    assert box.password == "New-pass-123" and box.require_reset_password is True
    assert wire.params("mail.set")[0]["require_reset_password"] is True


def test_passwd_of_an_unknown_mailbox_is_exit_3(cli, mbo, logged_in):
    result = cli("--json", "passwd", "ghost@example.com", "--password-stdin", stdin=NEW_PASSWORD)

    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"
    assert not mbo.has_mailbox("ghost@example.com")


def test_passwd_refused_by_the_server_is_exit_1_and_changes_nothing(cli, mbo, logged_in):
    result = cli("--json", "passwd", "info@example.com", "--password-stdin", stdin="weak\n")

    assert result.exit_code == 1
    assert "error 1003" in result.error_json["error"]["message"]
    assert mbo.mailbox("info@example.com").password == "mailbox-secret"


@pytest.mark.parametrize("command", [
    ["account", "passwd", "demo", "--password-stdin"],
    ["passwd", "info@example.com", "--self", "--password-stdin"],
])
def test_capabilities_mailbox_org_lacks_are_a_clear_exit_2(cli, mbo, logged_in, wire, command):
    result = cli("--json", *command, stdin="Old-pass-123\nNew-pass-123\n")

    assert result.exit_code == 2
    error = result.error_json["error"]
    assert error["code"] == "unsupported" and error["provider"] == "mailboxorg"
    assert error["message"].startswith("mailboxorg does not support")
    assert wire.calls() == []
    assert mbo.mailbox("info@example.com").password == "mailbox-secret"
