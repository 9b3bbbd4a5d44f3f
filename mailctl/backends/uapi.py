"""cPanel's UAPI as the `cpanel` and `whm` backends both speak it.

Four pieces, written once:
- `MailboxRules`: the base of both backends, with what cPanel's Email module accepts
  (options, reserved names), checked before any request.
- `PanelHttp`: POSTs a form to a cPanel-family server with the profile's credentials and
  turns the HTTP layer's failures into errors (401/403 -> AuthError, never retried;
  other statuses -> TransportError; a body that is not JSON -> BadResponse).
- `uapi_data`: reads the bare UAPI answer object. cPanel answers HTTP 200 even when it
  refuses, so success is read from `status`, never from the HTTP code.
- `EmailAccount`: the Email-module functions of one cPanel account over any way of
  running UAPI (directly on cPanel, or through WHM's `uapi_cpanel`), including what
  to do after a refusal (decide "not found" from the server's state) and after a
  write whose answer was lost (read the state instead of sending it again).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from mailctl import validation
from mailctl.backends import base
from mailctl.backends.writes import settle_write
from mailctl.errors import AlreadyExists, AuthError, BadResponse, NotFound, ProviderRefused, TransportError, UsageError
from mailctl.models import Alias, Domain, Mailbox

if TYPE_CHECKING:
    from mailctl.backends.base import BackendContext
    from mailctl.models import MailboxChange, NewMailbox
    from mailctl.validation import Address

MB = 1024 * 1024
# cPanel and WHM API tokens are 32 upper-case letters and digits. Anything else is a
# password and goes as Basic auth; the servers take no other hint which one they got.
_API_TOKEN = re.compile(r"^[A-Z0-9]{32}$")
# cPanel keeps this local part for itself (wire notes).
RESERVED_LOCAL_PARTS = frozenset({"cpanel"})
_TRUE = (1, "1", True)
_FALSE = (0, "0", False)


def looks_like_api_token(secret: str) -> bool:
    return bool(_API_TOKEN.match(secret))


class PanelHttp:
    """HTTP to one cPanel or WHM server, as the profile's user."""

    def __init__(self, ctx: "BackendContext", *, provider: str, label: str, token_scheme: str):
        self.ctx = ctx
        self.provider = provider
        self.label = label  # "cPanel" / "WHM", for messages
        self.token_scheme = token_scheme  # the word before USER:TOKEN in the header

    def post(self, path: str, fields: dict[str, str], *, safe: bool, secret: str | None = None,
             login: bool = False) -> Any:
        """POST `fields` as a form body and return the decoded JSON answer. `safe` marks
        a read (retried on 5xx, 429 and connection errors); `secret` overrides the
        stored one (for checking a secret before it is stored); `login` marks the
        credentials check (sent at most twice, see Transport.request)."""
        from mailctl.transport import parse_json

        transport = self.ctx.transport
        if secret is None:
            secret = self.ctx.secret()
        else:
            transport.add_secret(secret)
        headers, auth = self._credentials(secret)
        response = transport.request("POST", path, data=fields, headers=headers, auth=auth, safe=safe,
                                     login=login)
        status = response.status_code
        if status in (401, 403):
            raise self._auth_error(status)
        if 300 <= status < 400:
            raise BadResponse(
                f"{self.label} answered with a redirect (HTTP {status}) instead of an API answer; "
                "not following it: check the profile's URL (https and the API port)",
                provider=self.provider,
            )
        if status != 200:
            raise TransportError(
                f"{self.label} answered HTTP {status} {response.reason or ''}".rstrip(), provider=self.provider
            )
        return parse_json(response, self.provider)

    def _credentials(self, secret: str) -> tuple[dict[str, str] | None, tuple[str, str] | None]:
        user = self.ctx.profile.user
        if looks_like_api_token(secret):
            return {"Authorization": f"{self.token_scheme} {user}:{secret}"}, None
        return None, (user, secret)

    def _auth_error(self, status: int) -> AuthError:
        return AuthError(
            f"{self.label} rejected the credentials of {self.ctx.profile.user} (HTTP {status}): the API token "
            "or password is wrong, expired, limited to other IP addresses or lacks a permission. "
            "Not retried: repeated failures lock the user or IP out (cPHulk)",
            provider=self.provider,
        )

    def redact(self, text: str) -> str:
        """A server message with every secret of this run blanked (panels may echo input)."""
        return self.ctx.transport.redact(text)


