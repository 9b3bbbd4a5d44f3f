"""Aliases (mailcow's forwarders) at the backend (the alias commands are not in the CLI
yet): `get/alias`, `add/alias` with `active: 1`, `edit/alias` by id (goto replaces the
list), `delete/alias` by id; the emulator's state after each call."""

from __future__ import annotations

import io
import os

import pytest

from mailctl.errors import NotFound, ProviderRefused, UsageError
from mailctl.validation import address

TEAM = address("team@example.com")


@pytest.fixture
def backend(cli, logged_in):
    from mailctl.cli.runtime import Runtime
    from mailctl.environment import Environment

    runtime = Runtime(Environment(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                  environ=dict(os.environ)))
    yield runtime.backend()
    runtime.close()


def goto(mc, name="team@example.com"):
    found = mc.alias_by_address(name)
    return None if found is None else (found[1].goto, found[1].active)


def test_list(backend, mc, wire):
    assert backend.list_aliases("example.com") == []  # {} on a known domain: none
    mc.add_alias("team@example.com", ["info@example.com", "x@other.test"])
    (alias,) = backend.list_aliases("example.com")
    assert (alias.address, alias.destinations) == ("team@example.com", ("info@example.com", "x@other.test"))
    with pytest.raises(NotFound):
        backend.list_aliases("nope.example")


def test_add_creates_an_active_alias(backend, mc, wire):
    alias = backend.add_alias(TEAM, ["info@example.com", "X@Other.test"])
    assert alias.destinations == ("info@example.com", "x@other.test")
    assert goto(mc) == (["info@example.com", "x@other.test"], 1)
    assert wire.bodies("add/alias") == [{"address": "team@example.com", "goto": "info@example.com,x@other.test",
                                         "active": 1}]


def test_add_to_an_existing_alias_keeps_its_destinations_and_edits_by_id(backend, mc, wire):
    alias_id = mc.add_alias("team@example.com", ["info@example.com"])
    alias = backend.add_alias(TEAM, ["sales@example.com", "info@example.com"])
    assert alias.destinations == ("info@example.com", "sales@example.com")
    assert wire.bodies("edit/alias") == [{"items": [alias_id], "attr": {"goto": "info@example.com,sales@example.com"}}]
    emu_calls = len(wire.requests())
    assert backend.add_alias(TEAM, ["sales@example.com"]).destinations == alias.destinations  # nothing new
    assert wire.bodies("edit/alias") == [{"items": [alias_id], "attr": {"goto": "info@example.com,sales@example.com"}}]
    assert len(wire.requests()) == emu_calls + 1  # one read, no write


def test_add_refusals(backend, mc):
    with pytest.raises(ProviderRefused, match="is_alias_or_mailbox"):
        backend.add_alias(address("info@example.com"), ["sales@example.com"])
    with pytest.raises(NotFound):
        backend.add_alias(address("a@nope.example"), ["sales@example.com"])
    with pytest.raises(UsageError):
        backend.add_alias(TEAM, [":blackhole:"])
    assert mc.aliases == {}


def test_a_lost_add_answer_is_settled_by_reading(backend, emu, mc, wire):
    emu.add_fault(kind="reset", path="/api/v1/add/alias", when="after")
    assert backend.add_alias(TEAM, ["info@example.com"]).destinations == ("info@example.com",)
    assert len(wire.bodies("add/alias")) == 1 and len(mc.aliases) == 1


def test_remove_some_destinations_then_all(backend, mc, wire):
    alias_id = mc.add_alias("team@example.com", ["info@example.com", "sales@example.com"])
    left = backend.remove_alias(TEAM, ["sales@example.com"])
    assert left.destinations == ("info@example.com",) and goto(mc) == (["info@example.com"], 1)
    assert backend.remove_alias(TEAM, ["info@example.com"]) is None
    assert mc.aliases == {}
    assert wire.bodies("delete/alias") == [[alias_id]]


def test_remove_whole_and_missing(backend, mc):
    mc.add_alias("team@example.com", ["info@example.com"])
    assert backend.remove_alias(TEAM) is None and mc.aliases == {}
    with pytest.raises(NotFound, match="no alias team@example.com"):
        backend.remove_alias(TEAM)
    mc.add_alias("team@example.com", ["info@example.com"])
    with pytest.raises(NotFound, match="does not forward to x@y.test"):
        backend.remove_alias(TEAM, ["x@y.test"])
    assert goto(mc) == (["info@example.com"], 1)


def test_the_read_only_key_is_exit_4_on_alias_writes(cli, emu, read_only, mc):
    from mailctl.cli.runtime import Runtime
    from mailctl.environment import Environment
    from mailctl.errors import AuthError

    runtime = Runtime(Environment(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                  environ=dict(os.environ)))
    try:
        with pytest.raises(AuthError, match="read-only"):
            runtime.backend().add_alias(TEAM, ["info@example.com"])
    finally:
        runtime.close()
    assert mc.aliases == {}
