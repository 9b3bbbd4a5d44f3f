"""Plesk through the real CLI against the emulator: every supported verb with the
emulator's state asserted, auth failures, and the verbs Plesk refuses (exit 2, nothing sent)."""

from __future__ import annotations

import pytest

from plesk_support import SECRET, add_profile

MB = 1024 * 1024
NEW_PASSWORD = "N3w-Mailbox-pass"


def test_session_login_and_status_for_a_customer_and_the_admin(cli, emu):
    add_profile(cli, emu, "c", "demo")
    add_profile(cli, emu, "a", "admin")
    for name in ("c", "a"):
        assert cli("-p", name, "session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
        status = cli("-p", name, "session", "status")
        assert status.exit_code == 0, status.stderr
    headers = [r.headers for r in emu.requests]
    assert {h["http_auth_login"] for h in headers} == {"demo", "admin"}


def test_a_wrong_secret_is_exit_4_sent_once(cli, emu):
    add_profile(cli, emu)
    result = cli("session", "login", "--secret-stdin", stdin="wrong\n")
    assert result.exit_code == 4
    assert "errcode 1001" in result.stderr
    assert len(emu.requests) == 1  # never retried


def test_a_customer_without_the_xml_api_permission_is_exit_4(cli, emu, plesk, logged_in):
    plesk.users["demo"].xml_api = False
    result = cli("pop", "list", "example.com")
    assert result.exit_code == 4
    assert "errcode 1006" in result.stderr
    assert len(emu.requests) == 1


def test_the_admin_manages_a_customers_mailboxes(cli, emu, plesk):
    add_profile(cli, emu, "a", "admin")
    assert cli("-p", "a", "session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    result = cli("-p", "a", "pop", "create", "boss@example.com", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert plesk.mailbox("boss@example.com").password == NEW_PASSWORD


def test_a_secret_key_goes_in_the_key_header(cli, emu, plesk):
    plesk.add_secret_key("S3cret-key-1", "demo")
    add_profile(cli, emu, "k", "demo", "--secret-key")
    assert cli("-p", "k", "session", "login", "--secret-stdin", stdin="S3cret-key-1\n").exit_code == 0
    result = cli("-p", "k", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert all("key" in r.headers and "http_auth_passwd" not in r.headers for r in emu.requests)


def test_domain_list_shows_the_customers_sites_only(cli, emu, plesk, logged_in):
    plesk.add_user("other", "Other-pass-1")
    plesk.add_domain("other.test", "other")
    plesk.add_domain("second.test", "demo")
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0, result.stderr
    assert [d["name"] for d in result.json] == ["example.com", "second.test"]


def test_pop_list_reads_quota_and_usage_in_bytes(cli, logged_in):
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    assert [(m["address"], m["quota_mb"], m["usage_bytes"]) for m in result.json] == [
        ("info@example.com", None, int(12.5 * MB)), ("sales@example.com", 500, int(230.25 * MB))]


def test_pop_list_leaves_out_forward_only_addresses(cli, plesk, logged_in):
    plesk.add_mailbox("fwd@example.com", password=None, mailbox=False, forwarding=["x@y.test"])
    result = cli("pop", "list", "example.com")
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["info@example.com",
                                                                          "sales@example.com"]


def test_pop_list_of_a_domain_that_is_not_yours_is_not_found(cli, plesk, logged_in):
    plesk.add_user("other", "Other-pass-1")
    plesk.add_domain("other.test", "other")
    result = cli("pop", "list", "other.test")
    assert result.exit_code == 3
    assert "other.test" in result.stderr


def test_pop_create_sends_the_quota_in_bytes(cli, plesk, logged_in, packets):
    result = cli("pop", "create", "new@example.com", "--quota", "50", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    box = plesk.mailbox("new@example.com")
    assert (box.password, box.quota_bytes, box.mailbox) == (NEW_PASSWORD, 50 * MB, True)
    creates = [p for p in packets() if p.find("mail/create") is not None]
    assert len(creates) == 1
    assert creates[0].findtext("mail/create/filter/mailname/mailbox/quota") == str(50 * MB)


def test_pop_create_without_a_quota_sends_none(cli, plesk, logged_in, packets):
    result = cli("pop", "create", "new@example.com", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert plesk.mailbox("new@example.com").quota_bytes is None
    assert all(p.find("mail/create/filter/mailname/mailbox/quota") is None for p in packets())


def test_pop_create_of_an_existing_mailbox_is_refused_with_the_errtext(cli, plesk, logged_in):
    result = cli("pop", "create", "info@example.com", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 1
    assert "errcode 1007" in result.stderr and "already exists" in result.stderr
    assert plesk.mailbox("info@example.com").password == "mailbox-secret"


def test_pop_create_with_a_weak_password_is_refused(cli, plesk, logged_in):
    result = cli("pop", "create", "new@example.com", "--password-stdin", stdin="weak\n")
    assert result.exit_code == 1
    assert not plesk.has_mailbox("new@example.com")


def test_passwd_changes_the_mailbox_password(cli, plesk, logged_in):
    result = cli("passwd", "sales@example.com", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert plesk.mailbox("sales@example.com").password == NEW_PASSWORD
    assert plesk.mailbox("sales@example.com").quota_bytes == 500 * MB  # left as it was


def test_passwd_of_an_unknown_mailbox_is_not_found(cli, logged_in):
    result = cli("passwd", "ghost@example.com", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 3


def test_pop_delete_removes_one_mailbox_by_name(cli, plesk, logged_in, packets):
    result = cli("--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert plesk.addresses() == ["info@example.com"]
    removes = [p.find("mail/remove/filter") for p in packets() if p.find("mail/remove") is not None]
    assert [r.findtext("name") for r in removes] == ["sales"]


def test_pop_delete_of_a_missing_mailbox_is_not_found(cli, plesk, logged_in):
    assert cli("--yes", "pop", "delete", "ghost@example.com").exit_code == 3
    assert plesk.addresses() == ["info@example.com", "sales@example.com"]


def test_a_delete_whose_answer_was_lost_is_settled_by_reading_state(cli, emu, plesk, logged_in):
    lost = emu.add_fault(kind="reset", when="after", field="operation:mail.remove")
    result = cli("--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr and lost.matched == 1
    assert plesk.addresses() == ["info@example.com"]


def test_a_password_change_whose_answer_was_lost_is_ambiguous_and_not_resent(cli, emu, plesk, logged_in):
    lost = emu.add_fault(kind="reset", when="after", field="operation:mail.update")
    result = cli("passwd", "sales@example.com", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 5
    assert "check on the server before retrying" in result.stderr
    assert lost.matched == 1
    assert plesk.mailbox("sales@example.com").password == NEW_PASSWORD


def test_no_password_appears_in_the_debug_trace(cli, logged_in):
    password = "Tr&ce<pass> 1"
    result = cli("--debug", "pop", "create", "new@example.com", "--password-stdin", stdin=password + "\n")
    assert result.exit_code == 0, result.stderr
    for form in (password, "Tr&amp;ce&lt;pass&gt; 1", "Tr%26ce", SECRET):
        assert form not in result.stderr
    assert "%3Cvalue%3EREDACTED%3C%2Fvalue%3E" in result.stderr  # the trace shows the packet, password hidden


def test_an_answer_with_an_entity_declaration_is_refused_unexpanded(cli, logged_in, monkeypatch):
    from mailctl.emulator import plesk as app
    from mailctl.emulator.wire import Response

    bomb = (b'<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<packet><site><get><result><status>ok</status><id>&b;</id></result></get></site></packet>")
    monkeypatch.setattr(app, "handle", lambda request, world, settings: Response(200, bomb, "text/xml"))
    result = cli("domain", "list")
    assert result.exit_code == 5
    assert "DOCTYPE or ENTITY" in result.stderr


@pytest.mark.parametrize("args", [
    ("account", "passwd", "demo", "--password-stdin"),
    ("passwd", "--self", "info@example.com", "--password-stdin"),
    ("--yes", "pop", "delete", "info@example.com", "--keep-data"),
])
def test_a_verb_plesk_lacks_is_exit_2_naming_it_with_no_request(cli, emu, plesk, logged_in, args):
    result = cli(*args, stdin="Whatever-1x\nWhatever-1x\n")
    assert result.exit_code == 2, result.stderr
    assert "plesk" in result.stderr
    assert emu.requests == []
    assert plesk.users["demo"].password == SECRET
    assert plesk.addresses() == ["info@example.com", "sales@example.com"]
