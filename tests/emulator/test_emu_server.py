"""The server itself: recording, routing, TLS, state files, default world, concurrency."""

from __future__ import annotations

import ast
import json
import os
import socket
import sys
import threading
from pathlib import Path

import pytest
import requests

import mailctl.emulator as emulator_package
from mailctl.emulator import Emulator, World, default_world

STRONG = "Str0ng-pass"


def test_requests_are_recorded_with_body_and_query(emu, http):
    http.post(f"{emu.url}/CMD_API_POP?json=yes", auth=("demo", "demo-secret"),
              data={"action": "create", "domain": "example.com", "user": "rec",
                    "passwd": STRONG, "passwd2": STRONG})
    http.get(f"{emu.url}/nowhere")
    create, missing = emu.requests
    assert (create.method, create.path, create.query, create.provider, create.status) == \
        ("POST", "/CMD_API_POP", "json=yes", "directadmin", 200)
    assert create.url == "/CMD_API_POP?json=yes"
    assert STRONG.encode() in create.body and STRONG not in create.url
    assert create.headers["authorization"].startswith("Basic ")
    assert (missing.provider, missing.status) == (None, 404)
    emu.clear_requests()
    assert emu.requests == []


def test_a_password_in_the_url_is_visible_to_tests(emu, http):
    http.get(f"{emu.url}/execute/Email/passwd_pop?email=info&password={STRONG}",
             headers={"Authorization": "cpanel demo:demo-secret"})
    assert any(STRONG in r.url for r in emu.requests)


def test_routing(emu, http):
    assert emu.url.startswith("http://127.0.0.1:")
    assert http.post(f"{emu.url}/v1", json={"jsonrpc": "2.0", "id": 1,
                                            "method": "hello.world"}).json()["result"] == \
        "Hello World!"
    assert http.get(f"{emu.url}/").status_code == 404
    assert http.get(f"{emu.url}/v10/").status_code == 404


def test_default_world_is_a_fresh_copy_each_time():
    first, second = default_world(), default_world()
    first.directadmin.mailbox("info@example.com").password = "changed"
    assert second.directadmin.mailbox("info@example.com").password == "mailbox-secret"
    with Emulator() as a, Emulator() as b:
        a.state.cpanel.remove_mailbox("info@example.com")
        assert b.state.cpanel.has_mailbox("info@example.com")


def test_default_world_contents():
    world = default_world()
    for provider in (world.directadmin, world.cpanel, world.mailboxorg):
        assert provider.domains == {"example.com": "demo"}
        assert provider.addresses() == ["info@example.com", "sales@example.com"]
        assert provider.mailbox("info@example.com").password == "mailbox-secret"
    assert world.directadmin.mailbox("sales@example.com").quota_mb == 500
    assert world.cpanel.mailbox("info@example.com").quota_mb == 0
    assert world.cpanel.mailbox("sales@example.com").usage_bytes > 0
    assert world.directadmin.users["admin"].role == "admin"
    assert world.cpanel.accounts["demo"].owner == "root"
    assert world.whm.users["root"].tokens == ["demo-secret"]
    assert world.mailboxorg.mailbox("info@example.com").plan == "standard"


def test_reset_state_keeps_the_same_world(emu, uapi):
    world = emu.state
    uapi("delete_pop", email="info", domain="example.com")
    emu.reset_state()
    assert emu.state is world
    assert uapi("count_pops").json()["data"] == 2


def test_state_file_round_trip(tmp_path, http):
    path = tmp_path / "world.json"
    with Emulator(state_file=path) as first:
        assert path.exists()  # written at start so it can be edited
        http.post(f"{first.url}/execute/Email/add_pop", data={"email": "kept", "password": STRONG},
                  headers={"Authorization": "cpanel demo:demo-secret"})
        first.save_state()  # saves are batched; this one is forced
        on_disk = json.loads(path.read_text())
        assert "kept" in on_disk["cpanel"]["mailboxes"]["example.com"]
    assert [p.name for p in tmp_path.iterdir()] == ["world.json"]  # no temp files left
    with Emulator(state_file=path) as second:
        assert second.state.cpanel.mailbox("kept@example.com").password == STRONG
        answer = http.post(f"{second.url}/execute/Email/count_pops",
                           headers={"Authorization": "cpanel demo:demo-secret"}).json()
        assert answer["data"] == 3


