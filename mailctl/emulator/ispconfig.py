"""ISPConfig 3 remote API, JSON flavour: `POST /remote/json.php?<function>`, the body one
JSON object of the function's parameter names (a missing one is null).

Answers are always HTTP 200: `{"code": "ok", "message": "", "response": ...}` or
`{"code": "remote_fault", "message": TEXT, "response": false}` (also `invalid_method`,
`invalid_data`). The SOAP fault codes are dropped, so clients match the English texts
below. Writes change the panel database at once and queue a job (`state.jobs`) that the
real server's cron applies within a minute; the emulator has no cron."""

from __future__ import annotations

import re
import time
from typing import Any, Callable

from .ispconfig_state import IspconfigState, IspForwarding, IspMailUser, hash_password
from .settings import Settings
from .wire import TEXT_TYPE, Request, Response, json_response, password_problem, split_address, valid_local_part
from .world import World

SESSION_EXPIRED = "The Session is expired or does not exist."
NO_PERMISSION = "You do not have the permissions to access this function."
LOGIN_FAILED = "The login failed. Username or password wrong."
API_DISABLED = "Remote API is disabled in security settings."

# mail_user params the API stores (the form's fields); others are ignored, as the form does.
_MAIL_USER_FIELDS = {"server_id", "email", "login", "password", "name", "quota", "maildir", "homedir", "uid",
                     "gid", "postfix", "disableimap", "disablepop3", "disablesmtp", "disabledeliver",
                     "cc", "autoresponder", "move_junk", "custom_mailfilter", "access", "_ispconfig_pw_crypted"}
_YN = ("postfix", "disableimap", "disablepop3", "disablesmtp", "disabledeliver")


class Fault(Exception):
    def __init__(self, message: str, code: str = "remote_fault") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def handle(request: Request, world: World, settings: Settings) -> Response:
    isp: IspconfigState = world.ispconfig
    if not isp.api_enabled:
        return Response(200, API_DISABLED.encode(), TEXT_TYPE)
    function = request.query.split("&", 1)[0].split("=", 1)[0]
    body = request.json_body
    if request.method != "POST" or not isinstance(body, dict):
        return _answer("invalid_data", "The JSON data sent to the api is invalid", False)
    entry = _FUNCTIONS.get(function)
    if entry is None:
        return _answer("invalid_method", f"Method {function} does not exist", False)
    try:
        if entry is not _login:
            _check_session(isp, body.get("session_id"), function)
        response = entry(isp, body, world)
    except Fault as fault:
        return _answer(fault.code, fault.message, False)
    return _answer("ok", "", response)


def _answer(code: str, message: str, response: Any) -> Response:
    return json_response({"code": code, "message": message, "response": response})


def _check_session(isp: IspconfigState, session_id: Any, function: str) -> None:
    if not isinstance(session_id, str) or not session_id:
        raise Fault("The SessionID is empty.")
    session = isp.sessions.get(session_id)
    if session is not None and time.monotonic() - session.created > isp.session_lifetime:
        isp.sessions.pop(session_id, None)
        session = None
    if session is None:
        raise Fault(SESSION_EXPIRED)
    if function == "logout":
        return
    user = isp.remote_users.get(session.user)
    if user is None or not user.may_call(function):
        raise Fault(NO_PERMISSION)


# --------------------------------------------------------------------------- sessions


def _login(isp: IspconfigState, body: dict, world: World) -> str:
    username, password = body.get("username"), body.get("password")
    if not username or not password:
        raise Fault("The login username is empty." if not username else "The login password is empty.")
    if body.get("client_login"):
        raise Fault(LOGIN_FAILED)  # no client may use the API in the emulated panel
    user = isp.remote_users.get(username)
    if user is None or user.password != password:
        raise Fault(LOGIN_FAILED)
    return isp.new_session(username)


def _logout(isp: IspconfigState, body: dict, world: World) -> bool:
    return isp.sessions.pop(body["session_id"], None) is not None


# --------------------------------------------------------------------------- records


def _like(pattern: str, value: str) -> bool:
    """SQL LIKE, case-insensitive as MySQL's default collation: % any run, _ one char."""
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None


def _mail_user_row(address: str, box: IspMailUser) -> dict[str, Any]:
    """A mail_user row as MySQL hands it to PHP: every value a string."""
    row = {"mailuser_id": str(box.mailuser_id), "sys_userid": "1", "sys_groupid": str(box.client_id + 1),
           "server_id": str(box.server_id), "email": address, "login": box.extra.get("login", address),
           "password": box.password_hash, "name": box.name, "uid": box.uid, "gid": box.gid,
           "maildir": box.maildir, "homedir": box.homedir, "quota": str(box.quota),
           "postfix": box.postfix, "disableimap": box.disableimap, "disablepop3": box.disablepop3,
           "disablesmtp": box.disablesmtp, "disabledeliver": box.disabledeliver}
    row.update({k: str(v) for k, v in box.extra.items() if k not in row})
    return row


