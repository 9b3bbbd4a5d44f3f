"""Plesk's XML API: every call is `POST /enterprise/control/agent.php` with a `<packet>`
body, the login in `HTTP_AUTH_LOGIN` + `HTTP_AUTH_PASSWD` headers (or a secret key in
`KEY`, profile option --secret-key). Customers and the admin both work; the API shows
each only its own sites.

Mail is addressed by site id + local part: the id is looked up from the domain (`site`,
then `webspace`) once per run. Auth failures are errcode 1001 (and the other auth codes)
in an HTTP 200: AuthError, never retried. Quotas travel in bytes. A write is sent once;
a lost answer is settled by reading the server's state (backends/writes.py).

Routes (docs/providers/plesk.md, "Aliases"): a mail name's forwarding addresses are a
forwarder of that address; each of its `<alias>` names is an alias delivering to it. A
new alias is a mail name without a mailbox that forwards. Lists change only through
`update/add` and `update/remove` (`update/set` would replace them), and a mail name is
removed only when it has no mailbox.

Plesk has no per-mailbox suspension (the spec declares none), and `account passwd`
(`<customer><set>`) is for the administrator and resellers only: a customer's profile is
refused before anything is sent."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from mailctl.backends import plesk_parse as parse
from mailctl.backends.base import Backend as BaseBackend
from mailctl.backends.writes import settle_write
from mailctl.errors import AlreadyExists, BadResponse, MailctlError, NotFound, ProviderRefused, Unsupported, UsageError
from mailctl.models import AccountPasswordChange, Alias, Domain, Mailbox

if TYPE_CHECKING:
    from mailctl.models import MailboxChange, NewMailbox
    from mailctl.validation import Address

AGENT = "/enterprise/control/agent.php"
MB = 1024 * 1024
HIDDEN = "REDACTED"
# Plesk's administrator always logs in as `admin`; resellers are marked in the profile.
ADMIN_LOGIN = "admin"
# Plesk's own value for "no limit"; get_info answers an unlimited quota with it.
UNLIMITED = -1


class Backend(BaseBackend):
    provider: ClassVar[str] = "plesk"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._site_ids: dict[str, int] = {}

    # -- credentials ---------------------------------------------------------------------
    def login(self, secret: str) -> None:
        self._sites(secret, login=True)

    def status(self) -> None:
        self._sites(self.ctx.secret(), login=True)
        return None

    # -- domains ---------------------------------------------------------------------------
    def list_domains(self) -> list[Domain]:
        # site get tells neither the owner nor the number of mail names.
        return [Domain(name) for name in sorted(self._sites(self.ctx.secret()))]

    def _sites(self, secret: str, *, login: bool = False) -> dict[str, int]:
        inner = "<site><get><filter/><dataset><gen_info/></dataset></get></site>"
        root = self._send("site.get", inner, secret=secret, what="site get", safe=True, login=login)
        sites = {}
        for result in self._checked(parse.results(root, "site", "get", "site get"), "site get"):
            name = (parse.child_text(result.node, "data/gen_info/name") or "").lower()
            site_id = parse.child_text(result.node, "id")
            if not name or not (site_id or "").isdigit():
                raise BadResponse("Plesk answered site get with a site without a name or id", provider=self.provider)
            sites[name] = int(site_id)
        self._site_ids.update(sites)
        return sites

    def _site_id(self, domain: str) -> int:
        if domain in self._site_ids:
            return self._site_ids[domain]
        for operator in ("site", "webspace"):
            inner = (f"<{operator}><get><filter><name>{parse.text(domain)}</name></filter>"
                     f"<dataset><gen_info/></dataset></get></{operator}>")
            root = self._send(f"{operator}.get", inner, what=f"{operator} get", safe=True)
            found = parse.results(root, operator, "get", f"{operator} get")
            ok = [r for r in found if r.ok]
            if ok:
                site_id = parse.child_text(ok[0].node, "id")
                if not (site_id or "").isdigit():
                    raise BadResponse(f"Plesk answered {operator} get without a numeric id", provider=self.provider)
                self._site_ids[domain] = int(site_id)
                return int(site_id)
            failed = [r for r in found if r.errcode != parse.NO_OBJECT]
            if failed:
                raise parse.error_for(failed[0].errcode, failed[0].errtext, f"{operator} get {domain}")
        raise NotFound(f"domain {domain} is not a site of {self.ctx.profile.user} on this Plesk server",
                       provider=self.provider)

    # -- mail names: read -----------------------------------------------------------------
    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        names = self._mail_names(domain)
        return sorted((_mailbox(n, domain) for n in names.values() if n.mailbox), key=lambda m: m.address)

    def get_mailbox(self, address: "Address") -> Mailbox:
        """One read of the site (every mail name with its routes): the mailbox, its aliases
        and the addresses that forward to it."""
        names = self._mail_names(address.domain, routes=True)
        found = names.get(address.local)
        if found is None or not found.mailbox:
            raise NotFound(f"no mailbox {address} on this Plesk server", provider=self.provider)
        linked = {f"{alias}@{address.domain}" for alias in found.aliases}
        linked |= {f"{n.local}@{address.domain}" for n in names.values() if str(address) in n.forwards_to}
        return replace(_mailbox(found, address.domain), restrictions=(), aliases=tuple(sorted(linked)))

    def find_mailbox(self, address: "Address") -> Mailbox | None:
        # The ensure flags need only whether it exists: one mail name, not the whole site.
        found = self._mail_name(address)
        return _mailbox(found, address.domain) if found is not None and found.mailbox else None

    def _mail_name(self, address: "Address", *, routes: bool = False) -> "parse.MailName | None":
        return self._mail_names(address.domain, address.local, routes=routes).get(address.local)

    def _mail_names(self, domain: str, local: str | None = None, *, routes: bool = False
                    ) -> "dict[str, parse.MailName]":
        """The site's mail names (local part -> MailName), or the one named `local`."""
        site_id = self._site_id(domain)
        name = f"<name>{parse.text(local)}</name>" if local else ""
        # In the order of the schema: mailbox, mailbox-usage, forwarding, aliases.
        flags = "<mailbox/><mailbox-usage/>" + ("<forwarding/><aliases/>" if routes else "")
        inner = f"<mail><get_info><filter><site-id>{site_id}</site-id>{name}</filter>{flags}</get_info></mail>"
        root = self._send("mail.get_info", inner, what="mail get_info", safe=True)
        found: dict[str, parse.MailName] = {}
        for result in parse.results(root, "mail", "get_info", "mail get_info"):
            if not result.ok:
                if result.errcode == parse.NO_OBJECT and local:
                    return {}
                raise parse.error_for(result.errcode, result.errtext, f"mail get_info on {domain}")
            node = result.node.find("mailname")
            if node is None:
                continue  # an ok result without a mail name: nothing matched
            entry = parse.mail_name(node, domain)
            found[entry.local] = entry
        return found

    def _exists(self, address: "Address") -> bool:
        found = self._mail_name(address)
        return found is not None and found.mailbox

    def create_mailbox(self, new: "NewMailbox") -> Mailbox:
        self.check_new_mailbox(new)
        address = new.address
        if not new.password:
            raise UsageError("the new mailbox's password is empty", provider=self.provider)
        site_id = self._site_id(address.domain)
        quota = f"<quota>{new.quota_mb * MB}</quota>" if new.quota_mb else ""

        def body(password: str) -> str:
            return (f"<mail><create><filter><site-id>{site_id}</site-id><mailname>"
                    f"<name>{parse.text(address.local)}</name><mailbox><enabled>true</enabled>{quota}</mailbox>"
                    f"<password><value>{password}</value><type>plain</type></password>"
                    "</mailname></filter></create></mail>")

        self._hide(new.password)
        self._write("mail.create", body(parse.text(new.password)), body(HIDDEN), "create", address,
                    applied=lambda: self._exists(address), action=f"the creation of {address}")
        try:
            created = self.find_mailbox(address)
            if created is None:
                raise NotFound(f"{address} is not listed", provider=self.provider)
            return created
        except MailctlError as exc:
            self.ctx.notice(f"{address} was created, but it could not be read back ({exc.message})")
            return Mailbox(str(address), quota_mb=new.quota_mb or None)

    def delete_mailbox(self, address: "Address", *, keep_data: bool = False) -> None:
        self.check_delete(keep_data=keep_data)
        if not address.local:
            # A remove without <name> deletes every mail name of the site.
            raise UsageError("refusing a Plesk mail remove without a name", provider=self.provider)
        site_id = self._site_id(address.domain)
        inner = (f"<mail><remove><filter><site-id>{site_id}</site-id><name>{parse.text(address.local)}</name>"
                 "</filter></remove></mail>")
        self._write("mail.remove", inner, inner, "remove", address,
                    applied=lambda: not self._exists(address), action=f"the deletion of {address}")

    def change_password(self, address: "Address", password: str, *, require_reset: bool = False) -> None:
        self.check_password_change(require_reset=require_reset)
        if not password:
            raise UsageError("the new password is empty", provider=self.provider)
        site_id = self._site_id(address.domain)

        def body(value: str) -> str:
            return (f"<mail><update><set><filter><site-id>{site_id}</site-id><mailname>"
                    f"<name>{parse.text(address.local)}</name>"
                    f"<password><value>{value}</value><type>plain</type></password>"
                    "</mailname></filter></set></update></mail>")

        self._hide(password)
        self._write("mail.update", body(parse.text(password)), body(HIDDEN), "update/set", address,
                    applied=None, action=f"the password change of {address}")

    # -- pop set: the quota (Plesk has no per-mailbox suspension) ---------------------------
    def change_mailbox(self, address: "Address", change: "MailboxChange") -> Mailbox:
        self.check_change(change)  # a suspension is refused here: the spec declares no kind
        before = self._mail_name(address)
        if before is None or not before.mailbox:
            # A set with <mailbox> would give an address that only forwards a mailbox.
            raise NotFound(f"no mailbox {address} on this Plesk server", provider=self.provider)
        current = _mailbox(before, address.domain)
        if change.quota_mb is None:
            return current
        wanted = change.quota_mb * MB if change.quota_mb else UNLIMITED
        inner = (f"<mail><update><set><filter><site-id>{self._site_id(address.domain)}</site-id><mailname>"
                 f"<name>{parse.text(address.local)}</name><mailbox><quota>{wanted}</quota></mailbox>"
                 "</mailname></filter></set></update></mail>")

        def applied() -> bool:
            now = self._mail_name(address)
            return now is not None and (now.quota_bytes or UNLIMITED) == wanted

        self._write("mail.update", inner, inner, "update/set", address, applied=applied,
                    action=f"the quota change of {address}")
        # Answered from its own write: the quota is what was sent, the rest as just read.
        return replace(current, quota_mb=change.quota_mb or None)

    # -- aliases: forwarding addresses and mail aliases ----------------------------------------
    def list_aliases(self, domain: str) -> list[Alias]:
        return _routes(self._mail_names(domain, routes=True), domain)

    def add_alias(self, address: "Address", destinations: list[str]) -> Alias:
        for destination in destinations:
            self.check_alias_destination(destination)
        wanted = list(dict.fromkeys(d.lower() for d in destinations))
        if str(address) in wanted:
            raise UsageError(f"{address} cannot forward to itself", provider=self.provider)
        names = self._mail_names(address.domain, routes=True)
        owner = _alias_owner(names, address.local)
        if owner is not None:
            target = f"{owner}@{address.domain}"
            if wanted == [target]:
                raise AlreadyExists(f"{address} is already an alias of {target}", provider=self.provider)
            raise ProviderRefused(f"{address} is a Plesk mail alias of {target} and delivers only there; remove it "
                                  f"first (mailctl alias remove {address}) to make it forward elsewhere",
                                  provider=self.provider)
        existing = names.get(address.local)
        if existing is None:
            self._create_forwarder(address, wanted)
            return Alias(str(address), tuple(wanted), "forwarder")
        current = list(existing.forwards_to)
        new = [d for d in wanted if d not in current]
        if not new:
            raise AlreadyExists(f"{address} already forwards to {', '.join(wanted)}", provider=self.provider)
        if existing.forwarding and not existing.forwarding_enabled:
            # Switched-off forwarding keeps its old addresses; turning it on with add would
            # bring them back. Set replaces the list with exactly the ones asked for.
            self._forwarding("set", address, new, action=f"forwarding {address}")
        else:
            self._forwarding("add", address, new, action=f"adding forwarding addresses to {address}")
        return Alias(str(address), tuple(current + new), "forwarder")

    def remove_alias(self, address: "Address", destinations: "list[str] | None" = None) -> "Alias | None":
        gone = list(dict.fromkeys(d.lower() for d in destinations or []))
        names = self._mail_names(address.domain, routes=True)
        owner = _alias_owner(names, address.local)
        if owner is not None:
            target = f"{owner}@{address.domain}"
            if gone and gone != [target]:
                raise NotFound(f"{address} is an alias of {target}, not of "
                               f"{', '.join(d for d in gone if d != target)}", provider=self.provider)
            self._remove_mail_alias(address, owner)
            return None
        existing = names.get(address.local)
        current = list(existing.forwards_to) if existing is not None else []
        if not current:
            raise NotFound(f"no alias {address} on this Plesk server" if existing is None
                           else f"{address} forwards nowhere", provider=self.provider)
        missing = [d for d in gone if d not in current]
        if missing:
            raise NotFound(f"{address} does not forward to {', '.join(missing)}", provider=self.provider)
        removed = gone or current
        left = [d for d in current if d not in removed]
        if not left and not existing.mailbox:
            if existing.aliases:
                raise ProviderRefused(
                    f"{address} only forwards, and its mail aliases "
                    f"({', '.join(f'{a}@{address.domain}' for a in existing.aliases)}) deliver through it: "
                    "remove them first", provider=self.provider)
            self._remove_forwarder(address)
            return None
        self._forwarding("remove", address, removed, action=f"removing forwarding addresses of {address}")
        return Alias(str(address), tuple(left), "forwarder") if left else None

    def _create_forwarder(self, address: "Address", destinations: list[str]) -> None:
        """A mail name without <mailbox>: an address that only forwards."""
        inner = (f"<mail><create><filter><site-id>{self._site_id(address.domain)}</site-id><mailname>"
                 f"<name>{parse.text(address.local)}</name>{_forwarding_xml(destinations, enabled=True)}"
                 "</mailname></filter></create></mail>")

        def applied() -> bool:
            now = self._mail_name(address, routes=True)
            return now is not None and set(destinations) <= set(now.forwards_to)

        self._write("mail.create", inner, inner, "create", address, applied=applied,
                    action=f"the creation of the forwarder {address}")

    def _forwarding(self, kind: str, address: "Address", addresses: list[str], *, action: str) -> None:
        """update/add, update/remove or update/set of forwarding addresses (never of anything
        else: a set replaces the lists it names)."""
        enabled = None if kind == "remove" else True
        inner = (f"<mail><update><{kind}><filter><site-id>{self._site_id(address.domain)}</site-id><mailname>"
                 f"<name>{parse.text(address.local)}</name>{_forwarding_xml(addresses, enabled=enabled)}"
                 f"</mailname></filter></{kind}></update></mail>")

        def applied() -> bool:
            now = self._mail_name(address, routes=True)
            routes = set(now.forwards_to) if now is not None else set()
            return not routes & set(addresses) if kind == "remove" else set(addresses) <= routes

        self._write("mail.update", inner, inner, f"update/{kind}", address, applied=applied, action=action,
                    missing=f"no mail name {address} on this Plesk server")

    def _remove_forwarder(self, address: "Address") -> None:
        # The mail name has no mailbox (checked by the caller): removing it loses no mail.
        if not address.local:
            raise UsageError("refusing a Plesk mail remove without a name", provider=self.provider)
        inner = (f"<mail><remove><filter><site-id>{self._site_id(address.domain)}</site-id>"
                 f"<name>{parse.text(address.local)}</name></filter></remove></mail>")
        self._write("mail.remove", inner, inner, "remove", address,
                    applied=lambda: self._mail_name(address) is None, action=f"the removal of the forwarder {address}",
                    missing=f"no alias {address} on this Plesk server")

    def _remove_mail_alias(self, address: "Address", owner: str) -> None:
        inner = (f"<mail><update><remove><filter><site-id>{self._site_id(address.domain)}</site-id><mailname>"
                 f"<name>{parse.text(owner)}</name><alias>{parse.text(address.local)}</alias>"
                 "</mailname></filter></remove></update></mail>")

        def applied() -> bool:
            return _alias_owner(self._mail_names(address.domain, routes=True), address.local) is None

        self._write("mail.update", inner, inner, "update/remove", address, applied=applied,
                    action=f"the removal of the alias {address}", missing=f"no alias {address} on this Plesk server")

    # -- account passwd: the administrator's and resellers' ---------------------------------------
    def require(self, operation: str) -> None:
        super().require(operation)
        if operation == "account passwd":
            self._require_account_level()

    def _require_account_level(self) -> None:
        """Unsupported (exit 2, nothing sent) for a customer's login: <customer><set> is for
        the administrator (login admin) and resellers (profile option --reseller)."""
        user = self.ctx.profile.user
        if user == ADMIN_LOGIN or self.ctx.option("reseller"):
            return
        raise Unsupported(self.provider, "account passwd",
                          f"only Plesk's administrator (login {ADMIN_LOGIN}) or a reseller (a profile added with "
                          f"--reseller) may change a customer's password, and {user} logs in as a customer")

    def change_account_password(self, user: str, password: str, *, update_db: bool = True) -> AccountPasswordChange:
        # update_db: a Plesk customer's password is its panel login only; databases keep theirs.
        self._require_account_level()
        if not password:
            raise UsageError("the new password is empty", provider=self.provider)

        def body(value: str) -> str:
            return (f"<customer><set><filter><login>{parse.text(user)}</login></filter><values><gen_info>"
                    f"<passwd>{value}</passwd></gen_info></values></set></customer>")

        def send() -> None:
            root = self._send("customer.set", body(parse.text(password)), shown=body(HIDDEN), what="customer set",
                              safe=False)
            found = parse.results(root, "customer", "set", "customer set")
            if len(found) != 1:
                raise BadResponse(f"Plesk answered customer set of {user} with {len(found)} results, not one",
                                  provider=self.provider)
            if not found[0].ok:
                if found[0].errcode == parse.NO_OBJECT:
                    raise NotFound(f"no customer {user} that {self.ctx.profile.user} manages on this Plesk server "
                                   f"(errcode {found[0].errcode})", provider=self.provider)
                raise parse.error_for(found[0].errcode, found[0].errtext, f"customer set of {user}")

        self._hide(password)
        settle_write(send, applied=None, action=f"the password change of account {user}", provider=self.provider,
                     notice=self.ctx.notice)
        return AccountPasswordChange(user, ["panel"])

    # -- HTTP --------------------------------------------------------------------------------
    def _write(self, operation: str, inner: str, shown: str, op: str, address: "Address", *, applied,
               action: str, missing: str | None = None) -> None:
        """Send one mail write (`op`: create, remove, update/set|add|remove) and check its one
        result; `missing` is the message of errcode 1013 (else "no mailbox")."""
        def send() -> None:
            root = self._send(operation, inner, shown=shown, what=f"mail {op}", safe=False)
            found = parse.results(root, "mail", op, f"mail {op}")
            if len(found) != 1:
                raise BadResponse(f"Plesk answered mail {op} of {address} with {len(found)} results, not one",
                                  provider=self.provider)
            result = found[0]
            if not result.ok:
                if result.errcode == parse.NO_OBJECT and op != "create":
                    raise NotFound(f"{missing or f'no mailbox {address} on this Plesk server'} "
                                   f"(errcode {result.errcode})", provider=self.provider)
                raise parse.error_for(result.errcode, result.errtext, f"mail {op} of {address}")

        settle_write(send, applied=applied, action=action, provider=self.provider, notice=self.ctx.notice)

    def _checked(self, found: list, what: str) -> list:
        for result in found:
            if not result.ok:
                raise parse.error_for(result.errcode, result.errtext, what)
        return found

    def _hide(self, value: str) -> None:
        for form in {value, parse.text(value)}:
            self.ctx.transport.add_secret(form)

    def _headers(self, secret: str) -> dict[str, str]:
        self._hide(secret)
        # Header values go out as UTF-8 bytes: the Latin-1 text of those bytes is what
        # http.client encodes back to them.
        wire = secret.encode("utf-8").decode("latin-1")
        if " " in wire:
            # The transport's header redaction keeps the word before a space (a scheme,
            # for Authorization); a password has none, so that word is a secret too.
            self.ctx.transport.add_secret(wire.split(" ", 1)[0])
        headers = {"Content-Type": "text/xml; charset=UTF-8"}
        if self.ctx.option("secret_key"):
            headers["KEY"] = wire
        else:
            headers["HTTP_AUTH_LOGIN"] = self.ctx.profile.user.encode("utf-8").decode("latin-1")
            headers["HTTP_AUTH_PASSWD"] = wire
        return headers

    def _send(self, operation: str, inner: str, *, what: str, safe: bool, secret: str | None = None,
              shown: str | None = None, login: bool = False):
        headers = self._headers(secret if secret is not None else self.ctx.secret())
        body = parse.packet(operation, inner, shown)
        response = self.ctx.transport.request("POST", AGENT, data=body, headers=headers, safe=safe, login=login)
        return parse.parse_packet(response, what)