def test_world_json_round_trip_preserves_everything(tmp_path):
    world = default_world()
    world.directadmin.add_login_key("demo", "KEY", commands=["CMD_API_POP"])
    world.mailboxorg.mailbox("info@example.com").forwards = ["a@b.test"]
    world.save(tmp_path / "w.json")
    loaded = World.load(tmp_path / "w.json")
    assert loaded.to_dict() == world.to_dict()
    assert loaded.directadmin.users["demo"].login_keys == {"KEY": ["CMD_API_POP"]}


def test_sessions_are_not_saved(tmp_path):
    world = default_world()
    world.mailboxorg.new_session("demo")
    world.save(tmp_path / "w.json")
    assert World.load(tmp_path / "w.json").mailboxorg.sessions == {}


def test_bad_state_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError):
        World.load(path)


def test_tls(tls_files, http):
    certfile, keyfile, cafile = tls_files
    with Emulator(tls=(certfile, keyfile)) as emulator:
        assert emulator.url.startswith("https://127.0.0.1:")
        response = http.post(f"{emulator.url}/CMD_API_LOGIN_TEST", auth=("demo", "demo-secret"),
                             verify=cafile)
        assert response.text == "error=%30&text=Login%20OK&details=none"
        with pytest.raises(requests.exceptions.SSLError):
            http.get(f"{emulator.url}/CMD_API_LOGIN_TEST", verify=True)
        with pytest.raises(requests.ConnectionError):
            http.get(emulator.url.replace("https", "http") + "/CMD_API_LOGIN_TEST", timeout=2)
        # still serving after the bad handshakes
        assert http.get(f"{emulator.url}/CMD_API_LOGIN_TEST", auth=("demo", "demo-secret"),
                        verify=cafile).status_code == 200


def _create_many(url: str, names: list[str], errors: list[str]) -> None:
    with requests.Session() as http:
        http.trust_env = False
        for name in names:
            answer = http.post(f"{url}/CMD_API_POP", auth=("demo", "demo-secret"), data={
                "action": "create", "domain": "example.com", "user": name, "passwd": STRONG,
                "passwd2": STRONG, "quota": "1"}, timeout=10).text
            if not answer.startswith("error=%30"):
                errors.append(answer)


def test_concurrent_creates(emu):
    names = [f"bulk{n}" for n in range(200)]
    errors: list[str] = []
    threads = [threading.Thread(target=_create_many, args=(emu.url, names[i::16], errors))
               for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    created = [a for a in emu.state.directadmin.addresses() if a.startswith("bulk")]
    assert len(created) == 200
    assert len(emu.requests) == 200


def test_concurrent_creates_with_state_file(tmp_path):
    path = tmp_path / "world.json"
    names = [f"c{n}" for n in range(64)]
    errors: list[str] = []
    with Emulator(state_file=path) as emulator:
        threads = [threading.Thread(target=_create_many, args=(emulator.url, names[i::16], errors))
                   for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == []
    saved = json.loads(path.read_text())["directadmin"]["mailboxes"]["example.com"]
    assert len(saved) == 2 + 64
    assert os.listdir(tmp_path) == ["world.json"]


def _read_response(sock: socket.socket) -> bytes:
    raw = b""
    while b"\r\n\r\n" not in raw:
        raw += sock.recv(65536)
    head, _, body = raw.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_kept_alive_connections_are_closed_on_stop():
    emulator = Emulator().start()
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(b"GET /v1/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_response(sock).startswith(b"HTTP/1.1 405")
        emulator.stop()
        assert sock.recv(65536) == b""  # hung up, not left serving after stop()


def test_emulator_uses_the_standard_library_only():
    """It is the other side of the wire: nothing from the rest of mailctl, nothing installed."""
    package = Path(emulator_package.__file__).parent
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{module.name} imports from outside the emulator"
                roots = [(node.module or "").split(".")[0]] if node.level == 0 else []
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names or root == "__future__", \
                    f"{module.name} imports {root}"
