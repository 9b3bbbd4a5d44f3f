"""mailcow's REST API: `GET /api/v1/get/...` for reads, `POST /api/v1/{add|edit|delete}/...`
with a JSON body for writes, the profile's API key in `X-API-Key`.

What the wire does that matters here (the provider notes, "mailcow"):
- refusals come as HTTP 200 with `danger`/`error` entries: only `type` decides, and a
  mixed answer (success and danger) is settled by reading the mailbox again;
- 401 is a refused key, 403 on a write a read-only key: both AuthError (exit 4), never
  retried (failed keys feed mailcow's fail2ban);
- a 200 with an empty body means no key was accepted, never "no data";
- unknown objects are `{}`: NotFound is decided from reads, and a refused edit/delete of
  a missing mailbox (`access_denied`) is told apart from a real denial by a read too;
- quota is MiB on writes, bytes on reads.
The key is the whole credential (admin for the server); there are no sessions."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from mailctl.backends import base
from mailctl.backends import mailcow_parse as parse
from mailctl.backends.writes import settle_write
from mailctl.errors import (AlreadyExists, AuthError, BadResponse, MailctlError, NotFound, PermissionDenied,
                            ProviderRefused, TransportError, UsageError)
from mailctl.models import Alias, Domain, Mailbox, MailboxChange, NewMailbox
from mailctl.transport import parse_json
from mailctl.validation import Address

PROVIDER = "mailcow"
LABEL = "mailcow"
# mailcow strips every other character from the key; sending one would log in with a
# different key than the user typed (and requests cannot send non-Latin-1 headers).
_KEY = re.compile(r"[A-Za-z0-9-]+")
# Refusal keys that say the server did nothing (checked before anything is written).
NOTHING_DONE = frozenset({"object_exists", "is_alias", "is_alias_or_mailbox", "domain_not_found", "domain_invalid",
                          "mailbox_invalid", "password_mismatch", "mailbox_quota_exceeded",
                          "mailbox_quota_left_exceeded", "unlimited_quota_acl", "max_mbox_exceeded",
                          "quota_not_numeric", "access_denied"})


# What `active` cannot express, by whether the change lifts the login suspension (True)
# or asks for incoming alone (False).
_NO_INCOMING_ALONE = {
    False: "mailcow cannot refuse incoming mail to {address} while its login stays allowed (one `active` field: "
           "0 switches off both); nothing was changed: to stop both, run pop set {address} --suspend",
    True: "mailcow cannot allow login to {address} while incoming mail stays refused (one `active` field: 0 "
          "switches off both); nothing was changed: to lift both, run pop set {address} --unsuspend",
}


def api_prefix(base_url: str) -> str:
    """The API lives under /api/v1; a profile URL may name the host or end in /api/v1."""
    path = urlsplit(base_url).path.rstrip("/")
    return "" if path.endswith("/api/v1") else "/api/v1"


def checked_key(secret: str) -> str:
    key = secret.strip()
    if not _KEY.fullmatch(key):
        raise UsageError("a mailcow API key is letters, digits and '-' only (mailcow drops anything else): "
                         "check the key you gave", provider=PROVIDER)
    return key


class _Refused(ProviderRefused):
    """danger/error entries in a write answer (HTTP 200)."""

    def __init__(self, action: str, verdict: parse.Verdict):
        self.verdict = verdict
        shown = "; ".join(e.text for e in verdict.refusals) or "no success entry"
        super().__init__(f"mailcow refused {action}: {shown}", provider=PROVIDER)


class Backend(base.Backend):
    provider = PROVIDER

    def __init__(self, ctx: base.BackendContext):
        super().__init__(ctx)
        self._key: str | None = None

    # -- the wire --------------------------------------------------------------------------
    def _api_key(self) -> str:
        if self._key is None:
            self._key = checked_key(self.ctx.secret())
        return self._key

    def _request(self, method: str, path: str, *, body: Any = None, safe: bool, key: str | None = None,
                 login: bool = False) -> Any:
        key = key or self._api_key()
        self.ctx.transport.add_secret(key)
        prefix = api_prefix(self.ctx.profile.url)
        response = self.ctx.transport.request(method, f"{prefix}/{path}", json_body=body,
                                              headers={"X-API-Key": key, "Accept": "application/json"}, safe=safe,
                                              login=login)
        what = path.split("/")[0] + "/" + path.split("/")[1] if "/" in path else path
        status = response.status_code
        if 300 <= status < 400:
            raise BadResponse(f"mailcow answered {what} with a redirect (HTTP {status}) to "
                              f"{response.headers.get('Location', '?')}; redirects are not followed on API calls: "
                              "check the profile's URL", provider=PROVIDER)
        if status == 429:
            raise TransportError(f"mailcow turned {what} away: too many requests (HTTP 429)", provider=PROVIDER)
        if status >= 500:
            raise TransportError(f"mailcow failed while handling {what} (HTTP {status})", provider=PROVIDER)
        if status in (401, 403):
            raise self._auth_error(status, self._message(response), what)
        if status in (404, 405):
            raise BadResponse(f"mailcow answered {what} with HTTP {status} ({self._message(response) or 'no message'}):"
                              " check that the profile's URL is the mailcow server", provider=PROVIDER)
        if status >= 400:
            raise ProviderRefused(f"mailcow refused {what} (HTTP {status}): {self._message(response) or 'no message'}",
                                  provider=PROVIDER)
        if not response.content.strip():
            # No key accepted: mailcow answers an empty page, never an empty result.
            raise AuthError("mailcow answered with an empty page: the API key was not accepted",
                            provider=PROVIDER)
        return parse_json(response, LABEL)

    @staticmethod
    def _message(response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        msg = body.get("msg") if isinstance(body, dict) else None
        return msg.strip()[:200] if isinstance(msg, str) else ""

    @staticmethod
    def _auth_error(status: int, message: str, what: str) -> AuthError:
        if status == 403 and "read/write" in message:
            return PermissionDenied(f"mailcow refused {what}: the API key is read-only (HTTP 403: {message}); "
                             "writes need a read-write key", provider=PROVIDER)
        if status == 403:
            return PermissionDenied(f"mailcow denied {what} (HTTP 403: {message or 'forbidden'})", provider=PROVIDER)
        return AuthError(f"mailcow refused the API key (HTTP 401: {message or 'authentication failed'}); "
                         "it is not retried, as mailcow bans addresses after failed keys: check the key "
                         "and the key's IP allow-list", provider=PROVIDER)

    def _get(self, path: str) -> Any:
        return self._request("GET", f"get/{path}", safe=True)

    def _write(self, path: str, body: Any, expected: str, action: str) -> parse.Verdict:
        """Send a write once; its verdict if it was done, else _Refused."""
        answer = self._request("POST", path, body=body, safe=False)
        verdict = parse.parse_verdict(answer, expected, path)
        if not verdict.done:
            raise _Refused(action, verdict)
        return verdict

    # -- credentials -------------------------------------------------------------------------
    def login(self, secret: str) -> None:
        """A cheap read with the key; the CLI stores it only after this returned."""
        key = checked_key(secret)
        self.ctx.transport.add_secret(secret)
        self._check(key)

    def status(self) -> None:
        self._check(self._api_key())

    def _check(self, key: str) -> None:
        answer = self._request("GET", "get/status/version", safe=True, key=key, login=True)
        if not isinstance(answer, dict) or not isinstance(answer.get("version"), str):
            raise BadResponse(f"mailcow answered get/status/version with {str(answer)[:80]!r}", provider=PROVIDER)

    # -- domains -------------------------------------------------------------------------------
    def list_domains(self) -> list[Domain]:
        return [parse.parse_domain(item) for item in parse.rows(self._get("domain/all"), "get/domain/all")]

    def _has_domain(self, domain: str) -> bool:
        return parse.one(self._get(f"domain/{quote(domain, safe='')}"), "get/domain") is not None

    def _unknown_domain(self, domain: str) -> NotFound | None:
        """NotFound when the server has no domain `domain`; None when it has it or that
        cannot be read (the caller keeps its own failure)."""
        try:
            if self._has_domain(domain):
                return None
        except MailctlError:
            return None
        return NotFound(f"domain {domain} is not on this mailcow server", provider=PROVIDER)

    # -- mailboxes --------------------------------------------------------------------------------
    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        items = parse.rows(self._get(f"mailbox/all/{quote(domain, safe='')}"), "get/mailbox/all")
        mailboxes = [parse.parse_mailbox(item) for item in items]
        if not mailboxes:
            # `{}` is both "no mailboxes" and "no such domain".
            missing = self._unknown_domain(domain)
            if missing is not None:
                raise missing
        return [m for m in mailboxes if m.domain == domain]

    def _find(self, address: Address) -> Mailbox | None:
        item = parse.one(self._get(f"mailbox/{quote(str(address), safe='@')}"), "get/mailbox")
        return parse.parse_mailbox(item) if item is not None else None

    def _exists(self, address: Address) -> bool:
        return self._find(address) is not None

    def create_mailbox(self, new: NewMailbox) -> Mailbox:
        self.check_new_mailbox(new)
        address = new.address
        if not new.password:
            raise UsageError("the new mailbox's password is empty", provider=PROVIDER)
        body: dict[str, Any] = {"local_part": address.local, "domain": address.domain, "name": address.local,
                                "password": new.password, "password2": new.password, "active": 1,
                                "force_pw_update": 0}
        if new.quota_mb is not None:
            body["quota"] = new.quota_mb  # MiB; 0 = unlimited. Left out: the domain's default
        action = f"the creation of {address}"
        try:
            self._settle(lambda: self._write("add/mailbox", body, "mailbox_added", action),
                         applied=lambda: self._exists(address), action=action)
        except _Refused as refused:
            self._settle_refusal(refused, address, expect_exists=True, creating=True)
        found = self._find_quietly(address)
        if found is not None:
            return found
        return Mailbox(str(address), quota_mb=(new.quota_mb or None) if new.quota_mb is not None else None)

    def delete_mailbox(self, address: Address, *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        action = f"the deletion of {address}"
        try:
            self._settle(lambda: self._write("delete/mailbox", [str(address)], "mailbox_removed", action),
                         applied=lambda: not self._exists(address), action=action)
        except _Refused as refused:
            self._settle_refusal(refused, address, expect_exists=False)

    def change_password(self, address: Address, password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        if not password:
            raise UsageError("the new password is empty", provider=PROVIDER)
        attr: dict[str, Any] = {"password": password, "password2": password}
        if require_reset:
            attr["force_pw_update"] = 1
        action = f"the password change of {address}"
        try:
            # A password is invisible to reads: a lost answer stays ambiguous.
            self._settle(lambda: self._write("edit/mailbox", {"items": [str(address)], "attr": attr},
                                             "mailbox_modified", action), applied=None, action=action)
        except _Refused as refused:
            self._settle_refusal(refused, address, expect_exists=None)

    # -- one mailbox -------------------------------------------------------------------------------
    def get_mailbox(self, address: Address) -> Mailbox:
        """The mailbox, with the aliases that deliver to it (mailcow does not link them:
        its domain's aliases are read)."""
        found = self._find(address)
        if found is None:
            raise self._missing(address)
        linked = tuple(alias.address for alias in self.list_aliases(address.domain)
                       if str(address) in alias.destinations)
        return replace(found, aliases=linked)

    def find_mailbox(self, address: Address) -> Mailbox | None:
        return self._find(address)  # the ensure flags ask whether it exists: no aliases read

    def change_mailbox(self, address: Address, change: MailboxChange) -> Mailbox:
        """Quota (MiB) and `active`: 1 on, 2 login disallowed (mail still accepted), 0 off
        (no login and no delivery). mailcow has no "incoming refused, login allowed": a
        change that would need it is refused, never widened to switch login off too.
        Only what differs from the mailbox as read is sent; nothing when nothing does."""
        self.check_change(change)
        current = self._find(address)
        if current is None:
            raise self._missing(address)
        attr: dict[str, Any] = {}
        if change.quota_mb is not None and change.quota_mb != (current.quota_mb or 0):
            attr["quota"] = change.quota_mb  # MiB; 0 = unlimited
        if change.suspension_kinds():
            restrictions = current.restrictions or ()
            login = change.suspend_login if change.suspend_login is not None else "login" in restrictions
            incoming = change.suspend_incoming if change.suspend_incoming is not None else "incoming" in restrictions
            if incoming and not login:
                raise ProviderRefused(_NO_INCOMING_ALONE[change.suspend_login is False].format(address=address),
                                      provider=PROVIDER)
            active = 0 if incoming else 2 if login else 1
            if current.restrictions is None or active != parse.RESTRICTION_STATES[current.restrictions]:
                attr["active"] = active
        if not attr:
            return current
        wanted = parse.parse_mailbox({"username": str(address), "quota": attr.get("quota", 0) * parse.MIB,
                                      "active": attr.get("active", 1)})

        def applied() -> bool:
            now = self._find(address)
            return now is not None and ("quota" not in attr or now.quota_mb == wanted.quota_mb) and \
                ("active" not in attr or now.restrictions == wanted.restrictions)

        action = f"the change of {address}"
        try:
            self._settle(lambda: self._write("edit/mailbox", {"items": [str(address)], "attr": attr},
                                             "mailbox_modified", action), applied=applied, action=action)
        except _Refused as refused:
            keys = refused.verdict.keys()
            if "access_denied" in keys and not self._exists_or(address, True):
                raise self._missing(address) from None
            if keys <= NOTHING_DONE and not refused.verdict.mixed:
                raise refused from None
            if not applied():
                raise refused from None
            self.ctx.notice(f"mailcow answered {refused.message.removeprefix('mailcow refused ')}, "
                            "but the server shows the change was applied")
        now = self._find(address)
        if now is None:
            raise self._missing(address)
        return now

    # -- aliases (mailcow's forwarders) ------------------------------------------------------------
    def list_aliases(self, domain: str) -> list[Alias]:
        items = parse.rows(self._get(f"alias/all/{quote(domain, safe='')}"), "get/alias/all")
        aliases = [parse.parse_alias(item, "get/alias/all")[1] for item in items]
        if not aliases:
            missing = self._unknown_domain(domain)
            if missing is not None:
                raise missing
        return sorted((a for a in aliases if a.domain == domain), key=lambda a: a.address)

    def _alias(self, address: Address) -> tuple[int, Alias] | None:
        item = parse.one(self._get(f"alias/{quote(str(address), safe='@')}"), "get/alias")
        return parse.parse_alias(item) if item is not None else None

    def _destinations(self, address: Address) -> tuple[str, ...] | None:
        found = self._alias(address)
        return found[1].destinations if found is not None else None

    def add_alias(self, address: Address, destinations: list[str]) -> Alias:
        for destination in destinations:
            self.check_alias_destination(destination)
        wanted = tuple(dict.fromkeys(d.strip().lower() for d in destinations))
        if not wanted:
            raise UsageError("no destination given", provider=PROVIDER)
        found = self._alias(address)
        action = f"the alias {address}"
        if found is None:
            # active: 1 always: add does intval(active), so leaving it out makes it inactive.
            body: Any = {"address": str(address), "goto": ",".join(wanted), "active": 1}
            path, expected = "add/alias", "alias_added"
        else:
            alias_id, alias = found
            merged = alias.destinations + tuple(d for d in wanted if d not in alias.destinations)
            if merged == alias.destinations:
                raise AlreadyExists(f"{address} already forwards to {', '.join(wanted)}", provider=PROVIDER)
            body = {"items": [alias_id], "attr": {"goto": ",".join(merged)}}  # goto replaces the list
            path, expected = "edit/alias", "alias_modified"

        def applied() -> bool:
            now = self._alias(address)
            return now is not None and all(d in now[1].destinations for d in wanted)

        try:
            self._settle(lambda: self._write(path, body, expected, action), applied=applied, action=action)
        except _Refused as refused:
            keys = refused.verdict.keys()
            if "domain_not_found" in keys:
                raise NotFound(f"domain {address.domain} is not on this mailcow server", provider=PROVIDER) from None
            if found is None and "is_alias_or_mailbox" in keys and self._exists_or(address, False):
                raise ProviderRefused(f"mailcow cannot forward {address}: it is a mailbox, whose address mailcow "
                                      "keeps for the mailbox itself (forward its mail with a Sieve filter, or "
                                      "use another address for the alias)", provider=PROVIDER) from None
            raise refused from None  # a partial save (goto_invalid) included: the message names what was dropped
        now = self._alias(address)
        if now is None:
            raise BadResponse(f"mailcow reported {action} saved, but does not show it", provider=PROVIDER)
        return now[1]

    def remove_alias(self, address: Address, destinations: list[str] | None = None) -> Alias | None:
        found = self._alias(address)
        if found is None:
            raise self._unknown_domain(address.domain) or NotFound(f"no alias {address} on mailcow",
                                                                   provider=PROVIDER)
        alias_id, alias = found
        if destinations is not None:
            gone = tuple(dict.fromkeys(d.strip().lower() for d in destinations))
            absent = [d for d in gone if d not in alias.destinations]
            if absent:
                raise NotFound(f"{address} does not forward to {', '.join(absent)}", provider=PROVIDER)
            left = tuple(d for d in alias.destinations if d not in gone)
        else:
            left = ()
        action = f"the alias {address}"
        if left:
            self._settle(lambda: self._write("edit/alias", {"items": [alias_id], "attr": {"goto": ",".join(left)}},
                                             "alias_modified", action),
                         applied=lambda: self._destinations(address) == left,
                         action=action)
            return Alias(alias.address, left)
        try:
            self._settle(lambda: self._write("delete/alias", [alias_id], "alias_removed", action),
                         applied=lambda: self._alias(address) is None, action=action)
        except _Refused as refused:
            if self._alias(address) is not None:
                raise refused from None
        return None

    def _missing(self, address: Address) -> NotFound:
        return self._unknown_domain(address.domain) or NotFound(f"no mailbox {address} on mailcow", provider=PROVIDER)

    # -- settling refusals ----------------------------------------------------------------------
    def _settle(self, send: Callable[[], Any], *, applied: Callable[[], bool] | None, action: str) -> None:
        settle_write(send, applied=applied, action=action, provider=PROVIDER, notice=self.ctx.notice)

    def _find_quietly(self, address: Address) -> Mailbox | None:
        try:
            return self._find(address)
        except MailctlError:
            return None

    def _settle_refusal(self, refused: _Refused, address: Address, *, expect_exists: bool | None,
                        creating: bool = False) -> None:
        """A write answered with danger/error entries. A refusal whose key says nothing
        was done stands (NotFound where the mailbox or domain is missing). Any other -- a
        mixed answer, an unexpected key -- is settled by reading: mailcow has been seen
        refusing a create it carried out (issue #5292), and reporting that as a failure
        would make the user create it twice. Returns when the change is visible."""
        verdict = refused.verdict
        keys = verdict.keys()
        if "domain_not_found" in keys:
            raise NotFound(f"domain {address.domain} is not on this mailcow server", provider=PROVIDER) from None
        definite = bool(keys) and keys <= NOTHING_DONE and not verdict.mixed
        if definite and not creating:
            if not self._exists_or(address, True):
                raise self._unknown_domain(address.domain) or NotFound(
                    f"no mailbox {address} on mailcow", provider=PROVIDER) from None
            raise refused from None
        if definite or expect_exists is None:
            if verdict.mixed and expect_exists is None:
                raise AmbiguousAnswer(refused) from None
            raise refused from None
        if self._exists_or(address, not expect_exists) == expect_exists:
            self.ctx.notice(f"mailcow answered {refused.message.removeprefix('mailcow refused ')}, "
                            "but the server shows the change was applied")
            return
        raise refused from None

    def _exists_or(self, address: Address, fallback: bool) -> bool:
        try:
            return self._exists(address)
        except MailctlError:
            return fallback


class AmbiguousAnswer(ProviderRefused):
    """A password change answered with success and refusal entries at once: a password
    cannot be read back, so mailctl cannot tell which one holds."""

    def __init__(self, refused: _Refused):
        super().__init__(f"{refused.message} (the same answer also reports success: check the mailbox before "
                         "retrying)", provider=PROVIDER)
