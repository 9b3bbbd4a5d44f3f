"""cPanel's state: accounts (password, API tokens, owning WHM user), domains,
mailboxes with their suspension flags, forwarders, and a log of deleted mailboxes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .wire import RowCache
from .statebase import (
    DEMO_DOMAIN,
    DEMO_SECRET,
    DEMO_USER,
    MAILBOX_SECRET,
    MB,
    MailDomains,
    build,
    build_map,
    dump,
    dump_map,
    dump_forwarders,
    load_forwarders,
)


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
class CpanelState(MailDomains[CpanelMailbox]):
    accounts: dict[str, CpanelAccount] = field(default_factory=dict)
    deleted: list[DeletedMailbox] = field(default_factory=list)
    # [domain][local part] -> destinations
    forwarders: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # encoded list_pops_with_disk rows, reused while a mailbox is unchanged (never saved)
    row_cache: RowCache = field(default_factory=RowCache, repr=False, compare=False)

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
        return {**self._mail_dict(), "accounts": dump_map(self.accounts),
                "deleted": [dump(d) for d in self.deleted],
                "forwarders": dump_forwarders(self.forwarders)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CpanelState:
        state = cls(accounts=build_map(CpanelAccount, data.get("accounts", {})),
                    deleted=[build(DeletedMailbox, d) for d in data.get("deleted", [])],
                    forwarders=load_forwarders(data))
        state._load_mail(data, CpanelMailbox)
        return state


def default_state() -> CpanelState:
    """Account `demo` (password and API token `demo-secret`, owned by WHM root), main
    domain example.com with info@ and sales@."""
    cp = CpanelState()
    cp.add_account(DEMO_USER, DEMO_SECRET, token=DEMO_SECRET, owner="root", main_domain=DEMO_DOMAIN)
    cp.add_mailbox("info@example.com", quota_mb=0, usage_bytes=int(12.5 * MB))
    cp.add_mailbox("sales@example.com", quota_mb=500, usage_bytes=int(230.25 * MB))
    return cp
