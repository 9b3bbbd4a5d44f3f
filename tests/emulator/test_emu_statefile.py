"""The --state file: changes survive stop, the file is always whole JSON, a crash during
a save leaves the old file, and older files (without newer keys) still load."""

from __future__ import annotations

import json
import os
import threading

import pytest

from mailctl.emulator import Emulator, World, default_world
from mailctl.emulator import statefile

STRONG = "Str0ng-pass"
TOKEN = {"Authorization": "cpanel demo:demo-secret"}


def add_pop(http, emu, name):
    return http.post(f"{emu.url}/execute/Email/add_pop", data={"email": name, "password": STRONG},
                     headers=TOKEN, timeout=5).json()


def test_changes_reach_the_file_by_stop(tmp_path, http):
    path = tmp_path / "state.json"
    emu = Emulator(state_file=path).start()
    try:
        for n in range(5):
            assert add_pop(http, emu, f"box{n}")["status"] == 1
    finally:
        emu.stop()
    saved = json.loads(path.read_text())["cpanel"]["mailboxes"]["example.com"]
    assert {f"box{n}" for n in range(5)} <= set(saved)
    assert World.load(path).cpanel.has_mailbox("box4@example.com")


def test_file_is_always_whole_json_while_changes_stream_in(tmp_path, http):
    path = tmp_path / "state.json"
    problems: list[str] = []
    done = threading.Event()

    def read_repeatedly():
        while not done.is_set():
            try:
                json.loads(path.read_text())
            except (ValueError, FileNotFoundError) as error:
                problems.append(repr(error))

    with Emulator(state_file=path) as emu:
        reader = threading.Thread(target=read_repeatedly)
        reader.start()
        for n in range(30):
            add_pop(http, emu, f"box{n}")
            emu.save_state()
        done.set()
        reader.join()
    assert problems == []
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_crash_during_a_save_leaves_the_old_file(tmp_path, http, monkeypatch):
    path = tmp_path / "state.json"
    with Emulator(state_file=path) as emu:
        add_pop(http, emu, "first")
        emu.save_state()
        before = path.read_bytes()

        def crash(fd):
            raise OSError("disk pulled out")

        monkeypatch.setattr(statefile.os, "fsync", crash)
        add_pop(http, emu, "second")
        with pytest.raises(OSError):
            emu.save_state()
        assert path.read_bytes() == before
        assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp file left
        monkeypatch.undo()
    # stop() saved the change once the disk worked again
    assert World.load(path).cpanel.has_mailbox("second@example.com")


def test_write_atomically_never_truncates_on_a_failed_dump(tmp_path):
    path = tmp_path / "state.json"
    statefile.write_atomically(path, {"old": True})
    with pytest.raises(TypeError):
        statefile.write_atomically(path, {"not json": object()})
    assert json.loads(path.read_text()) == {"old": True}
    assert os.listdir(tmp_path) == ["state.json"]


def test_an_older_state_file_without_new_keys_loads(tmp_path):
    data = default_world().to_dict()
    for provider in ("directadmin", "cpanel"):
        data[provider].pop("forwarders")
    data["directadmin"].pop("vacations")
    data["directadmin"].pop("autoresponders")
    for box in data["cpanel"]["mailboxes"]["example.com"].values():
        box.pop("hold_outgoing")
    for box in data["mailboxorg"]["mailboxes"]["example.com"].values():
        box.pop("vacation")
    data["whm"]["users"]["root"].pop("token_acls")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    world = World.load(path)
    assert world.directadmin.forwarders == {} and world.cpanel.forwarders == {}
    assert world.cpanel.mailbox("info@example.com").hold_outgoing is False
    assert world.mailboxorg.mailbox("info@example.com").vacation is None
    assert world.whm.users["root"].token_acls == {}


def test_a_state_file_missing_a_whole_provider_loads_it_empty(tmp_path):
    data = default_world().to_dict()
    del data["mailboxorg"]
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(data))
    world = World.load(path)
    assert world.mailboxorg.addresses() == []
    assert world.directadmin.has_mailbox("info@example.com")
