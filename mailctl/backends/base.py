"""The one interface every provider backend implements, and what backends are handed.

Backends know their wire format and nothing else: they never print, prompt or exit.
They raise mailctl.errors classes and return mailctl.models objects. What a provider
can do is declared in its spec (mailctl/providers/); an operation it lacks keeps the
default here, which raises Unsupported naming provider and command (the CLI refuses it
earlier, from the spec, before any prompt or request).

A provider's own input rules (names it refuses, options it lacks) live in the `check_*`
methods. They send nothing and need no password, so the CLI runs them before it prompts
and a bulk run runs them on every row before the first request; the write methods run
them again, so a direct caller is held to the same rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping

from mailctl.errors import Unsupported, UsageError

if TYPE_CHECKING:
    from mailctl.config import Profile
    from mailctl.providers.base import Option, ProviderSpec
    from mailctl.credentials import Credentials
    from mailctl.models import AccountPasswordChange, Alias, Domain, Mailbox, MailboxChange, NewMailbox
    from mailctl.transport import Transport
    from mailctl.validation import Address


_NOT_SHOWN = object()


class RefusedOption(UsageError):
    """A new-mailbox option the provider refuses, or refuses this value of. Option and
    reason are kept apart so the single command can name its --option and a bulk run the
    file's column."""

    def __init__(self, provider: str, option: "Option", reason: str, value: Any = _NOT_SHOWN):
        self.option = option
        self.reason = reason
        self._shown = "" if value is _NOT_SHOWN else f" {value!r}"
        super().__init__(self._text(option.flag), provider=provider)

    @property
    def row_message(self) -> str:
        """The message for a bulk input row, naming the column."""
        return self._text(self.option.column)

    def _text(self, label: str) -> str:
        return f"{label}{self._shown}: {self.reason}"


def checked_create_options(spec: "ProviderSpec", quota_mb: int | None, options: "Mapping[str, Any]") -> dict:
    """The provider's create options as it takes them (values normalised by their checks);
    RefusedOption for the quota or an option it does not take, or a value it refuses.
    Dropping an option silently would create something other than what was asked for."""
    from mailctl.providers import create_options
    from mailctl.providers.base import QUOTA

    if quota_mb is not None and not spec.takes_quota:
        raise RefusedOption(spec.name, QUOTA, spec.not_taken(QUOTA.name))
    taken = {}
    for name, value in options.items():
        if value is None:
            continue
        option = spec.create_option(name)
        if option is None:
            raise RefusedOption(spec.name, create_options()[name][0], spec.not_taken(name))
        try:
            taken[name] = option.value(value)
        except UsageError as exc:
            raise RefusedOption(spec.name, option, exc.message,
                                value if option.echo_value else _NOT_SHOWN) from None
    return taken


@dataclass(frozen=True)
class Suggestion:
    """What to try when a command found nothing: why, and the options to run the same
    command again with. The CLI writes the command out for the profile at hand
    (mailctl/cli/hints.py); the options must be the command's own."""

    why: str
    options: tuple[str, ...] = ()


@dataclass(eq=False)  # compared by identity (and one generated method fewer at start-up)
class BackendContext:
    profile: "Profile"
    credentials: "Credentials"
    transport_factory: "Callable[[], Transport]"
    # Server warnings worth the user's attention (shown on stderr by the CLI).
    notice: Callable[[str], None] = lambda text: None
    # The provider's own options (spec.profile_options): the profile's values, with
    # what this run's command line overrides (per_command options).
    options: dict = field(default_factory=dict)
    _transport: "Transport | None" = field(default=None, repr=False)

    def option(self, name: str) -> Any:
        return self.options.get(name)

    @property
    def transport(self) -> "Transport":
        if self._transport is None:
            self._transport = self.transport_factory()
        return self._transport

    def secret(self) -> str:
        """The profile's secret, registered with the transport so no trace can show it."""
        value = self.credentials.secret()
        self.transport.add_secret(value)
        return value


