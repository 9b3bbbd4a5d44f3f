"""DirectAdmin's legacy API (`/CMD_API_*` on port 2222).

Every request is a POST with a url-encoded body (so no password is ever in a URL) and
HTTP Basic auth as `user:secret`, or `admin|user:secret` when the profile acts for
another account (login_as). Every request also asks for `json=yes`: newer servers then
answer JSON, older ones ignore the field and answer url-encoded, and the parser
(directadmin_parse) reads both.

Mailbox writes go to CMD_API_POP; a server that answers "unknown command" for them is a
newer release that moved them to CMD_API_EMAIL_POP, which is then used for the rest of
the run. A write whose answer is lost is settled by reading the server's state, never by
sending it again."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, ClassVar

from mailctl import validation
from mailctl.backends import directadmin_parse as parse
from mailctl.backends.base import Backend as BaseBackend, Suggestion
from mailctl.backends.writes import settle_write
from mailctl.errors import (AlreadyExists, AuthError, MailctlError, NotFound, OldPasswordRefused, PermissionDenied,
                            ProviderRefused, UsageError)
from mailctl.models import AccountPasswordChange, Alias, Domain, Mailbox

if TYPE_CHECKING:
    from mailctl.models import MailboxChange, NewMailbox
    from mailctl.validation import Address

LOGIN_TEST = "CMD_API_LOGIN_TEST"
SHOW_DOMAINS = "CMD_API_SHOW_DOMAINS"
POP = "CMD_API_POP"
EMAIL_POP = "CMD_API_EMAIL_POP"
USER_PASSWD = "CMD_API_USER_PASSWD"
# How CMD_CHANGE_EMAIL_PASSWORD words a wrong old password (or address), as opposed to a
# new password it refuses.
_CREDENTIALS_REFUSED = re.compile(r"e-?mail(?: address)? or password", re.IGNORECASE)
CHANGE_EMAIL_PASSWORD = "CMD_CHANGE_EMAIL_PASSWORD"
FORWARDERS = "CMD_API_EMAIL_FORWARDERS"

# Ask for JSON answers. Older servers ignore the field, so either shape must be (and is)
# understood; a module value so the tests can play such an older server.
ASK_FOR_JSON = True

MB = 1024 * 1024
# Services CMD_API_USER_PASSWD updates, as its flag names.
ACCOUNT_SERVICES = ("system", "ftp", "database")
# DirectAdmin account names: letters, digits, '.', '-', '_', starting and ending with a
# letter or digit. '+' is refused because mail for user+tag is delivered to user.
_LOCAL_START_END = "abcdefghijklmnopqrstuvwxyz0123456789"


class Backend(BaseBackend):
    provider: ClassVar[str] = "directadmin"

    def __init__(self, ctx):
        super().__init__(ctx)
        # Where this server takes mailbox writes; moves to EMAIL_POP once POP says it does
        # not know them.
        self._pop_writes = POP
        # Cleared once the server says it does not know action=full_list.
        self._has_full_list = True

    # -- credentials ---------------------------------------------------------------------
    def login(self, secret: str) -> None:
        self.ctx.transport.add_secret(secret)
        self._check_login(secret)

    def status(self) -> None:
        self._check_login(self.ctx.secret())
        return None

    def _check_login(self, secret: str, *, acting: bool = True) -> None:
        login_as = self.ctx.option("login_as") if acting else None
        hint = "check the user name and secret" + (
            f", and that {self.ctx.profile.user} may log in as {login_as}" if login_as else ""
        ) + f" (a login key must allow {LOGIN_TEST})"
        reply = self._post(LOGIN_TEST, [], auth=(self._login_name(acting), secret), safe=True, login=True)
        try:
            parse.parse_result(reply, LOGIN_TEST, hint)
        except ProviderRefused as refusal:
            # LOGIN_TEST exists only to say whether the login works; a "no" is exactly that.
            raise AuthError(f"DirectAdmin did not accept the login: {refusal.message}", provider=self.provider,
                            details=refusal.details) from None

    # -- input rules -------------------------------------------------------------------------
    def check_new_mailbox(self, new: "NewMailbox") -> None:
        super().check_new_mailbox(new)
        _check_new_local_part(new.address)

    # -- domains and mailboxes ------------------------------------------------------------
    def list_domains(self) -> list[Domain]:
        names = parse.parse_list(self._call(SHOW_DOMAINS, [], safe=True), SHOW_DOMAINS, self._auth_hint(SHOW_DOMAINS))
        owner = self._acting_user()
        return [Domain(name.strip().lower(), owner=owner) for name in names]

    def empty_domains_hint(self) -> Suggestion | None:
        # SHOW_DOMAINS lists the login's own domains: an admin or reseller usually has
        # none, its users' domains are reached by logging in as them (admin|user).
        if self.ctx.option("login_as"):
            return None
        return Suggestion(f"no domain belongs to {self.ctx.profile.user} itself; an admin or reseller reaches "
                          "a user's domains by acting as that user", ("--login-as", "USER"))

    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        entries = self._mailbox_entries(domain)
        return [self._mailbox(domain, local, fields) for local, fields in sorted(entries.items())]

    def create_mailbox(self, new: "NewMailbox") -> Mailbox:
        self.check_new_mailbox(new)
        address = new.address
        if not new.password:
            raise UsageError("the new mailbox's password is empty")
        fields = [("action", "create"), ("domain", address.domain), ("user", address.local),
                  ("passwd", new.password), ("passwd2", new.password)]
        if new.quota_mb is not None:
            fields.append(("quota", str(new.quota_mb)))
        if new.option("send_limit") is not None:
            fields.append(("limit", str(new.option("send_limit"))))
        self._settle(lambda: self._mailbox_write(fields, address), applied=lambda: self._exists(address),
                     action=f"the creation of {address}")
        if new.quota_mb is not None:
            return Mailbox(str(address), quota_mb=new.quota_mb or None)
        return self._created_with_server_quota(address)

    def delete_mailbox(self, address: "Address", *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        # `select0` is what the web form sends, `user` what the API documents: both, so
        # either kind of server finds the mailbox.
        fields = [("action", "delete"), ("domain", address.domain), ("user", address.local),
                  ("select0", address.local)]
        self._settle(lambda: self._mailbox_write(fields, address), applied=lambda: not self._exists(address),
                     action=f"the deletion of {address}")

    def change_password(self, address: "Address", password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        if not password:
            raise UsageError("the new password is empty")
        entry = self._mailbox_entry(address)
        if entry is None:
            raise NotFound(f"no mailbox {address} on this DirectAdmin account", provider=self.provider)
        fields = [("action", "modify"), ("domain", address.domain), ("user", address.local),
                  ("passwd", password), ("passwd2", password)]
        fields += _kept_settings(entry, address)
        self._settle(lambda: self._mailbox_write(fields, address), applied=None,
                     action=f"the password change of {address}")

    def change_password_self(self, address: "Address", old_password: str, new_password: str) -> None:
        # The mailbox's own old password is the credential: no DirectAdmin login, no
        # Authorization header, the profile's secret is neither needed nor read.
        fields = [("email", str(address)), ("oldpassword", old_password), ("password1", new_password),
                  ("password2", new_password), ("api", "yes")]

        def send() -> None:
            reply = self._post(CHANGE_EMAIL_PASSWORD, fields, auth=None, safe=False)
            try:
                parse.parse_result(reply, CHANGE_EMAIL_PASSWORD,
                                   "the server wants a panel login for the self-service page")
            except ProviderRefused as refusal:
                # error=1 is also a too weak new password; only the credentials answer
                # ("wrong e-mail address or password") is an authentication failure.
                if not any(_CREDENTIALS_REFUSED.search(line) for line in [refusal.message, *refusal.details]):
                    raise
                raise OldPasswordRefused(
                    f"DirectAdmin did not accept the old password of {address} (it says the same for an address "
                    f"that does not exist): {refusal.message}", provider=self.provider, details=refusal.details,
                ) from None

        self._settle(send, applied=None, action=f"the password change of {address}")

    def change_account_password(self, user: str, password: str, *, update_db: bool = True) -> AccountPasswordChange:
        if not password:
            raise UsageError("the new password is empty")
        services = [s for s in ACCOUNT_SERVICES if update_db or s != "database"]
        fields = [("username", user), ("passwd", password), ("passwd2", password), ("options", "yes")]
        fields += [(service, "yes") for service in services]

        # DirectAdmin answers a user-level login's USER_PASSWD as it answers a wrong
        # secret (the login page). The login is checked first, so that answer can be
        # told for what it is: a permission the login lacks, not a secret to replace.
        self._check_login(self.ctx.secret(), acting=False)

        def send() -> None:
            # The profile's own login, not login_as: an account's password is changed by
            # the admin or reseller above it, not by acting as a user.
            reply = self._call(USER_PASSWD, fields, safe=False, acting=False)
            try:
                parse.parse_result(reply, USER_PASSWD, self._auth_hint(USER_PASSWD, acting=False))
            except AuthError:
                raise self._not_permitted(USER_PASSWD, "only admins and resellers may change an account's "
                                          "password") from None
            except ProviderRefused as refusal:
                raise ProviderRefused(f"DirectAdmin refused to change the password of account {user}: "
                                      f"{refusal.message}", provider=self.provider, details=refusal.details) from None

        self._settle(send, applied=None, action=f"the password change of account {user}")
        return AccountPasswordChange(user, services)

    # -- one mailbox: show and change -------------------------------------------------------
    def get_mailbox(self, address: "Address") -> Mailbox:
        fields = self._mailbox_fields(address)
        aliases = tuple(f"{name}@{address.domain}" for name, destinations in
                        sorted(self._forwarders(address.domain).items()) if str(address) in destinations)
        mailbox = self._mailbox(address.domain, address.local, fields)
        restrictions = None if mailbox.suspended is None else (("login",) if mailbox.suspended else ())
        return replace(mailbox, restrictions=restrictions, aliases=aliases)

    def change_mailbox(self, address: "Address", change: "MailboxChange") -> Mailbox:
        self.check_change(change)
        if change.suspend_login is None:
            # A quota change needs no suspension: the one-mailbox read is enough, so a run
            # of changes costs the same on a domain of 10 mailboxes or 10,000. The
            # mailbox's suspension is then not read (None): the change left it alone.
            fields = self._mailbox_entry(address)
            if fields is None:
                raise NotFound(f"no mailbox {address} on this DirectAdmin account", provider=self.provider)
        else:
            fields = self._mailbox_fields(address)
        # What the server answered to each write is what the mailbox now is: reading the
        # domain's whole list again would make a run of N changes on one domain cost N
        # times its size (an ambiguous answer is still settled by a read).
        if change.quota_mb is not None:
            self._change_quota(address, fields, change.quota_mb)
            fields = {**fields, "quota": str(change.quota_mb)}
        if change.suspend_login is not None:
            self._change_suspension(address, fields, change.suspend_login)
            fields = {**fields, "suspended": "yes" if change.suspend_login else "no"}
        mailbox = self._mailbox(address.domain, address.local, fields)
        restrictions = None if mailbox.suspended is None else (("login",) if mailbox.suspended else ())
        return replace(mailbox, restrictions=restrictions)

    def _mailbox_fields(self, address: "Address") -> dict[str, str]:
        """What the server tells about one mailbox: its `full_list` entry (the only read
        that shows suspension), else the per-mailbox `list&type=quota&user=` of older
        servers. NotFound when it does not exist."""
        if self._has_full_list:
            fields = self._mailbox_entries(address.domain).get(address.local)
        else:
            try:
                fields = self._pop_read([("action", "list"), ("type", "quota"), ("domain", address.domain),
                                         ("user", address.local)]).get(address.local)
            except ProviderRefused as refusal:
                raise self._mailbox_refusal(address, refusal, creating=False) from None
        if fields is None:
            if not self._has_full_list or address.local not in self._mailbox_names(address.domain):
                raise NotFound(f"no mailbox {address} on this DirectAdmin account", provider=self.provider)
            fields = {}
        return fields

    def _change_quota(self, address: "Address", fields: dict[str, str], quota_mb: int) -> None:
        # Empty passwd/passwd2 keep the password; the send limit is repeated so that no
        # release resets it.
        sent = [("action", "modify"), ("domain", address.domain), ("user", address.local),
                ("passwd", ""), ("passwd2", ""), ("quota", str(quota_mb))]
        limit = (fields.get("limit") or "").strip()
        if limit.isdigit():
            sent.append(("limit", limit))

        def applied() -> bool:
            now = self._mailbox(address.domain, address.local, self._mailbox_fields(address))
            return now.quota_mb == (quota_mb or None)

        self._settle(lambda: self._mailbox_write(sent, address), applied=applied,
                     action=f"the quota change of {address}")

    def _change_suspension(self, address: "Address", fields: dict[str, str], suspend: bool) -> None:
        # The suspend and unsuspend buttons of the web form post to action=delete. A
        # server that did not know them would delete the mailbox, so they are sent only
        # to a server whose mailbox read reports suspension at all.
        if parse.yes_no(fields.get("suspended")) is None:
            raise ProviderRefused(f"this DirectAdmin server does not report whether {address} is suspended, so "
                                  "mailctl does not send it the suspend button (on a server that does not know "
                                  "it, the same request deletes the mailbox); nothing was sent",
                                  provider=self.provider)
        button = ("suspend", "Suspend") if suspend else ("unsuspend", "Unsuspend")
        sent = [("action", "delete"), ("domain", address.domain), ("user", address.local),
                ("select0", address.local), button]

        def applied() -> bool:
            return parse.yes_no(self._mailbox_fields(address).get("suspended")) is suspend

        self._settle(lambda: self._mailbox_write(sent, address), applied=applied,
                     action=f"the {'suspension' if suspend else 'unsuspension'} of {address}")

    # -- forwarders ------------------------------------------------------------------------
    def list_aliases(self, domain: str) -> list[Alias]:
        return [Alias(f"{name}@{domain}", tuple(destinations))
                for name, destinations in sorted(self._forwarders(domain).items())]

    def add_alias(self, address: "Address", destinations: list[str]) -> Alias:
        for destination in destinations:
            self.check_alias_destination(destination)
        current = self._forwarders(address.domain).get(address.local)
        wanted = list(dict.fromkeys(d.lower() for d in destinations))
        new = [d for d in wanted if d not in (current or [])]
        if current is not None and not new:
            raise AlreadyExists(f"{address} already forwards to {', '.join(wanted)}", provider=self.provider)
        result = [*(current or []), *new]
        # `modify` replaces every destination, so it is sent the whole list.
        action = "create" if current is None else "modify"
        self._forwarder_write([("action", action), ("domain", address.domain), ("user", address.local),
                               ("email", ",".join(result))], address,
                              expected=result, what=f"the forwarder change of {address}")
        return Alias(str(address), tuple(result))

    def remove_alias(self, address: "Address", destinations: "list[str] | None" = None) -> "Alias | None":
        current = self._forwarders(address.domain).get(address.local)
        if current is None:
            raise NotFound(f"no forwarder {address} on this DirectAdmin account", provider=self.provider)
        if destinations:
            gone = list(dict.fromkeys(d.lower() for d in destinations))
            missing = [d for d in gone if d not in current]
            if missing:
                raise NotFound(f"{address} does not forward to {', '.join(missing)}", provider=self.provider)
            left = [d for d in current if d not in gone]
        else:
            left = []
        if left:
            self._forwarder_write([("action", "modify"), ("domain", address.domain), ("user", address.local),
                                   ("email", ",".join(left))], address,
                                  expected=left, what=f"the forwarder change of {address}")
            return Alias(str(address), tuple(left))
        self._forwarder_write([("action", "delete"), ("domain", address.domain), ("select0", address.local)],
                              address, expected=None, what=f"the deletion of forwarder {address}")
        return None

    def _forwarders(self, domain: str) -> dict[str, list[str]]:
        try:
            reply = self._call(FORWARDERS, [("action", "list"), ("domain", domain)], safe=True)
            return parse.parse_forwarders(reply, FORWARDERS, self._auth_hint(FORWARDERS))
        except ProviderRefused as refusal:
            raise self._domain_refusal(domain, refusal) from None

    def _forwarder_write(self, fields: list[tuple[str, str]], address: "Address", *,
                         expected: "list[str] | None", what: str) -> None:
        """One forwarder write; a lost answer is settled by reading the forwarders (the
        change is applied when they show `expected`, None meaning the forwarder gone)."""

        def applied() -> bool:
            now = self._forwarders(address.domain).get(address.local)
            return now == expected if expected is not None else now is None

        def send() -> None:
            try:
                self._write(FORWARDERS, fields)
            except ProviderRefused as refusal:
                raise self._domain_refusal(address.domain, refusal) from None

        self._settle(send, applied=applied, action=what)

    # -- mailbox reads ---------------------------------------------------------------------
    def _mailbox_entries(self, domain: str) -> dict[str, dict[str, str]]:
        """Every mailbox of `domain` with what the server tells about it, in one request
        when it can: `full_list` (quota, usage, limit, suspended), else `list&type=quota`
        (quota, usage), which servers that know neither answer as a plain list."""
        full_list_refused = False
        if self._has_full_list:
            try:
                return self._pop_read([("action", "full_list"), ("domain", domain)])
            except ProviderRefused:
                # An older server without full_list -- or an unknown domain, which the
                # next request tells apart.
                full_list_refused = True
        try:
            entries = self._pop_read([("action", "list"), ("type", "quota"), ("domain", domain)])
        except ProviderRefused as refusal:
            raise self._domain_refusal(domain, refusal) from None
        if full_list_refused:
            self._has_full_list = False  # the same domain works without it: no full_list here
        return entries

    def _mailbox_entry(self, address: "Address") -> dict[str, str] | None:
        """What the server tells about one mailbox (quota, usage), or None when it has no
        such mailbox: `list&type=quota&user=LOCAL` asks for that mailbox alone, so a
        password change or a create costs the same on a domain of 10 or 10,000. A refusal
        (a missing mailbox is refused, as is an unknown domain) is decided by the domain's
        full read, which tells the two apart."""
        fields = [("action", "list"), ("type", "quota"), ("domain", address.domain), ("user", address.local)]
        try:
            entry = self._pop_read(fields).get(address.local)
        except ProviderRefused:
            entry = None
        if entry is not None:
            return entry
        return self._mailbox_entries(address.domain).get(address.local)

    def _mailbox_names(self, domain: str) -> set[str]:
        try:
            reply = self._call(POP, [("action", "list"), ("domain", domain)], safe=True)
            return set(_normalised_names(parse.parse_list(reply, POP, self._auth_hint(POP))))
        except ProviderRefused as refusal:
            raise self._domain_refusal(domain, refusal) from None

    def _pop_read(self, fields: list[tuple[str, str]]) -> dict[str, dict[str, str]]:
        entries = parse.parse_map(self._call(POP, fields, safe=True), POP, self._auth_hint(POP))
        return dict(zip(_normalised_names(entries), entries.values()))

    def _exists(self, address: "Address") -> bool:
        return address.local in self._mailbox_names(address.domain)

    def _mailbox(self, domain: str, local: str, fields: dict[str, str]) -> Mailbox:
        address = f"{local}@{domain}"
        quota = parse.megabytes(fields.get("quota"), what=f"the quota of {address}")
        usage = parse.megabytes(fields.get("usage"), what=f"the usage of {address}")
        return Mailbox(
            address,
            # 0 is DirectAdmin's "unlimited"; the model says unlimited with None.
            quota_mb=_whole_mb(quota) if quota else None,
            usage_bytes=round(usage * MB) if usage is not None else None,
            suspended=parse.yes_no(fields.get("suspended")),
        )

    def _created_with_server_quota(self, address: "Address") -> Mailbox:
        """The new mailbox as the server set it up when no quota was given (the server's
        default applies). Reading it back is a courtesy: the mailbox exists either way."""
        try:
            fields = self._mailbox_entry(address)
        except MailctlError as exc:
            self.ctx.notice(f"{address} was created, but its quota could not be read back ({exc.message})")
            return Mailbox(str(address))
        fields = dict(fields or {})
        if self._has_full_list:
            # The one-mailbox read tells no suspension; a mailbox just created is not
            # suspended, which is what full_list (on the servers that have it) says.
            fields.setdefault("suspended", "no")
        return self._mailbox(address.domain, address.local, fields)

    def _domain_refusal(self, domain: str, refusal: ProviderRefused) -> MailctlError:
        """A refusal about a domain becomes NotFound when the domain is not among the
        account's domains -- decided from the domain list, not from the message."""
        try:
            reply = self._call(SHOW_DOMAINS, [], safe=True)
            domains = {name.strip().lower() for name in parse.parse_list(reply, SHOW_DOMAINS)}
        except MailctlError:
            return refusal
        if domain in domains:
            return refusal
        hint = "" if self.ctx.option("login_as") else (
            "; if another account owns it, give the profile --login-as THAT_USER"
        )
        return NotFound(f"domain {domain} is not one of the domains of {self._acting_user()} on this server{hint}",
                        provider=self.provider, details=[refusal.message, *refusal.details])

    # -- mailbox writes ----------------------------------------------------------------------
    def _mailbox_write(self, fields: list[tuple[str, str]], address: "Address") -> None:
        """Send a create/modify/delete; a refusal names the mailbox as NotFound when the
        server's state shows it (or its domain) missing."""
        try:
            self._pop_write(fields)
        except ProviderRefused as refusal:
            raise self._mailbox_refusal(address, refusal, creating=fields[0][1] == "create") from None

    def _pop_write(self, fields: list[tuple[str, str]]) -> None:
        try:
            self._write(self._pop_writes, fields)
        except ProviderRefused as refusal:
            if self._pop_writes != POP or not parse.is_unknown_command(refusal):
                raise
            # A newer release: the server refused before acting, so this is not a re-send.
            self._pop_writes = EMAIL_POP
            self._write(EMAIL_POP, fields)

    def _mailbox_refusal(self, address: "Address", refusal: ProviderRefused, *, creating: bool) -> MailctlError:
        try:
            names = self._mailbox_names(address.domain)
        except NotFound as missing_domain:
            return missing_domain
        except MailctlError:
            return refusal
        if not creating and address.local not in names:
            return NotFound(f"no mailbox {address} on this DirectAdmin account", provider=self.provider,
                            details=[refusal.message, *refusal.details])
        return refusal

    def _write(self, command: str, fields: list[tuple[str, str]]) -> None:
        parse.parse_result(self._call(command, fields, safe=False), command, self._auth_hint(command))

    def _settle(self, write: Callable[[], None], *, applied: Callable[[], bool] | None, action: str) -> None:
        """Send a write once; a lost answer is settled by `applied` (a read of the
        server's state), or is ambiguous when the change cannot be seen (a password)."""
        settle_write(write, applied=applied, action=action, provider=self.provider, notice=self.ctx.notice)

    # -- HTTP --------------------------------------------------------------------------------
    def _call(self, command: str, fields: list[tuple[str, str]], *, safe: bool, acting: bool = True) -> parse.Reply:
        """One request with the profile's login."""
        return self._post(command, fields, auth=(self._login_name(acting), self.ctx.secret()), safe=safe)

    def _post(self, command: str, fields: list[tuple[str, str]], *, auth: tuple[str, str] | None,
              safe: bool, login: bool = False) -> parse.Reply:
        data = list(fields) + ([("json", "yes")] if ASK_FOR_JSON else [])
        response = self.ctx.transport.request("POST", f"/{command}", data=data, auth=auth, safe=safe, login=login)
        return parse.Reply.of(response)

    def _login_name(self, acting: bool = True) -> str:
        login_as = self.ctx.option("login_as")
        return f"{self.ctx.profile.user}|{login_as}" if acting and login_as else self.ctx.profile.user

    def _acting_user(self) -> str:
        return self.ctx.option("login_as") or self.ctx.profile.user

    def _not_permitted(self, command: str, why: str) -> PermissionDenied:
        user = self.ctx.profile.user
        return PermissionDenied(
            f"DirectAdmin accepted the login of {user} but not {command}: {why} (and a login key must allow "
            f"{command}); use a profile that logs in as one: 'mailctl profile add NAME --provider {self.provider} "
            f"--url {self.ctx.profile.url} --user ADMIN'", provider=self.provider)

    def _auth_hint(self, command: str, *, acting: bool = True) -> str:
        who = self._login_name(acting)
        hint = f"check the secret of {who}; a login key must allow {command}"
        if acting and self.ctx.option("login_as"):
            hint += f"; and {self.ctx.profile.user} must be allowed to log in as {self.ctx.option('login_as')}"
        return hint


