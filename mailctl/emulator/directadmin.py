"""DirectAdmin's legacy API (`/CMD_*`), answered the way real servers answer it.

Quirks reproduced on purpose (see the provider notes): answers percent-encode everything
but ASCII letters (digits, `_`, `.`, `'` too, keys included); `details` carries HTML
numeric entities and tags; an empty list is an empty body; nested maps are a url-encoded
query string per key; failed logins are not an HTTP error but (by default) a 200 HTML
login page.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from .settings import Settings
from .state import DAMailbox, DirectAdminState, World
from .wire import (
    HTML_TYPE,
    TEXT_TYPE,
    Request,
    Response,
    credentials,
    html_response,
    json_response,
    password_problem,
    valid_local_part,
)

LOGIN_PAGE = """<!DOCTYPE html>
<html>
<head><title>DirectAdmin Login</title></head>
<body>
<form action="/CMD_LOGIN" method="POST" name="form">
<input type="hidden" name="referer" value="/">
Username: <input type="text" name="username"><br>
Password: <input type="password" name="password"><br>
<input type="submit" value="Login">
</form>
</body>
</html>
"""

_ENTITY_CHARS = frozenset(string.digits + ".@'")
_MAILBOX_WRITES = ("create", "modify", "delete")
_SERVICES = ("system", "ftp", "database")


class DAError(Exception):
    """An `error=1` answer: `text` is the message, `details` the (HTML) explanation."""

    def __init__(self, text: str, details: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.details = details


class NotPermitted(Exception):
    """The logged-in user's level does not allow the command: answered like a bad login."""


@dataclass
class Call:
    command: str
    form: dict[str, str]
    user: str  # the effective user (the right-hand side of `admin|user`)
    world: World
    settings: Settings

    @property
    def da(self) -> DirectAdminState:
        return self.world.directadmin

    @property
    def json_mode(self) -> bool:
        return self.form.get("json") == "yes"


def handle(request: Request, world: World, settings: Settings) -> Response:
    command = request.path.strip("/")
    if command == "CMD_LOGIN":
        return html_response(LOGIN_PAGE)
    if command == "CMD_CHANGE_EMAIL_PASSWORD":
        return _change_email_password(request.form, world)
    user = _authenticate(request, world.directadmin, command)
    if user is None:
        return auth_failure(settings)
    call = Call(command, request.form, user, world, settings)
    try:
        return _COMMANDS.get(command, _unknown_command)(call)
    except DAError as error:
        return _flat(call.json_mode, False, error.text, error.details)
    except NotPermitted:
        return auth_failure(settings)


# --------------------------------------------------------------------------- login


def login_page(settings: Settings) -> Response:
    response = html_response(LOGIN_PAGE)
    if settings.da_unauthorized_header:
        response.headers.append(("X-DirectAdmin", "Unauthorized"))
    return response


def auth_failure(settings: Settings) -> Response:
    if settings.da_auth_failure == "redirect":
        return Response(302, b"", HTML_TYPE, [("Location", "/CMD_LOGIN")])
    if settings.da_auth_failure == "json401":
        return json_response({"error": "Not logged in", "success": "no"}, 401)
    return login_page(settings)


def _authenticate(request: Request, da: DirectAdminState, command: str) -> str | None:
    """The effective user name, or None. `admin|user` logs in as user with admin's secret."""
    creds = credentials(request)
    if creds is None or creds.scheme != "basic":
        return None
    login, _, target = creds.user.partition("|")
    account = da.users.get(login)
    if account is None or not _secret_accepted(account.password, account.login_keys,
                                               creds.secret, command):
        return None
    if not target:
        return login
    acting = da.users.get(target)
    if acting is None:
        return None
    if account.role == "admin" or (account.role == "reseller" and acting.creator == login):
        return target
    return None


def _secret_accepted(password: str, login_keys: dict[str, list[str] | None], secret: str,
                     command: str) -> bool:
    if secret and secret == password:
        return True
    if secret not in login_keys:
        return False
    allowed = login_keys[secret]
    return allowed is None or command in allowed


# --------------------------------------------------------------------------- answers


def quote(text: str) -> str:
    """DirectAdmin's over-eager percent-encoding: only ASCII letters stay as they are."""
    return "".join(
        ch if ch in string.ascii_letters else "".join(f"%{b:02X}" for b in ch.encode())
        for ch in text
    )


def entities(text: str) -> str:
    """Digits, dots, `@` and `'` as HTML numeric entities, as DirectAdmin's details carry them."""
    return "".join(f"&#{ord(ch)};" if ch in _ENTITY_CHARS else ch for ch in text)


