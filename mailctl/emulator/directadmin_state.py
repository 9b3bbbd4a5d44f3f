"""DirectAdmin's state: users (with login keys), domains, mailboxes, forwarders, and
the vacation and autoresponder lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .statebase import (
    DEMO_DOMAIN,
    DEMO_SECRET,
    DEMO_USER,
    MAILBOX_SECRET,
    MailDomains,
    build_map,
    dump_map,
    dump_forwarders,
    load_forwarders,
)


@dataclass
class DAMailbox:
    password: str
    quota_mb: int = 0  # 0 = unlimited
    usage_mb: float = 0.0
    sent: int = 0
    limit: int = 200  # outgoing messages per day, 0 = unlimited
    suspended: bool = False


@dataclass
class DAUser:
    password: str
    role: str = "user"  # user | reseller | admin
    creator: str = "admin"  # who may log in as this user besides admins
    ftp_password: str | None = None
    db_password: str | None = None
    # login key -> commands it may run (None = every command)
    login_keys: dict[str, list[str] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A new account starts with one password for every service, as on a real server.
        self.ftp_password = self.password if self.ftp_password is None else self.ftp_password
        self.db_password = self.password if self.db_password is None else self.db_password


@dataclass
class DAVacation:
    start: str = ""  # YYYY-MM-DD
    end: str = ""
    subject: str = ""
    text: str = ""


@dataclass
class DAAutoresponder:
    text: str = ""
    cc: str = ""  # an address that gets a copy, or ""


@dataclass
class DirectAdminState(MailDomains[DAMailbox]):
    users: dict[str, DAUser] = field(default_factory=dict)
    # [domain][local part] -> destinations, in the order they were given
    forwarders: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    vacations: dict[str, dict[str, DAVacation]] = field(default_factory=dict)
    autoresponders: dict[str, dict[str, DAAutoresponder]] = field(default_factory=dict)
    # encoded full_list entries by everything they show (never saved): a 100,000-mailbox
    # list joins these instead of encoding each mailbox again
    full_list_cache: dict[tuple, str] = field(default_factory=dict, repr=False, compare=False)

    def set_forwarder(self, domain: str, local: str, destinations: list[str]) -> None:
        """Create or replace the forwarder local@domain (KeyError for an unknown domain)."""
        domain, local = domain.lower(), local.lower()
        if domain not in self.domains:
            raise KeyError(f"unknown domain {domain!r}: add_domain() it first")
        self.forwarders.setdefault(domain, {})[local] = [d.lower() for d in destinations]

    def drop_destination(self, domain: str, address: str) -> None:
        """Remove `address` from the domain's forwarders; a forwarder left empty goes."""
        table = self.forwarders.get(domain, {})
        for name in list(table):
            if address in table[name]:
                table[name] = [d for d in table[name] if d != address]
                if not table[name]:
                    del table[name]

    def rename_mailbox(self, domain: str, old: str, new: str) -> None:
        self.mailboxes[domain][new] = self.mailboxes[domain].pop(old)

    def add_user(self, name: str, password: str, role: str = "user",
                 creator: str = "admin") -> DAUser:
        self.users[name] = DAUser(password, role=role, creator=creator)
        return self.users[name]

    def add_login_key(self, user: str, key: str, commands: list[str] | None = None) -> None:
        """Register a login key, accepted instead of the password (limited to `commands`)."""
        self.users[user].login_keys[key] = list(commands) if commands is not None else None

    def add_mailbox(self, address: str, password: str = MAILBOX_SECRET, **fields: Any) -> DAMailbox:
        return self._put(address, DAMailbox(password, **fields))

    def to_dict(self) -> dict[str, Any]:
        return {**self._mail_dict(), "users": dump_map(self.users),
                "forwarders": dump_forwarders(self.forwarders),
                "vacations": {d: dump_map(t) for d, t in self.vacations.items()},
                "autoresponders": {d: dump_map(t) for d, t in self.autoresponders.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DirectAdminState:
        # Older state files lack the forwarder/vacation keys: they load as empty.
        state = cls(users=build_map(DAUser, data.get("users", {})),
                    forwarders=load_forwarders(data),
                    vacations={d: build_map(DAVacation, t)
                               for d, t in data.get("vacations", {}).items()},
                    autoresponders={d: build_map(DAAutoresponder, t)
                                    for d, t in data.get("autoresponders", {}).items()})
        state._load_mail(data, DAMailbox)
        return state


def default_state() -> DirectAdminState:
    """Admin `admin` and user `demo` (both `demo-secret`); demo owns example.com with
    info@ (unlimited, 12.5 MB used) and sales@ (500 MB, 230.25 MB used)."""
    da = DirectAdminState()
    da.add_user("admin", DEMO_SECRET, role="admin", creator="")
    da.add_user(DEMO_USER, DEMO_SECRET, creator="admin")
    da.add_domain(DEMO_DOMAIN, DEMO_USER)
    da.add_mailbox("info@example.com", quota_mb=0, usage_mb=12.5, sent=3)
    da.add_mailbox("sales@example.com", quota_mb=500, usage_mb=230.25, sent=41)
    return da
