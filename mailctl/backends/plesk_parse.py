"""Reading Plesk XML API answers safely, and writing packets.

The answer is untrusted: a DOCTYPE or ENTITY declaration is refused before the text
reaches xml.etree (which would otherwise expand internal entities), so no entity is
ever expanded and no external resource is ever fetched. Everything that is not a
well-formed `<packet>` is a BadResponse (exit 5); errcodes are read, never the errtext
(it is localised)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape

from mailctl.errors import AuthError, BadResponse, MailctlError, NotFound, ProviderRefused, TransportError

PROVIDER = "plesk"
LABEL = "Plesk"

# Errcodes that mean the login (or its rights) was refused: never retried (exit 4).
AUTH_CODES = frozenset({1001, 1006, 1010, 1011, 1012, 11003})
NO_OBJECT = 1013
EXISTS = 1007
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class Packet(bytes):
    """A request body. Iterating it gives what a --debug trace shows of it: the packet
    with every secret value replaced, so the transport never traces a password."""

    shown: str

    def __new__(cls, body: str, shown: str) -> "Packet":
        packet = super().__new__(cls, body.encode("utf-8"))
        packet.shown = shown
        return packet

    def __iter__(self):
        return iter([("packet", self.shown)])


def packet(operation: str, inner: str, shown: str | None = None) -> Packet:
    """A request packet. The comment names the operation for people reading a trace
    (and for the emulator's fault matching, which reads form-like fields)."""
    def wrap(text: str) -> str:
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- &operation={operation}& -->\n<packet>{text}</packet>'
    return Packet(wrap(inner), wrap(shown if shown is not None else inner))


def text(value: str) -> str:
    return escape(value)


@dataclass(frozen=True)
class Result:
    ok: bool
    node: ET.Element
    errcode: int | None = None
    errtext: str = ""


def parse_packet(response, what: str) -> ET.Element:
    """The <packet> of an answer; TransportError for an HTTP failure, BadResponse for
    anything that is not a packet, AuthError/ProviderRefused for a <system> error."""
    status = response.status_code
    if 300 <= status < 400:
        raise BadResponse(f"{LABEL} answered {what} with a redirect (HTTP {status}) to "
                          f"{response.headers.get('Location', '?')}; redirects are not followed on API calls: "
                          "check the profile's URL", provider=PROVIDER)
    if status == 429:
        raise TransportError(f"{LABEL} turned {what} away: too many requests (HTTP 429)", provider=PROVIDER)
    if status >= 500:
        raise TransportError(f"{LABEL} failed while handling {what} (HTTP {status})", provider=PROVIDER)
    if status in (401, 403):
        raise AuthError(f"{LABEL} refused the login (HTTP {status}) for {what}", provider=PROVIDER)
    body = response.content
    kind = response.headers.get("Content-Type", "?")
    if "html" in kind.lower() or re.match(rb"\s*<!doctype\s+html", body, re.IGNORECASE):
        raise BadResponse(f"{LABEL} answered {what} with a web page, not XML ({kind}, HTTP {status}): "
                          "check the profile's URL", provider=PROVIDER)
    if _DECLARATION.search(body):
        raise BadResponse(f"{LABEL} answered {what} with XML holding a DOCTYPE or ENTITY declaration, "
                          "which is refused", provider=PROVIDER)
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise BadResponse(f"{LABEL} answered {what} with something that is not XML ({kind}, HTTP {status})",
                          provider=PROVIDER) from None
    if root.tag != "packet":
        raise BadResponse(f"{LABEL} answered {what} with XML that is not a <packet> (<{root.tag[:40]}>)",
                          provider=PROVIDER)
    system = root.find("system")
    if system is not None:
        code, message = _code(system), (_find_text(system, "errtext") or "(no message)")
        raise error_for(code, message, what)
    if status != 200:
        raise BadResponse(f"{LABEL} answered {what} with HTTP {status}", provider=PROVIDER)
    return root


def results(root: ET.Element, operator: str, operation: str, what: str) -> list[Result]:
    node = root.find(f"{operator}/{operation}")
    if node is None:
        raise BadResponse(f"{LABEL} answered {what} without a <{operator}><{operation}> node", provider=PROVIDER)
    found = []
    for result in node.findall("result"):
        status = _find_text(result, "status")
        if status == "ok":
            found.append(Result(True, result))
        elif status == "error":
            found.append(Result(False, result, _code(result), _find_text(result, "errtext") or "(no message)"))
        else:
            raise BadResponse(f"{LABEL} answered {what} with a result whose status is {status!r}",
                              provider=PROVIDER)
    return found


def error_for(code: int | None, message: str, what: str) -> MailctlError:
    shown = message.strip()[:300]
    if code in AUTH_CODES:
        return AuthError(f"{LABEL} refused {what} (errcode {code}): {shown}; check the login and secret, "
                         "and that the login may use the XML API", provider=PROVIDER)
    if code == NO_OBJECT:
        return NotFound(f"{LABEL}: {what}: no such object (errcode {code}): {shown}", provider=PROVIDER)
    return ProviderRefused(f"{LABEL} refused {what} (errcode {code}): {shown}", provider=PROVIDER)


def _code(node: ET.Element) -> int | None:
    raw = _find_text(node, "errcode")
    return int(raw) if raw is not None and raw.isdigit() else None


def _find_text(node: ET.Element | None, path: str) -> str | None:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else None


def child_text(node: ET.Element | None, path: str) -> str | None:
    return _find_text(node, path)


@dataclass(frozen=True)
class MailName:
    """One `<mailname>` of a get_info answer: a mailbox, or an address that only forwards."""

    local: str
    mailbox: bool  # it has a <mailbox> (so it keeps mail)
    quota_bytes: int | None  # None: unlimited or not read
    usage_bytes: int | None
    forwarding: tuple[str, ...] = ()  # every forwarding address, whether forwarding is on or not
    forwarding_enabled: bool = False
    aliases: tuple[str, ...] = ()  # other local parts of the site that deliver to it

    @property
    def forwards_to(self) -> tuple[str, ...]:
        """Where its mail is forwarded now: nowhere while forwarding is switched off."""
        return self.forwarding if self.forwarding_enabled else ()


def mail_name(node: ET.Element, domain: str) -> MailName:
    """A `<mailname>` node, checked: BadResponse for a name, quota or address that is not one."""
    local = (child_text(node, "name") or "").lower()
    if not local or "@" in local:
        raise BadResponse(f"{LABEL} answered mail get_info with a mail name without a valid name", provider=PROVIDER)
    address = f"{local}@{domain}"
    forwarding = []
    for item in node.findall("forwarding/address"):
        target = (item.text or "").strip().lower()
        if "@" not in target:
            raise BadResponse(f"{LABEL} sent a forwarding address of {address} that is not an address: "
                              f"{target[:60]!r}", provider=PROVIDER)
        if target not in forwarding:
            forwarding.append(target)
    aliases = []
    for item in node.findall("alias"):
        alias = (item.text or "").strip().lower()
        if not alias or "@" in alias:
            raise BadResponse(f"{LABEL} sent an alias of {address} that is not a local part: {alias[:60]!r}",
                              provider=PROVIDER)
        if alias not in aliases:
            aliases.append(alias)
    return MailName(
        local=local,
        mailbox=node.find("mailbox") is not None,
        quota_bytes=integer(child_text(node, "mailbox/quota"), f"the quota of {address}"),
        usage_bytes=integer(child_text(node, "mailbox-usage"), f"the usage of {address}"),
        forwarding=tuple(forwarding),
        # Without an <enabled> the addresses are taken to be in use.
        forwarding_enabled=_enabled(child_text(node, "forwarding/enabled"), bool(forwarding)),
        aliases=tuple(aliases),
    )


def _enabled(raw: str | None, default: bool) -> bool:
    return default if raw is None else raw.lower() == "true"


def integer(raw: str | None, what: str) -> int | None:
    """A byte count; None when missing or -1 (unlimited)."""
    if raw is None or raw in ("", "-1"):
        return None
    if not raw.isdigit():
        raise BadResponse(f"{LABEL} sent {what} {raw[:40]!r}, not a number", provider=PROVIDER)
    return int(raw)
