"""The estate file, read and checked as a whole before anything is read from a server.

    [shop."example.com"]           # profile shop, domain example.com
    prune = false                  # delete what is not declared here (default: never)
    mailboxes.info = {}            # exists; quota and suspension left as they are
    mailboxes.sales = { quota = "2G", suspended = false }
    aliases.contact = ["info@example.com", "sales@example.com"]

`mailboxes` may also be a list of local parts. An omitted setting means "leave it as
it is"; `quota = "unlimited"` (or 0) means no limit. The same structure as JSON is
accepted (a file whose first character is `{`). Every mistake is reported, each with
the key path where it is, in one UsageError (exit 2)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

from mailctl import validation
from mailctl.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DOMAIN_KEYS = ("prune", "mailboxes", "aliases")
MAILBOX_KEYS = ("quota", "suspended")
SUSPENSION_KINDS = ("login", "incoming")


@dataclass(frozen=True)
class DeclaredMailbox:
    local: str
    quota_mb: int | None = None  # None: leave as is; 0: unlimited
    # None: leave as is; True/False: suspended (all the provider can) or not; a tuple of
    # kinds ("login", "incoming"): exactly those suspended.
    suspended: bool | tuple[str, ...] | None = None


@dataclass(frozen=True)
class DeclaredDomain:
    profile: str
    domain: str
    mailboxes: dict[str, DeclaredMailbox] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # local part -> destinations
    prune: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.profile, self.domain


@dataclass(frozen=True)
class Estate:
    domains: list[DeclaredDomain]
    source: str

    def profiles(self) -> list[str]:
        return list(dict.fromkeys(d.profile for d in self.domains))

    def with_profiles_mapped(self, mapping: dict[str, str]) -> "Estate":
        """The same estate with profiles renamed (apply --map-profile old=new)."""
        from dataclasses import replace

        return Estate([replace(d, profile=mapping.get(d.profile, d.profile)) for d in self.domains], self.source)

    def to_data(self) -> dict:
        """The estate as plain data (the shape parse_data reads back), for saved plans."""
        data: dict = {}
        for declared in self.domains:
            table: dict[str, Any] = {"prune": declared.prune, "mailboxes": {}, "aliases": {}}
            for local, box in declared.mailboxes.items():
                entry: dict[str, Any] = {}
                if box.quota_mb is not None:
                    entry["quota"] = box.quota_mb
                if box.suspended is not None:
                    entry["suspended"] = box.suspended if isinstance(box.suspended, bool) else list(box.suspended)
                table["mailboxes"][local] = entry
            table["aliases"] = {local: list(dests) for local, dests in declared.aliases.items()}
            data.setdefault(declared.profile, {})[declared.domain] = table
        return data


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, path: list[str], text: str) -> None:
        self.items.append(f"{'.'.join(_key(p) for p in path)}: {text}")

    def raise_if_any(self) -> None:
        if self.items:
            noun = "mistake" if len(self.items) == 1 else "mistakes"
            raise UsageError(f"{self.source}: {len(self.items)} {noun}; nothing was read from a server",
                             details=self.items)


def _key(part: str) -> str:
    return part if part.replace("_", "").replace("-", "").isalnum() and part.isascii() else json.dumps(part)


def parse(text: str, source: str) -> Estate:
    """The estate in `text` (TOML, or JSON when it starts with '{')."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except ValueError as exc:
            raise UsageError(f"{source}: not valid JSON ({exc})") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{source}: invalid TOML: {exc}") from None
    return parse_data(data, source)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice")
        seen[key] = value
    return seen


def parse_data(data: Any, source: str) -> Estate:
    problems = _Problems(source)
    domains: list[DeclaredDomain] = []
    if not isinstance(data, dict) or not data:
        raise UsageError(f"{source}: expected tables of profiles and their domains, like [PROFILE.\"example.com\"]")
    for profile, tables in data.items():
        try:
            validation.profile_name(profile)
        except UsageError as exc:
            problems.add([profile], exc.message)
            continue
        if not isinstance(tables, dict) or not tables:
            problems.add([profile], 'expected the profile\'s domains, like [PROFILE."example.com"]')
            continue
        for domain, table in tables.items():
            declared = _domain(profile, domain, table, problems)
            if declared is not None:
                domains.append(declared)
    problems.raise_if_any()
    return Estate(domains, source)


