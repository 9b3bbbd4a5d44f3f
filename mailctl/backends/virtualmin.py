"""Virtualmin's remote API (`/virtual-server/remote.cgi` under Webmin, port 10000).

Every request is a POST whose url-encoded body carries `program`, the program's
parameters and `json=1`, with HTTP Basic auth: no password is ever in a URL. A server
that refuses POST (HTTP 405, a proxy letting only GET through) is an error; mailctl never
falls back to GET, which would put passwords in Webmin's and every proxy's logs.

Answers are HTTP 200 whatever happened, so `status` decides: "success", or "failure"
with `error` (the program's first output line) and `full_error`. A 401 is a refused
login (never retried); a text/plain `ERROR: ...` is remote.cgi's own refusal ("You are
not allowed to run remote commands": not a master administrator); an HTML page in place
of JSON is Webmin asking for a login.

Quotas go out in 1 kB blocks (`UNLIMITED` for none) and are read back in bytes
(`home_byte_quota`). remote.cgi splits values at newlines into more arguments, so a
value holding CR or LF is refused before anything is sent. A write whose answer is lost
is settled by reading the server's state (backends.writes.settle_write).

Routes are two kinds of object on Virtualmin, and mailctl's aliases are both: an alias
(`list-aliases`, `create-alias`, `delete-alias`) for an address that is no mailbox, and
a mail user's own forwards (`modify-user add-forward/del-forward`, read from `list-users
simple-aliases`) for the address of a mailbox. There is no program that changes an
alias: a change of its destinations is a delete and a create, and when the create fails
the old alias is put back (see _replace_alias). Suspension is login only (`disable`):
`no-local` stops local delivery, which is not refusing mail, so it is never sent."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from mailctl.backends.base import Backend as BaseBackend
from mailctl.backends.writes import settle_write
from mailctl.errors import (AlreadyExists, AmbiguousWrite, AuthError, BadResponse, MailctlError, NotFound,
                            PermissionDenied, ProviderRefused, TransportError, UsageError)
from mailctl.models import Alias, Domain, Mailbox
from mailctl.transport import parse_json

if TYPE_CHECKING:
    from mailctl.models import MailboxChange, NewMailbox
    from mailctl.validation import Address

REMOTE = "/virtual-server/remote.cgi"
LABEL = "Virtualmin"
MB = 1024 * 1024
BLOCK = 1024  # "disk quota in 1 kB blocks"
# Keys of list-users values that hold a mailbox's password (plain or hashed).
PASSWORD_KEYS = ("password", "encrypted_password")


# Destinations a delete + create cannot give back as they were: delete-alias also removes
# an autoreply's message file, and programs and files are not plain routes.
_NOT_RECREATED = ("|", "/", ":include:")


@dataclass(frozen=True)
class _VMAlias:
    """An alias as list-aliases shows it: destinations as the server keeps them."""

    to: tuple[str, ...]
    comment: str = ""


@dataclass(frozen=True)
class _Forwarding:
    """A mail user's own forwards (list-users simple-aliases)."""

    forwards: tuple[str, ...]
    local_delivery: bool  # deliver_to_user: a copy also stays in the mailbox


class PostRefused(ProviderRefused):
    """The server (or a proxy in front of it) does not take POST: nothing ran, and no
    other request will do better, so no follow-up read is made."""