def _select(isp: IspconfigState, primary_id: Any) -> Any:
    if isinstance(primary_id, bool):
        raise Fault("primary_id is invalid")
    if isinstance(primary_id, int) or (isinstance(primary_id, str) and primary_id.lstrip("-").isdigit()):
        wanted = int(primary_id)
        if wanted == -1:
            return [_mail_user_row(a, b) for a, b in _all(isp)]
        found = isp.by_id(wanted)
        return _mail_user_row(*found) if found else []
    if isinstance(primary_id, dict):
        rows = [_mail_user_row(a, b) for a, b in _all(isp)]
        return [row for row in rows
                if all(_like(str(v), str(row.get(k, ""))) for k, v in primary_id.items() if not k.startswith("#"))]
    raise Fault("primary_id is invalid")


def _all(isp: IspconfigState) -> list[tuple[str, IspMailUser]]:
    return [(f"{local}@{domain}", box) for domain in sorted(isp.mailboxes)
            for local, box in sorted(isp.mailboxes[domain].items(), key=lambda item: item[1].mailuser_id)]


def _mail_user_get(isp: IspconfigState, body: dict, world: World) -> Any:
    return _select(isp, body.get("primary_id"))


def _form_errors(isp: IspconfigState, params: dict, address: str, own_id: int | None) -> None:
    errors = []
    local, domain = split_address(address)
    if not valid_local_part(local):
        errors.append("email_error_isemail")
    existing = isp.mailbox(address)
    if existing is not None and existing.mailuser_id != own_id:
        errors.append("email_error_unique")
    if "quota" in params:
        quota = params["quota"]
        if isinstance(quota, bool) or not (isinstance(quota, int) and quota >= 0 or
                                           isinstance(quota, str) and quota.isdigit()):
            errors.append("quota_error_isint")
    for name in _YN:
        if name in params and params[name] not in ("y", "n"):
            errors.append(f"{name}_error_empty")
    password = params.get("password")
    if password not in (None, "") and not params.get("_ispconfig_pw_crypted"):
        if not isinstance(password, str) or password_problem(password):
            errors.append("weak_password_txt")
    if errors:
        raise Fault("\n".join(errors))


def _primary_domain(isp: IspconfigState, params: Any) -> tuple[str, str]:
    """The address of params.email, whose domain must be a primary mail domain."""
    email = params.get("email") if isinstance(params, dict) else None
    address = email.strip().lower() if isinstance(email, str) else ""
    _, domain = split_address(address)
    if domain not in isp.domain_rows:
        raise Fault(f"Mail domain - {domain} - does not exist as primary.")
    return address, domain


def _apply(box: IspMailUser, params: dict) -> None:
    for name, value in params.items():
        if name not in _MAIL_USER_FIELDS:
            continue  # not a field of the form: the panel ignores it (mailuser_id, sys_userid, ...)
        if name == "password":
            if value in (None, ""):
                continue  # empty keeps the old password
            if params.get("_ispconfig_pw_crypted"):
                box.password, box.password_hash = None, value
            else:
                # A client that sends back the stored hash gets it hashed again: the
                # mailbox's password is now the hash text (the trap of get -> update).
                box.password, box.password_hash = value, hash_password(value)
        elif name == "quota":
            box.quota = int(value)
        elif name in ("server_id",):
            box.server_id = int(value)
        elif name in ("_ispconfig_pw_crypted", "email"):
            continue
        elif hasattr(box, name) and name not in ("extra", "usage_bytes", "mailuser_id", "client_id"):
            setattr(box, name, str(value))
        else:
            box.extra[name] = value


def _client_id(body: dict) -> int:
    value = body.get("client_id")
    if isinstance(value, bool) or not (isinstance(value, int) or isinstance(value, str) and value.isdigit()):
        raise Fault("client_id is invalid")
    return int(value)


def _mail_user_add(isp: IspconfigState, body: dict, world: World) -> int:
    params = body.get("params")
    if not isinstance(params, dict):
        raise Fault("params must be an array")
    client_id = _client_id(body)
    address, _ = _primary_domain(isp, params)
    _form_errors(isp, params, address, None)
    if params.get("password") in (None, ""):
        raise Fault("password_strength_txt")
    box = IspMailUser(None, mailuser_id=isp._new_id(), client_id=client_id)
    _apply(box, params)
    isp.put_mailbox(address, box)
    isp.issued[str(box.mailuser_id)] = address
    isp.jobs.append(["mail_user", "i", box.mailuser_id])
    world.touch()
    return box.mailuser_id


