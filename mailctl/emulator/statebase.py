"""What every provider's state shares: domains with their mailboxes, and the helpers that
turn state into JSON-ready dicts and back (tolerant of older state files).

Mailboxes are stored the same way on every provider: `mailboxes[domain][local_part]`,
lower case. Domains map to the name of the account that owns them.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .wire import split_address

DEMO_USER = "demo"
DEMO_SECRET = "demo-secret"
DEMO_DOMAIN = "example.com"
MAILBOX_SECRET = "mailbox-secret"
MB = 1024 * 1024

M = TypeVar("M")


@dataclass
class MailDomains(Generic[M]):
    """Domains (name -> owning account) and their mailboxes; shared by all providers."""

    domains: dict[str, str] = field(default_factory=dict)
    mailboxes: dict[str, dict[str, M]] = field(default_factory=dict)

    def add_domain(self, domain: str, owner: str) -> None:
        domain = domain.lower()
        self.domains[domain] = owner
        self.mailboxes.setdefault(domain, {})

    def domains_of(self, owner: str) -> list[str]:
        return sorted(d for d, o in self.domains.items() if o == owner)

    def mailbox(self, address: str) -> M | None:
        local, domain = split_address(address)
        return self.mailboxes.get(domain, {}).get(local)

    def has_mailbox(self, address: str) -> bool:
        return self.mailbox(address) is not None

    def addresses(self, domain: str | None = None) -> list[str]:
        """Every mailbox address (of one domain when given), sorted."""
        return sorted(
            f"{local}@{dom}"
            for dom, boxes in self.mailboxes.items()
            if domain is None or dom == domain.lower()
            for local in boxes
        )

    def remove_mailbox(self, address: str) -> M | None:
        local, domain = split_address(address)
        return self.mailboxes.get(domain, {}).pop(local, None)

    def put_mailbox(self, address: str, mailbox: M) -> M:
        return self._put(address, mailbox)

    def _put(self, address: str, mailbox: M) -> M:
        local, domain = split_address(address)
        if domain not in self.domains:
            raise KeyError(f"unknown domain {domain!r}: add_domain() it first")
        self.mailboxes.setdefault(domain, {})[local] = mailbox
        return mailbox

    def _mail_dict(self) -> dict[str, Any]:
        return {
            "domains": dict(self.domains),
            "mailboxes": {d: {l: dump(m) for l, m in b.items()}
                          for d, b in self.mailboxes.items()},
        }

    def _load_mail(self, data: dict[str, Any], mailbox_cls: type) -> None:
        self.domains = dict(data.get("domains", {}))
        self.mailboxes = {d: build_map(mailbox_cls, b) for d, b in data.get("mailboxes", {}).items()}
        for domain in self.domains:
            self.mailboxes.setdefault(domain, {})


def build(cls: type, data: dict[str, Any]) -> Any:
    """A dataclass from a dict, ignoring unknown keys so older state files still load."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def build_map(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    return {key: build(cls, value) for key, value in data.items()}


def dump_map(data: dict[str, Any]) -> dict[str, Any]:
    return {key: dump(value) for key, value in data.items()}


def dump(obj: Any) -> dict[str, Any]:
    """A flat dataclass as a dict, its lists and dicts copied one level deep.

    dataclasses.asdict deep-copies recursively and took seconds for 100,000 mailboxes;
    the state here is flat, and a one-level copy is enough for a snapshot that is
    serialised after the world lock is released."""
    row = dict(obj.__dict__)
    for key, value in row.items():
        if isinstance(value, (list, dict)):
            row[key] = copy.copy(value)
    return row


def dump_forwarders(table: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    return {d: {l: list(v) for l, v in t.items()} for d, t in table.items()}


def load_forwarders(data: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Older state files have no forwarders: they load as none."""
    return dump_forwarders(data.get("forwarders", {}))