class Backend(BaseBackend):
    provider: ClassVar[str] = "virtualmin"

    # -- credentials ---------------------------------------------------------------------
    def login(self, secret: str) -> None:
        self.ctx.transport.add_secret(secret)
        self._run("list-domains", [("name-only", "")], safe=True, secret=secret, login=True)

    def status(self) -> None:
        self._run("list-domains", [("name-only", "")], safe=True, login=True)
        return None

    # -- domains and mailboxes ------------------------------------------------------------
    def list_domains(self) -> list[Domain]:
        rows = _rows(self._run("list-domains", [], safe=True), "list-domains")
        domains = []
        for name, values in rows:
            users = _first(values, "mail_users")
            domains.append(Domain(name.strip().lower(), owner=_first(values, "username"),
                                  mailbox_count=int(users) if users and users.isdigit() else None))
        return domains

    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        users = self._users(domain)
        return sorted((self._mailbox(values) for _, values in users), key=lambda box: box.address)

    def create_mailbox(self, new: "NewMailbox") -> Mailbox:
        self.check_new_mailbox(new)
        address = new.address
        self._check_password(new.password)
        fields = [("domain", address.domain), ("user", address.local), ("pass", new.password)]
        if new.quota_mb is not None:
            fields.append(("quota", _blocks(new.quota_mb)))
        self._settle(lambda: self._write("create-user", fields, address, creating=True),
                     applied=lambda: self._exists(address), action=f"the creation of {address}")
        if new.quota_mb is not None:
            return Mailbox(str(address), quota_mb=new.quota_mb or None)
        return self._created_with_server_quota(address)

    def delete_mailbox(self, address: "Address", *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        fields = [("domain", address.domain), ("user", address.local)]
        self._settle(lambda: self._write("delete-user", fields, address, creating=False),
                     applied=lambda: not self._exists(address), action=f"the deletion of {address}")

    def change_password(self, address: "Address", password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        self._check_password(password)
        if not self._exists(address):
            raise NotFound(f"no mailbox {address} on this Virtualmin server", provider=self.provider)
        fields = [("domain", address.domain), ("user", address.local), ("pass", password)]
        self._settle(lambda: self._write("modify-user", fields, address, creating=False), applied=None,
                     action=f"the password change of {address}")

    # -- one mailbox: show and change -------------------------------------------------------
    def get_mailbox(self, address: "Address") -> Mailbox:
        values = self._user(address)
        mailbox = self._mailbox(values)
        linked = {f"{local}@{address.domain}" for local, alias in self._alias_table(address.domain).items()
                  if str(address) in {_key(t) for t in alias.to}}
        linked.update(_extra_addresses(values))
        return replace(mailbox, restrictions=_restrictions(mailbox), aliases=tuple(sorted(linked)))

    def change_mailbox(self, address: "Address", change: "MailboxChange") -> Mailbox:
        """One modify-user with what differs from the mailbox as read (nothing is sent when
        nothing differs): quota in blocks, `disable`/`enable` for login suspension."""
        self.check_change(change)
        values = self._user(address)
        current = self._mailbox(values)
        fields = [("domain", address.domain), ("user", address.local)]
        quota = current.quota_mb
        if change.quota_mb is not None and _bytes(values, "home_byte_quota", str(address)) != change.quota_mb * MB:
            # Sent also where home quotas are off (nothing to compare): the server says why not.
            fields.append(("quota", _blocks(change.quota_mb)))
            quota = change.quota_mb or None
        suspended = current.suspended
        if change.suspend_login is not None and change.suspend_login != current.suspended:
            fields.append(("disable" if change.suspend_login else "enable", ""))
            suspended = change.suspend_login
        if len(fields) > 2:
            wanted_quota = change.quota_mb if any(name == "quota" for name, _ in fields) else None

            def applied() -> bool:
                now = self._user(address)
                return ((wanted_quota is None
                         or _bytes(now, "home_byte_quota", str(address)) == wanted_quota * MB)
                        and (suspended is None or self._mailbox(now).suspended == suspended))

            self._settle(lambda: self._write("modify-user", fields, address, creating=False), applied=applied,
                         action=f"the change of {address} ({change.describe()})")
        # What was written is what the mailbox now is: no second read.
        after = replace(current, quota_mb=quota, suspended=suspended)
        return replace(after, restrictions=_restrictions(after))

    # -- routes: aliases, and a mailbox's own forwards ------------------------------------------
    def list_aliases(self, domain: str) -> list[Alias]:
        found = [Alias(address, forwarding.forwards)
                 for address, forwarding in self._forwardings(domain).items() if forwarding.forwards]
        found += [Alias(f"{local}@{domain}", alias.to) for local, alias in self._alias_table(domain).items()]
        return sorted(found, key=lambda alias: alias.address)

    def add_alias(self, address: "Address", destinations: list[str]) -> Alias:
        for destination in destinations:
            self.check_alias_destination(destination)
        wanted = list(dict.fromkeys(d.strip() for d in destinations))
        alias = self._alias_table(address.domain).get(address.local)
        if alias is not None:
            result = [*alias.to, *_missing(wanted, alias.to, address)]
            self._replace_alias(address, alias, result)
            return Alias(str(address), tuple(result))
        forwarding = self._forwarding(address)
        if forwarding is not None:
            new = _missing(wanted, forwarding.forwards, address)
            self._forward_write(address, [("add-forward", d) for d in new],
                                applied=lambda now: all(_key(d) in {_key(f) for f in now} for d in new),
                                action=f"the forward change of {address}")
            return Alias(str(address), (*forwarding.forwards, *new))
        self._create_alias(address, wanted, "")
        return Alias(str(address), tuple(wanted))

    def remove_alias(self, address: "Address", destinations: "list[str] | None" = None) -> "Alias | None":
        alias = self._alias_table(address.domain).get(address.local)
        if alias is not None:
            left = _left(alias.to, destinations, address)
            if left:
                self._replace_alias(address, alias, left)
                return Alias(str(address), tuple(left))
            self._delete_alias(address)
            return None
        forwarding = self._forwarding(address)
        if forwarding is None or not forwarding.forwards:
            raise NotFound(f"no alias {address} on this Virtualmin server, nor a mailbox of that address that "
                           "forwards", provider=self.provider)
        left = _left(forwarding.forwards, destinations, address)
        if not left and not forwarding.local_delivery:
            raise ProviderRefused(
                f"{address} keeps no copy of its mail (local delivery is off), so without its last forwards mail "
                "to it would have nowhere to go: turn local delivery on in Virtualmin first; nothing was sent",
                provider=self.provider)
        gone = [f for f in forwarding.forwards if f not in left]  # as the server keeps them: del-forward matches exactly
        self._forward_write(address, [("del-forward", f) for f in gone],
                            applied=lambda now: not {_key(f) for f in gone} & {_key(f) for f in now},
                            action=f"the forward change of {address}")
        return Alias(str(address), tuple(left)) if left else None

    def _replace_alias(self, address: "Address", old: _VMAlias, to: list[str]) -> None:
        """Give the alias `to` as its destinations. No program changes an alias, so it is
        deleted and created again: mail to it has no route for the moment between the two.
        So everything is checked before the delete, the create follows at once, and when
        the create fails the old alias is created again: a failure leaves the old route,
        never none (unless putting it back fails too, which the error then says, with the
        command that restores it)."""
        kept = [t for t in old.to if t.startswith(_NOT_RECREATED)]
        if kept:
            raise ProviderRefused(
                f"{address} also delivers to {', '.join(kept)}: Virtualmin has no program that changes an alias, "
                "and deleting it to create it again would lose that (an autoreply's message goes with the alias): "
                "change it in Virtualmin; nothing was sent", provider=self.provider)
        new_fields = self._alias_fields(address, to, old.comment)
        old_fields = self._alias_fields(address, list(old.to), old.comment)
        for fields in (new_fields, old_fields):
            _check_values(fields, self.provider)
        self._delete_alias(address)
        try:
            self._create_alias(address, to, old.comment)
        except MailctlError as failed:
            raise self._put_back(address, old, failed) from None

    def _put_back(self, address: "Address", old: _VMAlias, failed: MailctlError) -> MailctlError:
        """The error to report after the new alias could not be created: the old one is
        created again first."""
        before = ", ".join(old.to)
        try:
            self._create_alias(address, list(old.to), old.comment)
        except MailctlError as also_failed:
            try:
                now = self._alias_table(address.domain).get(address.local)
            except MailctlError:
                now = None
            if now is not None:
                message = (f"{failed.message}; {address} now delivers to {', '.join(now.to)} "
                           f"(before the change: {before}): check it")
            else:
                message = (f"{failed.message}; putting {address} back failed too ({also_failed.message}), so mail to "
                           f"it has NO route now: re-create it with mailctl alias add {address} "
                           + " ".join(f"--to {t}" for t in old.to))
            return _same_kind(failed, message, self.provider)
        return _same_kind(failed, f"{failed.message}; {address} was put back as it was (to {before})", self.provider)

    def _alias_fields(self, address: "Address", to: list[str], comment: str) -> list[tuple[str, str]]:
        return ([("domain", address.domain), ("from", address.local)] + [("to", t) for t in to]
                + ([("desc", comment)] if comment else []))

    def _create_alias(self, address: "Address", to: list[str], comment: str) -> None:
        expected = {_key(t) for t in to}

        def applied() -> bool:
            now = self._alias_table(address.domain).get(address.local)
            return now is not None and {_key(t) for t in now.to} == expected

        self._settle(lambda: self._alias_write("create-alias", self._alias_fields(address, to, comment), address),
                     applied=applied, action=f"the creation of alias {address}")

    def _delete_alias(self, address: "Address") -> None:
        self._settle(lambda: self._alias_write("delete-alias", [("domain", address.domain),
                                                                ("from", address.local)], address),
                     applied=lambda: address.local not in self._alias_table(address.domain),
                     action=f"the deletion of alias {address}")

    def _alias_write(self, program: str, fields: list[tuple[str, str]], address: "Address") -> None:
        try:
            self._run(program, fields, safe=False)
        except PostRefused:
            raise
        except ProviderRefused as refusal:
            raise self._domain_refusal(address.domain, refusal) from None

    def _forward_write(self, address: "Address", changes: list[tuple[str, str]], *,
                       applied: Callable[[tuple[str, ...]], bool], action: str) -> None:
        fields = [("domain", address.domain), ("user", address.local), *changes]

        def visible() -> bool:
            now = self._forwarding(address)
            return now is not None and applied(now.forwards)

        self._settle(lambda: self._write("modify-user", fields, address, creating=False), applied=visible,
                     action=action)

    def _alias_table(self, domain: str) -> dict[str, _VMAlias]:
        """The domain's aliases by local part. The catch-all (`@domain`) is left out: it
        is no address mailctl can name."""
        try:
            answer = self._run("list-aliases", [("domain", domain)], safe=True)
        except PostRefused:
            raise
        except ProviderRefused as refusal:
            raise self._domain_refusal(domain, refusal) from None
        table = {}
        for name, values in _rows(answer, "list-aliases"):
            local, _, at = name.strip().lower().rpartition("@")
            if not local or at != domain:
                continue
            to = values.get("to") or []
            if not isinstance(to, list) or not all(isinstance(t, str) for t in to):
                raise self._malformed("list-aliases", f"the destinations of {local}@{domain} are not a list of strings")
            table[local] = _VMAlias(tuple(t.strip() for t in to if t.strip()), _first(values, "comment") or "")
        return table

    def _forwardings(self, domain: str) -> dict[str, _Forwarding]:
        return {_address(values): _forwarding(values) for _, values in self._users(domain, simple=True)}

    def _forwarding(self, address: "Address") -> "_Forwarding | None":
        """The forwards of the mailbox `address`; None when there is no such mailbox."""
        found = [values for _, values in self._users(address.domain, address.local, simple=True)
                 if _address(values) == str(address)]
        return _forwarding(found[0]) if found else None

    def _user(self, address: "Address") -> dict:
        """The list-users values of the mailbox; NotFound when it does not exist."""
        found = [values for _, values in self._users(address.domain, address.local) if _address(values) == str(address)]
        if not found:
            raise NotFound(f"no mailbox {address} on this Virtualmin server", provider=self.provider)
        return found[0]

    # -- reads ---------------------------------------------------------------------------------
    def _users(self, domain: str, user: str | None = None, *, simple: bool = False) -> list[tuple[str, dict]]:
        """list-users of `domain` (one user when given): the mail users, as (name, values);
        with `simple`, each user's forwarding as the web form shows it."""
        fields = ([("domain", domain)] + ([("user", user)] if user else [])
                  + ([("simple-aliases", "")] if simple else []))
        try:
            answer = self._run("list-users", fields, safe=True)
        except PostRefused:
            raise
        except ProviderRefused as refusal:
            raise self._domain_refusal(domain, refusal) from None
        rows = _rows(answer, "list-users")
        return [(name, values) for name, values in rows if _address(values)]

    def _exists(self, address: "Address") -> bool:
        return any(_address(values) == str(address) for _, values in self._users(address.domain, address.local))

    def _mailbox(self, values: dict) -> Mailbox:
        address = _address(values) or ""
        quota = _bytes(values, "home_byte_quota", address)
        usage = _bytes(values, "home_byte_quota_used", address)
        disabled = _first(values, "disabled")
        return Mailbox(
            address,
            # 0 bytes is Virtualmin's "no quota"; a fraction of a MB rounds up so a limit stays one.
            quota_mb=math.ceil(quota / MB) if quota else None,
            usage_bytes=usage,
            suspended=None if disabled is None else disabled.strip().lower() == "yes",
        )

    def _created_with_server_quota(self, address: "Address") -> Mailbox:
        """The new mailbox as the server set it up (its default quota applies). Reading
        it back is a courtesy: the mailbox exists either way."""
        try:
            users = self._users(address.domain, address.local)
        except MailctlError as exc:
            self.ctx.notice(f"{address} was created, but its quota could not be read back ({exc.message})")
            return Mailbox(str(address))
        found = [values for _, values in users if _address(values) == str(address)]
        return self._mailbox(found[0]) if found else Mailbox(str(address))

    def _domain_names(self) -> set[str]:
        answer = self._run("list-domains", [("name-only", "")], safe=True)
        data = answer.get("data")
        if not isinstance(data, list):
            raise self._malformed("list-domains", "it has no 'data' list")
        return {str(name).strip().lower() for name in data}

    def _domain_refusal(self, domain: str, refusal: ProviderRefused) -> MailctlError:
        """A refusal about a domain is NotFound when the domain is not on the server --
        decided from the domain list, not from the message."""
        try:
            known = domain in self._domain_names()
        except MailctlError:
            return refusal
        if known:
            return refusal
        return NotFound(f"no virtual server {domain} on this Virtualmin server", provider=self.provider,
                        details=[refusal.message, *refusal.details])

    # -- writes ----------------------------------------------------------------------------------
    def _write(self, program: str, fields: list[tuple[str, str]], address: "Address", *, creating: bool) -> None:
        """Run a write program; a refusal names the mailbox as NotFound when the server's
        state shows it (or its domain) missing."""
        try:
            self._run(program, fields, safe=False)
        except PostRefused:
            raise
        except ProviderRefused as refusal:
            raise self._mailbox_refusal(address, refusal, creating=creating) from None

    def _mailbox_refusal(self, address: "Address", refusal: ProviderRefused, *, creating: bool) -> MailctlError:
        try:
            exists = self._exists(address)
        except NotFound as missing_domain:
            return missing_domain
        except MailctlError:
            return refusal
        if not creating and not exists:
            return NotFound(f"no mailbox {address} on this Virtualmin server", provider=self.provider,
                            details=[refusal.message, *refusal.details])
        return refusal

    def _settle(self, write: Callable[[], None], *, applied: Callable[[], bool] | None, action: str) -> None:
        settle_write(write, applied=applied, action=action, provider=self.provider, notice=self.ctx.notice)

    def _check_password(self, password: str) -> None:
        if not password:
            raise UsageError("the new password is empty", provider=self.provider)
        if "\n" in password or "\r" in password:
            # remote.cgi would split it into more arguments (flags of the attacker's choice).
            raise UsageError("the new password contains a line break, which Virtualmin's remote API would "
                             "turn into extra arguments", provider=self.provider)
        self.ctx.transport.add_secret(password)

    # -- HTTP ----------------------------------------------------------------------------------
    def _run(self, program: str, fields: list[tuple[str, str]], *, safe: bool, secret: str | None = None,
             login: bool = False) -> dict:
        """Run one program; its JSON answer when `status` is "success"."""
        _check_values(fields, self.provider)
        transport = self._transport()
        auth = (self.ctx.profile.user, secret if secret is not None else self.ctx.secret())
        data = [("program", program), *fields, ("json", "1")]
        response = transport.request("POST", REMOTE, data=data, auth=auth, safe=safe, login=login)
        return self._answer(response, program)

    def _transport(self):
        """The transport, its --debug trace kept free of the passwords list-users shows:
        they sit in lists (`"password": ["..."]`), which the generic redaction searches
        rather than blanks."""
        transport = self.ctx.transport
        debug = transport.settings.debug
        if debug is not None and not isinstance(debug, _PasswordsRedacted):
            transport.settings.debug = _PasswordsRedacted(debug)
        return transport

    def _answer(self, response, program: str) -> dict:
        status = response.status_code
        user = self.ctx.profile.user
        if status in (401, 403):
            raise AuthError(f"{LABEL} did not accept the login of {user} (HTTP {status}): check the password; "
                            "the remote API needs a master administrator",
                            provider=self.provider)
        if status == 405:
            raise PostRefused(
                f"{LABEL} refused a POST to remote.cgi (HTTP 405: only {response.headers.get('Allow') or 'GET'} "
                "allowed). mailctl sends passwords only in POST bodies and never falls back to GET (it would put "
                "them in URLs and logs): let the server, or the proxy in front of it, accept POST",
                provider=self.provider)
        if 300 <= status < 400:
            raise BadResponse(f"{LABEL} answered {program} with a redirect (HTTP {status}) to "
                              f"{response.headers.get('Location', '?')}; redirects are not followed on API calls: "
                              "check the profile's URL (https://HOST:10000)", provider=self.provider)
        if status != 200:
            raise TransportError(f"{LABEL} answered HTTP {status} to {program}", provider=self.provider)
        body = response.content.lstrip()
        if "html" in response.headers.get("Content-Type", "").lower() or body[:1] == b"<":
            raise AuthError(f"{LABEL} answered {program} with an HTML page (Webmin's login page) instead of "
                            f"JSON: the login of {user} was not accepted", provider=self.provider)
        if body.startswith(b"ERROR:"):
            text = body.decode("utf-8", "replace").strip().splitlines()[0]
            if "not allowed" in text.lower():
                raise PermissionDenied(f"{LABEL} does not let {user} run remote commands ({text}): in Virtualmin 8.1 "
                                "the remote API is for master administrators", provider=self.provider)
            raise ProviderRefused(f"{LABEL} refused {program}: {text}", provider=self.provider)
        try:
            payload = parse_json(response, LABEL)
        except BadResponse as unreadable:
            unreadable.provider = self.provider
            raise
        if not isinstance(payload, dict):
            raise self._malformed(program, "the answer is not a JSON object")
        outcome = payload.get("status")
        if outcome == "success":
            return payload
        if outcome in ("failure", "error"):
            message = _text(payload.get("error")) or "(no message)"
            details = [line for line in _text(payload.get("full_error")).splitlines()
                       if line.strip() and line.strip() != message]
            raise ProviderRefused(f"{LABEL} refused {program}: {message}", provider=self.provider, details=details)
        raise self._malformed(program, "its 'status' is neither success nor failure")

    def _malformed(self, program: str, why: str) -> BadResponse:
        return BadResponse(f"{LABEL} sent an answer to {program} that mailctl cannot read: {why}",
                           provider=self.provider)


# -- answer helpers -------------------------------------------------------------------------------


def _rows(answer: dict, program: str) -> list[tuple[str, dict]]:
    """The (name, values) rows of a list program's multiline answer."""
    data = answer.get("data")
    if not isinstance(data, list):
        raise BadResponse(f"{LABEL} sent an answer to {program} without a 'data' list", provider=Backend.provider)
    rows = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not isinstance(item.get("values", {}), dict):
            raise BadResponse(f"{LABEL} sent a row of {program} that is not {{name, values}}",
                              provider=Backend.provider)
        rows.append((item["name"], item.get("values") or {}))
    return rows


def _first(values: dict, key: str) -> str | None:
    """The first string of `values[key]` (every value is a list of strings), or None."""
    value = values.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _address(values: dict) -> str | None:
    """The mailbox address of a list-users row; None for a user without mail (FTP or
    database only)."""
    email = _first(values, "email_address")
    return email.strip().lower() if email and email.strip() else None


def _bytes(values: dict, key: str, address: str | None) -> int | None:
    text = _first(values, key)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        raise BadResponse(f"{LABEL} gave {key} of {address} as {text[:40]!r}, not a number of bytes",
                          provider=Backend.provider)
    return int(text)


def _check_values(fields: list[tuple[str, str]], provider: str) -> None:
    for name, value in fields:
        if "\n" in value or "\r" in value:
            raise UsageError(f"the value of {name} contains a line break", provider=provider)


def _restrictions(mailbox: Mailbox) -> "tuple[str, ...] | None":
    return None if mailbox.suspended is None else (("login",) if mailbox.suspended else ())


def _key(destination: str) -> str:
    """A destination as compared: addresses are case-insensitive."""
    return destination.strip().lower()


def _missing(wanted: list[str], have: "tuple[str, ...]", address: "Address") -> list[str]:
    """The wanted destinations `have` lacks; AlreadyExists when it has them all."""
    known = {_key(d) for d in have}
    new = [d for d in wanted if _key(d) not in known]
    if not new:
        raise AlreadyExists(f"{address} already delivers to {', '.join(wanted)}", provider=Backend.provider)
    return new


def _left(have: "tuple[str, ...]", gone: "list[str] | None", address: "Address") -> list[str]:
    """What stays of `have` without `gone` (nothing, when None); NotFound for one it lacks."""
    if not gone:
        return []
    known = {_key(d) for d in have}
    missing = [d for d in gone if _key(d) not in known]
    if missing:
        raise NotFound(f"{address} does not deliver to {', '.join(missing)}", provider=Backend.provider)
    removed = {_key(d) for d in gone}
    return [d for d in have if _key(d) not in removed]


def _forwarding(values: dict) -> _Forwarding:
    forwards = values.get("forward") or []
    if not isinstance(forwards, list) or not all(isinstance(f, str) for f in forwards):
        raise BadResponse(f"{LABEL} sent forwards of {_address(values)} that are not a list of strings",
                          provider=Backend.provider)
    deliver = _first(values, "deliver_to_user")
    return _Forwarding(tuple(f.strip() for f in forwards if f.strip()),
                       local_delivery=deliver is None or deliver.strip().lower() != "no")


def _extra_addresses(values: dict) -> list[str]:
    """A user's extra addresses: one line of the text, so one space-separated string."""
    found = values.get("extra_addresses") or []
    words = " ".join(v for v in found if isinstance(v, str)).split() if isinstance(found, list) else []
    return [w.lower() for w in words if "@" in w]


def _same_kind(error: MailctlError, message: str, provider: str) -> MailctlError:
    """`message` as an error of the kind of `error` (so its exit code stays)."""
    for kind in (AmbiguousWrite, TransportError, NotFound, AlreadyExists, ProviderRefused):
        if isinstance(error, kind):
            return kind(message, provider=provider, details=error.details)
    return ProviderRefused(message, provider=provider, details=error.details)


def _blocks(quota_mb: int) -> str:
    """A quota in MB as Virtualmin takes it: 1 kB blocks, UNLIMITED for none (0)."""
    return "UNLIMITED" if quota_mb == 0 else str(quota_mb * MB // BLOCK)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


class _PasswordsRedacted:
    """A --debug stream that blanks the lists under PASSWORD_KEYS in JSON trace lines
    (a whole list, also one cut off where the trace shortens a long body)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(redact_password_lists(text))

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redact_password_lists(text: str) -> str:
    out, i = [], 0
    while True:
        start = min((p for p in (text.find(f'"{key}": [', i) for key in PASSWORD_KEYS) if p >= 0), default=-1)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        open_at = text.index("[", start)
        out.append(text[i:open_at] + '["***"]')
        i = _end_of_list(text, open_at + 1)


def _end_of_list(text: str, i: int) -> int:
    """The index after the `]` closing a JSON list of strings that starts at `i` (the
    end of the text when it was cut off)."""
    in_string = False
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "]":
            return i + 1
        i += 1
    return len(text)
