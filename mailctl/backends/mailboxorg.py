"""mailbox.org Business API: JSON-RPC 2.0 on `POST /v1/`, a session id from `auth` in the
`HPLS-AUTH` header of every later call.

Sessions die after 20 idle minutes (error 253): a call then logs in again once with the
stored secret and is repeated; 253 means the server refused the call before acting, so
repeating even a write cannot apply it twice. Error messages are localised, so only the
numeric codes are interpreted; "unknown domain / mailbox" is decided from the server's
state (domain.list, mail.get, mail.list), never from a message's wording."""

from __future__ import annotations

import threading
from typing import Any, Iterator
from urllib.parse import urlsplit

from mailctl.backends import base
from mailctl.backends.jsonrpc import JsonRpcClient, RpcFault
from mailctl.backends.writes import settle_write
from mailctl.errors import AlreadyExists, AuthError, BadResponse, MailctlError, NotFound, PermissionDenied, ProviderRefused
from mailctl.models import Alias, Domain, Mailbox, MailboxChange, NewMailbox
from mailctl import validation
from mailctl.validation import Address

PROVIDER = "mailboxorg"
LABEL = "mailbox.org"

ACCESS_DENIED = 2
SESSION_INVALID = 253

DEFAULT_PLAN = "standard"
# mail.list pages: large enough to need few calls, small enough for the server to answer fast.
PAGE_SIZE = 100
# Pages after the first are fetched this many at a time: 10,000 mailboxes are 100 pages,
# so 8 workers turn 100 round trips into about 13, while staying far below what a
# rate limit would notice (a bulk run with --jobs 16 sends more at once).
PAGE_WORKERS = 8
# A guard against a server whose page count never ends (10 million mailboxes at 100 a page).
MAX_PAGES = 100_000
# Entries of this type only forward mail: they have no inbox, so they are not mailboxes.
FORWARD_ONLY = "forward"


def endpoint_path(base_url: str) -> str:
    """The API lives at /v1/; a profile URL may name the host alone (the default,
    https://api.mailbox.org) or already end in /v1."""
    path = urlsplit(base_url).path.rstrip("/")
    return "/" if path.endswith("/v1") else "/v1/"


class _SessionInvalid(Exception):
    """Error 253 on a call: the stored session expired or is unknown."""


class _Denied(PermissionDenied):
    """Error 2 on a call made with a valid session: not permitted (exit 4). For a domain
    or mailbox outside the account the server says the same, so callers that can check
    the account's state do."""


