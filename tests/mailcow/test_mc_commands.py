"""mailcow through the real CLI against the emulator: every command's exit code, JSON
output, the requests it made, and the emulator's state afterwards."""

from __future__ import annotations

import json

import pytest

from mailcow_support import RO_KEY, RW_KEY

MB = 1024 * 1024
NEW = "new@example.com"
PASSWORD = "N3w-Mailbox-pass"
DEFAULT = ["info@example.com", "sales@example.com"]


# -- keys ----------------------------------------------------------------------------------


def test_login_checks_the_key_with_one_read_then_stores_it(cli, emu, profile, wire, stored_key):
    result = cli("--json", "session", "login", "--secret-stdin", stdin=RW_KEY + "\n")
    assert result.exit_code == 0, result.stderr
    assert wire.calls() == ["GET get/status/version"]
    assert wire.requests()[0].headers["x-api-key"] == RW_KEY
    assert RW_KEY not in wire.requests()[0].url
    assert stored_key() == RW_KEY


def test_a_refused_key_is_not_stored_and_not_retried(cli, emu, profile, wire, stored_key):
    result = cli("--json", "session", "login", "--secret-stdin", stdin="wrong-key\n")
    assert result.exit_code == 4
    error = result.error_json["error"]
    assert (error["code"], error["provider"]) == ("auth", "mailcow")
    assert "HTTP 401" in error["message"]
    assert wire.calls() == ["GET get/status/version"]  # once: failed keys get the address banned
    assert stored_key() is None


def test_a_key_mailcow_would_mangle_is_refused_before_sending(cli, emu, profile, stored_key):
    result = cli("session", "login", "--secret-stdin", stdin="demo secret;\n")
    assert result.exit_code == 2
    assert "letters, digits and '-'" in result.stderr
    assert emu.requests == [] and stored_key() is None


def test_status_checks_the_stored_key_and_logout_forgets_it(cli, emu, logged_in, wire, mc, stored_key):
    status = cli("--json", "session", "status")
    assert status.exit_code == 0, status.stderr
    assert status.json["authenticated"] is True and status.json["provider"] == "mailcow"
    assert wire.calls() == ["GET get/status/version"]
    mc.keys.pop(RW_KEY)  # the key was deleted in the UI
    assert cli("session", "status").exit_code == 4
    emu.clear_requests()
    assert cli("session", "logout").exit_code == 0
    assert stored_key() is None and emu.requests == []  # nothing to end on the server
    assert cli("domain", "list").exit_code == 4


def test_the_key_is_redacted_from_the_debug_trace(cli, logged_in):
    result = cli("--debug", "domain", "list")
    assert result.exit_code == 0
    assert "X-API-Key: ***" in result.stderr and RW_KEY not in result.stderr


# -- reads -----------------------------------------------------------------------------------


def test_domain_list(cli, logged_in, wire):
    result = cli("--json", "domain", "list")
    assert result.exit_code == 0, result.stderr
    assert result.json == [{"name": "example.com", "mailbox_count": 2, "owner": None}]
    assert wire.calls() == ["GET get/domain/all"]


def test_pop_list_reads_bytes_into_mb(cli, logged_in, wire):
    result = cli("--json", "pop", "list", "example.com")
    assert result.exit_code == 0, result.stderr
    rows = {row["address"]: row for row in result.json}
    assert (rows["info@example.com"]["quota_mb"], rows["info@example.com"]["usage_bytes"]) == (None, int(12.5 * MB))
    assert (rows["sales@example.com"]["quota_mb"], rows["sales@example.com"]["usage_bytes"]) == (500, int(230.25 * MB))
    assert rows["sales@example.com"]["suspended"] is False
    assert wire.calls() == ["GET get/mailbox/all/example.com"]


def test_pop_list_shows_what_active_switches_off(cli, logged_in, mc):
    mc.mailbox("info@example.com").active = 2
    mc.mailbox("sales@example.com").active = 0
    rows = {row["address"]: row for row in cli("--json", "pop", "list", "example.com").json}
    assert rows["info@example.com"]["restrictions"] == ["login"] and rows["info@example.com"]["suspended"]
    assert rows["sales@example.com"]["restrictions"] == ["login", "incoming"]


