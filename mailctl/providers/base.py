"""What a provider declares about itself, so that generic code never names one.

A provider is three things (docs/architecture.md, "Adding a provider"): this declaration
(`mailctl/providers/<name>.py`, data only, cheap to import), its backend (the wire
format, imported only when a command talks to the server) and its emulator app. The
CLI builds `profile add` and `pop create` options, help, completion, the man page and
the bulk file's columns from the declarations; config, output, transport and validation
read them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from mailctl.errors import Unsupported, UsageError

if TYPE_CHECKING:
    from mailctl.backends.base import Backend

# Every operation a provider may offer: the command as the user types it -> the Backend
# method that does it. The one table of command names; a spec lists the ones it has.
OPERATIONS: dict[str, str] = {
    "session login": "login",
    "session status": "status",
    "domain list": "list_domains",
    "pop list": "list_mailboxes",
    "pop show": "get_mailbox",
    "pop create": "create_mailbox",
    "pop set": "change_mailbox",
    "pop delete": "delete_mailbox",
    "passwd": "change_password",
    "passwd --self": "change_password_self",
    "account passwd": "change_account_password",
    "alias list": "list_aliases",
    "alias add": "add_alias",
    "alias remove": "remove_alias",
}
# The operations that change something on the server (the audit log records them).
WRITES = frozenset({"pop create", "pop set", "pop delete", "passwd", "passwd --self", "account passwd",
                    "alias add", "alias remove"})
# What every provider can do: the verbs of the first phase.
BASIC = frozenset({"session login", "session status", "domain list", "pop list", "pop create", "pop delete",
                   "passwd"})

# The rest of a mailbox's life: show and change one, and its aliases or forwarders.
LIFECYCLE = frozenset({"pop show", "pop set", "alias list", "alias add", "alias remove"})


@dataclass(frozen=True)
class Option:
    """One option a provider adds: to `profile add` (stored in the profile under `name`)
    or to `pop create` (a NewMailbox option, and a column of the bulk file of that name).

    `kind` is "text", "int" (0 or more) or "flag". `check` turns a value into the one
    stored and sent, or raises UsageError saying what is wrong with it. A profile option with
    `per_command` is also an option of the commands that talk to the server, so one run
    can override the profile (WHM's --cpanel-user)."""

    name: str
    flag: str
    help: str
    metavar: str | None = None
    kind: str = "text"
    check: Callable[[Any], Any] | None = None
    per_command: bool = False
    command_help: str | None = None
    # Shown by `profile show` and as a table header.
    label: str | None = None
    # Whether a refusal repeats the value (not for free text such as a name).
    echo_value: bool = True
    # The bulk file's column, where it differs from `name`.
    column_name: str | None = None

    @property
    def header(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    @property
    def column(self) -> str:
        return self.column_name or self.name

    def value(self, raw: Any) -> Any:
        """The checked value of `raw` (as typed, as read from a file or from config.toml)."""
        if self.kind == "flag":
            if not isinstance(raw, bool):
                raise UsageError(f"{self.name} must be true or false, not {raw!r}")
            return raw
        if self.kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, (int, str)):
                raise UsageError(f"{self.flag} must be a whole number, not {raw!r}")
            text = str(raw).strip()
            if not (text.isascii() and text.isdigit()):
                raise UsageError(f"invalid {self.flag} {raw}: must be a whole number, 0 or more")
            raw = int(text)
        elif not isinstance(raw, str):
            raise UsageError(f"{self.name} must be a string, not {raw!r}")
        if self.check is not None:
            return self.check(raw)
        return raw


# The quota of a new mailbox: an option of `pop create` for every provider that keeps one.
QUOTA_HELP = "Quota in MB, or with a unit (500M, 2G; 1G = 1024 MB); 0 or 'unlimited' for none."
QUOTA = Option("quota_mb", "--quota", QUOTA_HELP, metavar="MB", column_name="quota")


@dataclass(frozen=True)
class ProviderSpec:
    name: str  # as in --provider and config.toml
    label: str  # as people write it, in messages
    backend: str  # "module:Class", imported on first use
    secret: str  # what the profile's secret is, for prompts: "password or login key"
    operations: frozenset[str] = BASIC
    default_url: str | None = None  # --url may be left out
    url_hint: str = "https://panel.example.com"
    # Capabilities.
    keep_data: bool = False  # pop delete --keep-data
    require_reset: bool = False  # passwd --require-reset
    takes_quota: bool = True  # a quota per mailbox (else a null quota means "not known")
    # Why a create option (or "quota_mb") this provider lacks is refused, where the
    # generic "PROVIDER takes no OPTION" would not say enough.
    refusals: dict[str, str] = field(default_factory=dict)
    # pop set --suspend: what it can suspend, of "login" (no IMAP/POP/SMTP login; mail
    # still arrives) and "incoming" (mail to it is refused).
    suspend_kinds: tuple[str, ...] = ()
    # alias add --to: special targets it has, such as ":fail:" or ":blackhole:".
    special_destinations: tuple[str, ...] = ()
    profile_options: tuple[Option, ...] = ()
    create_options: tuple[Option, ...] = ()
    # Header and body field names whose values are secrets in this wire format.
    secret_fields: frozenset[str] = frozenset()
    # Mailbox fields (models.Mailbox) this provider fills beyond the common ones, shown
    # as extra columns of pop list / pop show.
    mailbox_fields: tuple[str, ...] = ()
    # Said once by `profile add` (e.g. the credential is root-level).
    add_warning: str | None = None
    # The login of the emulator's default world that may change hosting accounts'
    # passwords, where there is one: `mailctl demo` tours the first provider that has it.
    demo_admin: str | None = None
    # A successful write is accepted into a queue the panel works through later, not yet
    # applied: output words it as accepted (JSON "applied": false) rather than done.
    applies_later: bool = False
    # Suspension kinds it holds only together with another: {kind: the kind it needs}
    # (mailcow refuses incoming mail only with login off too: one `active` field).
    suspend_needs: dict[str, str] = field(default_factory=dict)
    # Whether a mailbox's own address can also forward (a forwarder beside the mailbox).
    # Where it cannot (mailcow), an alias is another address than any mailbox's.
    mailbox_forwarders: bool = True

    # -- the backend ---------------------------------------------------------------------
    def backend_class(self) -> "type[Backend]":
        module_name, _, class_name = self.backend.partition(":")
        return getattr(importlib.import_module(module_name), class_name or "Backend")

    # -- what it can do --------------------------------------------------------------------
    def supports(self, operation: str) -> bool:
        if operation not in OPERATIONS:
            raise KeyError(operation)
        return operation in self.operations

    def require(self, operation: str, hint: str | None = None) -> None:
        """Unsupported (exit 2, naming the provider) before any prompt or request."""
        if not self.supports(operation):
            raise Unsupported(self.name, operation, hint)

    def profile_option(self, name: str) -> Option | None:
        return next((o for o in self.profile_options if o.name == name), None)

    def create_option(self, name: str) -> Option | None:
        return next((o for o in self.create_options if o.name == name), None)

    def not_taken(self, name: str) -> str:
        """Why this provider refuses a create option (or the quota) it does not have."""
        return self.refusals.get(name) or f"{self.name} takes no {name.removesuffix('_mb').replace('_', ' ')}"