def _check_new_local_part(address: "Address") -> None:
    """DirectAdmin's own rule for new account names, stricter than the generic check."""
    local = address.local
    if "+" in local:
        raise UsageError(f"invalid address {address}: DirectAdmin does not allow '+' in a mailbox name "
                         "(mail for user+tag is delivered to user)", provider=Backend.provider)
    if local[0] not in _LOCAL_START_END or local[-1] not in _LOCAL_START_END:
        raise UsageError(f"invalid address {address}: DirectAdmin wants a mailbox name to start and end "
                         "with a letter or digit", provider=Backend.provider)


def _whole_mb(quota: float) -> int:
    # Quotas are whole MB on DirectAdmin; a fraction rounds up so a limit stays a limit.
    return math.ceil(quota)


def _normalised_names(names) -> list[str]:
    # DirectAdmin stores mailbox names in lower case; some answers echo what was typed.
    return [name.strip().lower() for name in names]


def _kept_settings(fields: dict[str, str], address: "Address") -> list[tuple[str, str]]:
    """The quota and send limit a modify must repeat so a password change leaves them
    as they are (some releases reset an omitted quota)."""
    kept = []
    quota = parse.megabytes(fields.get("quota"), what=f"the quota of {address}")
    if quota is not None:
        kept.append(("quota", str(_whole_mb(quota))))
    limit = (fields.get("limit") or "").strip()
    if limit.isdigit():
        kept.append(("limit", limit))
    return kept