# -- the UAPI answer ---------------------------------------------------------------------


def message_list(value: Any) -> list[str]:
    """`errors` / `warnings` / `messages`: null, a string (some versions) or an array."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(item).strip() for item in items if item is not None and str(item).strip()]


def flag(value: Any, what: str, provider: str) -> bool:
    """A 1/0 field (also "1"/"0" and JSON booleans); anything else is a broken answer."""
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadResponse(f"{provider} answered {what}={value!r}, expected 1 or 0", provider=provider)


def refused(label: str, action: str, messages: list[str], provider: str) -> ProviderRefused:
    if not messages:
        return ProviderRefused(f"{label} refused {action} (it gave no reason)", provider=provider)
    return ProviderRefused(f"{label} refused {action}: {messages[0]}", provider=provider, details=messages[1:])


def uapi_data(answer: Any, *, http: PanelHttp, action: str, label: str | None = None) -> Any:
    """The `data` of a UAPI answer object; ProviderRefused with every message in `errors`
    when `status` is 0. Warnings go to the user through ctx.notice either way."""
    label = label or http.label
    provider = http.provider
    if not isinstance(answer, dict) or "status" not in answer:
        raise BadResponse(f"{label} answered {action} without a UAPI status", provider=provider)
    ok = flag(answer.get("status"), "status", provider)
    for warning in message_list(answer.get("warnings")):
        http.ctx.notice(f"{label}: {http.redact(warning)}")
    errors = [http.redact(text) for text in message_list(answer.get("errors"))]
    if not ok:
        raise refused(label, action, errors, provider)
    if errors:
        # status 1 beside errors: the server did not simply succeed, and whatever it did
        # is not "done". Its errors are the message; nothing is claimed as applied.
        raise ProviderRefused(
            f"{label} reported errors for {action} although its status says success: {errors[0]} "
            "(check whether the change took effect)",
            provider=provider, details=errors[1:],
        )
    return answer.get("data")


# -- numbers and entries in Email answers ------------------------------------------------


def _number(value: Any, what: str, provider: str) -> float | None:
    """A non-negative number sent as JSON number or numeric string; None if absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadResponse(f"{provider} answered {what}={value!r}, expected a number", provider=provider)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadResponse(f"{provider} answered {what}={value!r}, expected a number", provider=provider) from None
    if not math.isfinite(number) or number < 0:
        raise BadResponse(f"{provider} answered {what}={value!r}, expected a number", provider=provider)
    return number


def quota_mb_from_bytes(value: Any, provider: str) -> int | None:
    """`_diskquota` (bytes, 0 = unlimited) as whole MB; None for unlimited."""
    if isinstance(value, str) and value.strip().lower() in ("unlimited", "none", "\u221e"):
        return None
    number = _number(value, "_diskquota", provider)
    if not number:
        return None
    return max(1, round(number / MB))


def usage_bytes(value: Any, provider: str) -> int | None:
    number = _number(value, "_diskused", provider)
    return None if number is None else int(number)