def _domain(profile: str, domain: str, table: Any, problems: _Problems) -> DeclaredDomain | None:
    path = [profile, domain]
    try:
        name = validation.domain(domain)
    except UsageError as exc:
        problems.add(path, exc.message)
        return None
    if name != domain:
        problems.add(path, f"write the domain as {name!r} (lower case, IDN as punycode)")
        return None
    if not isinstance(table, dict):
        problems.add(path, "expected a table with mailboxes, aliases and prune")
        return None
    for key in table:
        if key not in DOMAIN_KEYS:
            problems.add(path + [key], f"unknown key (a domain has {', '.join(DOMAIN_KEYS)})")
    prune = table.get("prune", False)
    if not isinstance(prune, bool):
        problems.add(path + ["prune"], "must be true or false")
        prune = False
    return DeclaredDomain(profile, domain, _mailboxes(path, domain, table.get("mailboxes", {}), problems),
                          _aliases(path, domain, table.get("aliases", {}), problems), prune)


def _local(path: list[str], domain: str, name: Any, problems: _Problems) -> str | None:
    if not isinstance(name, str):
        problems.add(path, f"{name!r} is not a mailbox name")
        return None
    local, at, rest = name.rpartition("@")
    if at and rest != domain:
        problems.add(path, f"{name} is not in {domain}")
        return None
    try:
        return validation.address(f"{local if at else name}@{domain}").local
    except UsageError as exc:
        problems.add(path, exc.message)
        return None


def _mailboxes(path: list[str], domain: str, value: Any, problems: _Problems) -> dict[str, DeclaredMailbox]:
    path = path + ["mailboxes"]
    if isinstance(value, list):
        value = {name: {} for name in value} if all(isinstance(n, str) for n in value) else None
    if not isinstance(value, dict):
        problems.add(path, "expected a table of mailboxes (info = {}, sales = { quota = 500 }) or a list of names")
        return {}
    found: dict[str, DeclaredMailbox] = {}
    for name, settings in value.items():
        local = _local(path + [str(name)], domain, name, problems)
        if local is None:
            continue
        if local in found:
            problems.add(path + [str(name)], f"{local}@{domain} is declared twice")
            continue
        box = _mailbox(path + [str(name)], local, settings, problems)
        if box is not None:
            found[local] = box
    return found


def _mailbox(path: list[str], local: str, settings: Any, problems: _Problems) -> DeclaredMailbox | None:
    if settings is True:
        settings = {}
    if not isinstance(settings, dict):
        problems.add(path, "expected a table of settings, like { quota = 500 } (or {} for none)")
        return None
    bad = False
    for key in settings:
        if key == "password":
            problems.add(path + [key], "passwords never go in the estate file: apply takes them from "
                                       "--generate, --password-file or a prompt")
            bad = True
        elif key not in MAILBOX_KEYS:
            problems.add(path + [key], f"unknown key (a mailbox has {', '.join(MAILBOX_KEYS)})")
            bad = True
    quota = None
    if "quota" in settings:
        value = settings["quota"]
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            problems.add(path + ["quota"], f"{value!r} is not a quota (MB, '500M', '2G' or 'unlimited')")
            bad = True
        else:
            try:
                quota = validation.quota_mb(value)
            except UsageError as exc:
                problems.add(path + ["quota"], exc.message)
                bad = True
    suspended = settings.get("suspended")
    if isinstance(suspended, list):
        unknown = [kind for kind in suspended if kind not in SUSPENSION_KINDS]
        if unknown:
            problems.add(path + ["suspended"], f"{unknown[0]!r} is not one of {', '.join(SUSPENSION_KINDS)}")
            bad = True
        suspended = tuple(kind for kind in SUSPENSION_KINDS if kind in suspended)
    elif suspended is not None and not isinstance(suspended, bool):
        problems.add(path + ["suspended"], 'must be true, false, or a list of "login", "incoming"')
        bad = True
    return None if bad else DeclaredMailbox(local, quota, suspended)


def _aliases(path: list[str], domain: str, value: Any, problems: _Problems) -> dict[str, tuple[str, ...]]:
    path = path + ["aliases"]
    if not isinstance(value, dict):
        problems.add(path, 'expected a table of aliases, like contact = ["info@example.com"]')
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for name, destinations in value.items():
        here = path + [str(name)]
        local = _local(here, domain, name, problems)
        if local is None:
            continue
        if isinstance(destinations, str):
            destinations = [destinations]
        if not isinstance(destinations, list) or not destinations:
            problems.add(here, "expected a list of destination addresses")
            continue
        checked = []
        for destination in destinations:
            if not isinstance(destination, str):
                problems.add(here, f"{destination!r} is not an address")
                continue
            if destination.startswith(":") and destination.endswith(":"):
                checked.append(destination)
                continue
            try:
                checked.append(str(validation.address(destination)))
            except UsageError as exc:
                problems.add(here, exc.message)
        if local in found:
            problems.add(here, f"{local}@{domain} is declared twice")
        found[local] = tuple(dict.fromkeys(checked))
    return found
