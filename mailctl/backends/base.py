"""The one interface every provider backend implements, and what backends are handed.

Backends know their wire format and nothing else: they never print, prompt or exit.
They raise mailctl.errors classes and return mailctl.models objects. A capability a
provider lacks keeps the default here, which raises Unsupported naming provider and
command.

A provider's own input rules (names it refuses, options it lacks) live in the `check_*`
methods. They send nothing and need no password, so the CLI runs them before it prompts
and a bulk run runs them on every row before the first request; the write methods run
them again, so a direct caller is held to the same rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping

from mailctl import validation
from mailctl.errors import Unsupported, UsageError

if TYPE_CHECKING:
    from mailctl.config import Profile
    from mailctl.credentials import Credentials
    from mailctl.models import AccountPasswordChange, Domain, Mailbox, NewMailbox
    from mailctl.transport import Transport
    from mailctl.validation import Address


# The options of a new mailbox (the NewMailbox fields besides address and password), each
# with the command-line option that sets it and the bulk input file's column.
CREATE_OPTIONS: dict[str, tuple[str, str]] = {
    "quota_mb": ("--quota", "quota"),
    "send_limit": ("--send-limit", "send_limit"),
    "plan": ("--plan", "plan"),
    "first_name": ("--first-name", "first_name"),
    "last_name": ("--last-name", "last_name"),
}
_NOT_SHOWN = object()


class RefusedOption(UsageError):
    """A new-mailbox option (a CREATE_OPTIONS name) the provider refuses, or refuses this
    value of. Option and reason are kept apart so the single command can name its
    --option and a bulk run the file's column."""

    def __init__(self, provider: str, name: str, reason: str, value: Any = _NOT_SHOWN):
        self.name = name
        self.reason = reason
        self._shown = "" if value is _NOT_SHOWN else f" {value!r}"
        super().__init__(self._text(CREATE_OPTIONS[name][0]), provider=provider)

    @property
    def row_message(self) -> str:
        """The message for a bulk input row, naming the column."""
        return self._text(CREATE_OPTIONS[self.name][1])

    def _text(self, label: str) -> str:
        return f"{label}{self._shown}: {self.reason}"


@dataclass
class BackendContext:
    profile: "Profile"
    credentials: "Credentials"
    transport_factory: "Callable[[], Transport]"
    # Server warnings worth the user's attention (shown on stderr by the CLI).
    notice: Callable[[str], None] = lambda text: None
    # WHM: the cPanel account mailbox commands act on (None: look up the domain's owner).
    cpanel_user: str | None = None
    _transport: "Transport | None" = field(default=None, repr=False)

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
    # cPanel can delete a mailbox and keep its mail files; the others cannot.
    supports_keep_data: ClassVar[bool] = False
    # mailbox.org alone can make a user choose a new password at the next login.
    supports_require_reset: ClassVar[bool] = False
    # The CREATE_OPTIONS this provider's create uses. A value for any other is refused:
    # dropping it silently would create something other than what was asked for.
    create_options: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, ctx: BackendContext):
        self.ctx = ctx

    def _unsupported(self, command: str, hint: str | None = None) -> Unsupported:
        return Unsupported(self.provider, command, hint)

    def require(self, method: str, command: str) -> None:
        """Fail before any prompt or request when this provider lacks `method`."""
        if getattr(type(self), method) is getattr(Backend, method):
            raise self._unsupported(command)

    # -- the provider's input rules: no request, no password ---------------------------
    def check_new_mailbox(self, new: "NewMailbox") -> None:
        """UsageError (one line) when this provider would refuse to create `new` for its
        address or options. `new.password` is not looked at: it is asked for only after
        this passes."""
        validation.address(new.address)
        self.check_create_options({name: getattr(new, name) for name in CREATE_OPTIONS})

    def check_create_options(self, options: "Mapping[str, Any]") -> None:
        """RefusedOption for the first option (CREATE_OPTIONS name -> value, None when
        not given) this provider does not take, or takes no such value of."""
        for name, value in options.items():
            if value is not None and name not in self.create_options:
                raise RefusedOption(self.provider, name, self.option_not_taken(name))

    def option_not_taken(self, name: str) -> str:
        """Why a CREATE_OPTIONS option this provider lacks is refused."""
        return f"{self.provider} takes no {CREATE_OPTIONS[name][1].replace('_', ' ')}"

    def check_password_change(self, *, require_reset: bool = False) -> None:
        if require_reset and not self.supports_require_reset:
            raise UsageError(f"--require-reset: {self.provider} cannot force a password change at next login",
                             provider=self.provider)

    def check_delete(self, *, keep_data: bool = False) -> None:
        if keep_data and not self.supports_keep_data:
            raise UsageError(f"--keep-data: {self.provider} always deletes the mail with the mailbox",
                             provider=self.provider)

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
