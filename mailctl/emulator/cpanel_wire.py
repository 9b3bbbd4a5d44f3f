"""What every cPanel UAPI function shares: the answer object, the call context, and the
argument rules (which mailbox `email`/`domain` name, quotas in MB, regex filters)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from .cpanel_state import MB, CpanelAccount, CpanelMailbox, CpanelState
from .world import World
from .wire import password_problem, split_address

__all__ = ["MB", "Refusal", "UapiCall", "envelope"]


class Refusal(Exception):
    """A UAPI failure: answered as status 0 with the message in `errors`."""


def envelope(data: Any = None, errors: list[str] | None = None,
             metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The bare UAPI answer object (no `apiversion`/`result` wrapper over HTTP)."""
    return {"status": 0 if errors else 1, "errors": errors, "messages": None,
            "warnings": None, "metadata": metadata or {}, "data": data}


@dataclass
class UapiCall:
    world: World
    name: str
    args: dict[str, str]

    @property
    def cp(self) -> CpanelState:
        return self.world.cpanel

    @property
    def account(self) -> CpanelAccount:
        return self.cp.accounts[self.name]

    def arg(self, name: str) -> str:
        return self.args.get(name, "").strip()

    def owned_domains(self) -> list[str]:
        main = self.account.main_domain
        return sorted(self.cp.domains_of(self.name), key=lambda d: (d != main, d))

    def own(self, domain: str) -> str:
        domain = domain.strip().lower() or self.account.main_domain
        if self.cp.domains.get(domain) != self.name:
            raise Refusal(f'You do not own the domain "{domain}".')
        return domain

    def target(self, field: str = "email") -> tuple[str, str]:
        """(local part, domain) named by `field` (and `domain`), on a domain the account owns."""
        email = self.arg(field).lower()
        if not email:
            raise Refusal(f'The "{field}" parameter is required.')
        local, domain = split_address(email)
        return local, self.own(domain or self.arg("domain"))

    def existing(self, field: str = "email") -> tuple[str, CpanelMailbox]:
        local, domain = self.target(field)
        mailbox = self.cp.mailboxes[domain].get(local)
        if mailbox is None:
            raise Refusal(f'The account "{local}@{domain}" does not exist.')
        return f"{local}@{domain}", mailbox

    def regex(self) -> re.Pattern[str] | None:
        pattern = self.args.get("regex")
        if not pattern:
            return None
        try:
            return re.compile(pattern)
        except re.error:
            raise Refusal(f'The regular expression "{pattern}" is not valid.') from None

    def mailboxes(self, domain: str = "") -> Iterator[tuple[str, str, CpanelMailbox]]:
        """(local, domain, mailbox) of one owned domain, or of all (main domain first).
        With a domain only that domain's mailboxes are touched, not the account's all."""
        domains = [self.own(domain)] if domain else self.owned_domains()
        for name in domains:
            boxes = self.cp.mailboxes.get(name, {})
            for local in sorted(boxes):
                yield local, name, boxes[local]


def strong(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise Refusal(f"Sorry, the password you selected cannot be used: {problem}")
    return password


def quota_mb(raw: str | None) -> int:
    """MB; "0", "unlimited" and an absent quota all mean unlimited (0)."""
    raw = (raw or "").strip().lower()
    if raw in ("", "unlimited"):
        return 0
    if not raw.isdigit():
        raise Refusal(f'The quota "{raw}" is not valid: use a whole number of megabytes '
                      'or "unlimited".')
    return int(raw)
