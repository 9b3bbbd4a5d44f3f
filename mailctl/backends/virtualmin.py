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
is settled by reading the server's state (backends.writes.settle_write)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from mailctl.backends.base import Backend as BaseBackend
from mailctl.backends.writes import settle_write
from mailctl.errors import (AuthError, BadResponse, MailctlError, NotFound, PermissionDenied, ProviderRefused,
                            TransportError, UsageError)
from mailctl.models import Domain, Mailbox
from mailctl.transport import parse_json

if TYPE_CHECKING:
    from mailctl.models import NewMailbox
    from mailctl.validation import Address

REMOTE = "/virtual-server/remote.cgi"
LABEL = "Virtualmin"
MB = 1024 * 1024
BLOCK = 1024  # "disk quota in 1 kB blocks"
# Keys of list-users values that hold a mailbox's password (plain or hashed).
PASSWORD_KEYS = ("password", "encrypted_password")


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

    # -- reads ---------------------------------------------------------------------------------
    def _users(self, domain: str, user: str | None = None) -> list[tuple[str, dict]]:
        """list-users of `domain` (one user when given): the mail users, as (name, values)."""
        fields = [("domain", domain)] + ([("user", user)] if user else [])
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
        for name, value in fields:
            if "\n" in value or "\r" in value:
                raise UsageError(f"the value of {name} contains a line break", provider=self.provider)
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
