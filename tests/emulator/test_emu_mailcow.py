"""mailcow REST API (`/api/v1/`, `X-API-Key`): keys, HTTP 200 refusals, `{}` for unknown
objects, MiB on writes and bytes on reads, and the "error but created" switch."""

from __future__ import annotations

import json

import pytest

from mailctl.emulator import Emulator, World

RW = {"X-API-Key": "demo-secret"}
RO = {"X-API-Key": "demo-readonly"}
STRONG = "Str0ng-pass"
MB = 1024 * 1024
NEW = {"local_part": "new", "domain": "example.com", "name": "New", "quota": 50, "password": STRONG,
       "password2": STRONG, "active": 1, "force_pw_update": 0}


@pytest.fixture
def get(emu, http):
    def call(path: str, headers=RW):
        return http.get(f"{emu.url}/api/v1/get/{path}", headers=headers)
    return call


@pytest.fixture
def post(emu, http):
    def call(path: str, body, headers=RW, raw: bytes | None = None):
        if raw is not None:
            return http.post(f"{emu.url}/api/v1/{path}", headers=headers, data=raw)
        return http.post(f"{emu.url}/api/v1/{path}", headers=headers, json=body)
    return call


def test_version_and_default_world(get, emu):
    assert get("status/version").json() == {"version": "2026-07a"}
    rows = get("mailbox/all/example.com").json()
    by_name = {row["username"]: row for row in rows}
    assert sorted(by_name) == ["info@example.com", "sales@example.com"]
    info, sales = by_name["info@example.com"], by_name["sales@example.com"]
    assert (info["quota"], info["quota_used"]) == (0, int(12.5 * MB))
    assert (sales["quota"], sales["quota_used"]) == (500 * MB, int(230.25 * MB))
    # types drift as on the real server: active "1" beside active_int 1
    assert (info["active"], info["active_int"]) == ("1", 1)
    assert emu.state.mailcow.mailbox("info@example.com").password == "mailbox-secret"
    domains = get("domain/all").json()
    assert [(d["domain_name"], d["mboxes_in_domain"]) for d in domains] == [("example.com", 2)]


def test_unknown_objects_are_an_empty_object_with_200(get, emu):
    for path in ("mailbox/ghost@example.com", "domain/nope.test", "mailbox/all/nope.test"):
        answer = get(path)
        assert (answer.status_code, answer.json()) == (200, {})
    with emu.state.lock:
        emu.state.mailcow.mailboxes["example.com"].clear()
        emu.state.touch()
    assert get("mailbox/all").json() == {}  # an empty `all` is {} too, not []


def test_keys(get, post, http, emu):
    assert get("status/version", headers=RO).status_code == 200
    refused = get("status/version", headers={"X-API-Key": "wrong"})
    assert (refused.status_code, refused.json()) == (401, {"type": "error", "msg": "authentication failed"})
    missing = http.get(f"{emu.url}/api/v1/get/domain/all")
    assert (missing.status_code, missing.content) == (200, b"")  # not logged in: an empty page
    denied = post("add/mailbox", NEW, headers=RO)
    assert (denied.status_code, denied.json()) == (403, {"type": "error", "msg": "API read/write access denied"})
    assert not emu.state.mailcow.has_mailbox("new@example.com")
    # characters outside [A-Za-z0-9-] are stripped from the key
    assert get("status/version", headers={"X-API-Key": "demo-secret;."}).status_code == 200
    emu.state.mailcow.keys["demo-secret"].active = False
    assert get("status/version").status_code == 401


def test_routes_and_methods(http, emu, post):
    assert http.get(f"{emu.url}/api/v1/nope/x", headers=RW).status_code == 404
    wrong = http.get(f"{emu.url}/api/v1/add/mailbox", headers=RW)
    assert (wrong.status_code, wrong.json()["msg"]) == (405, "only POST method is allowed")
    bad = post("add/mailbox", None, raw=b"{not json")
    assert (bad.status_code, bad.json()["msg"]) == (400, "Request body doesn't contain valid json!")
    assert http.get(f"{emu.url}/api/v1/get/domain/all", headers={**RW, "Sec-Fetch-Dest": "document"}).status_code == 403