def mailbox_from_entry(entry: Any, provider: str) -> Mailbox | None:
    """One `list_pops_with_disk` entry; None for the account's own system mailbox
    ("Main Account", whose `email` is the user name, not an address)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("email"), str):
        raise BadResponse(f"{provider} listed a mailbox without an email address: {str(entry)[:60]!r}",
                          provider=provider)
    address = entry["email"].strip().lower()
    if "@" not in address or entry.get("login") == "Main Account":
        return None
    restrictions, suspended = _restrictions(entry, provider)
    return Mailbox(
        address=address,
        quota_mb=quota_mb_from_bytes(entry.get("_diskquota"), provider),
        usage_bytes=usage_bytes(entry.get("_diskused"), provider),
        suspended=suspended,
        restrictions=restrictions,
    )


# The flags of a list_pops_with_disk entry, by the restriction each one means.
RESTRICTION_FLAGS = (
    ("login", "suspended_login"),
    ("incoming", "suspended_incoming"),
    ("outgoing", "suspended_outgoing"),
    ("hold_outgoing", "hold_outgoing"),
)


def _restrictions(entry: dict, provider: str) -> tuple[tuple[str, ...] | None, bool | None]:
    """What is suspended or held, and whether the mailbox counts as suspended (its login
    or its incoming mail is). A server that sends none of the flags but `has_suspended`
    says something is restricted without saying what: unknown (None) when it is set."""
    present = [(name, key) for name, key in RESTRICTION_FLAGS if key in entry]
    if not present:
        if "has_suspended" in entry and flag(entry.get("has_suspended"), "has_suspended", provider):
            return None, None
        return (), False
    restrictions = tuple(name for name, key in present if flag(entry.get(key), key, provider))
    return restrictions, "login" in restrictions or "incoming" in restrictions


def forwarders_from_rows(data: Any, provider: str) -> dict[str, list[str]]:
    """`list_forwarders`: one row per (forwarded address, destination). In cPanel's
    naming `dest` is the forwarded address and `forward` the destination."""
    if not isinstance(data, list):
        raise BadResponse(f"{provider} answered list_forwarders without a list", provider=provider)
    found: dict[str, list[str]] = {}
    for row in data:
        if not isinstance(row, dict) or not isinstance(row.get("dest"), str) \
                or not isinstance(row.get("forward"), str):
            raise BadResponse(f"{provider} listed a forwarder without dest and forward: {str(row)[:60]!r}",
                              provider=provider)
        address, destination = row["dest"].strip().lower(), row["forward"].strip().lower()
        if destination not in found.setdefault(address, []):
            found[address].append(destination)
    return found


def domain_names(data: Any, provider: str) -> list[str]:
    """`list_mail_domains`: `[{"domain": ...}, ...]` (plain strings understood too)."""
    if not isinstance(data, list):
        raise BadResponse(f"{provider} answered list_mail_domains without a list", provider=provider)
    names = []
    for item in data:
        name = item.get("domain") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise BadResponse(f"{provider} listed a mail domain without a name: {str(item)[:60]!r}",
                              provider=provider)
        names.append(name.strip().lower())
    return names


# -- the Email module of one account -----------------------------------------------------


class MailboxRules(base.Backend):
    """What cPanel's Email module accepts, whether UAPI runs directly (cpanel) or
    through WHM's uapi_cpanel (whm): both backends derive from this."""

    def check_new_mailbox(self, new: "NewMailbox") -> None:
        super().check_new_mailbox(new)
        local = new.address.local
        if local in RESERVED_LOCAL_PARTS:
            raise UsageError(f"invalid address {str(new.address)!r}: cPanel reserves the name {local!r}",
                             provider=self.provider)

    def _mail(self, domain: str) -> "EmailAccount":
        """The Email module of the account that holds `domain`."""
        raise NotImplementedError

    # -- the rest of a mailbox's life, the same over UAPI and WHM ---------------------
    def get_mailbox(self, address: "Address") -> Mailbox:
        return self._mail(address.domain).get(address)

    def change_mailbox(self, address: "Address", change: "MailboxChange") -> Mailbox:
        self.check_change(change)
        return self._mail(address.domain).change(address, change)

    def list_aliases(self, domain: str) -> "list[Alias]":
        return self._mail(domain).list_forwarders(domain)

    def add_alias(self, address: "Address", destinations: "list[str]") -> Alias:
        for destination in destinations:
            self.check_alias_destination(destination)
        return self._mail(address.domain).add_forwarder(address, destinations)

    def remove_alias(self, address: "Address", destinations: "list[str] | None" = None) -> "Alias | None":
        return self._mail(address.domain).remove_forwarder(address, destinations)

    # -- credentials: one cheap read, so a wrong token is one failure on the server's
    # lockout counter. Only a 401/403 says the credentials were refused; a refusal of the
    # read itself (a token without that ACL) still proves they were accepted.
    def login(self, secret: str) -> None:
        self._probe(secret)

    def status(self) -> str | None:
        self._probe(None)
        return None

    def _probe(self, secret: str | None) -> None:
        try:
            self._credentials_check(secret)
        except ProviderRefused as refusal:
            self.ctx.notice(f"the credentials were accepted, but {refusal.message}")

    def _credentials_check(self, secret: str | None) -> None:
        """The read that proves the credentials (`secret`, or the stored one if None)."""
        raise NotImplementedError


