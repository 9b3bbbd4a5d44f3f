"""Checks on what the user typed, run before anything is sent. Each failure is a
UsageError (exit 2) with one line that names the bad value and the rule it broke."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mailctl.errors import UsageError

if TYPE_CHECKING:
    import os

# Used with fullmatch(): `$` alone also matches before a trailing newline, which let
# "a\n@example.com" through to the servers.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Panels accept a conservative subset of RFC 5322 local parts; anything wider is refused
# by at least one of them, so it is refused here before a request is made.
_LOCAL = re.compile(r"^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9_+-])?$")
_PROFILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ACCOUNT_USER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


@dataclass(frozen=True)
class Address:
    local: str
    domain: str

    def __str__(self) -> str:
        return f"{self.local}@{self.domain}"


# Characters that show as nothing (or nearly): a soft hyphen, zero-width spaces and
# joiners, word joiners, bidi marks, a BOM. UTS 46 would quietly drop or keep some of
# them, so "info@exa\u00admple.com" would act on a domain other than the one the user
# sees; they are refused instead.
_INVISIBLE = frozenset("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0")


def _invisible(text: str) -> str | None:
    return next((ch for ch in text if ch in _INVISIBLE or unicodedata.category(ch) == "Cf"
                 or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0000 <= ord(ch) <= 0xE0FFF), None)


def to_ascii(text: str) -> str:
    """An internationalised name as IDNA 2008 with UTS 46 mapping (what browsers and
    registries use): "faß.de" is "xn--fa-hia.de", not IDNA 2003's "fass.de". UnicodeError
    for a name it cannot encode. Plain ASCII is left as it is."""
    if text.isascii():
        return text
    import idna

    return idna.encode(text, uts46=True, transitional=False).decode("ascii")


def domain(value: str) -> str:
    """A domain name, lower-cased, IDN converted to punycode (IDNA 2008, UTS 46)."""
    text = value.strip().rstrip(".").lower()
    if not text:
        raise UsageError("domain is empty")
    hidden = _invisible(text)
    if hidden is not None:
        raise UsageError(f"invalid domain {value!r}: it contains the invisible character U+{ord(hidden):04X} "
                         f"({unicodedata.name(hidden, 'unnamed')}); type the name again without it")
    try:
        ascii_name = to_ascii(text).rstrip(".")
    except UnicodeError:
        raise UsageError(f"invalid domain {value!r}: not a valid (internationalised) domain name") from None
    labels = ascii_name.split(".")
    if len(labels) < 2 or len(ascii_name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise UsageError(
            f"invalid domain {value!r}: expected labels of letters, digits and hyphens separated by dots, "
            "like example.com"
        )
    if labels[-1].isdigit():
        raise UsageError(f"invalid domain {value!r}: the top-level label cannot be numeric")
    bad_label = next((label for label in labels if label.startswith("xn--") and not _is_a_label(label)), None)
    if bad_label is not None:
        raise UsageError(f"invalid domain {value!r}: {bad_label!r} is not a valid internationalised (xn--) label")
    return ascii_name


def _is_a_label(label: str) -> bool:
    """Whether an xn-- label is the punycode of a real internationalised label (IDNA
    2008): it must decode, and encode back to itself (the servers would refuse or misread
    anything else)."""
    import idna

    try:
        decoded = idna.decode(label)
        return bool(decoded) and _invisible(decoded) is None and idna.encode(decoded).decode("ascii") == label
    except (UnicodeError, ValueError):
        return False


def address(value: str) -> Address:
    """A mailbox address; the local part is lower-cased (the panels store it so)."""
    local, sep, dom = value.strip().rpartition("@")
    if not sep or not local:
        raise UsageError(f"invalid address {value!r}: expected local-part@domain")
    local = local.lower()
    if not _LOCAL.fullmatch(local) or ".." in local:
        raise UsageError(
            f"invalid address {value!r}: the local part may hold letters, digits and . _ + - "
            "(not at the start, no '..', at most 64 characters)"
        )
    return Address(local, domain(dom))


# One letter, as df and quota tools write them: 500M, 2G, 1T (binary: 1G = 1024 MB).
_QUOTA_UNITS = {"": 1, "m": 1, "g": 1024, "t": 1024 * 1024}
_QUOTA = re.compile(r"([0-9]+)([mgt]?)")


def quota_mb(value: str | int | None) -> int | None:
    """A quota in MB: a non-negative whole number, optionally with a unit (`500M`, `2G`,
    `1T`; 1G = 1024 MB); 0 or 'unlimited' mean no limit. The one parser of every
    command's --quota and every bulk file's quota column."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text == "unlimited":
        return 0
    # isascii() first: isdigit() alone admits '²' and other digits int() refuses.
    match = _QUOTA.fullmatch(text) if text.isascii() else None
    if match is None:
        raise UsageError(f"invalid quota {value!r}: expected a whole number of MB, or with a unit "
                         "(500M, 2G; 0 or 'unlimited' for no limit)")
    number = int(match.group(1)) * _QUOTA_UNITS[match.group(2)]
    if number > 2**31 - 1:
        raise UsageError(f"invalid quota {value!r}: too large")
    return number


