"""cPanel UAPI (`provider = "cpanel"`): one cPanel account managing its own mailboxes.

Every call is `POST /execute/Email/<function>` with a form body (passwords never go in a
URL), authenticated as `Authorization: cpanel USER:TOKEN` for an API token or Basic auth
for a password. The Email-function logic lives in `uapi.py`, shared with WHM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mailctl.backends import base
from mailctl.backends.uapi import EmailAccount, MailboxRules, PanelHttp, uapi_data

if TYPE_CHECKING:
    from mailctl.models import Domain, Mailbox, NewMailbox
    from mailctl.validation import Address

LABEL = "cPanel"


class Backend(MailboxRules):
    provider = "cpanel"

    def __init__(self, ctx: base.BackendContext):
        super().__init__(ctx)
        self.http = PanelHttp(ctx, provider=self.provider, label=LABEL, token_scheme="cpanel")
        self.email = EmailAccount(self._call, account=ctx.profile.user, http=self.http)

    def _call(self, function: str, params: dict[str, str], *, safe: bool, action: str,
              secret: str | None = None) -> Any:
        answer = self.http.post(f"/execute/Email/{function}", params, safe=safe, secret=secret)
        return uapi_data(answer, http=self.http, action=action)

    def _mail(self, domain: str) -> EmailAccount:
        return self.email

    def _credentials_check(self, secret: str | None) -> None:
        self._call("list_mail_domains", {}, safe=True, action="listing the mail domains", secret=secret)

    # -- domains and mailboxes -------------------------------------------------------------
    def list_domains(self) -> "list[Domain]":
        return self.email.list_domains()

    def list_mailboxes(self, domain: str) -> "list[Mailbox]":
        return self.email.list_mailboxes(domain)

    def create_mailbox(self, new: "NewMailbox") -> "Mailbox":
        self.check_new_mailbox(new)
        return self.email.create(new)

    def delete_mailbox(self, address: "Address", *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        self.email.delete(str(address), keep_data=keep_data)

    def change_password(self, address: "Address", password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        self.email.change_password(str(address), password)
