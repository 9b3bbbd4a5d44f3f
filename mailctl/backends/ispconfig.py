"""ISPConfig 3 remote API, JSON flavour: `POST <panel>/remote/json.php?<function>` with a
JSON object of the function's parameters; a session id from `login` goes in the body of
every later call (`session_id`).

Every answer is HTTP 200: `{"code": "ok", "response": ...}` or `{"code": "remote_fault",
"message": ...}`. JSON drops the SOAP fault codes, so the few messages that matter are
matched exactly (SESSION_EXPIRED, NO_PERMISSION, the login failures). Sessions last 30
minutes from login: a call refused with SESSION_EXPIRED logs in again once and is
repeated. Every remote function checks the session before it does anything, so a write
refused that way was not applied and repeating it cannot apply it twice.

Writes are accepted into the panel's job queue (the server's cron applies them within a
minute); the first accepted write of a run says so through ctx.notice. Not found is
an `ok` answer with an empty response, and `*_update`/`*_delete` answer 0 affected rows
without complaint: both are decided by reading."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from mailctl.backends import base
from mailctl.backends.writes import settle_write
from mailctl.errors import AuthError, BadResponse, NotFound, PermissionDenied, ProviderRefused, TransportError
from mailctl.models import Domain, Mailbox, NewMailbox
from mailctl.transport import parse_json
from mailctl.validation import Address

PROVIDER = "ispconfig"
LABEL = "ISPConfig"
ENDPOINT = "/remote/json.php"
MB = 1024 * 1024

SESSION_EXPIRED = "The Session is expired or does not exist."
NO_PERMISSION = "You do not have the permissions to access this function."
LOGIN_FAILED = "The login failed. Username or password wrong."
LOGIN_NOT_ALLOWED = "The login is not allowed from"
ACCEPTED = "ISPConfig accepted the change into its job queue: the server applies it within a minute"


def endpoint_path(base_url: str) -> str:
    """The API is /remote/json.php under the panel's URL; a profile URL may name it too."""
    path = urlsplit(base_url).path.rstrip("/")
    if path.endswith(ENDPOINT):
        return ""
    if path.endswith("/remote"):
        return "/json.php"
    return ENDPOINT


class Fault(Exception):
    """A `remote_fault` (or other non-ok code): the backend decides what it means."""

    def __init__(self, function: str, code: str, message: str):
        super().__init__(f"{function}: {code}: {message}")
        self.function = function
        self.code = code
        self.message = message

    def lines(self) -> list[str]:
        return [line.strip() for line in self.message.splitlines() if line.strip()]


class _SessionExpired(Exception):
    pass


