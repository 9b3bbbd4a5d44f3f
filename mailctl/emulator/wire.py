"""What every provider module shares: the request and response shapes, credential
headers, form decoding and the emulator's password and name rules."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

# RFC 5321 allows more, but every panel emulated here refuses anything outside this set.
_LOCAL_PART = re.compile(r"^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass
class Request:
    """One HTTP request as the provider modules see it (headers keyed in lower case)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @cached_property
    def form(self) -> dict[str, str]:
        """Query string and url-encoded body merged; the body wins, as on the panels.

        The body is decoded whatever its Content-Type says: the real servers are lenient
        about it and a client that forgets the header must still be understood.
        """
        fields = dict(_parse_pairs(self.query))
        fields.update(_parse_pairs(self.body.decode("utf-8", "replace")))
        return fields

    @cached_property
    def json_body(self) -> object | None:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    @property
    def rpc_method(self) -> str | None:
        body = self.json_body
        method = body.get("method") if isinstance(body, dict) else None
        return method if isinstance(method, str) else None

    def fields(self) -> dict[str, str]:
        """The named inputs a fault can match on: JSON-RPC params, else form fields."""
        body = self.json_body if self.path.startswith("/v1") else None
        params = body.get("params") if isinstance(body, dict) else None
        if isinstance(params, dict):
            return {str(k): _as_text(v) for k, v in params.items()}
        return self.form


def _parse_pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True) if text else []


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = TEXT_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(payload: object, status: int = 200) -> Response:
    # Compact, as the real servers send it.
    return Response(status, encode_json(payload), JSON_TYPE)


class Rows(list):
    """A list answer whose items come with their JSON already encoded (`fragments`),
    so a list of 100,000 mailboxes is joined, not encoded again on every call. Build it
    with RowCache.rows(); a Rows whose length no longer matches its fragments (someone
    changed it) is encoded the ordinary way."""

    fragments: list[bytes]


class RowCache:
    """Encoded list rows by fingerprint: a tuple of everything the row shows, so a
    changed mailbox gets a new row and an unchanged one is reused."""

    def __init__(self) -> None:
        self._rows: dict[tuple, tuple[dict, bytes]] = {}

    def rows(self, items: list[tuple[tuple, tuple]], build: Any) -> Rows:
        """`items`: (fingerprint, arguments of `build`) per row; build(*arguments) makes
        the row dict when the cache does not hold it yet."""
        cache = self._rows
        if len(cache) > 4 * len(items) + 10_000:  # forget rows of deleted/changed mailboxes
            cache.clear()
        result, fragments = Rows(), []
        for key, arguments in items:
            hit = cache.get(key)
            if hit is None:
                row = build(*arguments)
                hit = cache[key] = (row, json.dumps(row, separators=(",", ":")).encode())
            result.append(hit[0])
            fragments.append(hit[1])
        result.fragments = fragments
        return result


def encode_json(payload: object) -> bytes:
    """json.dumps, compact, except that Rows inside dicts are spliced in pre-encoded."""
    found: dict[str, Rows] = {}
    stand_in = _replace_rows(payload, found)
    text = json.dumps(stand_in, separators=(",", ":")).encode()
    for token, rows in found.items():
        text = text.replace(json.dumps(token).encode(), b"[" + b",".join(rows.fragments) + b"]", 1)
    return text


def _replace_rows(value: object, found: dict[str, Rows]) -> object:
    if isinstance(value, Rows) and len(value) == len(getattr(value, "fragments", ())):
        token = f"\x00rows-{len(found)}-{id(value)}\x00"
        found[token] = value
        return token
    if isinstance(value, dict):
        return {k: _replace_rows(v, found) for k, v in value.items()}
    return value


def html_response(html: str, status: int = 200) -> Response:
    return Response(status, html.encode(), HTML_TYPE)


@dataclass(frozen=True)
class Credentials:
    scheme: str  # "basic", "cpanel" or "whm" (the word before the space, lower-cased)
    user: str
    secret: str


def credentials(request: Request) -> Credentials | None:
    """Decode `Authorization: Basic ...`, `cpanel USER:TOKEN` or `whm USER:TOKEN`."""
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    elif scheme not in ("cpanel", "whm"):
        return None
    user, sep, secret = value.partition(":")
    return Credentials(scheme, user, secret) if sep and user else None


def token_or_password(creds: Credentials, token_scheme: str, password: str,
                      tokens: list[str]) -> bool:
    """The cPanel/WHM rule: a token only under its own scheme word, a password only
    with Basic (an empty secret never matches)."""
    if creds.scheme == token_scheme:
        return creds.secret in tokens
    return creds.scheme == "basic" and bool(creds.secret) and creds.secret == password


PASSWORD_RULE = "at least 8 characters from at least 3 of: lower case, upper case, digits, others"


def password_problem(password: str) -> str | None:
    """The emulator's one strength rule, shared by every provider: None when acceptable."""
    if not password:
        return "The password is empty."
    classes = sum(
        any(test(ch) for ch in password)
        for test in (str.islower, str.isupper, str.isdigit, lambda ch: not ch.isalnum())
    )
    if len(password) < 8 or classes < 3:
        return f"The password is too weak: use {PASSWORD_RULE}."
    return None


def valid_local_part(local: str) -> bool:
    return bool(_LOCAL_PART.match(local)) and ".." not in local


def valid_domain(domain: str) -> bool:
    return bool(_DOMAIN.match(domain))


def split_address(address: str) -> tuple[str, str]:
    """`Info@Example.COM` -> ("info", "example.com"); no "@" gives an empty domain."""
    local, _, domain = address.strip().lower().rpartition("@")
    return (local, domain) if local else (domain, "")
