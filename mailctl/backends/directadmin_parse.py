"""DirectAdmin's answers turned into plain Python data.

DirectAdmin answers in two shapes: the classic url-encoded one (`error=0&text=...`,
`list[]=a&list[]=b`, or one nested query string per key) and, when asked with
`json=yes` on newer releases, a JSON envelope (`{"success": ...}` / `{"error": ...}`,
lists as a bare array or `{"list": [...]}`). Every function here takes either shape and
either returns data or raises one of mailctl's own errors -- never anything else, whatever
bytes arrive:

- AuthError: the answer is the login page, a redirect, 401/403 or carries
  `X-DirectAdmin: Unauthorized` (the four ways DirectAdmin says "not logged in");
- ProviderRefused: DirectAdmin said no (`error=1`, or a JSON `error`), with its `text`
  and tag-stripped `details` as the error's message and detail lines;
- TransportError / BadResponse: a server error, or something that is not an answer.

Success is decided by the `error` flag (or the JSON envelope's keys), never by wording:
DirectAdmin rewords its messages between releases.

Nothing here knows about HTTP libraries: a `Reply` is status, headers and body bytes, so
the tests feed hand-made samples straight in."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import unquote_plus

from mailctl.errors import AuthError, BadResponse, ProviderRefused, TransportError

PROVIDER = "directadmin"

# An HTML numeric entity, decimal or hex, short enough to be a real code point.
_ENTITY = re.compile(r"&#(?:(\d{1,7})|[xX]([0-9a-fA-F]{1,6}));", re.ASCII)
# A pair separator: every "&" except the one that opens a numeric entity, so a value that
# arrives with a raw `&#51;` in it is not cut in two.
_SEPARATOR = re.compile(r"&(?!#(?:\d{1,7}|[xX][0-9a-fA-F]{1,6});)", re.ASCII)
_ANCHOR = re.compile(r"<a\b[^>]*>.*?</a\s*>", re.IGNORECASE | re.DOTALL)
_LINE_BREAK = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h\d)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_REDIRECTS = range(300, 400)
_RETRYABLE_SERVER_STATUSES = frozenset({429}) | frozenset(range(500, 600))
# Values of `error` that are a flag rather than, say, the nested data of a mailbox that
# happens to be called "error".
_ERROR_FLAGS = {"0": False, "1": True}


@dataclass(frozen=True)
class Reply:
    """One HTTP answer as the parser needs it (header names compared case-insensitively)."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, response: Any) -> "Reply":
        """From a requests.Response (or anything with status_code, content, headers)."""
        return cls(response.status_code, response.content or b"", dict(response.headers))

    def header(self, name: str) -> str:
        wanted = name.lower()
        return next((str(v) for k, v in self.headers.items() if k.lower() == wanted), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace").lstrip("\ufeff").strip()


# --------------------------------------------------------------------------- decoding


def decode_entities(text: str) -> str:
    """Replace HTML numeric entities (`&#51;` -> "3"), and nothing else: a full HTML
    unescape would turn `&notify=` into `¬ify=` in text that is parsed again."""
    return _ENTITY.sub(_entity_char, text)


def _entity_char(match: re.Match) -> str:
    decimal, hexadecimal = match.groups()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    # NUL, surrogates and out-of-range numbers stay as written: they are not text and a
    # surrogate could not even be printed.
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return match.group(0)
    return chr(code)


def split_pairs(text: str) -> list[tuple[str, str]]:
    """`a=1&b=2` -> [("a", "1"), ("b", "2")], percent-decoded (DirectAdmin encodes digits,
    `_`, `.` and `'` too, keys included) but with entities left alone, because a value may
    be a nested query string that is parsed again. Stray `&`, a key without `=`, blank
    values and invalid escapes are taken as they come instead of failing."""
    pairs = []
    for part in _SEPARATOR.split(text):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote_plus(key).strip(), unquote_plus(value)))
    return pairs


def parse_form(text: str) -> dict[str, Any]:
    """A url-encoded answer as a dict of leaf strings; repeated `name[]` keys collect into
    a list under `name`. Later plain keys win over earlier ones, as in PHP's parse_str."""
    result: dict[str, Any] = {}
    for raw_key, raw_value in split_pairs(text):
        key, value = decode_entities(raw_key), decode_entities(raw_value)
        if key.endswith("[]"):
            items = result.setdefault(key[:-2], [])
            if isinstance(items, list):
                items.append(value)
            else:
                result[key[:-2]] = [items, value]
        elif key:
            result[key] = value
    return result


