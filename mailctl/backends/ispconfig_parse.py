"""ISPConfig's records as mailctl reads them: `mail_user` rows (mailboxes) and
`mail_forwarding` rows (forwards and aliases). MySQL hands every value to PHP as a
string; junk becomes BadResponse, never a traceback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mailctl.errors import BadResponse
from mailctl.models import Mailbox

PROVIDER = "ispconfig"
LABEL = "ISPConfig"
MB = 1024 * 1024
# mail_forwarding holds forwards, aliases, catch-alls and alias domains in one table;
# only these two are address -> destinations routes.
ROUTE_TYPES = ("forward", "alias")
# The web UI splits a forward's destinations on commas, semicolons and white space.
_SEPARATORS = re.compile(r"[\s,;]+")


def bad(function: str, why: str) -> BadResponse:
    return BadResponse(f"{LABEL} answered {function} with {why}", provider=PROVIDER)


def number(value: Any, function: str) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or isinstance(value, str) and value.isdigit()):
        raise bad(function, f"{str(value)[:80]!r} instead of a number")
    return int(value)


def text(row: Any, key: str, function: str) -> str:
    value = row.get(key) if isinstance(row, dict) else None
    if not isinstance(value, str) or not value:
        raise bad(function, f"an entry without {key}: {str(row)[:80]!r}")
    return value


def rows(answer: Any, function: str, what: str) -> list[dict[str, Any]]:
    """A list answer; not found is an empty `ok` (null, false, "" or [])."""
    if answer in (None, False, ""):
        return []
    if not isinstance(answer, list) or not all(isinstance(r, dict) for r in answer):
        raise bad(function, f"something that is not a list of {what}")
    return answer


def parse_mailbox(row: Any) -> Mailbox:
    """A Mailbox from a mail_user row (quota in bytes, 0 = unlimited). mail_user_get
    carries no usage: it is not known (null)."""
    address = text(row, "email", "mail_user_get").lower()
    if "@" not in address:
        raise bad("mail_user_get", f"an entry without a mail address: {address[:80]!r}")
    quota = row.get("quota")
    quota_bytes = number(quota, "mail_user_get") if quota not in (None, "", "-1", -1) else 0
    restrictions = []
    if "y" in (row.get("disableimap"), row.get("disablepop3"), row.get("disablesmtp")):
        restrictions.append("login")
    if row.get("postfix") == "n" or row.get("disabledeliver") == "y":
        restrictions.append("incoming")
    return Mailbox(address, quota_mb=-(-quota_bytes // MB) if quota_bytes else None, usage_bytes=None,
                   suspended=bool(restrictions), restrictions=tuple(restrictions))


@dataclass(frozen=True)
class Route:
    """One mail_forwarding row of type forward or alias."""

    forwarding_id: int
    type: str
    source: str
    destinations: tuple[str, ...]
    server_id: int
    active: str


def parse_route(row: Any) -> Route | None:
    """The row as a Route, or None for a row of another type (catch-all, alias domain)."""
    if not isinstance(row, dict):
        raise bad("mail_forward_get", f"an entry that is not a record: {str(row)[:80]!r}")
    kind = row.get("type")
    if kind not in ROUTE_TYPES:
        return None
    source = text(row, "source", "mail_forward_get").strip().lower()
    destination = row.get("destination")
    if not isinstance(destination, str):
        raise bad("mail_forward_get", f"an entry without a destination: {str(row)[:80]!r}")
    destinations = tuple(dict.fromkeys(d.lower() for d in _SEPARATORS.split(destination) if d))
    server = str(row.get("server_id", ""))
    return Route(number(row.get("forwarding_id"), "mail_forward_get"), kind, source, destinations,
                 int(server) if server.isdigit() else 1, str(row.get("active") or "y"))


def destination_text(destinations: tuple[str, ...] | list[str]) -> str:
    """Several destinations as the web UI stores them."""
    return ", ".join(destinations)