class Backend(base.Backend):
    provider = PROVIDER

    def __init__(self, ctx: base.BackendContext):
        super().__init__(ctx)
        self._rpc: JsonRpcClient | None = None
        self._session: str | None = None
        # True once this run had to open a new session (session status reports "renewed").
        self.renewed = False
        # Bulk runs share one backend between worker threads: when the session expires
        # under all of them, one logs in and the others wait and take its session.
        self._session_lock = threading.Lock()
        # The secret the server refused in this run, and how: a refused secret stays
        # refused for the whole run, so no waiting worker sends it again (every failed
        # `auth` counts towards the account's lock-out).
        self._refused_login: tuple[str, AuthError] | None = None

    @property
    def rpc(self) -> JsonRpcClient:
        if self._rpc is None:
            path = endpoint_path(self.ctx.profile.url)
            self._rpc = JsonRpcClient(self.ctx.transport, path, provider=PROVIDER, label=LABEL)
        return self._rpc

    @property
    def account(self) -> str:
        return self.ctx.profile.user

    # -- sessions ------------------------------------------------------------------------
    def login(self, secret: str) -> None:
        self.ctx.transport.add_secret(secret)
        self._open_session(secret)

    def status(self) -> str:
        self._check_reachable()
        self._call("hello.innerworld", {}, safe=True)
        return "renewed" if self.renewed else "active"

    def logout(self) -> None:
        session = self._stored_session()
        if session is None:
            return
        try:
            result = self.rpc.call("deauth", {}, headers={"HPLS-AUTH": session}, safe=True)
        except RpcFault as fault:
            if fault.code != SESSION_INVALID:  # 253: the session had already ended
                raise self._refused(fault) from None
        else:
            if result is not True:
                raise BadResponse(f"{LABEL} answered deauth with {result!r} instead of true", provider=PROVIDER)
        finally:
            self.ctx.credentials.forget_session()
            self._session = None

    def _check_reachable(self) -> None:
        """hello.world needs no session: a connection failure here means the server
        cannot be reached at all. What it answers is not judged (the live service has
        been seen breaking this method); hello.innerworld decides about the session."""
        try:
            self.rpc.call("hello.world", {}, safe=True)
        except (RpcFault, BadResponse):
            pass

    def _stored_session(self) -> str | None:
        if self._session is None:
            stored = self.ctx.credentials.session()
            if stored:
                self.ctx.transport.add_secret(stored)
                self._session = stored
        return self._session

    def _open_session(self, secret: str) -> str:
        refused = self._refused_login
        if refused is not None and refused[0] == secret:
            raise AuthError(refused[1].message, provider=PROVIDER, details=[
                "not sent again: this secret was already refused in this run"])
        try:
            result = self.rpc.call("auth", {"user": self.account, "pass": secret}, safe=True, login=True)
        except RpcFault as fault:
            if fault.code == ACCESS_DENIED:
                error = AuthError(
                    f"{LABEL} refused the login of account {self.account!r} (error {fault.code}): "
                    "check the account name and secret",
                    provider=PROVIDER,
                )
                self._refused_login = (secret, error)
                raise error from None
            raise self._refused(fault) from None
        session = result.get("session") if isinstance(result, dict) else None
        if not isinstance(session, str) or not session:
            raise BadResponse(f"{LABEL} answered auth without a session id", provider=PROVIDER)
        # Registered before anything else happens: the id is a credential.
        self.ctx.transport.add_secret(session)
        self.ctx.credentials.store_session(session)
        self._session = session
        self.renewed = True
        return session

    def _call(self, method: str, params: dict[str, Any], *, safe: bool) -> Any:
        """One call with the stored session, logging in at most once: when no session is
        stored, or when the server says the stored one is invalid (253). A 253 means the
        server refused the call before acting, so repeating it (even a write) is safe."""
        session = self._stored_session()
        if session is not None:
            try:
                return self._send(session, method, params, safe)
            except _SessionInvalid:
                pass
        session = self._renew_session(session)
        try:
            return self._send(session, method, params, safe)
        except _SessionInvalid:
            raise AuthError(
                f"{LABEL} rejected the session it had just issued ({method}, error {SESSION_INVALID})",
                provider=PROVIDER,
            ) from None

    def _renew_session(self, stale: str | None) -> str:
        """A session to replace `stale` (None: none was stored): a new login, unless
        another thread already replaced it while this one waited for the lock."""
        with self._session_lock:
            if self._session is not None and self._session != stale:
                return self._session
            if stale is not None:
                self.ctx.credentials.forget_session()
                self._session = None
            return self._open_session(self.ctx.secret())

    def _send(self, session: str, method: str, params: dict[str, Any], safe: bool) -> Any:
        try:
            return self.rpc.call(method, params, headers={"HPLS-AUTH": session}, safe=safe)
        except RpcFault as fault:
            if fault.code == SESSION_INVALID:
                raise _SessionInvalid() from None
            if fault.code == ACCESS_DENIED:
                raise _Denied(
                    f"{LABEL} denied {method} to account {self.account!r} (error {fault.code}: access denied)",
                    provider=PROVIDER, details=fault.server_messages(),
                ) from None
            raise self._refused(fault) from None

    def _refused(self, fault: RpcFault) -> ProviderRefused:
        return ProviderRefused(
            f"{LABEL} refused {fault.method} (error {fault.code}): {fault.message}",
            provider=PROVIDER, details=fault.server_messages(),
        )

    # -- domains -------------------------------------------------------------------------
    def list_domains(self) -> list[Domain]:
        result = self._call("domain.list", {"account": self.account}, safe=True)
        return [parse_domain(item) for item in parse_items(result, "domain.list")]

    def _has_domain(self, name: str) -> bool:
        return any(domain.name == name for domain in self.list_domains())

    def _unknown_domain(self, name: str) -> NotFound | None:
        """NotFound when domain.list shows the account has no domain `name`; None when it
        has it, or when that cannot be read (the caller keeps its original failure)."""
        try:
            if self._has_domain(name):
                return None
        except MailctlError:
            return None
        return NotFound(f"domain {name} is not in mailbox.org account {self.account!r}", provider=PROVIDER)

    # -- mailboxes -----------------------------------------------------------------------
    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        try:
            return self._all_mailboxes(domain)
        except (ProviderRefused, _Denied) as failure:
            # The server denies (2) a domain outside the account as it denies a missing
            # permission: the account's domain list tells the two apart.
            raise self._unknown_domain(domain) or failure from None

    def _all_mailboxes(self, domain: str) -> list[Mailbox]:
        found: dict[str, Mailbox] = {}
        for item in self._mail_items(domain):
            mailbox = parse_mailbox(item)
            if mailbox is not None:
                found.setdefault(mailbox.address, mailbox)
        return list(found.values())

    def _mail_items(self, domain: str) -> Iterator[Any]:
        """Every mail object of `domain` (with details). Page 1 tells how many pages there
        are; the others are fetched concurrently (at most PAGE_WORKERS at a time) and read
        in page order, so the items come out exactly as a page-by-page walk gives them.
        The calls share the session: when it has expired, _renew_session lets one thread
        log in and the others take its id."""
        first, last_page = self._page(domain, 1)
        pages = [first]
        if last_page > 1 and first:
            later = range(2, last_page + 1)
            if len(later) == 1:
                pages.append(self._page(domain, 2)[0])
            else:
                pages.extend(self._pages(domain, later))
        for items in pages:
            if not items:
                break  # an empty page ends the list
            yield from items

    def _pages(self, domain: str, numbers: range) -> list[list[Any]]:
        from concurrent.futures import ThreadPoolExecutor  # only large domains need it

        pool = ThreadPoolExecutor(max_workers=min(PAGE_WORKERS, len(numbers)))
        try:
            return [items for items, _ in pool.map(lambda n: self._page(domain, n), numbers)]
        finally:
            # On a failure or Ctrl-C the pages not yet started are dropped, not fetched.
            pool.shutdown(wait=True, cancel_futures=True)

    def _page(self, domain: str, page: int) -> tuple[list[Any], int]:
        """One page of mail.list and the page count it claims (1 for a plain array,
        which holds everything)."""
        result = self._call("mail.list", {"domain": domain, "details": True, "page_size": PAGE_SIZE,
                                          "page": page}, safe=True)
        items, total_pages = parse_page(result)
        if total_pages is None:
            return items, 1
        if total_pages > MAX_PAGES:
            raise BadResponse(f"{LABEL} claims {total_pages} pages of mailboxes", provider=PROVIDER)
        return items, total_pages

    def _find(self, address: Address) -> Mailbox | None:
        """The mailbox as the server shows it now, or None if it does not exist."""
        try:
            found = self._call("mail.get", {"mail": str(address)}, safe=True)
            return parse_mailbox(found, "mail.get", keep_forward=True)
        except (ProviderRefused, _Denied):
            pass  # no such mailbox, or a domain outside the account: the listing decides
        try:
            mailboxes = self._all_mailboxes(address.domain)
        except (ProviderRefused, _Denied) as failure:
            if self._has_domain(address.domain):
                raise failure from None
            return None
        return next((m for m in mailboxes if m.address == str(address)), None)

    def _missing_or(self, address: Address, failure: MailctlError) -> MailctlError:
        """After a refused write: NotFound if the mailbox (or its domain) does not exist,
        else the server's refusal."""
        try:
            if self._find(address) is not None:
                return failure
        except MailctlError:
            return failure
        return self._unknown_domain(address.domain) or NotFound(f"no mailbox {address} on mailbox.org",
                                                                provider=PROVIDER)

    def create_mailbox(self, new: NewMailbox) -> Mailbox:
        self.check_new_mailbox(new)
        address = new.address
        params = self._add_params(new, address)
        seen: list[Mailbox | None] = []

        def created() -> bool:
            seen.append(self._find(address))
            return seen[-1] is not None

        try:
            result = settle_write(
                lambda: parse_mailbox(self._call("mail.add", params, safe=False), "mail.add", keep_forward=True),
                applied=created, action=f"creating {address}", provider=PROVIDER, notice=self.ctx.notice,
            )
        except (ProviderRefused, _Denied) as failure:
            raise self._unknown_domain(address.domain) or failure from None
        # None: the answer was lost and the check read the new mailbox.
        return result if result is not None else seen[-1]

    def _add_params(self, new: NewMailbox, address: Address) -> dict[str, Any]:
        """mail.add's parameters for a `new` that passed check_new_mailbox."""
        return {
            "mail": str(address),
            "password": new.password,
            "plan": new.option("plan") or DEFAULT_PLAN,
            "first_name": (new.option("first_name") or address.local).strip(),
            "last_name": (new.option("last_name") or address.domain).strip(),
            "inboxsave": True,
            "forwards": [],
        }

    def delete_mailbox(self, address: Address, *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        try:
            settle_write(
                lambda: _expect_true(self._call("mail.del", {"mail": str(address)}, safe=False), "mail.del"),
                applied=lambda: self._find(address) is None,
                action=f"deleting {address}", provider=PROVIDER, notice=self.ctx.notice,
            )
        except (ProviderRefused, _Denied) as failure:
            raise self._missing_or(address, failure) from None

    def change_password(self, address: Address, password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        params: dict[str, Any] = {"mail": str(address), "password": password}
        if require_reset:
            params["require_reset_password"] = True
        try:
            # A password change is invisible to reads: a lost answer stays ambiguous.
            settle_write(
                lambda: _expect_set(self._call("mail.set", params, safe=False), f"the password of {address}"),
                applied=None,
                action=f"changing the password of {address}", provider=PROVIDER, notice=self.ctx.notice,
            )
        except (ProviderRefused, _Denied) as failure:
            raise self._missing_or(address, failure) from None

    # -- one mailbox: show and change --------------------------------------------------
    def _mail_object(self, address: Address) -> dict[str, Any]:
        """mail.get's object for `address`; NotFound when there is no such mailbox."""
        try:
            found = self._call("mail.get", {"mail": str(address)}, safe=True)
        except (ProviderRefused, _Denied) as failure:
            raise self._missing_or(address, failure) from None
        if not isinstance(found, dict):
            raise _bad("mail.get", "something that is not a mail object")
        parse_mailbox(found, "mail.get", keep_forward=True)  # junk -> BadResponse
        return found

    def get_mailbox(self, address: Address) -> Mailbox:
        return shown_mailbox(self._mail_object(address))

    def change_mailbox(self, address: Address, change: MailboxChange) -> Mailbox:
        self.check_change(change)
        if change.suspend_login is None:
            return shown_mailbox(self._mail_object(address), aliases=False)
        active = not change.suspend_login
        try:
            settle_write(
                lambda: self._call("mail.set", {"mail": str(address), "active": active}, safe=False),
                applied=lambda: self._mail_object(address).get("active") is active,
                action=f"{'unsuspending' if active else 'suspending'} {address}", provider=PROVIDER,
                notice=self.ctx.notice,
            )
        except (ProviderRefused, _Denied) as failure:
            raise self._missing_or(address, failure) from None
        return shown_mailbox(self._mail_object(address), aliases=False)

    # -- aliases and forwards: both are lists of one mailbox ---------------------------
    def list_aliases(self, domain: str) -> list[Alias]:
        try:
            items = list(self._mail_items(domain))
        except (ProviderRefused, _Denied) as failure:
            raise self._unknown_domain(domain) or failure from None
        aliases: dict[tuple[str, str], Alias] = {}
        for item in items:
            parse_mailbox(item, keep_forward=True)  # junk -> BadResponse
            for alias in aliases_of(item):
                if alias.domain == domain:
                    aliases.setdefault((alias.address, alias.kind), alias)
        return sorted(aliases.values(), key=lambda a: (a.address, a.kind))

    def _alias_owner(self, address: Address) -> str | None:
        """The mailbox that has `address` as one of its aliases, or None."""
        for alias in self.list_aliases(address.domain):
            if alias.kind == "alias" and alias.address == str(address):
                return alias.destinations[0]
        return None

    def add_alias(self, address: Address, destinations: list[str]) -> Alias:
        for destination in destinations:
            self.check_alias_destination(destination)
        wanted = list(dict.fromkeys(d.lower() for d in destinations))
        mailbox = self._find_object(address)
        if mailbox is not None:
            # A mailbox's own address: forward its mail on.
            current = _strings(mailbox.get("forwards"), "forwards")
            new = [d for d in wanted if d not in current]
            if not new:
                raise AlreadyExists(f"{address} already forwards to {', '.join(wanted)}", provider=PROVIDER)
            self._set_list(address, "forwards", current + new)
            return Alias(str(address), tuple(current + new), "forwarder")
        # Another address: an alias of the one mailbox it delivers to.
        if len(wanted) != 1:
            raise ProviderRefused(f"{address} is not a mailbox: on {LABEL} it can only be an alias of one mailbox "
                                  f"of the account (give one --to), or forward a mailbox's own mail", provider=PROVIDER)
        target = validation.address(wanted[0])
        owner = self._alias_owner(address)
        if owner == str(target):
            raise AlreadyExists(f"{address} is already an alias of {target}", provider=PROVIDER)
        if owner is not None:
            raise ProviderRefused(f"{address} is already an alias of {owner}; remove it there first",
                                  provider=PROVIDER)
        target_object = self._find_object(target)
        if target_object is None:
            raise NotFound(f"{target} is not a mailbox of {LABEL} account {self.account!r}: an alias on {LABEL} "
                           "belongs to a mailbox", provider=PROVIDER)
        current = _strings(target_object.get("aliases"), "aliases")
        self._set_list(target, "aliases", current + [str(address)])
        return Alias(str(address), (str(target),), "alias")

    def remove_alias(self, address: Address, destinations: "list[str] | None" = None) -> "Alias | None":
        gone = list(dict.fromkeys(d.lower() for d in destinations or []))
        mailbox = self._find_object(address)
        if mailbox is not None:
            current = _strings(mailbox.get("forwards"), "forwards")
            if not current:
                raise NotFound(f"{address} forwards nowhere", provider=PROVIDER)
            missing = [d for d in gone if d not in current]
            if missing:
                raise NotFound(f"{address} does not forward to {', '.join(missing)}", provider=PROVIDER)
            left = [d for d in current if gone and d not in gone]
            self._set_list(address, "forwards", left)
            return Alias(str(address), tuple(left), "forwarder") if left else None
        owner = self._alias_owner(address)
        if owner is None:
            raise self._unknown_domain(address.domain) or NotFound(f"no alias {address} on {LABEL}",
                                                                   provider=PROVIDER)
        if gone and gone != [owner]:
            raise NotFound(f"{address} is an alias of {owner}, not of {', '.join(d for d in gone if d != owner)}",
                           provider=PROVIDER)
        target = validation.address(owner)
        current = _strings((self._find_object(target) or {}).get("aliases"), "aliases")
        self._set_list(target, "aliases", [a for a in current if a != str(address)])
        return None

    def _find_object(self, address: Address) -> dict[str, Any] | None:
        try:
            return self._mail_object(address)
        except NotFound:
            return None

    def _set_list(self, address: Address, name: str, values: list[str]) -> None:
        """mail.set of a whole list (`forwards` or `aliases`: the server replaces it); a
        lost answer is settled by reading the list back."""
        def applied() -> bool:
            return _strings(self._mail_object(address).get(name), name) == values

        try:
            settle_write(lambda: self._call("mail.set", {"mail": str(address), name: values}, safe=False),
                         applied=applied, action=f"changing the {name} of {address}", provider=PROVIDER,
                         notice=self.ctx.notice)
        except (ProviderRefused, _Denied) as failure:
            raise self._missing_or(address, failure) from None


# -- parsing answers: junk becomes BadResponse ---------------------------------------------

def _bad(method: str, why: str) -> BadResponse:
    return BadResponse(f"{LABEL} answered {method} with {why}", provider=PROVIDER)


def parse_page(result: Any, method: str = "mail.list") -> tuple[list[Any], int | None]:
    """Items and page count: a plain array (no paging) or {totalHits, totalPages, results}."""
    if isinstance(result, list):
        return result, None
    if isinstance(result, dict) and isinstance(result.get("results"), list):
        total_pages = result.get("totalPages")
        if not _is_count(total_pages):
            raise _bad(method, "a page without a valid totalPages")
        return result["results"], total_pages
    raise _bad(method, "neither a list nor a page of results")


def parse_items(result: Any, method: str) -> list[Any]:
    items, _ = parse_page(result, method)
    return items


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_domain(item: Any) -> Domain:
    if not isinstance(item, dict) or not isinstance(item.get("domain"), str) or not item["domain"]:
        raise _bad("domain.list", f"an entry without a domain name: {str(item)[:80]!r}")
    count = item.get("count_mails")
    if isinstance(count, str) and count.isdigit():
        count = int(count)
    return Domain(item["domain"].lower(), count if _is_count(count) else None)


def parse_mailbox(item: Any, method: str = "mail.list", *, keep_forward: bool = False) -> Mailbox | None:
    """A Mailbox from a mail object; None for a forward-only entry (when listing)."""
    if not isinstance(item, dict) or not isinstance(item.get("mail"), str) or "@" not in item["mail"]:
        raise _bad(method, f"an entry without a mail address: {str(item)[:80]!r}")
    if item.get("type") == FORWARD_ONLY and not keep_forward:
        return None
    plan = item.get("plan")
    active = item.get("active")
    return Mailbox(
        item["mail"].lower(),
        plan=plan if isinstance(plan, str) and plan else None,
        suspended=(not active) if isinstance(active, bool) else None,
    )


def _expect_set(result: Any, what: str) -> Any:
    """mail.set's answer: true (or the changed object) when it applied the change. A
    plain `false` is the server saying it did not: a refusal, never "changed"."""
    if result is False:
        raise ProviderRefused(f"{LABEL} answered mail.set with false: {what} was not changed", provider=PROVIDER)
    if result is True or isinstance(result, dict):
        return result
    raise _bad("mail.set", f"{str(result)[:80]!r} instead of true")


def _expect_true(result: Any, method: str) -> bool:
    if result is not True:
        raise _bad(method, f"{str(result)[:80]!r} instead of true")
    return True


def _strings(value: Any, name: str) -> list[str]:
    """A list of addresses (`forwards`, `aliases`); missing or null is empty."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad("mail.get", f"{name} that are not a list of addresses")
    return [v.strip().lower() for v in value if v.strip()]


def aliases_of(item: dict[str, Any]) -> list[Alias]:
    """A mail object's routes: each alias of it (kind "alias", delivering to the mailbox)
    and its forwards (kind "forwarder", the mailbox's own address as source)."""
    mail = item["mail"].lower()
    found = [Alias(alias, (mail,), "alias") for alias in _strings(item.get("aliases"), "aliases")]
    forwards = _strings(item.get("forwards"), "forwards")
    if forwards:
        found.append(Alias(mail, tuple(forwards), "forwarder"))
    return found


def shown_mailbox(item: dict[str, Any], *, aliases: bool = True) -> Mailbox:
    """pop show's mailbox from mail.get: suspension as restrictions, and its aliases."""
    from dataclasses import replace

    mailbox = parse_mailbox(item, "mail.get", keep_forward=True)
    restrictions = None if mailbox.suspended is None else (("login",) if mailbox.suspended else ())
    return replace(mailbox, restrictions=restrictions,
                   aliases=tuple(_strings(item.get("aliases"), "aliases")) if aliases else None)