def display_text(value: Any) -> str:
    """Text DirectAdmin meant for a browser, made fit for a terminal: navigation links
    dropped, line-breaking tags turned into newlines, other tags removed, entities decoded
    (safe here: the result is shown, never parsed again)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = _ANCHOR.sub("", text)
    text = _LINE_BREAK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _message_lines(*values: Any) -> list[str]:
    """Every distinct display line of the given texts, "none" (DirectAdmin's word for
    "no details") left out."""
    lines: list[str] = []
    for value in values:
        for line in display_text(value).splitlines():
            if line.lower() != "none" and line not in lines:
                lines.append(line)
    return lines


# --------------------------------------------------------------------------- the envelope


def ensure_api_answer(reply: Reply, command: str, hint: str = "") -> None:
    """Raise unless the reply is an API answer at all. DirectAdmin says "not logged in"
    four ways depending on its version -- a 3xx to the login page, 401/403, the
    `X-DirectAdmin: Unauthorized` header, or a 200 carrying the HTML login page -- and all
    of them are the same failure: wrong user or secret, or a login key that does not allow
    the command. Never to be retried: repeated failures trip the server's lock-out."""
    symptom = _auth_symptom(reply)
    if symptom:
        message = f"DirectAdmin refused the login for {command} ({symptom})"
        raise AuthError(message + (f": {hint}" if hint else ""), provider=PROVIDER)
    if reply.status in _RETRYABLE_SERVER_STATUSES:
        raise TransportError(f"DirectAdmin answered HTTP {reply.status} to {command}", provider=PROVIDER)
    if not 200 <= reply.status < 300:
        raise BadResponse(
            f"DirectAdmin answered HTTP {reply.status} to {command}; is the profile's URL the panel "
            "(usually https://HOST:2222)?",
            provider=PROVIDER,
        )


def _auth_symptom(reply: Reply) -> str:
    if reply.status in _REDIRECTS:
        return f"HTTP {reply.status} redirect to {reply.header('Location') or 'the login page'}"
    if reply.status in (401, 403):
        return f"HTTP {reply.status}"
    if reply.header("X-DirectAdmin").strip().lower() == "unauthorized":
        return "X-DirectAdmin: Unauthorized"
    if 200 <= reply.status < 300:
        content_type = reply.header("Content-Type").strip().lower()
        if content_type.startswith("text/html") or reply.text.startswith("<"):
            return "it answered with an HTML page, its login page"
    return ""


def _is_json(reply: Reply) -> bool:
    return "json" in reply.header("Content-Type").lower() or reply.text[:1] in ("{", "[")


def _load_json(reply: Reply, command: str) -> Any:
    try:
        return json.loads(reply.text)
    except ValueError:
        raise _unreadable(reply, command, "is not valid JSON") from None


def _unreadable(reply: Reply, command: str, why: str) -> BadResponse:
    snippet = reply.text[:80].replace("\n", " ")
    return BadResponse(f"DirectAdmin's answer to {command} {why}: {snippet!r}", provider=PROVIDER)


def _refused(message: Any, *details: Any) -> ProviderRefused:
    lines = _message_lines(message, *details)
    head = lines[0] if lines else "DirectAdmin refused the request without saying why"
    return ProviderRefused(head, provider=PROVIDER, details=lines[1:])


def _error_flag(form: dict[str, Any]) -> bool | None:
    """True for `error=1`, False for `error=0`, None when there is no such flag."""
    value = form.get("error")
    return _ERROR_FLAGS.get(value.strip()) if isinstance(value, str) else None


def _form_refusal(form: dict[str, Any]) -> ProviderRefused | None:
    """The refusal a url-encoded answer carries, if it is one."""
    if _error_flag(form):
        return _refused(form.get("text"), form.get("details"))
    return None