def _encode(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode()


def _text(body: bytes) -> Response:
    return Response(200, body, TEXT_TYPE)


def _flat(json_mode: bool, ok: bool, text: str, details: str, html: bool = True) -> Response:
    if json_mode:
        return json_response({"success" if ok else "error": text, "result": details})
    if html:
        details = (f"{entities(details)}<br>" if ok else
                   f"<b>{entities(details)}</b><br><a href=\"javascript:history.back()\">Back</a>")
    return _text(_encode([("error", "0" if ok else "1"), ("text", text), ("details", details)]))


def _listing(call: Call, items: list[str]) -> Response:
    if call.json_mode:
        return json_response(items if call.settings.da_json_list == "array" else {"list": items})
    return _text(_encode([("list[]", item) for item in items]))


def _mapping(call: Call, values: dict[str, str]) -> Response:
    if call.json_mode:
        return json_response(values)
    return _text(_encode(list(values.items())))


def _nested(call: Call, values: dict[str, dict[str, str]]) -> Response:
    """One key per entry whose value is itself a query string (encoded once more)."""
    if call.json_mode:
        return json_response(values)
    return _text(_encode([(key, urlencode(inner)) for key, inner in values.items()]))


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- commands


def _unknown_command(call: Call) -> Response:
    raise DAError("Unknown command", f"{call.command} is not a command this server knows")


def _pop(call: Call) -> Response:
    action = call.form.get("action", "list")
    if action in _MAILBOX_WRITES and call.settings.da_email_pop:
        # Newer releases moved the writes to CMD_API_EMAIL_POP.
        raise DAError("Unknown command", f"{call.command} action={action} is not supported")
    return _mailbox_action(call, action)


def _email_pop(call: Call) -> Response:
    if not call.settings.da_email_pop:
        return _unknown_command(call)
    return _mailbox_action(call, call.form.get("action", "list"))


def _mailbox_action(call: Call, action: str) -> Response:
    handler = _POP_ACTIONS.get(action)
    if handler is None or (action == "full_list" and not call.settings.da_full_list):
        raise DAError("Unknown action", f"action={action} is not supported")
    return handler(call)


def _own_domain(call: Call) -> str:
    domain = call.form.get("domain", "").strip().lower()
    if not domain:
        raise DAError("No domain provided", "The domain field is required")
    if call.da.domains.get(domain) != call.user:
        raise DAError(f"{domain} does not belong to you",
                      f"The domain {domain} does not belong to you")
    return domain


def _existing(call: Call, domain: str, local: str) -> DAMailbox:
    mailbox = call.da.mailboxes[domain].get(local)
    if mailbox is None:
        raise DAError("No such email account", f"{local}@{domain} does not exist")
    return mailbox


def _number_field(call: Call, name: str, default: int | None = None) -> int:
    raw = (call.form.get(name) or "").strip()
    if not raw and default is not None:
        return default
    if not raw.isdigit():
        raise DAError(f"Invalid {name}", f"{name} must be a whole number of "
                      f"{'megabytes' if name == 'quota' else 'messages'} (0 = unlimited)")
    return int(raw)


def _new_password(form: dict[str, str], first: str, second: str,
                  optional: bool = False) -> str | None:
    password = form.get(first, "")
    if optional and not password and not form.get(second, ""):
        return None
    if form.get(second) != password:
        raise DAError("Passwords do not match", "The two passwords are not the same")
    problem = password_problem(password)
    if problem:
        raise DAError("Invalid password", problem)
    return password


def _list(call: Call) -> Response:
    domain = _own_domain(call)
    boxes = call.da.mailboxes[domain]
    if call.form.get("type") == "quota":
        return _nested(call, {
            local: {"usage": _number(box.usage_mb),
                    "quota": str(box.quota_mb) if box.quota_mb else "unlimited"}
            for local, box in sorted(boxes.items())})
    return _listing(call, sorted(boxes))


def _full_list(call: Call) -> Response:
    domain = _own_domain(call)
    return _nested(call, {
        local: {"quota": str(box.quota_mb), "usage": _number(box.usage_mb), "sent": str(box.sent),
                "limit": str(box.limit), "suspended": "yes" if box.suspended else "no"}
        for local, box in sorted(call.da.mailboxes[domain].items())})


def _create(call: Call) -> Response:
    domain = _own_domain(call)
    local = call.form.get("user", "").strip().lower()
    if not valid_local_part(local):
        raise DAError("Invalid email account name", f"'{local}' is not a valid account name")
    if local in call.da.mailboxes[domain]:
        raise DAError("Cannot create email account", f"{local}@{domain} already exists")
    password = _new_password(call.form, "passwd", "passwd2")
    quota = _number_field(call, "quota", default=0)
    limit = _number_field(call, "limit", default=200)
    call.da.add_mailbox(f"{local}@{domain}", password, quota_mb=quota, limit=limit)
    call.world.touch()
    # The wording changed between releases; clients must not match on it.
    text = "Account created" if call.settings.da_email_pop else "Email account created"
    return _flat(call.json_mode, True, text, f"{local}@{domain} created")


def _modify(call: Call) -> Response:
    domain = _own_domain(call)
    local = call.form.get("user", "").strip().lower()
    mailbox = _existing(call, domain, local)
    password = _new_password(call.form, "passwd", "passwd2", optional=True)
    # Decided strictly where the notes are unsure: modify resets an omitted quota on some
    # releases, so the emulator refuses a modify without one.
    quota = _number_field(call, "quota")
    limit = _number_field(call, "limit", default=mailbox.limit)
    new_local = call.form.get("newuser", "").strip().lower() or local
    if new_local != local:
        if not valid_local_part(new_local):
            raise DAError("Invalid email account name", f"'{new_local}' is not a valid account name")
        if new_local in call.da.mailboxes[domain]:
            raise DAError("Cannot rename email account", f"{new_local}@{domain} already exists")
    if password is not None:
        mailbox.password = password
    mailbox.quota_mb, mailbox.limit = quota, limit
    if new_local != local:
        call.da.mailboxes[domain][new_local] = call.da.mailboxes[domain].pop(local)
    call.world.touch()
    return _flat(call.json_mode, True, "Email account modified", f"{new_local}@{domain} modified")


def _delete(call: Call) -> Response:
    domain = _own_domain(call)
    names = [call.form.get("user", "")] + [v for k, v in sorted(call.form.items())
                                           if k.startswith("select") and k[6:].isdigit()]
    names = list(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
    if not names:
        raise DAError("No email account selected", "Select at least one account to delete")
    for local in names:  # all or nothing
        _existing(call, domain, local)
    for local in names:
        call.da.mailboxes[domain].pop(local)
    call.world.touch()
    return _flat(call.json_mode, True, "Email accounts deleted",
                 ", ".join(f"{n}@{domain}" for n in names) + " deleted")


def _show_domains(call: Call) -> Response:
    return _listing(call, call.da.domains_of(call.user))


def _login_test(call: Call) -> Response:
    return _flat(call.json_mode, True, "Login OK", "none", html=False)


def _require_level(call: Call, *roles: str) -> None:
    if call.da.users[call.user].role not in roles:
        raise NotPermitted


def _domain_owners(call: Call) -> Response:
    _require_level(call, "admin")
    wanted = call.form.get("domain", "").strip().lower()
    return _mapping(call, {domain: owner for domain, owner in sorted(call.da.domains.items())
                           if not wanted or domain == wanted})


def _user_passwd(call: Call) -> Response:
    _require_level(call, "admin", "reseller")
    name = call.form.get("username", "").strip()
    target = call.da.users.get(name)
    if target is None:
        raise DAError("No such user", f"The user {name} does not exist")
    if call.da.users[call.user].role == "reseller" and target.creator != call.user:
        raise DAError(f"{name} does not belong to you", f"The user {name} does not belong to you")
    password = _new_password(call.form, "passwd", "passwd2")
    if call.form.get("options") == "yes":
        services = [s for s in _SERVICES if call.form.get(s) == "yes"]
    else:
        services = list(_SERVICES)
    if not services:
        raise DAError("Nothing to change", "Select at least one of system, ftp, database")
    for service in services:
        setattr(target, {"system": "password", "ftp": "ftp_password",
                         "database": "db_password"}[service], password)
    call.world.touch()
    return _flat(call.json_mode, True, "Password changed",
                 f"Password changed for {name}: {', '.join(services)}")


_POP_ACTIONS: dict[str, Callable[[Call], Response]] = {
    "list": _list,
    "full_list": _full_list,
    "create": _create,
    "modify": _modify,
    "delete": _delete,
}

_COMMANDS: dict[str, Callable[[Call], Response]] = {
    "CMD_API_POP": _pop,
    "CMD_API_EMAIL_POP": _email_pop,
    "CMD_API_SHOW_DOMAINS": _show_domains,
    "CMD_API_LOGIN_TEST": _login_test,
    "CMD_API_DOMAIN_OWNERS": _domain_owners,
    "CMD_API_USER_PASSWD": _user_passwd,
}


# --------------------------------------------------------------------------- self-service


def _change_email_password(form: dict[str, str], world: World) -> Response:
    """Mailbox self-service: no panel login, the mailbox's old password is the credential.
    Without an `api` field the server answers the web page (the change still happens)."""
    json_mode = form.get("json") == "yes"
    try:
        text, details = _apply_email_password(form, world)
        ok = True
    except DAError as error:
        text, details, ok = error.text, error.details, False
    if "api" not in form:
        return html_response(f"<html><head><title>E-Mail Password</title></head>"
                             f"<body><h3>{text}</h3><p>{details}</p></body></html>")
    return _flat(json_mode, ok, text, details)


def _apply_email_password(form: dict[str, str], world: World) -> tuple[str, str]:
    address = form.get("email", "").strip().lower()
    mailbox = world.directadmin.mailbox(address)
    if mailbox is None or form.get("oldpassword", "") != mailbox.password:
        # Same answer for an unknown address and a wrong password: no account probing.
        raise DAError("Unable to change password", "Wrong e-mail address or password")
    mailbox.password = _new_password(form, "password1", "password2")
    world.touch()
    return "Password Changed", f"The password of {address} has been changed"
