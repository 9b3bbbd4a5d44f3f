"""What the Virtualmin tests share: the programs the emulator received, and their
parameters (a module of its own: test modules cannot import conftest reliably)."""

from __future__ import annotations

from urllib.parse import parse_qsl

STRONG = "N3w-Mailbox-pass"
MB = 1024 * 1024


def form(request) -> dict[str, str]:
    return dict(parse_qsl(request.body.decode(), keep_blank_values=True))


def programs(emu) -> list[str]:
    """The programs run, in order."""
    return [form(r).get("program", "?") for r in emu.requests if r.provider == "virtualmin"]


def params(emu, program: str) -> list[dict[str, str]]:
    return [form(r) for r in emu.requests if form(r).get("program") == program]


def assert_post_only(emu) -> None:
    """Every request a POST with nothing in the query string (no password in a URL)."""
    assert emu.requests
    for request in emu.requests:
        assert (request.method, request.query) == ("POST", ""), request.url
        assert request.path == "/virtual-server/remote.cgi"
        assert form(request)["json"] == "1"
