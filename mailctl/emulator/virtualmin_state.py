"""Virtualmin's state: Webmin logins (master administrators or not), virtual servers
(domain -> the Unix user that owns it), their mail users (each with its own forwards)
and their aliases, plus the switches of the server as a whole (a proxy that lets only
GET through, home quotas off)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from .statebase import DEMO_DOMAIN, DEMO_SECRET, DEMO_USER, MAILBOX_SECRET, MB, MailDomains, build_map, dump_map

# The block size Virtualmin's quotas count in ("disk quota in 1 kB blocks").
BLOCK = 1024
DOMAIN_OWNER = "example"  # the Unix user owning example.com in the default world
OWNER_SECRET = "Owner-secret-1"


@dataclass
class VMMailbox:
    password: str
    quota_blocks: int = 0  # home quota in 1 kB blocks, 0 = unlimited
    usage_bytes: int = 0
    real_name: str = ""
    disabled: bool = False  # modify-user --disable: no IMAP/POP/FTP login, mail still arrives
    unix_name: str = ""  # the Unix user, short name plus the domain's suffix (info.example)
    # The user's own forwarding (modify-user --add-forward/--del-forward), not an alias:
    # Virtualmin keeps it with the user and list-aliases leaves it out.
    forwards: list[str] = field(default_factory=list)
    local_delivery: bool = True  # modify-user --local / --no-local: a copy stays in the mailbox
    extra_addresses: list[str] = field(default_factory=list)  # more addresses of this mailbox

    @property
    def quota_mb(self) -> int:
        """The quota in MB (0 = unlimited), for tests comparing providers."""
        return self.quota_blocks * BLOCK // MB

    @property
    def encrypted_password(self) -> str:
        # Not crypt(3), only something that looks like a hash and never shows the password.
        return "$6$emulator$" + hashlib.sha512(self.password.encode()).hexdigest()[:43]


@dataclass
class VMAlias:
    """An alias (a virtuser of the domain): destinations and a one-line description."""

    to: list[str] = field(default_factory=list)
    comment: str = ""


@dataclass
class VMLogin:
    """A Webmin login. In Virtualmin 8.1 only master administrators may use remote.cgi."""

    password: str
    master: bool = True


@dataclass
class VirtualminState(MailDomains[VMMailbox]):
    logins: dict[str, VMLogin] = field(default_factory=dict)
    # A server (or the proxy in front of it) that refuses POST on remote.cgi with 405.
    get_only: bool = False
    # Whether the file system has home quotas (modify-user --quota fails without them).
    home_quotas: bool = True
    # aliases[domain][local part] ("*" is the catch-all), as create-alias makes them.
    aliases: dict[str, dict[str, VMAlias]] = field(default_factory=dict)

    def add_login(self, name: str, password: str, *, master: bool = True) -> VMLogin:
        self.logins[name] = VMLogin(password, master=master)
        return self.logins[name]

    def add_mailbox(self, address: str, password: str = MAILBOX_SECRET, **fields: Any) -> VMMailbox:
        local, _, domain = address.lower().rpartition("@")
        fields.setdefault("unix_name", unix_name(local, domain))
        return self._put(address, VMMailbox(password, **fields))

    def add_alias(self, address: str, to: list[str], comment: str = "") -> VMAlias:
        local, _, domain = address.lower().rpartition("@")
        if domain not in self.domains:
            raise KeyError(f"unknown domain {domain!r}: add_domain() it first")
        self.aliases.setdefault(domain, {})[local] = VMAlias(list(to), comment)
        return self.aliases[domain][local]

    def alias(self, address: str) -> VMAlias | None:
        local, _, domain = address.lower().rpartition("@")
        return self.aliases.get(domain, {}).get(local)

    def find_user(self, domain: str, name: str) -> tuple[str, VMMailbox] | None:
        """(short name, mailbox) of `name` in `domain`, given as the short or the Unix name."""
        boxes = self.mailboxes.get(domain, {})
        name = name.strip().lower()
        if name in boxes:
            return name, boxes[name]
        return next(((short, box) for short, box in boxes.items() if box.unix_name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {**self._mail_dict(), "logins": dump_map(self.logins), "get_only": self.get_only,
                "home_quotas": self.home_quotas,
                "aliases": {d: dump_map(table) for d, table in self.aliases.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VirtualminState:
        state = cls(logins=build_map(VMLogin, data.get("logins", {})), get_only=bool(data.get("get_only", False)),
                    home_quotas=bool(data.get("home_quotas", True)))
        state._load_mail(data, VMMailbox)
        # Older state files have no aliases: they load as none.
        state.aliases = {d: build_map(VMAlias, table) for d, table in data.get("aliases", {}).items()}
        return state


def unix_name(local: str, domain: str) -> str:
    """Virtualmin's default user name format: the short name, a dot, the domain's first label."""
    return f"{local}.{domain.split('.')[0]}"


def default_state() -> VirtualminState:
    """Master administrator `demo` (`demo-secret`); example.com owned by Unix user
    `example` (a Webmin login too, not a master administrator: `Owner-secret-1`), with
    info@ (unlimited, 12.5 MB used) and sales@ (500 MB, 230.25 MB used)."""
    vm = VirtualminState()
    vm.add_login(DEMO_USER, DEMO_SECRET)
    vm.add_login(DOMAIN_OWNER, OWNER_SECRET, master=False)
    vm.add_domain(DEMO_DOMAIN, DOMAIN_OWNER)
    vm.add_mailbox("info@example.com", quota_blocks=0, usage_bytes=int(12.5 * MB), real_name="Info Desk")
    vm.add_mailbox("sales@example.com", quota_blocks=500 * MB // BLOCK, usage_bytes=int(230.25 * MB),
                   real_name="Sales Team")
    return vm
