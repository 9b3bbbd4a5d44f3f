"""Reading mailcow's answers (no I/O): write answers into a verdict, read answers into
models. Junk becomes BadResponse, never a traceback.

Write answers are a list of `{"type": "success|danger|warning|error", "msg": ...}`
entries (one per item or step), or one such object when the function recorded nothing.
`msg` is a string or `[key, arg, ...]`. mailcow answers refusals with HTTP 200, so only
`type` decides. Reads answer one object for one name and a list for `all`; "not found"
and an empty `all` are both `{}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mailctl.errors import BadResponse
from mailctl.models import Alias, Domain, Mailbox

PROVIDER = "mailcow"
MIB = 1024 * 1024
REFUSAL_TYPES = ("danger", "error")


@dataclass(frozen=True)
class Entry:
    type: str
    key: str  # the msg's key (its first element), or the whole text
    args: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.key + (f" ({', '.join(self.args)})" if self.args else "")


@dataclass(frozen=True)
class Verdict:
    """What a write answer says: `done` when a success entry with the expected key came
    and no refusal; `refusals` lists the danger/error entries."""

    entries: tuple[Entry, ...]
    expected: str

    @property
    def refusals(self) -> list[Entry]:
        return [e for e in self.entries if e.type in REFUSAL_TYPES]

    @property
    def successes(self) -> list[Entry]:
        return [e for e in self.entries if e.type == "success" and e.key == self.expected]

    @property
    def done(self) -> bool:
        return bool(self.successes) and not self.refusals

    @property
    def mixed(self) -> bool:
        """Success and refusal in one answer: ambiguous, a read has to settle it."""
        return bool(self.successes) and bool(self.refusals)

    def keys(self) -> set[str]:
        return {e.key for e in self.refusals}


def _bad(what: str, why: str) -> BadResponse:
    return BadResponse(f"mailcow answered {what} with {why}", provider=PROVIDER)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return str(value) if isinstance(value, (int, float)) else ""


def parse_entry(item: Any, what: str) -> Entry:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise _bad(what, f"an entry without a type: {str(item)[:80]!r}")
    msg = item.get("msg")
    if isinstance(msg, list) and msg:
        key, args = _text(msg[0]), tuple(_text(a) for a in msg[1:])
    else:
        key, args = _text(msg), ()
    return Entry(item["type"].lower(), key.strip() or "(no message)", args)


def parse_verdict(answer: Any, expected: str, what: str) -> Verdict:
    """A write answer: a list of entries, or a single entry object."""
    items = answer if isinstance(answer, list) else [answer] if isinstance(answer, dict) else None
    if not items:
        raise _bad(what, "neither a list of results nor a result object")
    return Verdict(tuple(parse_entry(item, what) for item in items), expected)


def rows(answer: Any, what: str) -> list[Any]:
    """An `all` read: a list, or `{}` for none (an object, not `[]`)."""
    if isinstance(answer, list):
        return answer
    if isinstance(answer, dict):
        if not answer:
            return []
        if "type" in answer and "msg" in answer:  # an error object where rows belong
            entry = parse_entry(answer, what)
            raise _bad(what, f"{entry.type} {entry.text!r} instead of a list")
        return [answer]  # one row, as some releases answer a single match
    raise _bad(what, "neither a list nor an object")


def one(answer: Any, what: str) -> dict[str, Any] | None:
    """A read of one object: the object, or None for `{}`/`[]` (not found, or no access)."""
    if isinstance(answer, list):
        if not answer:
            return None
        answer = answer[0] if len(answer) == 1 else answer
    if not isinstance(answer, dict):
        raise _bad(what, "something other than an object")
    return answer or None


def _number(value: Any) -> int | None:
    """An int that may come as a string ("12", "12.0") or a float; None if it is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 2**63:
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text) if text.lstrip("-").isdigit() else int(float(text))
        except (ValueError, OverflowError):
            return None
    return None


def parse_domain(item: Any, what: str = "get/domain") -> Domain:
    if not isinstance(item, dict):
        raise _bad(what, f"a domain that is not an object: {str(item)[:80]!r}")
    name = item.get("domain_name")
    if not isinstance(name, str) or not name.strip():
        raise _bad(what, f"a domain without domain_name: {str(item)[:80]!r}")
    count = _number(item.get("mboxes_in_domain"))
    return Domain(name.strip().lower(), count if count is not None and count >= 0 else None)


def active_state(item: dict[str, Any]) -> int | None:
    """`active` 0/1/2 (drifting types: "1" beside active_int 1)."""
    for name in ("active_int", "active"):
        value = _number(item.get(name))
        if value in (0, 1, 2):
            return value
    return None


# active -> what is switched off: 2 is "disallow login, mail still accepted"; 0 is off.
RESTRICTIONS = {1: (), 2: ("login",), 0: ("login", "incoming")}
RESTRICTION_STATES = {restrictions: active for active, restrictions in RESTRICTIONS.items()}


def parse_mailbox(item: Any, what: str = "get/mailbox") -> Mailbox:
    if not isinstance(item, dict):
        raise _bad(what, f"a mailbox that is not an object: {str(item)[:80]!r}")
    address = item.get("username")
    if not isinstance(address, str) or "@" not in address:
        local, domain = item.get("local_part"), item.get("domain")
        if not (isinstance(local, str) and isinstance(domain, str) and local and domain):
            raise _bad(what, f"a mailbox without username: {str(item)[:80]!r}")
        address = f"{local}@{domain}"
    quota = _number(item.get("quota"))
    used = _number(item.get("quota_used"))
    active = active_state(item)
    restrictions = RESTRICTIONS.get(active) if active is not None else None
    return Mailbox(
        address.strip().lower(),
        # bytes on reads; 0 = unlimited
        quota_mb=None if not quota or quota < 0 else max(round(quota / MIB), 1),
        usage_bytes=used if used is not None and used >= 0 else None,
        suspended=None if restrictions is None else bool(restrictions),
        restrictions=restrictions,
    )


def split_goto(value: Any) -> tuple[str, ...]:
    """`goto` as mailcow splits it (space, comma, `;`, newline), lower case, each once."""
    if not isinstance(value, str):
        return ()
    seen: list[str] = []
    for part in value.replace(";", ",").replace("\n", ",").replace(" ", ",").split(","):
        part = part.strip().lower()
        if part and part not in seen:
            seen.append(part)
    return tuple(seen)


def parse_alias(item: Any, what: str = "get/alias") -> tuple[int, Alias]:
    """(id, Alias) from an alias row; the id is what edit/delete take."""
    if not isinstance(item, dict):
        raise _bad(what, f"an alias that is not an object: {str(item)[:80]!r}")
    alias_id = _number(item.get("id"))
    address = item.get("address")
    if alias_id is None or not isinstance(address, str) or "@" not in address:
        raise _bad(what, f"an alias without id or address: {str(item)[:80]!r}")
    return alias_id, Alias(address.strip().lower(), split_goto(item.get("goto")))
