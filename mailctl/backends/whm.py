"""WHM API 1 (`provider = "whm"`): a root or reseller token on the server.

- `account passwd` is WHM's own `passwd`. API 1 is asked for with `api.version=1` in the
  form body on every call: without it WHM silently answers with the deprecated API 0,
  whose parameters (`pass`, not `password`) and answer differ. A profile with
  `legacy_api` speaks the API 0 form for servers that know nothing else; answers of
  either shape are understood whatever was asked.
- `domain list` without an account lists every account's (`whm_accounts`, `listaccts`).
- Mailbox commands run the cPanel account's UAPI Email functions through
  `uapi_cpanel`, whose `data.uapi` is the same answer object cPanel gives, so the
  Email logic is `uapi.EmailAccount`, shared with the cpanel backend. The account is
  `--cpanel-user` / the profile's `cpanel_user`, else the domain's owner
  (`getdomainowner`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mailctl import validation
from mailctl.backends import base
from mailctl.backends.uapi import (
    EmailAccount,
    MailboxRules,
    PanelHttp,
    flag,
    message_list,
    refused,
    uapi_data,
)
from mailctl.backends.writes import settle_write
from mailctl.errors import BadResponse, MailctlError, NotFound, PermissionDenied, ProviderRefused, UsageError
from mailctl.models import AccountPasswordChange

if TYPE_CHECKING:
    from mailctl.models import Domain, Mailbox, NewMailbox
    from mailctl.validation import Address

LABEL = "WHM"
LEGACY_HINT = ("the server answered in the legacy API 0 form: if it speaks only that, add the profile again "
               "with {command}")
# A domain no server hosts: `getdomainowner` on it is the cheapest authenticated call the
# API offers without knowing anything about the server.
_PROBE_DOMAIN = "mailctl-login-check.invalid"


class _AclDenied(PermissionDenied):
    """A `cpanelresult` "Access denied": WHM accepted the token, whose ACLs do not cover
    the call (exit 4, never retried)."""


class Backend(MailboxRules):
    provider = "whm"

    def __init__(self, ctx: base.BackendContext):
        super().__init__(ctx)
        self.http = PanelHttp(ctx, provider=self.provider, label=LABEL, token_scheme="whm")
        self._owners: dict[str, str] = {}

    # -- the WHM envelope ------------------------------------------------------------------
    def _whm(self, function: str, fields: dict[str, str], *, safe: bool, action: str,
             secret: str | None = None, login: bool = False) -> Any:
        """Run an API 1 function; its `data`, or ProviderRefused when `metadata.result` is 0."""
        answer = self.http.post(f"/json-api/{function}", {"api.version": "1", **fields}, safe=safe, secret=secret,
                                login=login)
        return self._api1_data(answer, action)

    def _api1_data(self, answer: Any, action: str) -> Any:
        if not isinstance(answer, dict):
            raise BadResponse(f"WHM answered {action} with something that is not an object", provider=self.provider)
        envelope = self._cpanelresult_refusal(answer, action)
        if envelope is not None:
            raise envelope
        metadata = answer.get("metadata")
        if not isinstance(metadata, dict):
            if "statusmsg" in answer or "passwd" in answer:
                raise self._legacy_refusal(answer, action)
            raise BadResponse(f"WHM answered {action} without metadata", provider=self.provider)
        output = metadata.get("output") if isinstance(metadata.get("output"), dict) else {}
        for warning in message_list(output.get("warnings")):
            self.ctx.notice(f"WHM: {self.http.redact(warning)}")
        if not flag(metadata.get("result"), "metadata.result", self.provider):
            reason = [self.http.redact(text) for text in message_list(metadata.get("reason"))]
            raise refused(LABEL, action, reason, self.provider)
        return answer.get("data")

    def _cpanelresult_refusal(self, answer: dict, action: str) -> MailctlError | None:
        """WHM's other refusal: HTTP 200 with `{"cpanelresult": {"error": ..., "data":
        {"result": "0", "reason": ...}}}`, what it sends for a call the token's ACLs do
        not cover (and for cPanel API 2 failures). "Access denied" is a permission
        failure (exit 4); any other such refusal is the server saying no (exit 1)."""
        envelope = answer.get("cpanelresult")
        if not isinstance(envelope, dict) or "metadata" in answer:
            return None
        data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
        texts = message_list(envelope.get("error")) + message_list(data.get("reason"))
        reasons = [self.http.redact(text) for text in dict.fromkeys(texts)]
        result = data.get("result", envelope.get("result"))
        if not reasons and result not in (0, "0", False):
            return BadResponse(f"WHM answered {action} with a cpanelresult envelope mailctl cannot read",
                               provider=self.provider)
        if any("access denied" in text.lower() or "permission" in text.lower() for text in reasons):
            return _AclDenied(
                f"WHM denied {action} to {self.ctx.profile.user}: {reasons[0]} (the API token lacks the "
                "privilege (ACL) for it, or the account may not do this)",
                provider=self.provider, details=reasons[1:],
            )
        return refused(LABEL, action, reasons, self.provider)

    def _legacy_refusal(self, answer: dict, action: str) -> ProviderRefused | BadResponse:
        """An API 0 answer to an API 1 call: the server ignored api.version."""
        entry = _api0_entry(answer)
        if not isinstance(entry, dict) or entry.get("status") not in (0, "0", False):
            return BadResponse(f"WHM answered {action} in a form mailctl cannot read; {self._legacy_hint()}",
                               provider=self.provider)
        message = entry.get("statusmsg")
        error = refused(LABEL, action, [self.http.redact(text) for text in message_list(message)], self.provider)
        error.details.append(self._legacy_hint())
        return error

    def _legacy_hint(self) -> str:
        from mailctl.profile_command import replace_command

        return LEGACY_HINT.format(command=replace_command(self.ctx.profile, add=("--legacy-api",)))

    def _credentials_check(self, secret: str | None) -> None:
        # A server that speaks only API 0 refuses this too, which still proves the token;
        # so does a token whose ACLs leave this function out (WHM checked the token first).
        try:
            self._whm("getdomainowner", {"domain": _PROBE_DOMAIN}, safe=True,
                      action="the credentials check (getdomainowner)", secret=secret, login=True)
        except _AclDenied as denied:
            raise ProviderRefused(denied.message, provider=self.provider) from None

    # -- account passwd ------------------------------------------------------------------
    def change_account_password(self, user: str, password: str, *, update_db: bool = True) -> AccountPasswordChange:
        legacy = bool(self.ctx.option("legacy_api"))
        fields = {"user": user, "db_pass_update": "1" if update_db else "0"}
        if legacy:
            fields["pass"] = password
        else:
            fields["api.version"] = "1"
            fields["password"] = password
        action = f"changing the password of account {user}"

        def send() -> list[str]:
            answer = self.http.post("/json-api/passwd", fields, safe=False)
            return self._changed_services(answer, action, asked_legacy=legacy)

        # Nothing a read shows tells whether a password changed: a lost answer stays ambiguous.
        services = settle_write(send, applied=None, action=action, provider=self.provider, notice=self.ctx.notice)
        return AccountPasswordChange(user, services or [])

    def _changed_services(self, answer: Any, action: str, *, asked_legacy: bool) -> list[str]:
        """`data.app` of an API 1 answer, or `passwd[0].services[].app` of an API 0 one."""
        if isinstance(answer, dict) and "metadata" not in answer and "cpanelresult" not in answer:
            return self._api0_services(answer, action, asked_legacy=asked_legacy)
        data = self._api1_data(answer, action)
        apps = data.get("app") if isinstance(data, dict) else None
        return _service_names(apps, self.provider)

    def _api0_services(self, answer: dict, action: str, *, asked_legacy: bool) -> list[str]:
        entry = _api0_entry(answer)
        if not isinstance(entry, dict) or "status" not in entry:
            raise BadResponse(f"WHM answered {action} in the API 0 form without a status", provider=self.provider)
        if not flag(entry.get("status"), "passwd.status", self.provider):
            messages = [self.http.redact(text) for text in message_list(entry.get("statusmsg"))]
            error = refused(LABEL, action, messages, self.provider)
            if not asked_legacy:
                error.details.append(self._legacy_hint())
            raise error
        return _service_names(entry.get("services"), self.provider)

    # -- mailboxes through uapi_cpanel ---------------------------------------------------
    def _account(self, domain: str | None) -> str:
        """The cPanel account a mailbox command acts on: the chosen one, else the domain's owner."""
        if self.ctx.option("cpanel_user") is not None:
            return validation.account_user(self.ctx.option("cpanel_user"))
        if domain is None:
            raise UsageError("WHM: say which cPanel account with --cpanel-user USER "
                             "(or give the profile a default with profile add ... --cpanel-user USER)")
        if domain not in self._owners:
            self._owners[domain] = self._domain_owner(domain)
        return self._owners[domain]

    def _domain_owner(self, domain: str) -> str:
        data = self._whm("getdomainowner", {"domain": domain}, safe=True, action=f"looking up the owner of {domain}")
        if not isinstance(data, dict):
            raise BadResponse("WHM answered getdomainowner without data", provider=self.provider)
        owner = data.get("user")
        if owner is None or owner == "":
            raise NotFound(f"no cPanel account that {self.ctx.profile.user} can manage owns {domain}",
                           provider=self.provider)
        if not isinstance(owner, str):
            raise BadResponse(f"WHM answered getdomainowner with user={owner!r}", provider=self.provider)
        return owner

    def _email(self, domain: str | None) -> EmailAccount:
        return self._email_of(self._account(domain))

    def _email_of(self, account: str) -> EmailAccount:
        def call(function: str, params: dict[str, str], *, safe: bool, action: str) -> Any:
            fields = {"cpanel.user": account, "cpanel.module": "Email", "cpanel.function": function, **params}
            data = self._whm("uapi_cpanel", fields, safe=safe, action=f"{action} (as {account})")
            inner = data.get("uapi") if isinstance(data, dict) else None
            return uapi_data(inner, http=self.http, action=action, label=f"cPanel (account {account})")

        return EmailAccount(call, account=account, http=self.http)

    def _mail(self, domain: str) -> EmailAccount:
        return self._email(domain)

    def list_domains(self) -> "list[Domain]":
        if self.ctx.option("cpanel_user") is not None:
            return self._email(None).list_domains()
        # No account chosen: every account the login owns (root: all of them).
        from mailctl.backends import whm_accounts

        # WHM API 1's output columns: only the user names travel, not every account's record.
        data = self._whm("listaccts", {"api.columns.enable": "1", "api.columns.a": "user"}, safe=True,
                         action="listing the accounts (listaccts)")
        accounts = whm_accounts.account_names(data, self.provider)
        domains = whm_accounts.domains_of_accounts(accounts, lambda account: self._email_of(account).list_domains())
        for domain in domains:
            self._owners.setdefault(domain.name, domain.owner)  # no getdomainowner for them later
        return domains

    def list_mailboxes(self, domain: str) -> "list[Mailbox]":
        return self._email(domain).list_mailboxes(domain)

    def create_mailbox(self, new: "NewMailbox") -> "Mailbox":
        self.check_new_mailbox(new)  # before the owner lookup, so a bad name sends nothing
        return self._email(new.address.domain).create(new)

    def delete_mailbox(self, address: "Address", *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        self._email(address.domain).delete(str(address), keep_data=keep_data)

    def change_password(self, address: "Address", password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        self._email(address.domain).change_password(str(address), password)


def _api0_entry(answer: dict) -> Any:
    """API 0 wraps passwd's result in a one-element list; other functions answer flat."""
    entries = answer.get("passwd")
    if isinstance(entries, list):
        return entries[0] if entries else None
    return answer


def _service_names(apps: Any, provider: str) -> list[str]:
    """["system", "ftp", ...] (API 1), [{"app": "system"}, ...] (API 0), or the oldest
    form, {"system": 1, "ftp": 1, "mysql": 0} (the services flagged 1 changed)."""
    if apps is None:
        return []
    if isinstance(apps, dict):
        return [str(name) for name, changed in apps.items() if flag(changed, f"services.{name}", provider)]
    if not isinstance(apps, list):
        raise BadResponse(f"WHM listed the changed services as {str(apps)[:60]!r}", provider=provider)
    names = []
    for app in apps:
        name = app.get("app") if isinstance(app, dict) else app
        if not isinstance(name, str):
            raise BadResponse(f"WHM listed a changed service as {str(app)[:60]!r}", provider=provider)
        names.append(name)
    return names
