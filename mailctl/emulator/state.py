"""The emulated world: accounts, domains and mailboxes of every provider.

One `World` holds four provider states. Every request handler runs under `World.lock`
(a re-entrant lock), so tests that change state while requests are in flight should take
it too (`with emu.state.lock: ...`); plain reads need no lock.

Mailboxes are stored the same way on every provider: `mailboxes[domain][local_part]`,
lower case. Domains map to the name of the account that owns them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import tempfile
import threading
import time
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
class _MailDomains(Generic[M]):
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
            "mailboxes": {d: {l: dataclasses.asdict(m) for l, m in b.items()}
                          for d, b in self.mailboxes.items()},
        }

    def _load_mail(self, data: dict[str, Any], mailbox_cls: type) -> None:
        self.domains = dict(data.get("domains", {}))
        self.mailboxes = {d: _build_map(mailbox_cls, b) for d, b in data.get("mailboxes", {}).items()}
        for domain in self.domains:
            self.mailboxes.setdefault(domain, {})


def _build(cls: type, data: dict[str, Any]) -> Any:
    """A dataclass from a dict, ignoring unknown keys so older state files still load."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _build_map(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    return {key: _build(cls, value) for key, value in data.items()}


def _dump_map(data: dict[str, Any]) -> dict[str, Any]:
    return {key: dataclasses.asdict(value) for key, value in data.items()}


