"""What backends return. Plain dataclasses with the JSON field names of the contract
(docs/architecture.md, "Output"): sizes carry their unit in the key, `None` means unknown."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from mailctl.validation import Address


@dataclass(frozen=True)
class Mailbox:
    address: str
    # None = unlimited (panels say 0 or "unlimited"); never a sentinel number.
    quota_mb: int | None = None
    usage_bytes: int | None = None
    suspended: bool | None = None
    # mailbox.org only: the plan decides the quota there.
    plan: str | None = None
    # What is suspended or held, of "login", "incoming", "outgoing", "hold_outgoing";
    # None where the panel does not say. `suspended` is true when login or incoming is
    # (outgoing mail held or suspended still lets the owner log in and receive).
    restrictions: tuple[str, ...] | None = None
    # Addresses that deliver to this mailbox, where the panel links them (pop show).
    aliases: tuple[str, ...] | None = None

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def to_json(self) -> dict:
        # Built directly: dataclasses.asdict deep-copies every record (slow, and twice
        # the memory for a list of 100k).
        data = {"address": self.address, "quota_mb": self.quota_mb, "usage_bytes": self.usage_bytes,
                "suspended": self.suspended, "plan": self.plan,
                "restrictions": None if self.restrictions is None else list(self.restrictions),
                "domain": self.domain}
        # Only pop show fills it in; a listing's rows leave it out rather than say null.
        if self.aliases is not None:
            data["aliases"] = list(self.aliases)
        return data


@dataclass(frozen=True)
class Domain:
    name: str
    mailbox_count: int | None = None
    owner: str | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "mailbox_count": self.mailbox_count, "owner": self.owner}


@dataclass(frozen=True)
class NewMailbox:
    """Everything a create needs; an option the provider has no use for is refused by
    its check_new_mailbox (backends/base.py), never silently dropped."""

    address: "Address"
    password: str = field(repr=False)
    quota_mb: int | None = None  # None: the provider's default; 0: unlimited
    # The provider's own create options (its spec's create_options), by name.
    options: Mapping[str, Any] = field(default_factory=dict)

    def option(self, name: str) -> Any:
        return self.options.get(name)


@dataclass(frozen=True)
class MailboxChange:
    """What `pop set` changes; None leaves a field as it is."""

    quota_mb: int | None = None  # 0: unlimited
    suspend_login: bool | None = None  # True: suspend, False: lift
    suspend_incoming: bool | None = None

    def suspension_kinds(self) -> list[str]:
        return [kind for kind, value in (("login", self.suspend_login), ("incoming", self.suspend_incoming))
                if value is not None]

    def is_empty(self) -> bool:
        return self.quota_mb is None and not self.suspension_kinds()

    @classmethod
    def of(cls, *, quota_mb: int | None, suspend: bool | None, kinds: "tuple[str, ...] | list[str]",
           provider_kinds: "tuple[str, ...]") -> "MailboxChange":
        """The change `pop set` asks for: `suspend` True/False/None, for `kinds` ("login",
        "incoming"), or when none are named for every kind the provider can suspend."""
        chosen = set(kinds) or set(provider_kinds)
        if suspend is None:
            return cls(quota_mb=quota_mb)
        return cls(quota_mb=quota_mb,
                   suspend_login=suspend if "login" in chosen else None,
                   suspend_incoming=suspend if "incoming" in chosen else None)

    def known_after(self, before: "Mailbox", after: "Mailbox") -> "Mailbox":
        """`after` as the backend reported it, where what this change left alone and the
        backend did not read again (None) is as it was `before`: a quota change leaves the
        suspension as it was, and a backend need not re-read it to say so."""
        if self.suspension_kinds() or after.suspended is not None:
            return after
        return replace(after, suspended=before.suspended,
                       restrictions=before.restrictions if after.restrictions is None else after.restrictions)

    def describe(self) -> str:
        """What it changes, for a dry run and messages: "quota 500 MB, suspend login"."""
        parts = []
        if self.quota_mb is not None:
            parts.append("quota unlimited" if self.quota_mb == 0 else f"quota {self.quota_mb} MB")
        for kind, value in (("login", self.suspend_login), ("incoming", self.suspend_incoming)):
            if value is not None:
                parts.append(f"{'suspend' if value else 'unsuspend'} {kind}")
        return ", ".join(parts)


CHANGEABLE = ("quota_mb", "suspended", "restrictions")


def changed_fields(before: Mailbox, after: Mailbox) -> dict[str, list]:
    """What pop set changed: field -> [previous, new] (JSON values), changed ones only."""
    old, new = before.to_json(), after.to_json()
    return {name: [old[name], new[name]] for name in CHANGEABLE if old[name] != new[name]}


@dataclass(frozen=True)
class Alias:
    """An address that delivers to others. `kind` is "forwarder" (a panel's own object)
    or "alias" (another name of a mailbox, where the panel has such a thing)."""

    address: str
    destinations: tuple[str, ...] = ()
    kind: str = "forwarder"

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def to_json(self) -> dict:
        return {"address": self.address, "destinations": list(self.destinations), "kind": self.kind,
                "domain": self.domain}


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
