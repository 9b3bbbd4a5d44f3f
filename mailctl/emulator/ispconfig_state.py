"""ISPConfig 3's state: remote users (with the function groups they were granted), panel
clients, mail domains, mail users (quota in bytes), the mail_forwarding table (forwards,
aliases, catch-alls: one table, told apart by `type`) and live sessions (never saved).

What the web UI keeps in `mail_user` is kept here with the API's field names; the
password is kept in clear (`password`) so tests can check it, and shown on the wire as
the hash the real panel stores."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .statebase import (
    DEMO_DOMAIN,
    DEMO_SECRET,
    DEMO_USER,
    MAILBOX_SECRET,
    MB,
    MailDomains,
    build_map,
    dump_map,
)

# The function groups of System -> Remote Users, and what each grants.
FUNCTION_GROUPS: dict[str, tuple[str, ...]] = {
    "mail_user": ("mail_user_get", "mail_user_add", "mail_user_update", "mail_user_delete"),
    "mail_domain": ("mail_domain_get", "mail_domain_get_by_domain"),
    "mail_alias": ("mail_alias_get", "mail_alias_add", "mail_alias_update", "mail_alias_delete"),
    "mail_forward": ("mail_forward_get", "mail_forward_add", "mail_forward_update", "mail_forward_delete"),
    "server": ("server_get",),
    "client": ("client_get_id",),
    "monitor": ("monitor_jobqueue_count",),
}
ALL_GROUPS = tuple(FUNCTION_GROUPS)
SESSION_LIFETIME = 1800.0  # seconds from login, not extended by use


@dataclass
class IspMailUser:
    password: str | None  # in clear (None: set from a hash the emulator cannot read)
    mailuser_id: int = 0
    client_id: int = 0
    server_id: int = 1
    name: str = ""
    quota: int = 0  # bytes; 0 = unlimited
    usage_bytes: int = 0  # not on the wire of mail_user_get (the panel's monitor keeps it)
    password_hash: str = ""  # what mail_user_get shows as `password`
    maildir: str = ""
    homedir: str = ""
    uid: str = ""
    gid: str = ""
    postfix: str = "y"
    disableimap: str = "n"
    disablepop3: str = "n"
    disablesmtp: str = "n"
    disabledeliver: str = "n"
    # other params sent on add/update, kept and shown as sent
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class IspForwarding:
    """A mail_forwarding row. `destination` is kept as sent (the API does not split it;
    the web UI stores several as "a@x, b@y")."""

    source: str
    destination: str
    type: str = "forward"  # forward, alias, catchall, aliasdomain
    forwarding_id: int = 0
    client_id: int = 1
    server_id: int = 1
    active: str = "y"

    def destinations(self) -> list[str]:
        return [d for d in re.split(r"[\s,;]+", self.destination.lower()) if d]


@dataclass
class IspRemoteUser:
    password: str
    groups: list[str] = field(default_factory=lambda: list(ALL_GROUPS))
    # hosts it may log in from (empty: any); 127.0.0.1 and ::1 always pass
    allowed_hosts: list[str] = field(default_factory=list)

    def may_call(self, function: str) -> bool:
        return any(function in FUNCTION_GROUPS.get(group, ()) for group in self.groups)


@dataclass
class IspSession:
    user: str
    created: float = field(default_factory=time.monotonic)


@dataclass
class IspconfigState(MailDomains[IspMailUser]):
    remote_users: dict[str, IspRemoteUser] = field(default_factory=dict)
    # sys_userid -> client_id (0 = the admin)
    sys_users: dict[str, int] = field(default_factory=dict)
    # domain -> {"domain_id", "server_id", "sys_userid", "active"}
    domain_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 1
    # queued sys_datalog entries: (table, action, id); the server's cron would run them
    jobs: list[list[Any]] = field(default_factory=list)
    # False: the answer is the plain text "Remote API is disabled in security settings."
    api_enabled: bool = True
    # mailuser_id -> the address it was issued for, kept after a delete (ids are never
    # reused, like MySQL's auto-increment): tells which mailbox a delete by id removed
    issued: dict[str, str] = field(default_factory=dict)
    # mail_forwarding rows by forwarding_id (as text, for the state file)
    forwardings: dict[str, IspForwarding] = field(default_factory=dict)
    session_lifetime: float = SESSION_LIFETIME
    sessions: dict[str, IspSession] = field(default_factory=dict)

    def add_remote_user(self, name: str, password: str, groups: list[str] | None = None) -> IspRemoteUser:
        self.remote_users[name] = IspRemoteUser(password, list(ALL_GROUPS if groups is None else groups))
        return self.remote_users[name]

    def add_domain(self, domain: str, owner: str = "1") -> None:
        """A primary mail domain of client `owner` (its client_id, as text)."""
        self.add_mail_domain(domain, client_id=int(owner) if str(owner).isdigit() else 1)

    def add_mail_domain(self, domain: str, client_id: int = 1, server_id: int = 1) -> None:
        domain = domain.lower()
        super().add_domain(domain, str(client_id))
        sys_userid = next((int(u) for u, c in self.sys_users.items() if c == client_id), None)
        if sys_userid is None:
            sys_userid = max([int(u) for u in self.sys_users] + [1]) + 1
            self.sys_users[str(sys_userid)] = client_id
        if domain not in self.domain_rows:
            self.domain_rows[domain] = {"domain_id": self._new_id(), "server_id": server_id,
                                        "sys_userid": sys_userid, "active": "y"}

    def add_mailbox(self, address: str, password: str | None = MAILBOX_SECRET, **fields: Any) -> IspMailUser:
        box = IspMailUser(password, **fields)
        box.mailuser_id = box.mailuser_id or self._new_id()
        if not box.password_hash and password is not None:
            box.password_hash = hash_password(password)
        self._put(address, box)
        self.issued[str(box.mailuser_id)] = address.lower()
        return box

    def add_forward(self, source: str, destinations: list[str], type: str = "forward",
                    client_id: int = 1) -> IspForwarding:
        """A mail_forwarding row, as the web UI stores it."""
        row = IspForwarding(source.lower(), ", ".join(destinations), type, self._new_id(), client_id)
        self.forwardings[str(row.forwarding_id)] = row
        return row

    def routes(self, domain: str) -> dict[str, list[str]]:
        """Every forward and alias of `domain`: source -> destinations (rows of one source merged)."""
        found: dict[str, list[str]] = {}
        for row in self.forwardings.values():
            if row.type in ("forward", "alias") and row.source.endswith("@" + domain.lower()):
                found.setdefault(row.source, []).extend(d for d in row.destinations()
                                                        if d not in found.get(row.source, []))
        return found

    def by_id(self, mailuser_id: int) -> tuple[str, IspMailUser] | None:
        for domain, boxes in self.mailboxes.items():
            for local, box in boxes.items():
                if box.mailuser_id == mailuser_id:
                    return f"{local}@{domain}", box
        return None

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def new_session(self, user: str) -> str:
        session_id = secrets.token_hex(16)
        self.sessions[session_id] = IspSession(user)
        return session_id

    def expire_sessions(self) -> None:
        """Every session ends now: the next call is refused as expired."""
        self.sessions.clear()

    def to_dict(self) -> dict[str, Any]:
        return {**self._mail_dict(), "remote_users": dump_map(self.remote_users),
                "sys_users": dict(self.sys_users), "domain_rows": {d: dict(r) for d, r in self.domain_rows.items()},
                "next_id": self.next_id, "jobs": [list(j) for j in self.jobs], "api_enabled": self.api_enabled,
                "issued": dict(self.issued), "forwardings": dump_map(self.forwardings)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IspconfigState:
        state = cls(remote_users=build_map(IspRemoteUser, data.get("remote_users", {})),
                    sys_users=dict(data.get("sys_users", {})),
                    domain_rows={d: dict(r) for d, r in data.get("domain_rows", {}).items()},
                    next_id=int(data.get("next_id", 1)), jobs=[list(j) for j in data.get("jobs", [])],
                    api_enabled=bool(data.get("api_enabled", True)), issued=dict(data.get("issued", {})),
                    forwardings=build_map(IspForwarding, data.get("forwardings", {})))
        state._load_mail(data, IspMailUser)
        for domain, owner in list(state.domains.items()):
            state.add_domain(domain, owner)  # rows for domains of a hand-written file
        return state


def hash_password(password: str) -> str:
    """A stand-in for the panel's crypt() hash (not a real one: it only has to look like
    one, differ from the password, and be what a careless client sends back)."""
    import hashlib

    return "$6$rounds=5000$" + hashlib.sha256(password.encode()).hexdigest()[:43]


def default_state() -> IspconfigState:
    """Remote user `demo` (`demo-secret`, every function group); example.com owned by
    client 1; info@ (unlimited, 12.5 MB used) and sales@ (500 MB, 230.25 MB used)."""
    isp = IspconfigState()
    isp.add_remote_user(DEMO_USER, DEMO_SECRET)
    isp.sys_users["1"] = 0  # the admin
    isp.add_domain(DEMO_DOMAIN, "1")
    for local, name, quota_mb, used in (("info", "Info", 0, 12.5), ("sales", "Sales", 500, 230.25)):
        isp.add_mailbox(f"{local}@{DEMO_DOMAIN}", client_id=1, name=name, quota=quota_mb * MB,
                        usage_bytes=int(used * MB), maildir=f"/var/vmail/{DEMO_DOMAIN}/{local}",
                        homedir="/var/vmail", uid="5000", gid="5000")
    return isp