def _dump_forwarders(table: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    return {d: {l: list(v) for l, v in t.items()} for d, t in table.items()}


def _load_forwarders(data: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Older state files have no forwarders: they load as none."""
    return _dump_forwarders(data.get("forwarders", {}))


# --------------------------------------------------------------------------- DirectAdmin


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
class DirectAdminState(_MailDomains[DAMailbox]):
    users: dict[str, DAUser] = field(default_factory=dict)
    # [domain][local part] -> destinations, in the order they were given
    forwarders: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    vacations: dict[str, dict[str, DAVacation]] = field(default_factory=dict)
    autoresponders: dict[str, dict[str, DAAutoresponder]] = field(default_factory=dict)

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
        return {**self._mail_dict(), "users": _dump_map(self.users),
                "forwarders": _dump_forwarders(self.forwarders),
                "vacations": {d: _dump_map(t) for d, t in self.vacations.items()},
                "autoresponders": {d: _dump_map(t) for d, t in self.autoresponders.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DirectAdminState:
        # Older state files lack the forwarder/vacation keys: they load as empty.
        state = cls(users=_build_map(DAUser, data.get("users", {})),
                    forwarders=_load_forwarders(data),
                    vacations={d: _build_map(DAVacation, t)
                               for d, t in data.get("vacations", {}).items()},
                    autoresponders={d: _build_map(DAAutoresponder, t)
                                    for d, t in data.get("autoresponders", {}).items()})
        state._load_mail(data, DAMailbox)
        return state


# --------------------------------------------------------------------------- cPanel / WHM


@dataclass
class CpanelMailbox:
    password: str | None
    quota_mb: int = 0  # 0 = unlimited
    usage_bytes: int = 0
    password_hash: str | None = None
    suspended_incoming: bool = False
    suspended_login: bool = False
    suspended_outgoing: bool = False
    hold_outgoing: bool = False  # outgoing mail queued, not sent
    mtime: int = 1700000000


@dataclass
class CpanelAccount:
    password: str
    tokens: list[str] = field(default_factory=list)
    owner: str = "root"  # the WHM user (root or a reseller) that owns the account
    main_domain: str = ""
    suspended: bool = False
    db_password: str | None = None

    def __post_init__(self) -> None:
        self.db_password = self.password if self.db_password is None else self.db_password


@dataclass
class DeletedMailbox:
    """A `delete_pop` that happened: `data_kept` is True only with `flags=passwd`."""

    address: str
    data_kept: bool
    usage_bytes: int = 0


@dataclass
class CpanelState(_MailDomains[CpanelMailbox]):
    accounts: dict[str, CpanelAccount] = field(default_factory=dict)
    deleted: list[DeletedMailbox] = field(default_factory=list)
    # [domain][local part] -> destinations
    forwarders: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def set_forwarder(self, domain: str, local: str, destinations: list[str]) -> None:
        """Create or replace the forwarder local@domain (KeyError for an unknown domain)."""
        domain, local = domain.lower(), local.lower()
        if domain not in self.domains:
            raise KeyError(f"unknown domain {domain!r}: add_domain() it first")
        self.forwarders.setdefault(domain, {})[local] = [d.lower() for d in destinations]

    def add_account(self, name: str, password: str, token: str | None = None,
                    owner: str = "root", main_domain: str | None = None) -> CpanelAccount:
        """A cPanel account; its main domain (if given) is added and owned by it."""
        account = CpanelAccount(password, [token] if token else [], owner, main_domain or "")
        self.accounts[name] = account
        if main_domain:
            self.add_domain(main_domain, name)
        return account

    def add_mailbox(self, address: str, password: str | None = MAILBOX_SECRET,
                    **fields: Any) -> CpanelMailbox:
        return self._put(address, CpanelMailbox(password, **fields))

    def to_dict(self) -> dict[str, Any]:
        return {**self._mail_dict(), "accounts": _dump_map(self.accounts),
                "deleted": [dataclasses.asdict(d) for d in self.deleted],
                "forwarders": _dump_forwarders(self.forwarders)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CpanelState:
        state = cls(accounts=_build_map(CpanelAccount, data.get("accounts", {})),
                    deleted=[_build(DeletedMailbox, d) for d in data.get("deleted", [])],
                    forwarders=_load_forwarders(data))
        state._load_mail(data, CpanelMailbox)
        return state


@dataclass
class WhmUser:
    password: str
    tokens: list[str] = field(default_factory=list)
    role: str = "root"  # root reaches every account; a reseller only the accounts it owns
    # token -> the ACLs it is limited to (a token not listed has every privilege)
    token_acls: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class WhmState:
    users: dict[str, WhmUser] = field(default_factory=dict)

    def add_user(self, name: str, password: str, token: str | None = None,
                 role: str = "reseller", acls: list[str] | None = None) -> WhmUser:
        """A WHM user; `acls` limits its `token` (e.g. ["list-accts"]) as WHM's token ACLs do."""
        self.users[name] = WhmUser(password, [token] if token else [], role)
        if token and acls is not None:
            self.users[name].token_acls[token] = list(acls)
        return self.users[name]

    def add_token(self, user: str, token: str, acls: list[str] | None = None) -> None:
        self.users[user].tokens.append(token)
        if acls is not None:
            self.users[user].token_acls[token] = list(acls)

    def to_dict(self) -> dict[str, Any]:
        return {"users": _dump_map(self.users)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WhmState:
        return cls(users=_build_map(WhmUser, data.get("users", {})))


# --------------------------------------------------------------------------- mailbox.org


@dataclass
class MboMailbox:
    password: str | None
    plan: str = "standard"  # light | standard | premium
    first_name: str = ""
    last_name: str = ""
    inboxsave: bool = True
    forwards: list[str] = field(default_factory=list)
    active: bool = True
    type: str = "inbox"
    memo: str = ""
    aliases: list[str] = field(default_factory=list)
    creation_date: str = "2024-01-15 09:30:00"
    require_reset_password: bool = False
    language: str = "en_US"
    password_hash: str | None = None
    additional_mail_quota: int = 0
    # optional mail.add/mail.set fields the emulator stores but does not interpret
    extra: dict[str, Any] = field(default_factory=dict)
    # mail.vacation.set's fields (subject, body, start_date, end_date,
    # additional_mail_addresses), or None when no notice is set
    vacation: dict[str, Any] | None = None


@dataclass
class MboAccount:
    password: str
    type: str = "business"
    status: str = "ok"
    plan: str = "business"


@dataclass
class MboSession:
    account: str
    level: str = "account"
    last_used: float = field(default_factory=time.monotonic)


@dataclass
class MailboxOrgState(_MailDomains[MboMailbox]):
    accounts: dict[str, MboAccount] = field(default_factory=dict)
    # session id -> session; never saved to a state file (a restart logs everyone out)
    sessions: dict[str, MboSession] = field(default_factory=dict)
    # (domain, sort field, descending) -> (world revision, size, local parts in order):
    # mail.list pages come from here instead of sorting the domain for every page.
    _order_cache: dict[tuple[str, str, bool], tuple[int, int, list[str]]] = field(
        default_factory=dict, repr=False, compare=False)
    _alias_cache: tuple[int, dict[str, str]] | None = field(default=None, repr=False, compare=False)

    def sorted_locals(self, domain: str, sort_field: str, descending: bool,
                      revision: int) -> list[str]:
        """The domain's local parts in mail.list order. Cached until the world changes
        (a test that edits sort fields by hand should call `world.touch()`)."""
        boxes = self.mailboxes.get(domain, {})
        key = (domain, sort_field, descending)
        cached = self._order_cache.get(key)
        if cached is not None and cached[0] == revision and cached[1] == len(boxes):
            return cached[2]
        if sort_field == "mail":
            def sort_key(local: str) -> str:
                return f"{local}@{domain}"
        elif sort_field == "domain":
            def sort_key(local: str) -> str:
                return domain
        elif sort_field == "status":
            def sort_key(local: str) -> str:
                return "active" if boxes[local].active else "inactive"
        else:
            def sort_key(local: str) -> str:
                return str(getattr(boxes[local], sort_field))
        order = sorted(boxes, key=sort_key, reverse=descending)
        self._order_cache[key] = (revision, len(boxes), order)
        return order

    def alias_owner(self, alias: str, revision: int) -> str | None:
        """The address of the mailbox that has `alias` among its aliases, or None. The
        index is rebuilt only when a call needs it after the world changed (`revision`)."""
        current = revision
        if self._alias_cache is None or self._alias_cache[0] != current:
            index = {a: f"{local}@{domain}"
                     for domain, boxes in self.mailboxes.items()
                     for local, box in boxes.items() for a in box.aliases}
            self._alias_cache = (current, index)
        return self._alias_cache[1].get(alias.lower())

    def add_account(self, name: str, password: str) -> MboAccount:
        self.accounts[name] = MboAccount(password)
        return self.accounts[name]

    def add_mailbox(self, address: str, password: str | None = MAILBOX_SECRET,
                    **fields: Any) -> MboMailbox:
        return self._put(address, MboMailbox(password, **fields))

    def new_session(self, account: str, level: str = "account") -> str:
        # The real ids carry ; % ) & — characters a careless client would mangle.
        session_id = f"{secrets.token_hex(8)};%{secrets.token_hex(4)})&{secrets.token_hex(4)}"
        self.sessions[session_id] = MboSession(account, level)
        return session_id

    def expire_session(self, session_id: str) -> None:
        """Make the server answer 253 for this session from now on."""
        self.sessions.pop(session_id, None)

    def expire_sessions(self) -> None:
        self.sessions.clear()

    def to_dict(self) -> dict[str, Any]:
        return {**self._mail_dict(), "accounts": _dump_map(self.accounts)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MailboxOrgState:
        state = cls(accounts=_build_map(MboAccount, data.get("accounts", {})))
        state._load_mail(data, MboMailbox)
        return state


# --------------------------------------------------------------------------- the world

_PROVIDERS = {
    "directadmin": DirectAdminState,
    "cpanel": CpanelState,
    "whm": WhmState,
    "mailboxorg": MailboxOrgState,
}


class World:
    """All provider states, one lock, and a revision counter bumped by every change."""

    def __init__(self, directadmin: DirectAdminState, cpanel: CpanelState, whm: WhmState,
                 mailboxorg: MailboxOrgState) -> None:
        self.lock = threading.RLock()
        self.revision = 0
        self.directadmin = directadmin
        self.cpanel = cpanel
        self.whm = whm
        self.mailboxorg = mailboxorg

    def touch(self) -> None:
        """Record that a request changed the world (so a state file gets saved)."""
        self.revision += 1

    def replace_with(self, other: World) -> None:
        """Take over another world's contents, keeping this object and its lock."""
        with self.lock:
            for name in _PROVIDERS:
                setattr(self, name, getattr(other, name))
            self.touch()

    def to_dict(self) -> dict[str, Any]:
        with self.lock:
            return {name: getattr(self, name).to_dict() for name in _PROVIDERS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> World:
        return cls(**{name: state_cls.from_dict(data.get(name, {}))
                      for name, state_cls in _PROVIDERS.items()})

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the world as JSON atomically: a reader sees the old or the new file."""
        text = json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".emulator-state-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> World:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: the state file must hold a JSON object")
        return cls.from_dict(data)


def default_world() -> World:
    """A fresh copy of the documented default state (see the package docstring)."""
    da = DirectAdminState()
    da.add_user("admin", DEMO_SECRET, role="admin", creator="")
    da.add_user(DEMO_USER, DEMO_SECRET, creator="admin")
    da.add_domain(DEMO_DOMAIN, DEMO_USER)
    da.add_mailbox("info@example.com", quota_mb=0, usage_mb=12.5, sent=3)
    da.add_mailbox("sales@example.com", quota_mb=500, usage_mb=230.25, sent=41)

    cp = CpanelState()
    cp.add_account(DEMO_USER, DEMO_SECRET, token=DEMO_SECRET, owner="root", main_domain=DEMO_DOMAIN)
    cp.add_mailbox("info@example.com", quota_mb=0, usage_bytes=int(12.5 * MB))
    cp.add_mailbox("sales@example.com", quota_mb=500, usage_bytes=int(230.25 * MB))

    whm = WhmState()
    whm.add_user("root", DEMO_SECRET, token=DEMO_SECRET, role="root")

    mbo = MailboxOrgState()
    mbo.add_account(DEMO_USER, DEMO_SECRET)
    mbo.add_domain(DEMO_DOMAIN, DEMO_USER)
    mbo.add_mailbox("info@example.com", plan="standard", first_name="Info", last_name="Desk")
    mbo.add_mailbox("sales@example.com", plan="premium", first_name="Sales", last_name="Team",
                    creation_date="2024-03-02 14:05:00")
    return World(da, cp, whm, mbo)