class UapiCall(Protocol):
    def __call__(self, function: str, params: dict[str, str], *, safe: bool, action: str) -> Any:
        """Run Email::`function` and return its `data` (ProviderRefused on status 0)."""


class EmailAccount:
    """The mailboxes of one cPanel account, over any way of running its UAPI calls."""

    def __init__(self, call: UapiCall, *, account: str, http: PanelHttp):
        self.call = call
        self.account = account
        self.http = http
        self.provider = http.provider

    # -- reads ---------------------------------------------------------------------------
    def domain_names(self) -> list[str]:
        data = self.call("list_mail_domains", {}, safe=True, action=f"listing the mail domains of {self.account}")
        return domain_names(data, self.provider)

    def list_domains(self) -> list[Domain]:
        return [Domain(name, owner=self.account) for name in self.domain_names()]

    def _mailboxes(self, domain: str) -> list[Mailbox]:
        data = self.call("list_pops_with_disk", {"domain": domain}, safe=True,
                         action=f"listing the mailboxes of {domain}")
        if not isinstance(data, list):
            raise BadResponse(f"{self.http.label} answered list_pops_with_disk without a list", provider=self.provider)
        boxes = [mailbox_from_entry(entry, self.provider) for entry in data]
        return sorted((b for b in boxes if b is not None and b.domain == domain), key=lambda b: b.address)

    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        try:
            boxes = self._mailboxes(domain)
        except ProviderRefused as refusal:
            self._explain(refusal, domain)
        # An unknown domain lists as empty rather than failing; the domain list tells.
        if not boxes and domain not in self.domain_names():
            raise self._unknown_domain(domain)
        return boxes

    def find(self, address: str) -> Mailbox | None:
        """One mailbox, asked for by address (`email=`), so the cost does not grow with
        the domain; the answer is still filtered, in case a server lists more."""
        domain = address.rpartition("@")[2]
        data = self.call("list_pops_with_disk", {"email": address, "domain": domain}, safe=True,
                         action=f"reading {address}")
        if not isinstance(data, list):
            raise BadResponse(f"{self.http.label} answered list_pops_with_disk without a list", provider=self.provider)
        boxes = (mailbox_from_entry(entry, self.provider) for entry in data)
        return next((b for b in boxes if b is not None and b.address == address), None)

    # -- writes --------------------------------------------------------------------------
    def create(self, new: "NewMailbox") -> Mailbox:
        """Create `new`; the backend has checked it against MailboxRules."""
        address = str(new.address)
        params = {"email": new.address.local, "domain": new.address.domain, "password": new.password}
        if new.quota_mb is not None:
            params["quota"] = str(new.quota_mb) if new.quota_mb else "unlimited"
        found: list[Mailbox] = []  # filled by the state check after a lost answer

        def visible() -> bool:
            mailbox = self.find(address)
            if mailbox is not None:
                found.append(mailbox)
            return mailbox is not None

        try:
            settle_write(
                lambda: self.call("add_pop", params, safe=False, action=f"creating {address}"),
                applied=visible, action=f"creating {address}", provider=self.provider, notice=self.http.ctx.notice,
            )
        except ProviderRefused as refusal:
            self._explain(refusal, new.address.domain)
        if found:
            return found[0]
        if new.quota_mb is not None:
            return Mailbox(address, quota_mb=new.quota_mb or None, usage_bytes=0, suspended=False)
        return self._read_back(address)

    def _read_back(self, address: str) -> Mailbox:
        """The new mailbox as the server stored it (its default quota is the server's)."""
        try:
            mailbox = self.find(address)
        except TransportError as exc:
            raise TransportError(f"created {address}, but reading it back failed: {exc.message}",
                                 provider=self.provider) from None
        if mailbox is None:
            raise BadResponse(f"{self.http.label} said it created {address}, but does not list it",
                              provider=self.provider)
        return mailbox

    def delete(self, address: str, *, keep_data: bool) -> None:
        local, _, domain = address.rpartition("@")
        params = {"email": local, "domain": domain}
        if keep_data:
            # Only flags=passwd keeps the mail files; any other value (or none) destroys them.
            params["flags"] = "passwd"
        try:
            settle_write(
                lambda: self.call("delete_pop", params, safe=False, action=f"deleting {address}"),
                applied=lambda: self.find(address) is None,
                action=f"deleting {address}", provider=self.provider, notice=self.http.ctx.notice,
            )
        except ProviderRefused as refusal:
            self._explain(refusal, domain, address)

    def change_password(self, address: str, password: str) -> None:
        local, _, domain = address.rpartition("@")
        params = {"email": local, "domain": domain, "password": password}
        try:
            # A password change leaves nothing a read could show, so a lost answer stays ambiguous.
            settle_write(
                lambda: self.call("passwd_pop", params, safe=False, action=f"changing the password of {address}"),
                applied=None, action=f"changing the password of {address}",
                provider=self.provider, notice=self.http.ctx.notice,
            )
        except ProviderRefused as refusal:
            self._explain(refusal, domain, address)

    # -- one mailbox ---------------------------------------------------------------------
    def _entry(self, address: str) -> dict | None:
        """The `list_pops_with_disk` row of one mailbox (looked up with `email`), or None."""
        data = self.call("list_pops_with_disk", {"email": address}, safe=True, action=f"reading {address}")
        if not isinstance(data, list):
            raise BadResponse(f"{self.http.label} answered list_pops_with_disk without a list", provider=self.provider)
        for entry in data:
            mailbox = mailbox_from_entry(entry, self.provider)
            if mailbox is not None and mailbox.address == address:
                return entry
        return None

    def _shown(self, address: "Address", *, aliases: bool) -> Mailbox:
        text = str(address)
        try:
            entry = self._entry(text)
        except ProviderRefused as refusal:
            self._explain(refusal, address.domain, text)
        if entry is None:
            if address.domain not in self.domain_names():
                raise self._unknown_domain(address.domain)
            raise NotFound(f"no mailbox {text} in account {self.account}", provider=self.provider)
        mailbox = mailbox_from_entry(entry, self.provider)
        linked = None
        if aliases:
            linked = tuple(sorted(a for a, dests in self._forwarders(address.domain).items() if text in dests))
        return replace(mailbox, aliases=linked)

    def get(self, address: "Address") -> Mailbox:
        return self._shown(address, aliases=True)

    def change(self, address: "Address", change: "MailboxChange") -> Mailbox:
        text = str(address)
        if change.quota_mb is not None:
            quota = change.quota_mb
            params = {"email": address.local, "domain": address.domain,
                      "quota": str(quota) if quota else "unlimited"}
            self._write("edit_pop_quota", params, f"changing the quota of {text}", address.domain, mailbox=text,
                        applied=lambda: self._shown(address, aliases=False).quota_mb == (quota or None))
        for kind, value in (("login", change.suspend_login), ("incoming", change.suspend_incoming)):
            if value is None:
                continue
            function = f"{'' if value else 'un'}suspend_{kind}"
            self._write(function, {"email": text}, f"{function.replace('_', ' ')} of {text}", address.domain,
                        mailbox=text,
                        applied=lambda k=kind, v=value: (k in self._shown(address, aliases=False).restrictions) is v)
        return self._shown(address, aliases=False)

    def _write(self, function: str, params: dict[str, str], action: str, domain: str, *, applied,
               mailbox: str | None = None) -> None:
        """One write, sent once: a lost answer is settled by `applied` (a read), a refusal
        explained from the state of `domain` (and of `mailbox`, when it is about one)."""
        try:
            settle_write(lambda: self.call(function, params, safe=False, action=action),
                         applied=applied, action=action, provider=self.provider, notice=self.http.ctx.notice)
        except ProviderRefused as refusal:
            self._explain(refusal, domain, mailbox)

    # -- forwarders ----------------------------------------------------------------------
    def _forwarders(self, domain: str) -> dict[str, list[str]]:
        try:
            data = self.call("list_forwarders", {"domain": domain}, safe=True,
                             action=f"listing the forwarders of {domain}")
        except ProviderRefused as refusal:
            self._explain(refusal, domain)
        return forwarders_from_rows(data, self.provider)

    def list_forwarders(self, domain: str) -> list[Alias]:
        found = self._forwarders(domain)
        if not found and domain not in self.domain_names():
            raise self._unknown_domain(domain)
        return [Alias(address, tuple(dests)) for address, dests in sorted(found.items())
                if address.rpartition("@")[2] == domain]

    def add_forwarder(self, address: "Address", destinations: list[str]) -> Alias:
        text = str(address)
        current = self._forwarders(address.domain).get(text, [])
        wanted = list(dict.fromkeys(d.lower() for d in destinations))
        new = [d for d in wanted if d not in current]
        if not new:
            raise AlreadyExists(f"{text} already forwards to {', '.join(wanted)}", provider=self.provider)
        params = {"domain": address.domain, "email": text, "fwdopt": "fwd", "fwdemail": ",".join(new)}

        def applied() -> bool:
            now = self._forwarders(address.domain).get(text, [])
            return all(d in now for d in new)

        self._write("add_forwarder", params, f"adding a forwarder {text} to {', '.join(new)}", address.domain,
                    applied=applied)
        return Alias(text, tuple(current + new))

    def remove_forwarder(self, address: "Address", destinations: "list[str] | None") -> "Alias | None":
        text = str(address)
        current = self._forwarders(address.domain).get(text)
        if not current:
            if address.domain not in self.domain_names():
                raise self._unknown_domain(address.domain)
            raise NotFound(f"no forwarder {text} in account {self.account}", provider=self.provider)
        gone = list(dict.fromkeys(d.lower() for d in destinations)) if destinations else list(current)
        missing = [d for d in gone if d not in current]
        if missing:
            raise NotFound(f"{text} does not forward to {', '.join(missing)}", provider=self.provider)
        # One delete_forwarder per destination: each is its own write, settled on its own.
        for destination in gone:
            self._write("delete_forwarder", {"address": text, "forwarder": destination},
                        f"removing the forwarder {text} to {destination}", address.domain,
                        applied=lambda d=destination: d not in self._forwarders(address.domain).get(text, []))
        left = tuple(d for d in current if d not in gone)
        return Alias(text, left) if left else None

    # -- refusals ------------------------------------------------------------------------
    def _explain(self, refusal: ProviderRefused, domain: str, address: str | None = None) -> NoReturn:
        """Re-raise a refusal as NotFound when the server's state shows the domain or the
        mailbox does not exist; else raise it as it came (the server's own words). If
        the state cannot be read, the refusal stands."""
        try:
            domain_known = domain in self.domain_names()
            mailbox_known = domain_known and (address is None or self.find(address) is not None)
        except (ProviderRefused, TransportError, AuthError):
            raise refusal from None
        if not domain_known:
            raise self._unknown_domain(domain) from None
        if not mailbox_known:
            raise NotFound(f"no mailbox {address} in account {self.account}", provider=self.provider,
                           details=[refusal.message]) from None
        raise refusal

    def _unknown_domain(self, domain: str) -> NotFound:
        return NotFound(f"{domain} is not a mail domain of account {self.account}", provider=self.provider)