# -- mail names as mailctl's models ---------------------------------------------------------

def _mailbox(name: "parse.MailName", domain: str) -> Mailbox:
    quota = name.quota_bytes
    return Mailbox(f"{name.local}@{domain}", quota_mb=math.ceil(quota / MB) if quota else None,
                   usage_bytes=name.usage_bytes)


def _routes(names: "dict[str, parse.MailName]", domain: str) -> list[Alias]:
    """Each mail name's forwarding (a forwarder of its own address) and each of its mail
    aliases (an alias delivering to it)."""
    found = []
    for name in names.values():
        address = f"{name.local}@{domain}"
        if name.forwards_to:
            found.append(Alias(address, name.forwards_to, "forwarder"))
        found.extend(Alias(f"{alias}@{domain}", (address,), "alias") for alias in name.aliases)
    return sorted(found, key=lambda a: (a.address, a.kind))


def _alias_owner(names: "dict[str, parse.MailName]", local: str) -> str | None:
    """The mail name that has `local` as one of its mail aliases, or None."""
    return next((n.local for n in names.values() if local in n.aliases), None)


def _forwarding_xml(addresses: list[str], *, enabled: bool | None) -> str:
    switch = "" if enabled is None else f"<enabled>{'true' if enabled else 'false'}</enabled>"
    return "<forwarding>" + switch + "".join(f"<address>{parse.text(a)}</address>" for a in addresses) + \
        "</forwarding>"