def test_add_mailbox_takes_mib_and_reads_bytes(post, get, emu):
    answer = post("add/mailbox", NEW).json()
    assert answer[0]["type"] == "success" and answer[0]["msg"] == ["mailbox_added", "new@example.com"]
    assert answer[0]["log"][2]["password"] == "*"  # the log echoes the request, passwords hidden
    box = emu.state.mailcow.mailbox("new@example.com")
    assert (box.quota_bytes, box.password, box.active) == (50 * MB, STRONG, 1)
    assert get("mailbox/new@example.com").json()["quota"] == 50 * MB
    # without a quota: the domain's default
    post("add/mailbox", {k: v for k, v in {**NEW, "local_part": "dflt"}.items() if k != "quota"}).json()
    assert emu.state.mailcow.mailbox("dflt@example.com").quota_bytes == 3072 * MB


@pytest.mark.parametrize("change, key", [
    ({"local_part": "info"}, ["object_exists", "info@example.com"]),
    ({"domain": "nope.test"}, ["domain_not_found", "nope.test"]),
    ({"password2": "Other-pass-1"}, "password_mismatch"),
    ({"password": "weak", "password2": "weak"}, "password_complexity"),
    ({"quota": 999999}, ["mailbox_quota_exceeded", 10240]),
    ({"local_part": "bad..name"}, ["mailbox_invalid", "bad..name"]),
])
def test_add_refusals_are_danger_with_200(post, emu, change, key):
    answer = post("add/mailbox", {**NEW, **change})
    assert answer.status_code == 200
    assert [(e["type"], e["msg"]) for e in answer.json()] == [("danger", key)]
    assert emu.state.mailcow.addresses() == ["info@example.com", "sales@example.com"]


def test_error_but_created(post, emu):
    emu.state.mailcow.error_but_created = True
    answer = post("add/mailbox", NEW).json()
    assert [(e["type"], e["msg"]) for e in answer] == [("danger", "password_complexity")]
    assert emu.state.mailcow.mailbox("new@example.com").password == STRONG


def test_nothing_recorded_is_a_single_object(post):
    assert post("add/mailbox", []).json() == {"type": "error", "msg": "Cannot add item"}


def test_edit_mailbox(post, emu):
    answer = post("edit/mailbox", {"items": ["sales@example.com"],
                                   "attr": {"password": STRONG, "password2": STRONG, "quota": 700}}).json()
    assert answer[0]["msg"] == ["mailbox_modified", "sales@example.com"]
    box = emu.state.mailcow.mailbox("sales@example.com")
    assert (box.password, box.quota_bytes, box.name) == (STRONG, 700 * MB, "Sales Team")  # omitted attrs kept
    post("edit/mailbox", {"items": ["sales@example.com"], "attr": {"password": "", "active": 2,
                                                                   "force_pw_update": 1}})
    assert (box.password, box.active, box.force_pw_update) == (STRONG, 2, True)  # empty password: unchanged
    missing = post("edit/mailbox", {"items": ["ghost@example.com"], "attr": {"quota": 1}}).json()
    assert [(e["type"], e["msg"]) for e in missing] == [("danger", "access_denied")]
    weak = post("edit/mailbox", {"items": ["sales@example.com"], "attr": {"password": "x", "password2": "x"}})
    assert weak.json()[0]["msg"] == "password_complexity" and box.password == STRONG


def test_delete_mailbox(post, emu):
    answer = post("delete/mailbox", ["sales@example.com", "ghost@example.com"]).json()
    assert [(e["type"], e["msg"]) for e in answer] == [("success", ["mailbox_removed", "sales@example.com"]),
                                                         ("danger", "access_denied")]
    assert emu.state.mailcow.addresses() == ["info@example.com"]


def test_form_fields_are_taken_too(post, emu):
    body = "attr=" + json.dumps(NEW)
    answer = post("add/mailbox", None, headers={**RW, "Content-Type": "application/x-www-form-urlencoded"},
                  raw=body.encode())
    assert answer.json()[0]["type"] == "success"
    assert emu.state.mailcow.has_mailbox("new@example.com")


def test_state_round_trip_and_old_files(tmp_path):
    with Emulator() as emu:
        emu.state.mailcow.add_key("OTHER-KEY", "ro")
        emu.state.mailcow.add_mailbox("x@example.com", quota_bytes=MB)
        data = emu.state.to_dict()
    world = World.from_dict(json.loads(json.dumps(data)))
    assert world.mailcow.keys["OTHER-KEY"].access == "ro"
    assert world.mailcow.mailbox("x@example.com").quota_bytes == MB
    assert "error_but_created" not in json.dumps(data["mailcow"])
    older = {k: v for k, v in data.items() if k != "mailcow"}
    assert World.from_dict(older).mailcow.addresses() == []


