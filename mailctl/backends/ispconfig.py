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
minute); the spec's `applies_later` makes the output say "accepted". Not found is an
`ok` answer with an empty response, and `*_update`/`*_delete` answer 0 affected rows
without complaint: both are decided by reading.

Forwards and aliases share one table (`mail_forwarding`, told apart by `type`), and
`mail_forward_add` is not idempotent (a second add is a second row): every route write
is decided from a fresh read, and a lost answer is settled by reading, never re-sent."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any, Callable
from urllib.parse import urlsplit

from mailctl.backends import base
from mailctl.backends.writes import settle_write
from mailctl.backends.ispconfig_parse import (
    LABEL, MB, PROVIDER, Route, bad, destination_text, number, parse_mailbox, parse_route, rows, text,
)
from mailctl.errors import (
    AlreadyExists, AuthError, BadResponse, NotFound, PermissionDenied, ProviderRefused, TransportError, UsageError,
)
from mailctl.models import Alias, Domain, Mailbox, MailboxChange, NewMailbox
from mailctl.transport import parse_json
from mailctl.validation import Address

ENDPOINT = "/remote/json.php"

SESSION_EXPIRED = "The Session is expired or does not exist."
NO_PERMISSION = "You do not have the permissions to access this function."
LOGIN_FAILED = "The login failed. Username or password wrong."
LOGIN_NOT_ALLOWED = "The login is not allowed from"
# pop set --suspend: the mail_user switches of each kind, and their value when suspended.
LOGIN_SWITCHES = ("disableimap", "disablepop3", "disablesmtp")


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

    # -- domains -------------------------------------------------------------------------
    def list_domains(self) -> list[Domain]:
        found = rows(self._call("mail_domain_get", {"primary_id": -1}, safe=True), "mail_domain_get", "domains")
        return [Domain(text(row, "domain", "mail_domain_get").lower()) for row in found]

    def _domain(self, name: str) -> dict[str, Any]:
        """The primary mail domain `name` (NotFound if the panel has none)."""
        found = rows(self._call("mail_domain_get_by_domain", {"domain": name}, safe=True),
                     "mail_domain_get_by_domain", "domains")
        row = next((r for r in found if str(r.get("domain", "")).lower() == name), None)
        if row is None:
            raise NotFound(f"no mail domain {name} on {LABEL}", provider=PROVIDER)
        return row

    def _client_id(self, domain_row: dict[str, Any]) -> int:
        sys_userid = str(domain_row.get("sys_userid", ""))
        if not sys_userid.isdigit():
            raise bad("mail_domain_get_by_domain", "a domain without a numeric sys_userid")
        if sys_userid not in self._clients:
            client_id = number(self._call("client_get_id", {"sys_userid": int(sys_userid)}, safe=True),
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
        return rows(self._call("mail_user_get", {"primary_id": {"email": pattern}}, safe=True), "mail_user_get",
                    "mail users")

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
        server_id = _server_id(domain)
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

        new_id = settle_write(lambda: number(self._call("mail_user_add", {"client_id": client_id, "params": params},
                                                         safe=False), "mail_user_add"),
                              applied=created, action=f"creating {address}", provider=PROVIDER, notice=self.ctx.notice)
        if new_id is None:
            return parse_mailbox(seen[-1])
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

    def _update(self, address: Address, row: dict[str, Any], changes: dict[str, Any], action: str,
                applied: Callable[[], bool] | None) -> None:
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

    def change_password(self, address: Address, password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        row = self._existing(address)
        # A password change is invisible to reads: a lost answer stays ambiguous.
        self._update(address, row, {"password": password}, f"changing the password of {address}", None)

    # -- one mailbox: pop show, pop set --------------------------------------------------
    def get_mailbox(self, address: Address) -> Mailbox:
        """mail_user_get by address, and the routes that deliver to it (a LIKE filter on
        the destination; only exact destinations count)."""
        mailbox = parse_mailbox(self._existing(address))
        wanted = str(address)
        routes = self._route_rows({"destination": f"%{wanted}%"})
        sources = sorted({r.source for r in routes if wanted in r.destinations and r.source != wanted})
        return replace(mailbox, aliases=tuple(sources))

    def change_mailbox(self, address: Address, change: MailboxChange) -> Mailbox:
        """Quota (bytes) and the switches: login = disableimap/disablepop3/disablesmtp
        "y"; incoming = postfix "n" (lifting it also clears disabledeliver). Only the
        fields that differ from the record are sent (with `email`); none: nothing is sent."""
        self.check_change(change)
        row = self._existing(address)
        wanted: dict[str, Any] = {}
        if change.quota_mb is not None:
            wanted["quota"] = change.quota_mb * MB  # 0 = unlimited
        if change.suspend_login is not None:
            wanted.update({name: "y" if change.suspend_login else "n" for name in LOGIN_SWITCHES})
        if change.suspend_incoming is not None:
            wanted["postfix"] = "n" if change.suspend_incoming else "y"
            if not change.suspend_incoming and row.get("disabledeliver") == "y":
                wanted["disabledeliver"] = "n"
        changes = {name: value for name, value in wanted.items() if str(row.get(name, "")) != str(value)}
        if not changes:
            return parse_mailbox(row)

        def applied() -> bool:
            now = self._record(address)
            return now is not None and all(str(now.get(name, "")) == str(value) for name, value in changes.items())

        self._update(address, row, changes, f"changing {address}", applied)
        return parse_mailbox(self._existing(address))

    # -- routes: alias list/add/remove (mail_forward_*) -----------------------------------
    def _route_rows(self, where: dict[str, str]) -> list[Route]:
        """The forward and alias rows that `where` (a LIKE filter) selects; catch-alls and
        alias domains, which live in the same table, are left out."""
        found = rows(self._call("mail_forward_get", {"primary_id": where}, safe=True), "mail_forward_get",
                     "forwardings")
        return [route for route in map(parse_route, found) if route is not None]

    def _routes_of(self, address: Address) -> list[Route]:
        """The rows whose source is exactly `address` (`_` in a LIKE filter matches any character)."""
        wanted = str(address)
        return [r for r in self._route_rows({"source": wanted}) if r.source == wanted]

    def list_aliases(self, domain: str) -> list[Alias]:
        self._domain(domain)
        merged: dict[str, tuple[tuple[str, ...], str]] = {}
        for route in self._route_rows({"source": f"%@{domain}"}):
            local, _, route_domain = route.source.rpartition("@")
            if not local or route_domain != domain:
                continue  # a catch-all ("@domain") or a LIKE near-miss
            before, kind = merged.get(route.source, ((), route.type))
            merged[route.source] = (_union(before, route.destinations), "forward" if "forward" in (kind, route.type)
                                    else "alias")
        return [Alias(source, destinations, "forwarder" if kind == "forward" else "alias")
                for source, (destinations, kind) in sorted(merged.items()) if destinations]

    def _alias_now(self, address: Address) -> Alias | None:
        routes = self._routes_of(address)
        destinations = _union(*(r.destinations for r in routes))
        if not destinations:
            return None
        kind = "forwarder" if any(r.type == "forward" for r in routes) else "alias"
        return Alias(str(address), destinations, kind)

    def add_alias(self, address: Address, destinations: list[str]) -> Alias:
        """New destinations go into the address's forward row (mail_forward_update), or a
        new forward row when it has none (mail_forward_add). An ISPConfig alias row is
        left as it is: the mail server delivers to every row of a source."""
        for destination in destinations:
            self.check_alias_destination(destination)
        wanted = tuple(dict.fromkeys(d.strip().lower() for d in destinations))
        if not wanted:
            raise UsageError("no destination given", provider=PROVIDER)
        domain = self._domain(address.domain)
        routes = self._routes_of(address)
        have = _union(*(r.destinations for r in routes))
        new = tuple(d for d in wanted if d not in have)
        if not new:
            raise AlreadyExists(f"{address} already forwards to {', '.join(wanted)}", provider=PROVIDER)
        client_id = self._client_id(domain)
        forward = next((r for r in routes if r.type == "forward"), None)
        action = f"the forward {address}"
        if forward is None:
            params = {"server_id": _server_id(domain), "source": str(address), "destination": destination_text(new),
                      "type": "forward", "active": "y"}

            def send() -> Any:
                return number(self._call("mail_forward_add", {"client_id": client_id, "params": params}, safe=False),
                              "mail_forward_add")
        else:
            params = {"server_id": forward.server_id, "source": forward.source,
                      "destination": destination_text(forward.destinations + new), "type": "forward",
                      "active": forward.active}

            def send() -> Any:
                return self._call("mail_forward_update", {"client_id": client_id, "primary_id": forward.forwarding_id,
                                                          "params": params}, safe=False)

        def applied() -> bool:
            now = self._alias_now(address)
            return now is not None and all(d in now.destinations for d in wanted)

        settle_write(send, applied=applied, action=action, provider=PROVIDER, notice=self.ctx.notice)
        now = self._alias_now(address)
        if now is None or not all(d in now.destinations for d in wanted):
            raise ProviderRefused(f"{LABEL} accepted {action} but does not show {', '.join(new)} in it",
                                  provider=PROVIDER)
        return now

    def remove_alias(self, address: Address, destinations: list[str] | None = None) -> Alias | None:
        """Each row of the address loses the destinations asked for: a row left empty is
        deleted by the function of its own type (mail_forward_delete, mail_alias_delete),
        since a delete by id does not look at the type; a forward that keeps some is updated."""
        routes = self._routes_of(address)
        have = _union(*(r.destinations for r in routes))
        if not have:
            self._domain(address.domain)
            raise NotFound(f"no alias {address} on {LABEL}", provider=PROVIDER)
        gone = have if destinations is None else tuple(dict.fromkeys(d.strip().lower() for d in destinations))
        absent = [d for d in gone if d not in have]
        if absent:
            raise NotFound(f"{address} does not forward to {', '.join(absent)}", provider=PROVIDER)
        client_id = None
        for route in routes:
            left = tuple(d for d in route.destinations if d not in gone)
            if left == route.destinations:
                continue
            if not left:
                self._delete_route(address, route)
                continue
            if client_id is None:
                client_id = self._client_id(self._domain(address.domain))
            self._update_route(address, route, left, client_id)
        return self._alias_now(address)

    def _delete_route(self, address: Address, route: Route) -> None:
        function = "mail_forward_delete" if route.type == "forward" else "mail_alias_delete"
        settle_write(lambda: self._call(function, {"primary_id": route.forwarding_id}, safe=False),
                     applied=lambda: all(r.forwarding_id != route.forwarding_id for r in self._routes_of(address)),
                     action=f"removing the {route.type} {address}", provider=PROVIDER, notice=self.ctx.notice)

    def _update_route(self, address: Address, route: Route, left: tuple[str, ...], client_id: int) -> None:
        params = {"server_id": route.server_id, "source": route.source, "destination": destination_text(left),
                  "type": route.type, "active": route.active}

        def applied() -> bool:
            return any(r.forwarding_id == route.forwarding_id and r.destinations == left
                       for r in self._routes_of(address))

        settle_write(lambda: self._call("mail_forward_update", {"client_id": client_id,
                                                                "primary_id": route.forwarding_id, "params": params},
                                        safe=False),
                     applied=applied, action=f"changing the forward {address}", provider=PROVIDER,
                     notice=self.ctx.notice)


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(d for group in groups for d in group))


def _server_id(domain_row: dict[str, Any]) -> int:
    """The domain's mail server (1 when the row does not say)."""
    server = str(domain_row.get("server_id", ""))
    return int(server) if server.isdigit() else 1


def _id(row: dict[str, Any]) -> int:
    return number(row.get("mailuser_id"), "mail_user_get")