class Backend:
    provider: ClassVar[str] = "?"

    def __init__(self, ctx: BackendContext):
        self.ctx = ctx

    @property
    def spec(self) -> "ProviderSpec":
        from mailctl.providers import spec

        return spec(self.provider)

    def _unsupported(self, command: str, hint: str | None = None) -> Unsupported:
        return Unsupported(self.provider, command, hint)

    def require(self, operation: str) -> None:
        """Fail before any prompt or request when this provider lacks `operation` (a
        command of providers.base.OPERATIONS)."""
        self.spec.require(operation)

    # -- the provider's input rules: no request, no password ---------------------------
    def check_new_mailbox(self, new: "NewMailbox") -> None:
        """UsageError (one line) when this provider would refuse to create `new` for its
        address or options. `new.password` is not looked at: it is asked for only after
        this passes."""
        checked_create_options(self.spec, new.quota_mb, new.options)

    def check_password_change(self, *, require_reset: bool = False) -> None:
        if require_reset and not self.spec.require_reset:
            raise UsageError(f"--require-reset: {self.provider} cannot force a password change at next login",
                             provider=self.provider)

    def check_delete(self, *, keep_data: bool = False) -> None:
        if keep_data and not self.spec.keep_data:
            raise UsageError(f"--keep-data: {self.provider} always deletes the mail with the mailbox",
                             provider=self.provider)

    def check_change(self, change: "MailboxChange") -> None:
        """UsageError naming the provider for a change it cannot make (pop set)."""
        if change.quota_mb is not None and not self.spec.takes_quota:
            from mailctl.providers.base import QUOTA

            raise RefusedOption(self.provider, QUOTA, self.spec.not_taken(QUOTA.name))
        kinds = self.spec.suspend_kinds
        for kind in change.suspension_kinds():
            if kind not in kinds:
                have = (" (it can suspend: " + ", ".join(kinds) + ")") if kinds else ""
                raise UsageError(f"--{kind}: {self.spec.label} cannot suspend {kind}{have}", provider=self.provider)
        on = {kind for kind, value in (("login", change.suspend_login), ("incoming", change.suspend_incoming)) if value}
        lifted = set(change.suspension_kinds()) - on
        for kind, needed in self.spec.suspend_needs.items():
            if kind in on and needed in lifted:
                raise UsageError(f"--{kind}: {self.spec.label} suspends {kind} only together with {needed}",
                                 provider=self.provider)

    def check_alias_destination(self, destination: str) -> None:
        """UsageError for a destination this provider cannot forward to (a special target
        such as :fail: it has no equivalent of)."""
        if destination.startswith(":") and destination not in self.spec.special_destinations:
            have = ", ".join(self.spec.special_destinations) or "none"
            raise UsageError(f"--to {destination}: {self.spec.label} has no such target (it has: {have})",
                             provider=self.provider)

    def find_mailbox(self, address: "Address") -> "Mailbox | None":
        """The mailbox, or None when it does not exist (the ensure flags: pop create
        --exists-ok). One mailbox's read where the provider has one, else its domain's list."""
        from mailctl.errors import NotFound

        if self.spec.supports("pop show"):
            try:
                return self.get_mailbox(address)
            except NotFound:
                return None
        return next((m for m in self.list_mailboxes(address.domain) if m.address == str(address)), None)

    # -- credentials ---------------------------------------------------------------------
    def login(self, secret: str) -> None:
        """Check `secret` against the server (AuthError if refused); a provider with
        sessions also opens one and stores it through ctx.credentials. The CLI stores
        the secret only after this returns."""
        raise self._unsupported("session login")

    def status(self) -> str | None:
        """Check the stored credentials (AuthError if refused). Returns the provider
        session's state ("active", "renewed") or None for providers without sessions."""
        raise self._unsupported("session status")

    def logout(self) -> None:
        """End the provider session on the server, if the provider has sessions. The CLI
        forgets the local secrets afterwards whether or not this succeeds."""

    # -- domains and mailboxes ------------------------------------------------------------
    def list_domains(self) -> "list[Domain]":
        raise self._unsupported("domain list")

    def empty_domains_hint(self) -> Suggestion | None:
        """What to suggest when list_domains() found none (no request is made)."""
        return None

    def list_mailboxes(self, domain: str) -> "list[Mailbox]":
        raise self._unsupported("pop list")

    def create_mailbox(self, new: "NewMailbox") -> "Mailbox":
        raise self._unsupported("pop create")

    def delete_mailbox(self, address: "Address", *, keep_data: bool = False) -> None:
        raise self._unsupported("pop delete")

    def change_password(self, address: "Address", password: str, *, require_reset: bool = False) -> None:
        raise self._unsupported("passwd")

    def change_password_self(self, address: "Address", old_password: str, new_password: str) -> None:
        raise self._unsupported("passwd --self")

    def change_account_password(self, user: str, password: str, *, update_db: bool = True) -> "AccountPasswordChange":
        raise self._unsupported("account passwd")

    # -- the rest of a mailbox's life -------------------------------------------------------
    def get_mailbox(self, address: "Address") -> "Mailbox":
        """One mailbox, with its aliases where the panel links them; NotFound if missing.
        A provider with a per-mailbox call uses it rather than listing the domain."""
        raise self._unsupported("pop show")

    def change_mailbox(self, address: "Address", change: "MailboxChange") -> "Mailbox":
        """Apply what `change` gives (and nothing else); returns the mailbox as it is now.
        NotFound if missing."""
        raise self._unsupported("pop set")

    def list_aliases(self, domain: str) -> "list[Alias]":
        raise self._unsupported("alias list")

    def add_alias(self, address: "Address", destinations: "list[str]") -> "Alias":
        """Add destinations to the alias `address` (created if it does not exist), keeping
        the ones it has; returns the alias as it is now."""
        raise self._unsupported("alias add")

    def remove_alias(self, address: "Address", destinations: "list[str] | None" = None) -> "Alias | None":
        """Remove the given destinations (all of them, and so the alias, when None);
        returns what is left, or None when the alias is gone. NotFound if missing."""
        raise self._unsupported("alias remove")