def test_an_empty_answer_is_no_mailboxes_on_a_known_domain_and_not_found_otherwise(cli, emu, logged_in, mc, wire):
    mc.mailboxes["example.com"].clear()
    empty = cli("--json", "pop", "list", "example.com")
    assert (empty.exit_code, empty.json) == (0, [])
    emu.clear_requests()
    missing = cli("--json", "pop", "list", "nope.example")
    assert missing.exit_code == 3
    assert missing.error_json["error"]["code"] == "not_found"
    assert wire.calls() == ["GET get/mailbox/all/nope.example", "GET get/domain/nope.example"]


def test_the_read_only_key_reads(cli, read_only):
    assert cli("pop", "list", "example.com").exit_code == 0


# -- pop create ------------------------------------------------------------------------------


def create(cli, *extra, password=PASSWORD, address=NEW):
    return cli("--json", "pop", "create", address, *extra, "--password-stdin", stdin=password + "\n")


def test_create_sends_mib_and_reads_the_mailbox_back(cli, logged_in, wire, mc):
    result = create(cli, "--quota", "50")
    assert result.exit_code == 0, result.stderr
    assert result.json["address"] == NEW and result.json["quota_mb"] == 50
    (body,) = wire.bodies("add/mailbox")
    assert (body["local_part"], body["domain"], body["quota"], body["active"]) == ("new", "example.com", 50, 1)
    assert body["password"] == body["password2"] == PASSWORD
    box = mc.mailbox(NEW)
    assert (box.quota_bytes, box.password, box.active) == (50 * MB, PASSWORD, 1)


def test_create_without_quota_gets_the_domain_default_and_0_is_unlimited(cli, logged_in, wire, mc):
    first = create(cli)
    assert first.exit_code == 0 and first.json["quota_mb"] == 3072
    assert "quota" not in wire.bodies("add/mailbox")[0]
    second = create(cli, "--quota", "0", address="big@example.com")
    assert second.exit_code == 0 and second.json["quota_mb"] is None
    assert mc.mailbox("big@example.com").quota_bytes == 0


def test_create_of_an_existing_mailbox_is_refused(cli, logged_in, mc, wire):
    result = create(cli, address="info@example.com")
    assert result.exit_code == 1
    assert "object_exists" in result.error_json["error"]["message"]
    assert mc.mailbox("info@example.com").password == "mailbox-secret"
    assert [c for c in wire.calls() if c.startswith("POST")] == ["POST add/mailbox"]


@pytest.mark.parametrize("password, says", [("weakweak", "password_complexity")])
def test_create_refused_for_its_password(cli, logged_in, mc, password, says):
    result = create(cli, password=password)
    assert result.exit_code == 1
    assert says in result.error_json["error"]["message"] and password not in result.stderr
    assert mc.addresses() == DEFAULT


def test_create_on_an_unknown_domain_is_not_found(cli, logged_in, mc):
    result = create(cli, address="a@nope.example")
    assert result.exit_code == 3
    assert mc.addresses() == DEFAULT


def test_create_over_the_domain_limit_is_refused(cli, logged_in, mc):
    result = create(cli, "--quota", "20000")
    assert result.exit_code == 1
    assert "mailbox_quota_exceeded" in result.stderr
    assert mc.addresses() == DEFAULT


def test_error_but_created_is_a_success_with_a_warning_never_a_second_create(cli, logged_in, mc, wire):
    mc.error_but_created = True
    result = create(cli)
    assert result.exit_code == 0, result.stderr
    assert "password_complexity" in result.stderr and "was applied" in result.stderr
    assert result.json["address"] == NEW
    assert len(wire.bodies("add/mailbox")) == 1
    assert mc.addresses() == sorted(DEFAULT + [NEW]) and mc.mailbox(NEW).password == PASSWORD


def test_a_lost_answer_after_the_create_was_applied_is_settled_by_a_read(cli, emu, logged_in, mc, wire):
    emu.add_fault(kind="500", path="/api/v1/add/mailbox", when="after")
    result = create(cli)
    assert result.exit_code == 0, result.stderr
    assert "was lost" in result.stderr
    assert len(wire.bodies("add/mailbox")) == 1
    assert mc.addresses() == sorted(DEFAULT + [NEW])


