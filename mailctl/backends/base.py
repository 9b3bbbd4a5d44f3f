"""The one interface every provider backend implements, and what backends are handed.

Backends know their wire format and nothing else: they never print, prompt or exit.
They raise mailctl.errors classes and return mailctl.models objects. A capability a
provider lacks keeps the default here, which raises Unsupported naming provider and
command."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ClassVar

from mailctl.errors import Unsupported

if TYPE_CHECKING:
    from mailctl.config import Profile
    from mailctl.credentials import Credentials
    from mailctl.models import AccountPasswordChange, Domain, Mailbox, NewMailbox
    from mailctl.transport import Transport
    from mailctl.validation import Address


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

    def __init__(self, ctx: BackendContext):
        self.ctx = ctx

    def _unsupported(self, command: str, hint: str | None = None) -> Unsupported:
        return Unsupported(self.provider, command, hint)

    def require(self, method: str, command: str) -> None:
        """Fail before any prompt or request when this provider lacks `method`."""
        if getattr(type(self), method) is getattr(Backend, method):
            raise self._unsupported(command)

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
