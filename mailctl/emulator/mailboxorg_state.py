"""mailbox.org's state: accounts, domains, mailboxes (with forwards, aliases and a
vacation notice) and live sessions (never saved)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .wire import RowCache
from .statebase import (
    DEMO_DOMAIN,
    DEMO_SECRET,
    DEMO_USER,
    MAILBOX_SECRET,
    MailDomains,
    build_map,
    dump_map,
)


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
class MailboxOrgState(MailDomains[MboMailbox]):
    accounts: dict[str, MboAccount] = field(default_factory=dict)
    # session id -> session; never saved to a state file (a restart logs everyone out)
    sessions: dict[str, MboSession] = field(default_factory=dict)
    # (domain, sort field, descending) -> (world revision, size, local parts in order):
    # mail.list pages come from here instead of sorting the domain for every page.
    _order_cache: dict[tuple[str, str, bool], tuple[int, int, list[str]]] = field(
        default_factory=dict, repr=False, compare=False)
    _alias_cache: tuple[int, dict[str, str]] | None = field(default=None, repr=False, compare=False)
    # encoded mail.list items, reused while a mailbox is unchanged
    row_cache: RowCache = field(default_factory=RowCache, repr=False, compare=False)

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
        return {**self._mail_dict(), "accounts": dump_map(self.accounts)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MailboxOrgState:
        state = cls(accounts=build_map(MboAccount, data.get("accounts", {})))
        state._load_mail(data, MboMailbox)
        return state


def default_state() -> MailboxOrgState:
    """Account `demo` (`demo-secret`) with example.com: info@ on "standard" (Info Desk),
    sales@ on "premium" (Sales Team)."""
    mbo = MailboxOrgState()
    mbo.add_account(DEMO_USER, DEMO_SECRET)
    mbo.add_domain(DEMO_DOMAIN, DEMO_USER)
    mbo.add_mailbox("info@example.com", plan="standard", first_name="Info", last_name="Desk")
    mbo.add_mailbox("sales@example.com", plan="premium", first_name="Sales", last_name="Team",
                    creation_date="2024-03-02 14:05:00")
    return mbo
