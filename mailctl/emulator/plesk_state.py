"""Plesk's state: logins (customers and the admin), secret keys, sites with their ids,
and mail names (a mailbox, or an address that only forwards)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .statebase import DEMO_DOMAIN, DEMO_SECRET, DEMO_USER, MAILBOX_SECRET, MB, MailDomains, build_map, dump_map


@dataclass
class PleskMailname:
    password: str | None
    id: int = 0
    mailbox: bool = True  # False: the address only forwards (created without <mailbox>)
    enabled: bool = True
    quota_bytes: int | None = None  # None: unlimited
    usage_bytes: int = 0
    forwarding: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # other local parts of the same site
    # Plesk keeps the forwarding addresses when forwarding is switched off; mail is then
    # not forwarded. Forwarding is on when this is true and there are addresses.
    forwarding_enabled: bool = True

    @property
    def forwards(self) -> bool:
        return self.forwarding_enabled and bool(self.forwarding)


@dataclass
class PleskUser:
    password: str
    role: str = "customer"  # "customer" or "admin"
    xml_api: bool = True  # the customer's remote_access_interface permission
    disabled: bool = False
    # The reseller (or None: the admin) that owns a customer: who may change its password.
    owner: str | None = None


@dataclass
class PleskState(MailDomains[PleskMailname]):
    users: dict[str, PleskUser] = field(default_factory=dict)
    # secret key -> login it acts as
    secret_keys: dict[str, str] = field(default_factory=dict)
    # domain -> site id
    site_ids: dict[str, int] = field(default_factory=dict)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add_user(self, login: str, password: str, role: str = "customer", owner: str | None = None) -> PleskUser:
        """role: "customer", "reseller" or "admin"."""
        self.users[login] = PleskUser(password, role, owner=owner)
        return self.users[login]

    def add_secret_key(self, key: str, login: str) -> None:
        self.secret_keys[key] = login

    def add_domain(self, domain: str, owner: str) -> None:
        super().add_domain(domain, owner)
        self.site_ids.setdefault(domain.lower(), self.new_id())

    def site_of(self, site_id: int) -> str | None:
        return next((d for d, i in self.site_ids.items() if i == site_id), None)

    def mailbox(self, address: str) -> PleskMailname | None:
        """The mail name of `address`, with a mailbox or one that only forwards."""
        return super().mailbox(address)

    def has_mailbox(self, address: str) -> bool:
        box = self.mailbox(address)
        return box is not None and box.mailbox

    def addresses(self, domain: str | None = None) -> list[str]:
        """Every address with a mailbox (not those that only forward), sorted."""
        return [a for a in super().addresses(domain) if self.has_mailbox(a)]

    def owner_of_alias(self, domain: str, name: str) -> str | None:
        """The mail name of `domain` that has `name` as one of its aliases, or None."""
        return next((local for local, box in self.mailboxes.get(domain, {}).items() if name in box.aliases), None)

    def add_mailbox(self, address: str, password: str | None = MAILBOX_SECRET, **fields: Any) -> PleskMailname:
        fields.setdefault("id", self.new_id())
        return self._put(address, PleskMailname(password, **fields))

    def to_dict(self) -> dict[str, Any]:
        return {**self._mail_dict(), "users": dump_map(self.users), "secret_keys": dict(self.secret_keys),
                "site_ids": dict(self.site_ids), "next_id": self.next_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PleskState:
        state = cls(users=build_map(PleskUser, data.get("users", {})),
                    secret_keys=dict(data.get("secret_keys", {})),
                    site_ids={d: int(i) for d, i in data.get("site_ids", {}).items()},
                    next_id=int(data.get("next_id", 1)))
        state._load_mail(data, PleskMailname)
        for domain in state.domains:
            if domain not in state.site_ids:
                state.site_ids[domain] = state.new_id()
        taken = max([*state.site_ids.values(), *(m.id for b in state.mailboxes.values() for m in b.values())],
                    default=0)
        state.next_id = max(state.next_id, taken + 1)
        return state


def default_state() -> PleskState:
    """Customer `demo` and admin `admin` (both `demo-secret`); example.com (site of demo)
    with info@ (unlimited, 12.5 MB used) and sales@ (500 MB, 230.25 MB used)."""
    plesk = PleskState()
    plesk.add_user(DEMO_USER, DEMO_SECRET)
    plesk.add_user("admin", DEMO_SECRET, role="admin")
    plesk.add_domain(DEMO_DOMAIN, DEMO_USER)
    plesk.add_mailbox("info@example.com", usage_bytes=int(12.5 * MB))
    plesk.add_mailbox("sales@example.com", quota_bytes=500 * MB, usage_bytes=int(230.25 * MB))
    return plesk