def _mail_user_update(isp: IspconfigState, body: dict, world: World) -> int:
    params = body.get("params")
    if not isinstance(params, dict):
        raise Fault("params must be an array")
    _client_id(body)
    _primary_domain(isp, params)  # checked before the merge: email is required
    try:
        primary_id = int(body.get("primary_id"))
    except (TypeError, ValueError):
        raise Fault("primary_id is invalid") from None
    found = isp.by_id(primary_id)
    if found is None:
        return 0
    address, box = found
    new_address = params["email"].strip().lower()
    _form_errors(isp, params, new_address, primary_id)
    if new_address != address:
        isp.remove_mailbox(address)
        isp.put_mailbox(new_address, box)
        isp.issued[str(primary_id)] = new_address
    _apply(box, {k: v for k, v in params.items() if k != "email"})
    isp.jobs.append(["mail_user", "u", primary_id])
    world.touch()
    return 1


def _mail_user_delete(isp: IspconfigState, body: dict, world: World) -> int:
    try:
        primary_id = int(body.get("primary_id"))
    except (TypeError, ValueError):
        raise Fault("primary_id is invalid") from None
    found = isp.by_id(primary_id)
    if found is None:
        return 0
    isp.remove_mailbox(found[0])
    isp.jobs.append(["mail_user", "d", primary_id])
    world.touch()
    return 1


# --------------------------------------------------------------------------- mail_forwarding

# The form fields of mail_forward / mail_alias the API stores.
_FORWARD_FIELDS = ("server_id", "source", "destination", "type", "active")
DUPLICATE_MAILBOX = "There is already a mailbox with this email address."


def _forwarding_row(row: IspForwarding) -> dict[str, str]:
    return {"forwarding_id": str(row.forwarding_id), "sys_userid": "1", "sys_groupid": str(row.client_id + 1),
            "server_id": str(row.server_id), "source": row.source, "destination": row.destination,
            "type": row.type, "active": row.active, "allow_send_as": "n", "greylisting": "n"}


def _forward_get(isp: IspconfigState, body: dict, world: World) -> Any:
    """mail_forward_get and mail_alias_get read the same table and do not look at `type`."""
    primary_id = body.get("primary_id")
    rows = [_forwarding_row(r) for r in sorted(isp.forwardings.values(), key=lambda r: r.forwarding_id)]
    if isinstance(primary_id, bool):
        raise Fault("primary_id is invalid")
    if isinstance(primary_id, int) or (isinstance(primary_id, str) and primary_id.lstrip("-").isdigit()):
        if int(primary_id) == -1:
            return rows
        return next((r for r in rows if r["forwarding_id"] == str(int(primary_id))), [])
    if isinstance(primary_id, dict):
        return [r for r in rows
                if all(_like(str(v), str(r.get(k, ""))) for k, v in primary_id.items() if not k.startswith("#"))]
    raise Fault("primary_id is invalid")


def _forward_form_errors(params: dict) -> None:
    errors = []
    source = params.get("source")
    if not isinstance(source, str) or not source.strip():
        errors.append("source_error_notempty")
    else:
        local, domain = split_address(source.strip().lower())
        if not domain or (local and not valid_local_part(local)):
            errors.append("source_error_isemail")
    destination = params.get("destination")
    if "destination" in params and (not isinstance(destination, str) or not destination.strip()):
        errors.append("destination_error_isemail")
    if "active" in params and params["active"] not in ("y", "n"):
        errors.append("active_error_empty")
    if errors:
        raise Fault("\n".join(errors))


def _receiving_mailbox(isp: IspconfigState, source: Any) -> bool:
    box = isp.mailbox(source.strip().lower()) if isinstance(source, str) and "@" in source else None
    return box is not None and box.postfix == "y"


def _forward_add(kind: str) -> Callable[[IspconfigState, dict, World], int]:
    """mail_forward_add / mail_alias_add: a new row every time (no uniqueness check: a
    repeated add is a duplicate row). An alias is refused where a mailbox receives."""
    def add(isp: IspconfigState, body: dict, world: World) -> int:
        params = body.get("params")
        if not isinstance(params, dict):
            raise Fault("params must be an array")
        client_id = _client_id(body)
        if kind == "alias" and _receiving_mailbox(isp, params.get("source")):
            raise Fault(DUPLICATE_MAILBOX)
        if "destination" not in params:
            raise Fault("destination_error_isemail")
        _forward_form_errors(params)
        row = IspForwarding(params["source"].strip().lower(), str(params["destination"]),
                            str(params.get("type") or kind), isp._new_id(), client_id,
                            int(params["server_id"]) if str(params.get("server_id", "")).isdigit() else 1,
                            str(params.get("active") or "y"))
        isp.forwardings[str(row.forwarding_id)] = row
        isp.jobs.append(["mail_forwarding", "i", row.forwarding_id])
        world.touch()
        return row.forwarding_id
    return add


