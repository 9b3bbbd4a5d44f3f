"""DirectAdmin's legacy API (`/CMD_*`): login, dispatch, and the mailbox commands.

The answer formats live in directadmin_wire; forwarders, the mailbox password check and
the vacation/autoresponder lists in directadmin_mail.
"""

from __future__ import annotations

from typing import Callable

from . import directadmin_mail
from .directadmin_wire import (
    LOGIN_PAGE,
    Call,
    DAError,
    NotPermitted,
    auth_failure,
    done,
    entities,
    existing,
    flat,
    listing,
    login_page,
    mapping,
    nested,
    new_password,
    number,
    number_field,
    own_domain,
    quote,
    selected,
    text_response,
)
from .settings import Settings
from .directadmin_state import DirectAdminState
from .world import World
from .wire import Request, Response, credentials, html_response, valid_local_part

__all__ = ["LOGIN_PAGE", "auth_failure", "entities", "handle", "login_page", "quote"]

_MAILBOX_WRITES = ("create", "modify", "delete")
_SERVICES = ("system", "ftp", "database")


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
        return flat(call.json_mode, False, error.text, error.details)
    except NotPermitted:
        return auth_failure(settings)


# --------------------------------------------------------------------------- login


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


# --------------------------------------------------------------------------- mailboxes


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


def _list(call: Call) -> Response:
    domain = own_domain(call)
    boxes = call.da.mailboxes[domain]
    if call.form.get("type") == "quota":
        only = call.form.get("user", "").strip().lower()
        names = [only] if only else sorted(boxes)
        if only:
            existing(call, domain, only)
        return nested(call, {
            local: {"usage": number(boxes[local].usage_mb),
                    "quota": str(boxes[local].quota_mb) if boxes[local].quota_mb else "unlimited"}
            for local in names})
    return listing(call, sorted(boxes))


def _full_list(call: Call) -> Response:
    domain = own_domain(call)
    boxes = call.da.mailboxes[domain]
    if call.json_mode:
        return nested(call, {local: _full_entry(box) for local, box in sorted(boxes.items())})
    cache = call.da.full_list_cache
    if len(cache) > 4 * len(boxes) + 10_000:
        cache.clear()
    parts = []
    for local, box in sorted(boxes.items()):
        key = (local, box.quota_mb, box.usage_mb, box.sent, box.limit, box.suspended)
        part = cache.get(key)
        if part is None:
            # The values are numbers and yes/no: the inner query string needs no
            # encoding of its own before DirectAdmin's outer one.
            inner = (f"quota={box.quota_mb}&usage={number(box.usage_mb)}&sent={box.sent}"
                     f"&limit={box.limit}&suspended={_yes(box.suspended)}")
            part = cache[key] = f"{quote(local)}={quote(inner)}"
        parts.append(part)
    return text_response("&".join(parts).encode())


def _full_entry(box) -> dict[str, str]:
    return {"quota": str(box.quota_mb), "usage": number(box.usage_mb), "sent": str(box.sent),
            "limit": str(box.limit), "suspended": _yes(box.suspended)}


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _create(call: Call) -> Response:
    domain = own_domain(call)
    local = call.form.get("user", "").strip().lower()
    if not valid_local_part(local):
        raise DAError("Invalid email account name", f"'{local}' is not a valid account name")
    if local in call.da.mailboxes[domain]:
        raise DAError("Cannot create email account", f"{local}@{domain} already exists")
    password = new_password(call.form, "passwd", "passwd2", confirm_optional=True)
    quota = number_field(call, "quota", default=0)
    limit = number_field(call, "limit", default=200)
    call.da.add_mailbox(f"{local}@{domain}", password, quota_mb=quota, limit=limit)
    call.world.touch()
    # The wording changed between releases; clients must not match on it.
    text = "Account created" if call.settings.da_email_pop else "Email account created"
    return done(call, text, f"{local}@{domain} created")


def _modify(call: Call) -> Response:
    domain = own_domain(call)
    local = call.form.get("user", "").strip().lower()
    mailbox = existing(call, domain, local)
    password = new_password(call.form, "passwd", "passwd2", optional=True, confirm_optional=True)
    # Clients change only the password this way: an omitted quota or limit is kept.
    quota = number_field(call, "quota", default=mailbox.quota_mb)
    limit = number_field(call, "limit", default=mailbox.limit)
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
        call.da.rename_mailbox(domain, local, new_local)
    call.world.touch()
    return done(call, "Email account modified", f"{new_local}@{domain} modified")


def _delete(call: Call) -> Response:
    """Delete the selected mailboxes; with `suspend`/`unsuspend` (the web form's buttons,
    sent to the same action) only flip their suspension."""
    domain = own_domain(call)
    names = selected(call.form, "user")
    if not names:
        raise DAError("No email account selected", "Select at least one account")
    boxes = [existing(call, domain, local) for local in names]  # all or nothing
    if "suspend" in call.form or "unsuspend" in call.form:
        suspend = "suspend" in call.form
        for box in boxes:
            box.suspended = suspend
        call.world.touch()
        return done(call, "Email accounts suspended" if suspend else "Email accounts unsuspended",
                    ", ".join(f"{n}@{domain}" for n in names))
    clean = call.form.get("clean_forwarders") == "yes"
    for local in names:
        call.da.remove_mailbox(f"{local}@{domain}")
        if clean:
            call.da.drop_destination(domain, f"{local}@{domain}")
    call.world.touch()
    return done(call, "Email accounts deleted", ", ".join(f"{n}@{domain}" for n in names) + " deleted")


# --------------------------------------------------------------------------- account


def _show_domains(call: Call) -> Response:
    return listing(call, call.da.domains_of(call.user))


def _login_test(call: Call) -> Response:
    return flat(call.json_mode, True, "Login OK", "none", html=False)


def _require_level(call: Call, *roles: str) -> None:
    if call.da.users[call.user].role not in roles:
        raise NotPermitted


def _domain_owners(call: Call) -> Response:
    _require_level(call, "admin")
    wanted = call.form.get("domain", "").strip().lower()
    return mapping(call, {domain: owner for domain, owner in sorted(call.da.domains.items())
                          if not wanted or domain == wanted})


def _user_passwd(call: Call) -> Response:
    _require_level(call, "admin", "reseller")
    name = call.form.get("username", "").strip()
    target = call.da.users.get(name)
    if target is None:
        raise DAError("No such user", f"The user {name} does not exist")
    if call.da.users[call.user].role == "reseller" and target.creator != call.user:
        raise DAError(f"{name} does not belong to you", f"The user {name} does not belong to you")
    password = new_password(call.form, "passwd", "passwd2")
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
    return done(call, "Password changed", f"Password changed for {name}: {', '.join(services)}")


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
    **directadmin_mail.COMMANDS,
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
    return flat(json_mode, ok, text, details)


def _apply_email_password(form: dict[str, str], world: World) -> tuple[str, str]:
    address = form.get("email", "").strip().lower()
    mailbox = world.directadmin.mailbox(address)
    if mailbox is None or form.get("oldpassword", "") != mailbox.password:
        # Same answer for an unknown address and a wrong password: no account probing.
        raise DAError("Unable to change password", "Wrong e-mail address or password")
    mailbox.password = new_password(form, "password1", "password2")
    world.touch()
    return "Password Changed", f"The password of {address} has been changed"
