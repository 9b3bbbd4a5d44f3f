"""What backends return. Plain dataclasses with the JSON field names of the contract
(DESIGN.md, "Output"): sizes carry their unit in the key, `None` means unknown."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mailbox:
    address: str
    # None = unlimited (panels say 0 or "unlimited"); never a sentinel number.
    quota_mb: int | None = None
    usage_bytes: int | None = None
    suspended: bool | None = None
    # mailbox.org only: the plan decides the quota there.
    plan: str | None = None

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def to_json(self) -> dict:
        # Built directly: dataclasses.asdict deep-copies every record (slow, and twice
        # the memory for a list of 100k).
        return {"address": self.address, "quota_mb": self.quota_mb, "usage_bytes": self.usage_bytes,
                "suspended": self.suspended, "plan": self.plan, "domain": self.domain}


@dataclass(frozen=True)
class Domain:
    name: str
    mailbox_count: int | None = None
    owner: str | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "mailbox_count": self.mailbox_count, "owner": self.owner}


@dataclass(frozen=True)
class NewMailbox:
    """Everything a create needs; a field the provider has no use for is refused by its
    check_new_mailbox (backends/base.py), never silently dropped."""

    address: str
    password: str
    quota_mb: int | None = None  # None: the provider's default; 0: unlimited
    send_limit: int | None = None  # DirectAdmin: messages per day
    plan: str | None = None  # mailbox.org
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True)
class AccountPasswordChange:
    user: str
    services: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"user": self.user, "changed": True, "services": list(self.services)}


@dataclass(frozen=True)
class SessionInfo:
    """What `session status` / `session login` report about a profile's credentials."""

    profile: str
    provider: str
    user: str
    url: str
    secret_source: str | None  # "keyring", "environment", "plaintext" or None
    authenticated: bool
    session: str | None = None  # "active", "renewed", "none" for providers with sessions

    def to_json(self) -> dict:
        return {"profile": self.profile, "provider": self.provider, "user": self.user, "url": self.url,
                "secret_source": self.secret_source, "authenticated": self.authenticated, "session": self.session}