def _json_refusal(data: Any) -> ProviderRefused | None:
    """JSON mode's failure envelope: `error` holds the message (not 1), or `success` is
    "no"; `result` (or `details`) the explanation."""
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    failed = (
        (isinstance(error, str) and error.strip() not in ("", "0"))
        or (isinstance(error, (bool, int)) and bool(error))
        or str(data.get("success", "")).strip().lower() == "no"
    )
    if not failed:
        return None
    message = error if isinstance(error, str) and error.strip() not in ("1", "0") else data.get("text")
    return _refused(message, data.get("result"), data.get("details"))


# --------------------------------------------------------------------------- answers


def parse_result(reply: Reply, command: str, hint: str = "") -> list[str]:
    """The answer to a change (create, modify, delete, password). Returns DirectAdmin's
    message lines on success; raises ProviderRefused on `error=1`, BadResponse when the
    answer cannot tell either way (an empty body, no `error` flag, junk)."""
    ensure_api_answer(reply, command, hint)
    if not reply.text:
        raise BadResponse(f"DirectAdmin's answer to {command} was empty", provider=PROVIDER)
    if _is_json(reply):
        data = _load_json(reply, command)
        refusal = _json_refusal(data)
        if refusal:
            raise refusal
        if isinstance(data, dict) and "success" in data:
            return _message_lines(data.get("success"), data.get("result"), data.get("details"))
        if isinstance(data, dict) and _ERROR_FLAGS.get(str(data.get("error")).strip()) is False:
            return _message_lines(data.get("text"), data.get("details"))
        raise _unreadable(reply, command, "has neither 'success' nor 'error'")
    form = parse_form(reply.text)
    refusal = _form_refusal(form)
    if refusal:
        raise refusal
    if _error_flag(form) is False:
        return _message_lines(form.get("text"), form.get("details"))
    raise _unreadable(reply, command, "has no error=0/1 flag")


def parse_list(reply: Reply, command: str, hint: str = "") -> list[str]:
    """A list answer (`list[]=a&list[]=b`, a JSON array or `{"list": [...]}`). An empty
    body is an empty list: DirectAdmin sends nothing at all when there is nothing."""
    ensure_api_answer(reply, command, hint)
    if not reply.text:
        return []
    if _is_json(reply):
        return _json_list(_load_json(reply, command), reply, command)
    form = parse_form(reply.text)
    refusal = _form_refusal(form)
    if refusal:
        raise refusal
    items = form.get("list")
    if isinstance(items, list):
        return [item for item in items if item.strip()]
    if isinstance(items, str):  # a lone `list=a` from a server that forgot the brackets
        return [items] if items.strip() else []
    if _error_flag(form) is False:
        return []
    raise _unreadable(reply, command, "is not a list")


def _json_list(data: Any, reply: Reply, command: str) -> list[str]:
    refusal = _json_refusal(data)
    if refusal:
        raise refusal
    if isinstance(data, dict) and "list" in data:
        data = data["list"]
    elif isinstance(data, dict) and all(_is_index(k) for k in data):
        # A PHP array serialised as an object: {"0": "a", "1": "b"}.
        data = [data[k] for k in sorted(data, key=int)]
    if not isinstance(data, list) or not all(_is_name(v) for v in data):
        raise _unreadable(reply, command, "is not a list of names")
    return [decode_entities(str(v)) for v in data if str(v).strip()]


def _is_index(key: str) -> bool:
    # ASCII only: "²".isdigit() is true, but int("²") fails.
    return key.isascii() and key.isdigit()


