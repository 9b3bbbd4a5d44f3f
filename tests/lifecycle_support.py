"""Helpers of the lifecycle tests (tests/lifecycle) and the estate tests that build on
them: which providers have an operation (from their specs), and the emulator state a
provider's commands change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mailctl import providers
from provider_table import DOMAIN, PROVIDERS, TABLE, LifecycleState, log_in


def having(operation: str, test=lambda spec: True) -> list[str]:
    """The providers whose spec has `operation` (and passes `test`)."""
    return [name for name in PROVIDERS if providers.spec(name).supports(operation) and test(providers.spec(name))]


def lacking(test) -> list[str]:
    return [name for name in PROVIDERS if test(providers.spec(name))]


@dataclass
class Panel:
    provider: str
    emu: Any
    state: LifecycleState

    @property
    def spec(self):
        return providers.spec(self.provider)

    def quota(self, address: str) -> int:
        return self.state.quota(self.emu, address)

    def suspended(self, address: str) -> set:
        return self.state.suspended(self.emu, address)

    def routes(self, domain: str = DOMAIN) -> dict:
        return self.state.routes(self.emu, domain)

    def add_route(self, address: str, destinations: list) -> None:
        self.state.add_route(self.emu, address, destinations)

    def wrote(self, record: dict) -> dict:
        """A successful write's JSON record as this provider's output has it: with
        "applied": false where the panel applies writes later (spec.applies_later)."""
        return {**record, "applied": False} if self.spec.applies_later else record

    @property
    def forwarder(self) -> str:
        """An address whose forwarder takes outside destinations: a mailbox's own where
        the provider has that (mailbox.org has nothing else), else an address of its own."""
        return f"info@{DOMAIN}" if self.spec.mailbox_forwarders else f"list@{DOMAIN}"

    @property
    def forwarders(self) -> tuple[str, str]:
        """Two such addresses."""
        return (self.forwarder, f"sales@{DOMAIN}" if self.spec.mailbox_forwarders else f"desk@{DOMAIN}")

    def writes(self) -> list:
        """The requests that could have changed something (anything but a read)."""
        return [r for r in self.emu.requests if (self.state.is_write or _is_write)(r)]


_READS = {"list", "full_list", "", None}
_UAPI_READS = {"list_pops_with_disk", "list_forwarders", "list_mail_domains", "list_pops", "get_pop_quota"}
_RPC_READS = {"auth", "mail.get", "mail.list", "domain.list", "hello.world", "hello.innerworld"}


def _is_write(request) -> bool:
    from urllib.parse import parse_qsl

    if request.path.startswith("/v1"):
        return json.loads(request.body).get("method") not in _RPC_READS
    form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
    if request.path.startswith("/CMD_"):
        return request.path not in ("/CMD_API_SHOW_DOMAINS", "/CMD_API_LOGIN_TEST") and \
            form.get("action") not in _READS
    function = form.get("cpanel.function") or request.path.rpartition("/")[2]
    return function not in _UAPI_READS | {"getdomainowner", "listaccts", "applist", "version", "myprivs"}


# The one request of `alias add TEAM --to INFO` that writes, for the providers whose
# LifecycleState (shared by cPanel and WHM) does not say it.
ALIAS_WRITE = {
    "directadmin": dict(path="/CMD_API_EMAIL_FORWARDERS", field="action:create"),
    "cpanel": dict(path="/execute/Email/add_forwarder"),
    "whm": dict(field="cpanel.function:add_forwarder"),
    "mailboxorg": dict(method="mail.set"),
}


def alias_write(provider: str) -> dict:
    """The fault selector of the one request that writes `alias add` of a new alias."""
    import pytest

    selector = ALIAS_WRITE.get(provider) or TABLE[provider].lifecycle.alias_write
    if selector is None:
        pytest.fail(f"add the alias-add write request of {provider} to ALIAS_WRITE (or its LifecycleState)")
    return selector


def set_write(provider: str) -> dict:
    """The fault selector of the one request that writes `pop set SALES --quota 2G` (on
    mailbox.org, which keeps no quota: `pop set SALES --suspend`)."""
    return TABLE[provider].lifecycle.set_write or (dict(method="mail.set") if provider == "mailboxorg"
                                                   else dict(field="quota:2048"))


def panel_for(cli, emu, provider: str) -> "Panel":
    """A logged-in default profile for `provider`; the request log empty."""
    import pytest

    log_in(cli, emu, provider)
    cli("profile", "use", provider)
    emu.clear_requests()
    entry = TABLE[provider]
    if entry.lifecycle is None:
        pytest.fail(f"tests/provider_table.py: give {provider} a LifecycleState (its spec has lifecycle operations)")
    return Panel(provider, emu, entry.lifecycle)