def _primary_key(body: dict) -> int:
    try:
        return int(body.get("primary_id"))
    except (TypeError, ValueError):
        raise Fault("primary_id is invalid") from None


def _forward_update(kind: str) -> Callable[[IspconfigState, dict, World], int]:
    """mail_forward_update / mail_alias_update: params merged into the row (by id, whatever its type)."""
    def update(isp: IspconfigState, body: dict, world: World) -> int:
        params = body.get("params")
        if not isinstance(params, dict):
            raise Fault("params must be an array")
        _client_id(body)
        if kind == "alias" and _receiving_mailbox(isp, params.get("source")):
            raise Fault(DUPLICATE_MAILBOX)
        row = isp.forwardings.get(str(_primary_key(body)))
        if row is None:
            return 0
        _forward_form_errors({"source": row.source, **params})
        for name in _FORWARD_FIELDS:
            if name in params:
                value = params[name]
                if name == "server_id":
                    row.server_id = int(value) if str(value).isdigit() else row.server_id
                else:
                    setattr(row, name, str(value).strip().lower() if name == "source" else str(value))
        isp.jobs.append(["mail_forwarding", "u", row.forwarding_id])
        world.touch()
        return 1
    return update


def _forward_delete(isp: IspconfigState, body: dict, world: World) -> int:
    """mail_forward_delete / mail_alias_delete: by id, whatever the row's type."""
    row = isp.forwardings.pop(str(_primary_key(body)), None)
    if row is None:
        return 0
    isp.jobs.append(["mail_forwarding", "d", row.forwarding_id])
    world.touch()
    return 1


# --------------------------------------------------------------------------- domains etc.


def _domain_row(isp: IspconfigState, domain: str) -> dict[str, str]:
    row = isp.domain_rows[domain]
    return {"domain_id": str(row["domain_id"]), "sys_userid": str(row["sys_userid"]), "sys_groupid": "2",
            "server_id": str(row["server_id"]), "domain": domain, "dkim": "n", "active": row["active"]}


def _mail_domain_get(isp: IspconfigState, body: dict, world: World) -> Any:
    primary_id = body.get("primary_id")
    rows = [_domain_row(isp, d) for d in sorted(isp.domain_rows)]
    if isinstance(primary_id, dict):
        return [r for r in rows if all(_like(str(v), str(r.get(k, ""))) for k, v in primary_id.items())]
    if isinstance(primary_id, int) and not isinstance(primary_id, bool):
        if primary_id == -1:
            return rows
        return next((r for r in rows if r["domain_id"] == str(primary_id)), [])
    raise Fault("primary_id is invalid")


def _mail_domain_get_by_domain(isp: IspconfigState, body: dict, world: World) -> list[dict[str, str]]:
    domain = body.get("domain")
    if not isinstance(domain, str) or not domain:
        raise Fault("No domain name given.")
    domain = domain.strip().lower()
    return [_domain_row(isp, domain)] if domain in isp.domain_rows else []


def _client_get_id(isp: IspconfigState, body: dict, world: World) -> int:
    sys_userid = str(body.get("sys_userid"))
    if sys_userid not in isp.sys_users:
        raise Fault("Invalid sys_userid.")
    return isp.sys_users[sys_userid]


def _server_get(isp: IspconfigState, body: dict, world: World) -> dict[str, str]:
    if body.get("section") != "mail":
        return {}
    return {"maildir_path": "/var/vmail/[domain]/[localpart]", "homedir_path": "/var/vmail",
            "mailuser_uid": "5000", "mailuser_gid": "5000", "mailbox_quota_stats": "y"}


def _jobqueue_count(isp: IspconfigState, body: dict, world: World) -> int:
    return len(isp.jobs)


_FUNCTIONS: dict[str, Callable[[IspconfigState, dict, World], Any]] = {
    "login": _login,
    "logout": _logout,
    "mail_user_get": _mail_user_get,
    "mail_user_add": _mail_user_add,
    "mail_user_update": _mail_user_update,
    "mail_user_delete": _mail_user_delete,
    "mail_forward_get": _forward_get,
    "mail_forward_add": _forward_add("forward"),
    "mail_forward_update": _forward_update("forward"),
    "mail_forward_delete": _forward_delete,
    "mail_alias_get": _forward_get,
    "mail_alias_add": _forward_add("alias"),
    "mail_alias_update": _forward_update("alias"),
    "mail_alias_delete": _forward_delete,
    "mail_domain_get": _mail_domain_get,
    "mail_domain_get_by_domain": _mail_domain_get_by_domain,
    "client_get_id": _client_get_id,
    "server_get": _server_get,
    "monitor_jobqueue_count": _jobqueue_count,
}