class Backend(base.Backend):
    provider = PROVIDER

    def __init__(self, ctx: base.BackendContext):
        super().__init__(ctx)
        self._session: str | None = None
        self.renewed = False
        self._session_lock = threading.Lock()
        self._announced = False
        self._announce_lock = threading.Lock()
        self._path: str | None = None
        self._clients: dict[str, int] = {}
        self._server: dict[str, Any] | None = None

    # -- the envelope ------------------------------------------------------------------
    def _post(self, function: str, params: dict[str, Any], *, safe: bool, login: bool = False) -> Any:
        if self._path is None:
            self._path = endpoint_path(self.ctx.profile.url)
        response = self.ctx.transport.request("POST", f"{self._path}?{function}", json_body=params, safe=safe,
                                              login=login)
        status = response.status_code
        if 300 <= status < 400:
            raise BadResponse(f"{LABEL} answered {function} with a redirect (HTTP {status}) to "
                              f"{response.headers.get('Location', '?')}; redirects are not followed on API calls: "
                              "check the profile's URL", provider=PROVIDER)
        if status == 429 or status >= 500:
            raise TransportError(f"{LABEL} failed while handling {function} (HTTP {status})", provider=PROVIDER)
        if status >= 400:
            raise BadResponse(f"{LABEL} answered {function} with HTTP {status}", provider=PROVIDER)
        try:
            payload = parse_json(response, LABEL)
        except BadResponse as unreadable:
            text = response.content[:200].decode("utf-8", "replace")
            if "Remote API is disabled" in text:
                raise ProviderRefused(f"{LABEL}'s remote API is disabled (System > Security settings)",
                                      provider=PROVIDER) from None
            unreadable.provider = PROVIDER
            raise
        if not isinstance(payload, dict) or not isinstance(payload.get("code"), str):
            raise BadResponse(f"{LABEL} answered {function} with something that is not a remote API answer",
                              provider=PROVIDER)
        if payload["code"] != "ok":
            message = payload.get("message")
            raise Fault(function, payload["code"], message.strip() if isinstance(message, str) and message.strip()
                        else "(no message)")
        if "response" not in payload:
            raise BadResponse(f"{LABEL} answered {function} without a response", provider=PROVIDER)
        return payload["response"]

    # -- sessions ------------------------------------------------------------------------
    def login(self, secret: str) -> None:
        self.ctx.transport.add_secret(secret)
        self._open_session(secret)

    def status(self) -> str:
        self._call("mail_domain_get", {"primary_id": -1}, safe=True)
        return "renewed" if self.renewed else "active"

    def logout(self) -> None:
        session = self._stored_session()
        if session is None:
            return
        try:
            self._post("logout", {"session_id": session}, safe=True)
        except Fault as fault:
            if fault.message != SESSION_EXPIRED:
                raise self._refused(fault) from None
        finally:
            self.ctx.credentials.forget_session()
            self._session = None

    def _stored_session(self) -> str | None:
        if self._session is None:
            stored = self.ctx.credentials.session()
            if stored:
                self.ctx.transport.add_secret(stored)
                self._session = stored
        return self._session

    def _open_session(self, secret: str) -> str:
        user = self.ctx.profile.user
        try:
            session = self._post("login", {"username": user, "password": secret}, safe=True, login=True)
        except Fault as fault:
            if fault.message == LOGIN_FAILED or fault.message.startswith(LOGIN_NOT_ALLOWED) \
                    or "login" in fault.message.lower():
                raise AuthError(f"{LABEL} refused the login of remote user {user!r}: {fault.message}",
                                provider=PROVIDER) from None
            raise self._refused(fault) from None
        if not isinstance(session, str) or not session:
            raise BadResponse(f"{LABEL} answered login without a session id", provider=PROVIDER)
        self.ctx.transport.add_secret(session)
        self.ctx.credentials.store_session(session)
        self._session = session
        self.renewed = True
        return session

    def _renew_session(self, stale: str | None) -> str:
        with self._session_lock:
            if self._session is not None and self._session != stale:
                return self._session  # another worker renewed it meanwhile
            if stale is not None:
                self.ctx.credentials.forget_session()
                self._session = None
            return self._open_session(self.ctx.secret())

    def _call(self, function: str, params: dict[str, Any], *, safe: bool) -> Any:
        """One call with the session, logging in at most once: when none is stored, or
        when the server says the stored one expired."""
        session = self._stored_session()
        if session is not None:
            try:
                return self._send(session, function, params, safe)
            except _SessionExpired:
                pass
        session = self._renew_session(session)
        try:
            return self._send(session, function, params, safe)
        except _SessionExpired:
            raise AuthError(f"{LABEL} rejected the session it had just issued ({function})",
                            provider=PROVIDER) from None

    def _send(self, session: str, function: str, params: dict[str, Any], safe: bool) -> Any:
        try:
            return self._post(function, {"session_id": session, **params}, safe=safe)
        except Fault as fault:
            if fault.message == SESSION_EXPIRED:
                raise _SessionExpired() from None
            if fault.message == NO_PERMISSION:
                raise PermissionDenied(f"{LABEL} remote user {self.ctx.profile.user!r} may not call {function} "
                                "(grant its function group under System > Remote Users)", provider=PROVIDER) from None
            raise self._refused(fault) from None

    def _refused(self, fault: Fault) -> ProviderRefused:
        lines = fault.lines() or [fault.message]
        return ProviderRefused(f"{LABEL} refused {fault.function}: {lines[0]}", provider=PROVIDER,
                               details=lines[1:])

    def _accepted(self) -> None:
        with self._announce_lock:
            if not self._announced:
                self._announced = True
                self.ctx.notice(ACCEPTED)

    # -- domains -------------------------------------------------------------------------
    def list_domains(self) -> list[Domain]:
        rows = self._call("mail_domain_get", {"primary_id": -1}, safe=True)
        if rows in (None, False, ""):
            rows = []
        if not isinstance(rows, list):
            raise _bad("mail_domain_get", "something that is not a list of domains")
        return [Domain(_text(row, "domain", "mail_domain_get").lower()) for row in rows]

    def _domain(self, name: str) -> dict[str, Any]:
        """The primary mail domain `name` (NotFound if the panel has none)."""
        rows = self._call("mail_domain_get_by_domain", {"domain": name}, safe=True)
        if rows in (None, False, "", []):
            raise NotFound(f"no mail domain {name} on {LABEL}", provider=PROVIDER)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _bad("mail_domain_get_by_domain", "something that is not a list of domains")
        row = next((r for r in rows if str(r.get("domain", "")).lower() == name), None)
        if row is None:
            raise NotFound(f"no mail domain {name} on {LABEL}", provider=PROVIDER)
        return row

    def _client_id(self, domain_row: dict[str, Any]) -> int:
        sys_userid = str(domain_row.get("sys_userid", ""))
        if not sys_userid.isdigit():
            raise _bad("mail_domain_get_by_domain", "a domain without a numeric sys_userid")
        if sys_userid not in self._clients:
            client_id = _number(self._call("client_get_id", {"sys_userid": int(sys_userid)}, safe=True),
                                "client_get_id")
            self._clients[sys_userid] = client_id
        return self._clients[sys_userid]

    def _mail_settings(self, server_id: int) -> dict[str, Any]:
        if self._server is None:
            found = self._call("server_get", {"server_id": server_id, "section": "mail"}, safe=True)
            self._server = found if isinstance(found, dict) else {}
        return self._server

    # -- mailboxes -----------------------------------------------------------------------
    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        self._domain(domain)
        return [parse_mailbox(row) for row in self._rows(f"%@{domain}")
                if str(row.get("email", "")).lower().endswith("@" + domain)]

    def _rows(self, pattern: str) -> list[dict[str, Any]]:
        rows = self._call("mail_user_get", {"primary_id": {"email": pattern}}, safe=True)
        if rows in (None, False, ""):
            return []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _bad("mail_user_get", "something that is not a list of mail users")
        return rows

    def _record(self, address: Address) -> dict[str, Any] | None:
        """The mail_user row of `address`, or None. The filter is SQL LIKE, where `_`
        matches any character: only the exact address counts."""
        wanted = str(address)
        return next((r for r in self._rows(wanted) if str(r.get("email", "")).lower() == wanted), None)

    def _existing(self, address: Address) -> dict[str, Any]:
        row = self._record(address)
        if row is None:
            self._domain(address.domain)
            raise NotFound(f"no mailbox {address} on {LABEL}", provider=PROVIDER)
        return row

    def create_mailbox(self, new: NewMailbox) -> Mailbox:
        self.check_new_mailbox(new)
        address = new.address
        domain = self._domain(address.domain)
        client_id = self._client_id(domain)
        server = str(domain.get("server_id", ""))
        server_id = int(server) if server.isdigit() else 1  # the domain's mail server
        mail = self._mail_settings(server_id)
        maildir = str(mail.get("maildir_path") or "/var/vmail/[domain]/[localpart]")
        maildir = maildir.replace("[domain]", address.domain).replace("[localpart]", address.local)
        params: dict[str, Any] = {
            "server_id": server_id, "email": str(address), "login": str(address), "password": new.password,
            "name": address.local, "quota": (new.quota_mb or 0) * MB, "maildir": maildir,
            "homedir": str(mail.get("homedir_path") or "/var/vmail"),
            "uid": str(mail.get("mailuser_uid") or "5000"), "gid": str(mail.get("mailuser_gid") or "5000"),
            "postfix": "y", "disableimap": "n", "disablepop3": "n", "disablesmtp": "n", "disabledeliver": "n",
        }
        seen: list[dict[str, Any] | None] = []

        def created() -> bool:
            seen.append(self._record(address))
            return seen[-1] is not None

        new_id = settle_write(lambda: _number(self._call("mail_user_add", {"client_id": client_id, "params": params},
                                                          safe=False), "mail_user_add"),
                              applied=created, action=f"creating {address}", provider=PROVIDER, notice=self.ctx.notice)
        if new_id is None:
            return parse_mailbox(seen[-1])
        self._accepted()
        return Mailbox(str(address), quota_mb=new.quota_mb or None, usage_bytes=None, suspended=False)

    def delete_mailbox(self, address: Address, *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        row = self._existing(address)
        primary_id = _id(row)
        affected = settle_write(lambda: self._call("mail_user_delete", {"primary_id": primary_id}, safe=False),
                                applied=lambda: self._record(address) is None, action=f"deleting {address}",
                                provider=PROVIDER, notice=self.ctx.notice)
        if affected is None:
            return
        if affected in (0, "0") and self._record(address) is not None:
            raise ProviderRefused(f"{LABEL} deleted nothing for {address} (mail_user_delete answered 0)",
                                  provider=PROVIDER)
        self._accepted()

    def _update(self, address: Address, row: dict[str, Any], changes: dict[str, Any], action: str,
                applied: Any) -> None:
        """mail_user_update with only the changes, plus `email` (which the function
        checks before merging). The record read from the panel is never sent back: its
        `password` is the stored hash and would be hashed again."""
        primary_id = _id(row)
        client_id = self._client_id(self._domain(address.domain))
        body = {"client_id": client_id, "primary_id": primary_id, "params": {"email": str(address), **changes}}
        affected = settle_write(lambda: self._call("mail_user_update", body, safe=False), applied=applied,
                                action=action, provider=PROVIDER, notice=self.ctx.notice)
        if affected is None:
            return
        if affected in (0, "0") and self._record(address) is None:
            raise NotFound(f"no mailbox {address} on {LABEL}", provider=PROVIDER)
        self._accepted()

    def change_password(self, address: Address, password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        row = self._existing(address)
        # A password change is invisible to reads: a lost answer stays ambiguous.
        self._update(address, row, {"password": password}, f"changing the password of {address}", None)


# -- parsing answers: junk becomes BadResponse ---------------------------------------------

def _bad(function: str, why: str) -> BadResponse:
    return BadResponse(f"{LABEL} answered {function} with {why}", provider=PROVIDER)


def _number(value: Any, function: str) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or isinstance(value, str) and value.isdigit()):
        raise _bad(function, f"{str(value)[:80]!r} instead of a number")
    return int(value)


def _id(row: dict[str, Any]) -> int:
    return _number(row.get("mailuser_id"), "mail_user_get")


def _text(row: Any, key: str, function: str) -> str:
    value = row.get(key) if isinstance(row, dict) else None
    if not isinstance(value, str) or not value:
        raise _bad(function, f"an entry without {key}: {str(row)[:80]!r}")
    return value


def parse_mailbox(row: Any) -> Mailbox:
    """A Mailbox from a mail_user row (MySQL values arrive as strings; quota in bytes,
    0 = unlimited). mail_user_get carries no usage: it is not known (null)."""
    address = _text(row, "email", "mail_user_get").lower()
    if "@" not in address:
        raise _bad("mail_user_get", f"an entry without a mail address: {address[:80]!r}")
    quota = row.get("quota")
    quota_bytes = _number(quota, "mail_user_get") if quota not in (None, "", "-1", -1) else 0
    restrictions = []
    if "y" in (row.get("disableimap"), row.get("disablepop3"), row.get("disablesmtp")):
        restrictions.append("login")
    if row.get("postfix") == "n" or row.get("disabledeliver") == "y":
        restrictions.append("incoming")
    return Mailbox(address, quota_mb=-(-quota_bytes // MB) if quota_bytes else None, usage_bytes=None,
                   suspended=bool(restrictions), restrictions=tuple(restrictions))