def test_the_read_only_key_is_refused_on_writes_with_exit_4(cli, read_only, mc, wire):
    result = create(cli)
    assert result.exit_code == 4
    error = result.error_json["error"]
    assert error["code"] == "permission" and "read-only" in error["message"]
    assert len(wire.bodies("add/mailbox")) == 1  # never retried
    assert mc.addresses() == DEFAULT
    assert cli("--yes", "pop", "delete", "info@example.com").exit_code == 4
    assert cli("passwd", "info@example.com", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 4
    assert mc.addresses() == DEFAULT and mc.mailbox("info@example.com").password == "mailbox-secret"


# -- passwd ----------------------------------------------------------------------------------


def test_passwd_edits_the_mailbox(cli, logged_in, mc, wire):
    result = cli("--json", "passwd", "sales@example.com", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert wire.bodies("edit/mailbox") == [{"items": ["sales@example.com"],
                                            "attr": {"password": PASSWORD, "password2": PASSWORD}}]
    box = mc.mailbox("sales@example.com")
    assert (box.password, box.quota_bytes, box.force_pw_update) == (PASSWORD, 500 * MB, False)


def test_passwd_require_reset_sets_force_pw_update(cli, logged_in, mc):
    result = cli("passwd", "sales@example.com", "--require-reset", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert mc.mailbox("sales@example.com").force_pw_update is True


def test_passwd_of_a_missing_mailbox_is_not_found(cli, logged_in, mc):
    result = cli("--json", "passwd", "ghost@example.com", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 3
    assert result.error_json["error"]["code"] == "not_found"


def test_passwd_refused_as_too_weak(cli, logged_in, mc):
    result = cli("passwd", "sales@example.com", "--password-stdin", stdin="weakweak\n")
    assert result.exit_code == 1 and "password_complexity" in result.stderr
    assert mc.mailbox("sales@example.com").password == "mailbox-secret"


# -- pop delete ------------------------------------------------------------------------------


def test_delete(cli, logged_in, mc, wire):
    result = cli("--json", "--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert wire.bodies("delete/mailbox") == [["sales@example.com"]]
    assert mc.addresses() == ["info@example.com"]


def test_delete_of_a_missing_mailbox_is_not_found(cli, logged_in, mc):
    result = cli("--json", "--yes", "pop", "delete", "ghost@example.com")
    assert result.exit_code == 3
    assert mc.addresses() == DEFAULT


def test_a_lost_delete_answer_is_settled_by_a_read(cli, emu, logged_in, mc, wire):
    emu.add_fault(kind="reset", path="/api/v1/delete/mailbox", when="after")
    result = cli("--yes", "pop", "delete", "sales@example.com")
    assert result.exit_code == 0, result.stderr
    assert len(wire.bodies("delete/mailbox")) == 1
    assert mc.addresses() == ["info@example.com"]


# -- what mailcow does not do ---------------------------------------------------------------------


@pytest.mark.parametrize("args, stdin", [
    (("account", "passwd", "demo", "--password-stdin"), PASSWORD + "\n"),
    (("passwd", "--self", "info@example.com", "--password-stdin"), f"mailbox-secret\n{PASSWORD}\n"),
    (("--yes", "pop", "delete", "info@example.com", "--keep-data"), ""),
    (("pop", "create", NEW, "--send-limit", "5", "--password-stdin"), PASSWORD + "\n"),
    (("pop", "create", NEW, "--plan", "light", "--password-stdin"), PASSWORD + "\n"),
])
def test_a_refused_verb_or_option_exits_2_with_no_request(cli, emu, logged_in, mc, args, stdin):
    result = cli("--json", *args, stdin=stdin)
    assert result.exit_code == 2, result.stderr
    assert "mailcow" in json.loads(result.stderr.strip().splitlines()[-1])["error"]["message"]
    assert emu.requests == []
    assert mc.addresses() == DEFAULT


def test_a_url_ending_in_api_v1_works_too(cli, emu):
    added = cli("profile", "add", "y", "--provider", "mailcow", "--url", emu.url + "/api/v1", "--user", "admin")
    assert added.exit_code == 0
    assert cli("-p", "y", "session", "login", "--secret-stdin", stdin=RO_KEY + "\n").exit_code == 0
    assert all(r.path.startswith("/api/v1/get/") for r in emu.requests)
