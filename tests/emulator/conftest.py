"""Fixtures for the emulator tests: a fresh emulator per test and plain `requests` helpers
that speak each provider's wire format (deliberately not mailctl's client code)."""

from __future__ import annotations

import html
import re
from typing import Any, Callable
from urllib.parse import parse_qsl

import pytest
import requests

from mailctl.emulator import Emulator

DEMO = ("demo", "demo-secret")


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def http():
    session = requests.Session()
    session.trust_env = False  # never route 127.0.0.1 through a proxy from the environment
    yield session
    session.close()


@pytest.fixture
def tls_files(tmp_path) -> tuple[str, str, str]:
    """(certificate, key, CA bundle) for 127.0.0.1, from a throw-away trustme CA."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    paths = tuple(str(tmp_path / name) for name in ("cert.pem", "key.pem", "ca.pem"))
    cert.cert_chain_pems[0].write_to_path(paths[0])
    cert.private_key_pem.write_to_path(paths[1])
    ca.cert_pem.write_to_path(paths[2])
    return paths  # type: ignore[return-value]


@pytest.fixture
def da(emu, http) -> Callable[..., requests.Response]:
    """POST a DirectAdmin command: da("CMD_API_POP", action="list", ...)."""

    def call(command: str, auth: Any = DEMO, **fields: str) -> requests.Response:
        return http.post(f"{emu.url}/{command}", data=fields, auth=auth, allow_redirects=False,
                         timeout=5)

    return call


@pytest.fixture
def uapi(emu, http) -> Callable[..., requests.Response]:
    """POST a cPanel UAPI Email function with the demo API token."""

    def call(function: str, token: str = "demo:demo-secret", **fields: str) -> requests.Response:
        return http.post(f"{emu.url}/execute/Email/{function}", data=fields,
                         headers={"Authorization": f"cpanel {token}"}, timeout=5)

    return call


@pytest.fixture
def whm(emu, http) -> Callable[..., requests.Response]:
    """POST a WHM json-api function as root (API 1 unless api_version=None)."""

    def call(function: str, token: str = "root:demo-secret", api_version: str | None = "1",
             **fields: str) -> requests.Response:
        if api_version is not None:
            fields["api.version"] = api_version
        return http.post(f"{emu.url}/json-api/{function}", data=fields,
                         headers={"Authorization": f"whm {token}"}, timeout=5)

    return call


@pytest.fixture
def rpc(emu, http) -> Callable[..., dict[str, Any]]:
    """Send one mailbox.org JSON-RPC call; the decoded answer object."""

    def call(method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        headers = {"HPLS-AUTH": session} if session is not None else {}
        body = {"jsonrpc": "2.0", "id": "7", "method": method, "params": params or {}}
        response = http.post(f"{emu.url}/v1/", json=body, headers=headers, timeout=5)
        assert response.status_code == 200
        return response.json()

    return call


@pytest.fixture
def session(rpc) -> str:
    """A fresh mailbox.org session id for the demo account."""
    return rpc("auth", {"user": "demo", "pass": "demo-secret"})["result"]["session"]


class DAWire:
    """A lenient DirectAdmin decoder, as a client should have (a fixture: test modules
    cannot import conftest reliably)."""

    @staticmethod
    def decode(body: str) -> dict[str, str]:
        """url-decode, then HTML numeric entities in values only."""
        return {key: re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), value)
                for key, value in parse_qsl(body, keep_blank_values=True)}

    @staticmethod
    def nested(body: str) -> dict[str, dict[str, str]]:
        """Nested maps: decode the outer string, then parse each value again."""
        return {key: dict(parse_qsl(value)) for key, value in parse_qsl(body)}

    @staticmethod
    def strip_tags(text: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", " ", text)).strip()


@pytest.fixture
def dawire() -> type[DAWire]:
    return DAWire
