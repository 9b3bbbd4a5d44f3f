"""Plesk's XML API: every call is `POST /enterprise/control/agent.php` with a `<packet>`
body, the login in `HTTP_AUTH_LOGIN` + `HTTP_AUTH_PASSWD` headers (or a secret key in
`KEY`, profile option --secret-key). Customers and the admin both work; the API shows
each only its own sites.

Mail is addressed by site id + local part: the id is looked up from the domain (`site`,
then `webspace`) once per run. Auth failures are errcode 1001 (and the other auth codes)
in an HTTP 200: AuthError, never retried. Quotas travel in bytes. A write is sent once;
a lost answer is settled by reading the server's state (backends/writes.py)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

from mailctl.backends import plesk_parse as parse
from mailctl.backends.base import Backend as BaseBackend
from mailctl.backends.writes import settle_write
from mailctl.errors import BadResponse, MailctlError, NotFound, UsageError
from mailctl.models import Domain, Mailbox

if TYPE_CHECKING:
    from mailctl.models import NewMailbox
    from mailctl.validation import Address

AGENT = "/enterprise/control/agent.php"
MB = 1024 * 1024
HIDDEN = "REDACTED"


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

    # -- mailboxes -------------------------------------------------------------------------
    def list_mailboxes(self, domain: str) -> list[Mailbox]:
        return sorted(self._mailnames(domain, None).values(), key=lambda m: m.address)

    def get_mailbox(self, address: "Address") -> Mailbox:
        found = self._mailnames(address.domain, address.local, aliases=True)
        if str(address) not in found:
            raise NotFound(f"no mailbox {address} on this Plesk server", provider=self.provider)
        return found[str(address)]

    def _mailnames(self, domain: str, local: str | None, *, aliases: bool = False) -> dict[str, Mailbox]:
        site_id = self._site_id(domain)
        name = f"<name>{parse.text(local)}</name>" if local else ""
        flags = "<mailbox/>" + ("<aliases/>" if aliases else "") + "<mailbox-usage/>"
        inner = f"<mail><get_info><filter><site-id>{site_id}</site-id>{name}</filter>{flags}</get_info></mail>"
        root = self._send("mail.get_info", inner, what="mail get_info", safe=True)
        found: dict[str, Mailbox] = {}
        for result in parse.results(root, "mail", "get_info", "mail get_info"):
            if not result.ok:
                if result.errcode == parse.NO_OBJECT and local:
                    return {}
                raise parse.error_for(result.errcode, result.errtext, f"mail get_info on {domain}")
            node = result.node.find("mailname")
            if node is None:
                continue  # an ok result without a mail name: nothing matched
            box = self._mailbox(domain, node, aliases)
            if box is not None:
                found[box.address] = box
        return found

    def _mailbox(self, domain: str, node, aliases: bool) -> Mailbox | None:
        local = (parse.child_text(node, "name") or "").lower()
        if not local:
            raise BadResponse("Plesk answered mail get_info with a mail name without a name", provider=self.provider)
        if node.find("mailbox") is None:
            return None  # an address that only forwards: no mailbox
        address = f"{local}@{domain}"
        quota = parse.integer(parse.child_text(node, "mailbox/quota"), f"the quota of {address}")
        usage = parse.integer(parse.child_text(node, "mailbox-usage"), f"the usage of {address}")
        names = None
        if aliases:
            names = tuple(f"{(a.text or '').strip().lower()}@{domain}" for a in node.findall("alias"))
        return Mailbox(address, quota_mb=math.ceil(quota / MB) if quota else None, usage_bytes=usage,
                       aliases=names)

    def _exists(self, address: "Address") -> bool:
        return bool(self._mailnames(address.domain, address.local))

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
            return self.get_mailbox(address)
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
        self._write("mail.update", body(parse.text(password)), body(HIDDEN), "update", address,
                    applied=None, action=f"the password change of {address}")

    # -- HTTP --------------------------------------------------------------------------------
    def _write(self, operation: str, inner: str, shown: str, op: str, address: "Address", *, applied,
               action: str) -> None:
        def send() -> None:
            root = self._send(operation, inner, shown=shown, what=f"mail {op}", safe=False)
            found = parse.results(root, "mail", op, f"mail {op}")
            if len(found) != 1:
                raise BadResponse(f"Plesk answered mail {op} of {address} with {len(found)} results, not one",
                                  provider=self.provider)
            result = found[0]
            if not result.ok:
                if result.errcode == parse.NO_OBJECT and op != "create":
                    raise NotFound(f"no mailbox {address} on this Plesk server (errcode {result.errcode})",
                                   provider=self.provider)
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
