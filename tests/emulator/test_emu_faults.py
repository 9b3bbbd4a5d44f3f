"""Fault injection: SPEC parsing, matching, every kind, before and after the change."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from mailctl.emulator import Emulator, Fault, parse_fault

STRONG = "Str0ng-pass"
CREATE = {"action": "create", "domain": "example.com", "user": "new", "passwd": STRONG,
          "passwd2": STRONG, "quota": "0"}


# --------------------------------------------------------------------------- SPEC parsing


def test_parse_full_spec():
    fault = parse_fault("kind=503,path=/execute/,nth=2,count=1")
    assert fault == Fault(kind="503", path="/execute/", nth=2, count=1)
    assert fault.status == 503


def test_parse_short_kind_field_and_numbers():
    fault = parse_fault("reset, provider=directadmin, field=action:create, when=after")
    assert (fault.kind, fault.provider, fault.field, fault.when) == \
        ("reset", "directadmin", ("action", "create"), "after")
    assert parse_fault("429,method=mail.add").retry_after == 1
    assert parse_fault("stall,seconds=1.5").seconds == 1.5
    assert parse_fault("latency,ms=20").ms == 20


@pytest.mark.parametrize("spec", ["", "kind=teapot", "kind=200", "500,nth=0", "500,bogus=1",
                                  "500,when=later", "500,provider=nosuchpanel", "500,field=action",
                                  "500,nth=two", "path=/x", "500,reset"])
def test_parse_rejects_bad_specs(spec):
    with pytest.raises(ValueError):
        parse_fault(spec)


# --------------------------------------------------------------------------- matching


def test_nth_and_count(emu, uapi):
    fault = emu.add_fault("kind=503,path=/execute/,nth=2,count=1")
    assert [uapi("count_pops").status_code for _ in range(4)] == [200, 503, 200, 200]
    assert (fault.matched, fault.fired) == (4, 1)


def test_every_request_until_count(emu, uapi):
    emu.add_fault(kind=500, provider="cpanel", count=2)
    assert [uapi("count_pops").status_code for _ in range(3)] == [500, 500, 200]


def test_nth_with_larger_count(emu, uapi):
    emu.add_fault(kind=500, nth=2, count=2)
    assert [uapi("count_pops").status_code for _ in range(4)] == [200, 500, 500, 200]


def test_match_by_provider_path_and_field(emu, da, uapi):
    emu.add_fault(kind=500, provider="directadmin", field="action:create")
    assert da("CMD_API_POP", action="list", domain="example.com").status_code == 200
    assert uapi("count_pops").status_code == 200
    assert da("CMD_API_POP", **CREATE).status_code == 500


def test_match_by_json_rpc_method_and_param(emu, rpc, session, http):
    emu.add_fault(kind="503", method="mail.list")
    emu.add_fault(kind="500", field="mail:info@example.com")
    assert rpc("mail.get", {"mail": "sales@example.com"}, session)["result"]["mail"] == \
        "sales@example.com"

    def status(method, params):
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        return http.post(f"{emu.url}/v1/", json=body, headers={"HPLS-AUTH": session}).status_code

    assert status("mail.list", {"domain": "example.com"}) == 503
    assert status("mail.get", {"mail": "info@example.com"}) == 500


def test_clear_faults(emu, uapi):
    emu.add_fault(kind=500)
    emu.clear_faults()
    assert uapi("count_pops").status_code == 200
    assert emu.faults == []


# --------------------------------------------------------------------------- kinds


def test_status_before_applies_nothing(emu, da):
    emu.add_fault(kind=500, field="action:create")
    response = da("CMD_API_POP", **CREATE)
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/html")
    assert not emu.state.directadmin.has_mailbox("new@example.com")


def test_status_after_applies_the_change(emu, da):
    emu.add_fault(kind=500, field="action:create", when="after")
    assert da("CMD_API_POP", **CREATE).status_code == 500
    assert emu.state.directadmin.has_mailbox("new@example.com")


@pytest.mark.parametrize("spec, retry_after", [("429,retry_after=7", "7"), ("429", "1"),
                                               ("503,retry_after=2", "2")])
def test_retry_after(emu, uapi, spec, retry_after):
    emu.add_fault(spec)
    response = uapi("count_pops")
    assert response.status_code == int(spec[:3])
    assert response.headers["Retry-After"] == retry_after


def test_503_without_retry_after(emu, uapi):
    emu.add_fault(kind=503)
    assert "Retry-After" not in uapi("count_pops").headers


@pytest.mark.parametrize("when, applied", [("before", False), ("after", True)])
def test_connection_reset(emu, uapi, when, applied):
    emu.add_fault(kind="reset", path="/execute/Email/add_pop", when=when)
    with pytest.raises(requests.ConnectionError):
        uapi("add_pop", email="new", password=STRONG)
    assert emu.state.cpanel.has_mailbox("new@example.com") is applied
    assert emu.requests[-1].status == "reset"
    assert uapi("count_pops").status_code == 200  # the server carries on


@pytest.mark.parametrize("when, applied", [("before", False), ("after", True)])
def test_stall_outlasts_client_timeout(emu, http, when, applied):
    emu.add_fault(kind="stall", seconds=1.0, method="mail.del", when=when)
    login = {"jsonrpc": "2.0", "id": 1, "method": "auth",
             "params": {"user": "demo", "pass": "demo-secret"}}
    session = http.post(f"{emu.url}/v1/", json=login).json()["result"]["session"]
    delete = {"jsonrpc": "2.0", "id": 2, "method": "mail.del", "params": {"mail": "info@example.com"}}
    with pytest.raises(requests.Timeout):
        http.post(f"{emu.url}/v1/", json=delete, headers={"HPLS-AUTH": session}, timeout=0.2)
    assert emu.state.mailboxorg.has_mailbox("info@example.com") is not applied


def test_stop_cuts_a_stall_short(http):
    emulator = Emulator(faults=["stall,seconds=30"]).start()
    worker = threading.Thread(target=_swallow, args=(http, f"{emulator.url}/CMD_API_LOGIN_TEST"))
    worker.start()
    time.sleep(0.1)
    started = time.monotonic()
    emulator.stop()
    worker.join(5)
    assert time.monotonic() - started < 2
    assert not worker.is_alive()


def _swallow(http, url):
    try:
        http.get(url, timeout=10)
    except requests.RequestException:
        pass


@pytest.mark.parametrize("when, applied", [("before", False), ("after", True)])
def test_truncated_body(emu, whm, when, applied):
    emu.add_fault(kind="truncate", provider="whm", when=when)
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        whm("passwd", user="demo", password=STRONG)
    assert (emu.state.cpanel.accounts["demo"].password == STRONG) is applied


def test_truncated_answer_declares_more_than_it_sends(emu):
    import socket

    emu.add_fault(kind="truncate")
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
        sock.sendall(b"GET /CMD_API_LOGIN_TEST HTTP/1.1\r\nHost: x\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    declared = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")))
    assert declared > len(body)


def test_non_json_body(emu, rpc, http):
    emu.add_fault(kind="nonjson", provider="mailboxorg")
    response = http.post(f"{emu.url}/v1/", json={"jsonrpc": "2.0", "id": 1, "method": "hello.world"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()


def test_nonjson_after_keeps_the_change(emu, uapi):
    emu.add_fault(kind="nonjson", when="after", path="/execute/Email/delete_pop")
    response = uapi("delete_pop", email="info", domain="example.com")
    with pytest.raises(ValueError):
        response.json()
    assert not emu.state.cpanel.has_mailbox("info@example.com")


def test_login_page_fault(emu, da):
    emu.add_fault(kind="login_page", path="/CMD_API_SHOW_DOMAINS", count=1)
    response = da("CMD_API_SHOW_DOMAINS")
    assert response.status_code == 200
    assert "<title>DirectAdmin Login</title>" in response.text
    assert da("CMD_API_SHOW_DOMAINS").text == "list%5B%5D=example%2Ecom"


def test_latency_fault(emu, uapi):
    emu.add_fault(kind="latency", ms=150, nth=2, count=1)
    assert _elapsed(lambda: uapi("count_pops")) < 0.1
    slow = _elapsed(lambda: uapi("count_pops"))
    assert slow >= 0.15
    assert uapi("count_pops").json()["data"] == 2  # latency delays, it does not break


def test_global_latency(http):
    with Emulator(latency_ms=120) as emulator:
        assert _elapsed(lambda: http.get(f"{emulator.url}/v1/")) >= 0.12
        emulator.settings.latency_ms = 0
        assert _elapsed(lambda: http.get(f"{emulator.url}/v1/")) < 0.1


def _elapsed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started
