"""mailcow's state: API keys (read-write or read-only), domains with their quota limits,
and mailboxes. Quotas are kept in bytes, as mailcow's database keeps them (the API takes
MiB on writes and answers bytes on reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .statebase import DEMO_DOMAIN, DEMO_SECRET, MAILBOX_SECRET, MB, MailDomains, build_map, dump_map

ADMIN = "admin"  # a valid key logs in with role admin for the whole server
READONLY_SECRET = "demo-readonly"
VERSION = "2026-07a"


@dataclass
class McMailbox:
    password: str | None
    name: str = ""
    quota_bytes: int = 0  # 0 = unlimited
    usage_bytes: int = 0
    messages: int = 0
    active: int = 1  # 1 on, 0 off (no delivery either), 2 login disallowed, mail accepted
    force_pw_update: bool = False
    tags: list[str] = field(default_factory=list)
    created: str = "2024-01-15 09:30:00"


@dataclass
class McAlias:
    address: str
    goto: list[str] = field(default_factory=list)
    active: int = 1
    created: str = "2024-01-15 09:30:00"


@dataclass
class McDomain:
    description: str = ""
    active: int = 1
    max_quota_for_mbox_bytes: int = 10240 * MB
    max_quota_for_domain_bytes: int = 102400 * MB
    def_quota_for_mbox_bytes: int = 3072 * MB
    max_mailboxes: int = 100


@dataclass
class McKey:
    access: str = "rw"  # "rw": every endpoint; "ro": get endpoints only
    active: bool = True


@dataclass
class MailcowState(MailDomains[McMailbox]):
    keys: dict[str, McKey] = field(default_factory=dict)
    domain_settings: dict[str, McDomain] = field(default_factory=dict)
    # alias id (a string of digits, as JSON keys are) -> alias; the mailbox's own
    # `a@d -> a@d` rows are not kept (the API never shows them)
    aliases: dict[str, McAlias] = field(default_factory=dict)
    # The trap of mailcow issue #5292: add/mailbox creates the mailbox and still answers
    # a `danger` entry. A switch of the running server, never saved to a state file.
    error_but_created: bool = field(default=False, compare=False)

    def add_key(self, key: str, access: str = "rw", active: bool = True) -> McKey:
        if access not in ("rw", "ro"):
            raise ValueError("access is 'rw' or 'ro'")
        self.keys[key] = McKey(access, active)
        return self.keys[key]

    def add_domain(self, domain: str, owner: str = ADMIN, **limits: Any) -> None:
        super().add_domain(domain, owner)
        self.domain_settings[domain.lower()] = McDomain(**limits)

    def add_mailbox(self, address: str, password: str | None = MAILBOX_SECRET, **fields: Any) -> McMailbox:
        return self._put(address, McMailbox(password, **fields))

    def remove_mailbox(self, address: str) -> McMailbox | None:
        """As mailcow's delete/mailbox does it: the aliases that delivered only to the
        mailbox go with it (`DELETE FROM alias WHERE goto = :username`), and the others
        lose it from their destinations."""
        removed = super().remove_mailbox(address)
        if removed is not None:
            username = address.strip().lower()
            for alias_id, alias in list(self.aliases.items()):
                if alias.goto == [username]:
                    del self.aliases[alias_id]
                elif username in alias.goto:
                    alias.goto = [g for g in alias.goto if g != username]
        return removed

    def add_alias(self, address: str, goto: list[str], active: int = 1) -> int:
        """A new alias row; returns its id."""
        alias_id = max((int(i) for i in self.aliases), default=0) + 1
        self.aliases[str(alias_id)] = McAlias(address.lower(), [g.lower() for g in goto], active)
        return alias_id

    def alias_by_address(self, address: str) -> tuple[int, McAlias] | None:
        address = address.strip().lower()
        return next(((int(i), a) for i, a in self.aliases.items() if a.address == address), None)

    def settings_of(self, domain: str) -> McDomain:
        return self.domain_settings.setdefault(domain, McDomain())

    def to_dict(self) -> dict[str, Any]:
        return {**self._mail_dict(), "keys": dump_map(self.keys), "domain_settings": dump_map(self.domain_settings),
                "aliases": dump_map(self.aliases)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MailcowState:
        state = cls(keys=build_map(McKey, data.get("keys", {})),
                    domain_settings=build_map(McDomain, data.get("domain_settings", {})),
                    aliases=build_map(McAlias, data.get("aliases", {})))
        state._load_mail(data, McMailbox)
        return state


def default_state() -> MailcowState:
    """API keys `demo-secret` (read-write) and `demo-readonly` (read-only); example.com
    with info@ (unlimited, 12.5 MB used) and sales@ (500 MB, 230.25 MB used)."""
    mc = MailcowState()
    mc.add_key(DEMO_SECRET, "rw")
    mc.add_key(READONLY_SECRET, "ro")
    mc.add_domain(DEMO_DOMAIN, description="Example")
    mc.add_mailbox("info@example.com", name="Info Desk", quota_bytes=0, usage_bytes=int(12.5 * MB), messages=12)
    mc.add_mailbox("sales@example.com", name="Sales Team", quota_bytes=500 * MB, usage_bytes=int(230.25 * MB),
                   messages=431, created="2024-03-02 14:05:00")
    return mc