def test_faults_match_the_provider(emu, post):
    fault = emu.add_fault(kind="500", provider="mailcow", path="/api/v1/add/mailbox", when="after")
    assert post("add/mailbox", NEW).status_code == 500
    assert fault.fired == 1 and emu.state.mailcow.has_mailbox("new@example.com")
    assert emu.requests[-1].provider == "mailcow"


def test_aliases(post, get, emu):
    answer = post("add/alias", {"address": "team@example.com", "goto": "info@example.com, bad@@x;sales@example.com",
                                "active": 1}).json()
    # an invalid goto is dropped with a danger entry while the rest is saved: a partial success
    assert [(e["type"], e["msg"]) for e in answer] == [("danger", ["goto_invalid", "bad@@x"]),
                                                         ("success", ["alias_added", "team@example.com", 1])]
    row = get("alias/team@example.com").json()
    assert (row["id"], row["goto"], row["active"]) == (1, "info@example.com,sales@example.com", "1")
    assert get("alias/1").json() == row and get("alias/all/example.com").json() == [row]
    assert get("alias/ghost@example.com").json() == {} and get("alias/all/nope.test").json() == {}
    post("add/alias", {"address": "quiet@example.com", "goto": "info@example.com"})
    assert emu.state.mailcow.alias_by_address("quiet@example.com")[1].active == 0  # intval(): no active, inactive
    clash = post("add/alias", {"address": "info@example.com", "goto": "sales@example.com", "active": 1}).json()
    assert clash[0]["msg"] == ["is_alias_or_mailbox", "info@example.com"]
    edited = post("edit/alias", {"items": [1], "attr": {"goto": "x@other.test"}}).json()
    assert edited[0]["msg"] == ["alias_modified", "team@example.com"]
    assert emu.state.mailcow.aliases["1"].goto == ["x@other.test"]  # goto replaces the list
    assert post("edit/alias", {"items": [99], "attr": {"goto": "x@y.test"}}).json()[0]["msg"] == "alias_invalid"
    removed = post("delete/alias", [1, 99]).json()
    assert [(e["type"], e["msg"]) for e in removed] == [("success", ["alias_removed", "team@example.com"]),
                                                          ("danger", "access_denied")]
    assert "1" not in emu.state.mailcow.aliases


def test_a_mailbox_deletion_takes_its_aliases_as_mailcow_does(post, get, emu):
    mc = emu.state.mailcow
    only = mc.add_alias("team@example.com", ["sales@example.com"])
    shared = mc.add_alias("list@example.com", ["sales@example.com", "x@other.test"])
    other = mc.add_alias("help@example.com", ["info@example.com"])
    assert post("delete/mailbox", ["sales@example.com"]).json()[0]["msg"] == ["mailbox_removed", "sales@example.com"]
    # DELETE ... WHERE goto = the mailbox; the others' goto rebuilt without it.
    assert str(only) not in mc.aliases
    assert mc.aliases[str(shared)].goto == ["x@other.test"]
    assert mc.aliases[str(other)].goto == ["info@example.com"]
    assert [row["address"] for row in get("alias/all/example.com").json()] == ["list@example.com",
                                                                              "help@example.com"]


def test_an_alias_edited_to_deliver_to_itself_drops_that_destination(post, emu):
    alias_id = emu.state.mailcow.add_alias("team@example.com", ["info@example.com"])
    answer = post("edit/alias", {"items": [alias_id], "attr": {"goto": "team@example.com,sales@example.com"}}).json()
    assert [(e["type"], e["msg"]) for e in answer] == [("danger", "alias_goto_identical"),
                                                        ("success", ["alias_modified", "team@example.com"])]
    assert emu.state.mailcow.aliases[str(alias_id)].goto == ["sales@example.com"]


def test_an_alias_added_to_itself_is_skipped_without_a_word(post, emu):
    assert post("add/alias", {"address": "team@example.com", "goto": "team@example.com", "active": 1}).json() == {
        "type": "error", "msg": "Cannot add item"}
    assert emu.state.mailcow.aliases == {}
