"""DirectAdmin's answer formats and the request context every DirectAdmin command shares.

Quirks reproduced on purpose (see the provider notes): answers percent-encode everything
but ASCII letters (digits, `_`, `.`, `'` too, keys included); `details` carries HTML
numeric entities and tags; an empty list is an empty body; nested maps are a url-encoded
query string per key; failed logins are not an HTTP error but (by default) a 200 HTML
login page carrying `X-DirectAdmin: Unauthorized`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from urllib.parse import urlencode

from .settings import Settings
from .directadmin_state import DAMailbox, DirectAdminState
from .world import World
from .wire import HTML_TYPE, TEXT_TYPE, Response, html_response, json_response, password_problem

LOGIN_PAGE = """<!DOCTYPE html>
<html>
<head><title>DirectAdmin Login</title></head>
<body>
<form action="/CMD_LOGIN" method="POST" name="form">
<input type="hidden" name="referer" value="/">
Username: <input type="text" name="username"><br>
Password: <input type="password" name="password"><br>
<input type="submit" value="Login">
</form>
</body>
</html>
"""

_ENTITY_CHARS = frozenset(string.digits + ".@'")
# str.translate runs in C: a 100,000-mailbox list is encoded in a few hundred ms, where a
# Python loop per character took seconds. Non-ASCII text takes the slow path below.
_QUOTE_TABLE = {code: f"%{code:02X}" for code in range(128) if chr(code) not in string.ascii_letters}
_ENTITY_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in _ENTITY_CHARS}


class DAError(Exception):
    """An `error=1` answer: `text` is the message, `details` the (HTML) explanation."""

    def __init__(self, text: str, details: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.details = details


class NotPermitted(Exception):
    """The logged-in user's level does not allow the command: answered like a bad login."""


@dataclass
class Call:
    command: str
    form: dict[str, str]
    user: str  # the effective user (the right-hand side of `admin|user`)
    world: World
    settings: Settings

    @property
    def da(self) -> DirectAdminState:
        return self.world.directadmin

    @property
    def json_mode(self) -> bool:
        return self.form.get("json") == "yes"


# --------------------------------------------------------------------------- login


def login_page(settings: Settings, header: bool | None = None) -> Response:
    """The HTML login page; `header` overrides the setting for X-DirectAdmin."""
    response = html_response(LOGIN_PAGE)
    if settings.da_unauthorized_header if header is None else header:
        response.headers.append(("X-DirectAdmin", "Unauthorized"))
    return response


def auth_failure(settings: Settings) -> Response:
    if settings.da_auth_failure == "redirect":
        return Response(302, b"", HTML_TYPE, [("Location", "/CMD_LOGIN")])
    if settings.da_auth_failure == "json401":
        return json_response({"error": "Not logged in", "success": "no"}, 401)
    return login_page(settings)


# --------------------------------------------------------------------------- answers


def quote(text: str) -> str:
    """DirectAdmin's over-eager percent-encoding: only ASCII letters stay as they are."""
    if text.isascii():
        return text.translate(_QUOTE_TABLE)
    return "".join(
        ch.translate(_QUOTE_TABLE) if ch.isascii() else "".join(f"%{b:02X}" for b in ch.encode())
        for ch in text
    )


def entities(text: str) -> str:
    """Digits, dots, `@` and `'` as HTML numeric entities, as DirectAdmin's details carry them."""
    return text.translate(_ENTITY_TABLE)


def encode(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode()


def text_response(body: bytes) -> Response:
    return Response(200, body, TEXT_TYPE)


def flat(json_mode: bool, ok: bool, text: str, details: str, html: bool = True) -> Response:
    if json_mode:
        return json_response({"success" if ok else "error": text, "result": details})
    if html:
        details = (f"{entities(details)}<br>" if ok else
                   f"<b>{entities(details)}</b><br><a href=\"javascript:history.back()\">Back</a>")
    return text_response(encode([("error", "0" if ok else "1"), ("text", text), ("details", details)]))


def done(call: Call, text: str, details: str) -> Response:
    return flat(call.json_mode, True, text, details)


def listing(call: Call, items: list[str]) -> Response:
    if call.json_mode:
        return json_response(items if call.settings.da_json_list == "array" else {"list": items})
    return text_response(encode([("list[]", item) for item in items]))


def mapping(call: Call, values: dict[str, str]) -> Response:
    if call.json_mode:
        return json_response(values)
    return text_response(encode(list(values.items())))


def nested(call: Call, values: dict[str, dict[str, str]]) -> Response:
    """One key per entry whose value is itself a query string (encoded once more)."""
    if call.json_mode:
        return json_response(values)
    return text_response(encode([(key, urlencode(inner)) for key, inner in values.items()]))


def number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- fields


def own_domain(call: Call, domain: str | None = None) -> str:
    domain = (call.form.get("domain", "") if domain is None else domain).strip().lower()
    if not domain:
        raise DAError("No domain provided", "The domain field is required")
    if call.da.domains.get(domain) != call.user:
        raise DAError(f"{domain} does not belong to you",
                      f"The domain {domain} does not belong to you")
    return domain


def existing(call: Call, domain: str, local: str) -> DAMailbox:
    mailbox = call.da.mailboxes[domain].get(local)
    if mailbox is None:
        raise DAError("No such email account", f"{local}@{domain} does not exist")
    return mailbox


def selected(form: dict[str, str], *also: str) -> list[str]:
    """The names a web-form style call selects: the `also` fields, then select0, select1..."""
    names = [form.get(name, "") for name in also]
    names += [v for k, v in sorted(form.items(), key=lambda kv: (len(kv[0]), kv[0]))
              if k.startswith("select") and k[6:].isdigit()]
    return list(dict.fromkeys(n.strip().lower() for n in names if n.strip()))


def number_field(call: Call, name: str, default: int | None = None) -> int:
    raw = (call.form.get(name) or "").strip()
    if not raw and default is not None:
        return default
    if not raw.isdigit():
        raise DAError(f"Invalid {name}", f"{name} must be a whole number of "
                      f"{'megabytes' if name == 'quota' else 'messages'} (0 = unlimited)")
    return int(raw)


def new_password(form: dict[str, str], first: str, second: str, optional: bool = False,
                 confirm_optional: bool = False) -> str | None:
    """The new password. With `confirm_optional` the confirmation field may be left out
    (CMD_API_POP's documented form has only `passwd`); when it is sent it must match."""
    password = form.get(first, "")
    if optional and not password and not form.get(second, ""):
        return None
    if (second in form or not confirm_optional) and form.get(second) != password:
        raise DAError("Passwords do not match", "The two passwords are not the same")
    problem = password_problem(password)
    if problem:
        raise DAError("Invalid password", problem)
    return password