def _is_name(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def parse_map(reply: Reply, command: str, hint: str = "") -> dict[str, dict[str, str]]:
    """A nested answer (`action=full_list`, `type=quota`): name -> its fields, each value
    being a query string of its own (or a JSON object). A server that ignored the action
    and answered a plain list gives every name with no fields. Empty body: no entries."""
    ensure_api_answer(reply, command, hint)
    if not reply.text:
        return {}
    if _is_json(reply):
        return _json_map(_load_json(reply, command), reply, command)
    raw_pairs = split_pairs(reply.text)
    form = parse_form(reply.text)
    refusal = _form_refusal(form)
    if refusal:
        raise refusal
    entries: dict[str, dict[str, str]] = {}
    for raw_key, raw_value in raw_pairs:
        key = decode_entities(raw_key)
        if key in ("error", "text", "details") and _error_flag(form) is not None:
            continue  # the envelope of an error=0 answer, not an entry
        if key.endswith("[]"):
            name = decode_entities(raw_value)
            if name.strip():
                entries.setdefault(name, {})
        elif key:
            entries[key] = _nested_fields(raw_value)
    return entries


def _nested_fields(raw_value: str) -> dict[str, str]:
    """One entry's fields: its value is a query string, decoded once more; entities are
    replaced only now, in the leaves."""
    return {k: v for k, v in parse_form(raw_value).items() if isinstance(v, str)}


def _json_map(data: Any, reply: Reply, command: str) -> dict[str, dict[str, str]]:
    refusal = _json_refusal(data)
    if refusal:
        raise refusal
    if isinstance(data, list) or (isinstance(data, dict) and isinstance(data.get("list"), list)):
        return {name: {} for name in _json_list(data, reply, command)}
    if not isinstance(data, dict):
        raise _unreadable(reply, command, "is not an object")
    entries: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        name = decode_entities(str(key))
        if isinstance(value, dict):
            entries[name] = {str(k): decode_entities(_leaf(v)) for k, v in value.items()}
        elif isinstance(value, str):
            entries[name] = _nested_fields(value)
        else:
            raise _unreadable(reply, command, f"has an entry {name!r} that is neither an object nor a query string")
    return entries


def _leaf(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, str) else json.dumps(value)


# --------------------------------------------------------------------------- leaf values


def megabytes(value: str | None, *, what: str) -> float | None:
    """A size in MB as DirectAdmin writes it: a number, possibly fractional; blank or
    missing -> None (unknown); "unlimited" -> 0 (DirectAdmin's own word for no limit)."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if text == "unlimited":
        return 0.0
    try:
        number = float(text)
    except ValueError:
        raise BadResponse(f"DirectAdmin gave {what} as {value!r}, which is not a number of MB",
                          provider=PROVIDER) from None
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        raise BadResponse(f"DirectAdmin gave {what} as {value!r}, which is not a size", provider=PROVIDER)
    return number


def yes_no(value: str | None) -> bool | None:
    """DirectAdmin's yes/no flags (also 1/0, on/off); anything else is unknown."""
    text = (value or "").strip().lower()
    if text in ("yes", "1", "on", "true"):
        return True
    if text in ("no", "0", "off", "false"):
        return False
    return None


def is_unknown_command(refusal: ProviderRefused) -> bool:
    """Whether a refusal says the server does not know the command. Used only as a cue to
    try CMD_API_EMAIL_POP (newer releases moved the mailbox writes there): the server
    refused before acting, so asking the other command is not a re-send. It is the one
    place wording is looked at, because DirectAdmin has no code for it."""
    return "unknown command" in " ".join([refusal.message, *refusal.details]).lower()


def parse_forwarders(reply: Reply, command: str, hint: str = "") -> dict[str, list[str]]:
    """`CMD_API_EMAIL_FORWARDERS` (list): name -> destinations. Url-encoded it is one
    `name=d1,d2` pair per forwarder; JSON `{"name": ["d1", ...]}` (a comma-separated
    string understood too). Empty body: no forwarders."""
    ensure_api_answer(reply, command, hint)
    if not reply.text:
        return {}
    if _is_json(reply):
        data = _load_json(reply, command)
        refusal = _json_refusal(data)
        if refusal:
            raise refusal
        if isinstance(data, list) and not data:
            return {}
        if not isinstance(data, dict):
            raise _unreadable(reply, command, "is not an object of forwarders")
        items = {key: value for key, value in data.items() if key not in ("error", "text", "details", "success")}
    else:
        form = parse_form(reply.text)
        refusal = _form_refusal(form)
        if refusal:
            raise refusal
        items = {key: value for key, value in form.items()
                 if not (key in ("error", "text", "details") and _error_flag(form) is not None)}
    forwarders: dict[str, list[str]] = {}
    for key, value in items.items():
        name = decode_entities(str(key)).strip().lower()
        if isinstance(value, str):
            parts = value.split(",")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts = [part for v in value for part in v.split(",")]
        else:
            raise _unreadable(reply, command, f"has a forwarder {name!r} without destinations")
        destinations = [decode_entities(p).strip().lower() for p in parts if p.strip()]
        if name:
            forwarders[name] = destinations
    return forwarders