def positive_int(name: str, value: int | None) -> int | None:
    if value is not None and value < 0:
        raise UsageError(f"invalid {name} {value}: must be 0 or more")
    return value


def profile_name(value: str) -> str:
    if not _PROFILE.fullmatch(value):
        raise UsageError(
            f"invalid profile name {value!r}: use letters, digits, '.', '_' and '-' "
            "(starting with a letter or digit, at most 64 characters)"
        )
    return value


def account_user(value: str) -> str:
    if not _ACCOUNT_USER.fullmatch(value):
        raise UsageError(f"invalid user name {value!r}: use letters, digits, '.', '_' and '-'")
    return value


def login_user(value: str) -> str:
    """The user a profile logs in as. Panels differ in what they allow (mailbox.org takes
    an address, DirectAdmin `admin|user`), so only what breaks every login is refused:
    nothing, white space, control characters, and ':' (it ends the user in Basic auth)."""
    if not value or ":" in value or any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value):
        raise UsageError(f"invalid user {value!r}: a login name, without spaces, control characters or ':'")
    return value


def provider(value: str) -> str:
    from mailctl.providers import NAMES

    name = value.strip().lower()
    if name not in NAMES:
        raise UsageError(f"unknown provider {value!r}: choose one of {', '.join(NAMES)}")
    return name


def _is_host(host: str) -> bool:
    """An IP address or a host name (internationalised names included)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_name = to_ascii(host.rstrip("."))
    except UnicodeError:
        return False
    # "_" is not legal in host names but turns up in internal ones; the server decides.
    return len(ascii_name) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in ascii_name.split("."))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(url_text: str) -> str:
    """A URL as an error message may repeat it: a password typed into it stays hidden."""
    return repr(re.sub(r"//[^/@]*@", "//***@", url_text))


def url(value: str, *, allow_http: bool = False) -> str:
    """A panel's base URL: https (http only for loopback or with --allow-http), a host,
    an optional port and path, and nothing that could carry a secret."""
    text = value.strip()
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text):
        raise UsageError(f"invalid URL {_shown(value)}: it contains spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"invalid URL {_shown(value)}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UsageError(f"invalid URL {_shown(value)}: expected https://HOST[:PORT]")
    host = parts.hostname
    if not host:
        raise UsageError(f"invalid URL {_shown(value)}: no host")
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"invalid URL: credentials do not belong in a URL; use 'mailctl session login'")
    if parts.query or parts.fragment:
        raise UsageError(f"invalid URL {_shown(value)}: remove the query string or fragment")
    if port == 0:
        raise UsageError(f"invalid URL {_shown(value)}: port must be between 1 and 65535")
    if not _is_host(host):
        raise UsageError(f"invalid URL {_shown(value)}: {host!r} is not a host name or IP address")
    if scheme == "http" and not (allow_http or _is_loopback(host)):
        raise UsageError(
            f"refusing plain http:// for {host}: passwords would cross the network unencrypted; "
            "use https:// or pass --allow-http"
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def read_text_file(path: "str | os.PathLike", label: str, *, encoding_hint: str = "") -> str:
    """The text of a file the user named (an estate, a CSV), or a UsageError starting
    with `label` that says why it cannot be read."""
    from pathlib import Path

    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{label}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not UTF-8 text{encoding_hint}") from None
    except IsADirectoryError:
        raise UsageError(f"{label}: is a directory, not a file") from None
    except OSError as exc:
        raise UsageError(f"{label}: {exc.strerror}") from None
