"""mailbox.org Business API: JSON-RPC 2.0 over `POST /v1/`, sessions in `HPLS-AUTH`.

Error codes: the provider notes document 2 (access denied: bad credentials or not
permitted) and 253 (Auth-ID invalid: missing, unknown or idle session). For "no such
mailbox", "already exists" and "value refused" the real codes are not documented; the
emulator uses NOT_FOUND, EXISTS and INVALID_VALUE below (clients should treat any other
code as a refusal and show the message).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

from .settings import Settings
from .state import MailboxOrgState, MboMailbox, World
from .wire import (
    Request,
    Response,
    json_response,
    password_problem,
    split_address,
    valid_local_part,
)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
ACCESS_DENIED = 2
INVALID_AUTH_ID = 253
NOT_FOUND = 1001
EXISTS = 1002
INVALID_VALUE = 1003

PLANS = ("light", "standard", "premium")

# mail.set may change these; mail.add accepts them plus _ADD_ONLY (and requires _REQUIRED).
_SET_FIELDS: dict[str, type] = {
    "password": str, "password_hash": str, "plan": str, "first_name": str, "last_name": str,
    "inboxsave": bool, "forwards": list, "memo": str, "require_reset_password": bool,
    "language": str, "active": bool, "aliases": list, "additional_mail_quota": int,
    "additional_cloud_quota": int,
}
_ADD_ONLY: dict[str, type] = {
    "catchall": bool, "create_own_context": bool, "title": str, "birthday": str,
    "position": str, "department": str, "company": str, "street": str, "postal_code": str,
    "city": str, "phone": str, "fax": str, "cell_phone": str, "recover": bool,
    "skip_welcome_mail": bool,
}
_REQUIRED = ("plan", "first_name", "last_name", "inboxsave", "forwards")
_MAILBOX_ATTRS = {"plan", "first_name", "last_name", "inboxsave", "forwards", "memo",
                  "require_reset_password", "language", "active", "aliases",
                  "additional_mail_quota"}
_SORT_FIELDS = ("mail", "domain", "type", "plan", "creation_date")


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _denied() -> RpcError:
    return RpcError(ACCESS_DENIED, "Access denied")


def _bad_params(message: str) -> RpcError:
    return RpcError(INVALID_PARAMS, f"Invalid params: {message}")


@dataclass
class Call:
    world: World
    params: dict[str, Any]
    account: str | None  # the session's account (None for methods without a session)
    session_id: str | None

    @property
    def mbo(self) -> MailboxOrgState:
        return self.world.mailboxorg

    def param(self, name: str, kind: type, required: bool = True, default: Any = None) -> Any:
        if name not in self.params:
            if required:
                raise _bad_params(f"missing required parameter '{name}'")
            return default
        value = self.params[name]
        if not _is_kind(value, kind):
            raise _bad_params(f"'{name}' must be of type {kind.__name__}")
        return value

    def own_domain(self, domain: str) -> str:
        domain = domain.strip().lower()
        if self.mbo.domains.get(domain) != self.account:
            raise _denied()
        return domain

    def existing(self, address: str) -> tuple[str, MboMailbox]:
        local, domain = split_address(address)
        self.own_domain(domain)
        mailbox = self.mbo.mailboxes[domain].get(local)
        if mailbox is None:
            raise RpcError(NOT_FOUND, f"The e-mail address {local}@{domain} does not exist")
        return f"{local}@{domain}", mailbox


def _is_kind(value: Any, kind: type) -> bool:
    if kind is int:  # bool is an int subclass in Python, never in JSON
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, kind)


# --------------------------------------------------------------------------- envelope


def handle(request: Request, world: World, settings: Settings) -> Response:
    if request.method != "POST":
        return json_response(_error(None, INVALID_REQUEST, "Use POST"), 405)
    body = request.json_body
    if body is None:
        return json_response(_error(None, PARSE_ERROR, "Parse error"))
    if not isinstance(body, dict):
        return json_response(_error(None, INVALID_REQUEST, "Invalid Request"))
    request_id = body.get("id")
    try:
        result = _dispatch(request, body, world, settings)
    except RpcError as error:
        return json_response(_error(request_id, error.code, error.message))
    return json_response({"jsonrpc": "2.0", "result": result, "id": request_id})


def _error(request_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": request_id}


def _dispatch(request: Request, body: dict[str, Any], world: World, settings: Settings) -> Any:
    method = body.get("method")
    if body.get("jsonrpc") != "2.0" or not isinstance(method, str):
        raise RpcError(INVALID_REQUEST, "Invalid Request")
    params = body.get("params")
    params = {} if params is None else params
    if not isinstance(params, dict):
        raise _bad_params("params must be an object")
    entry = _METHODS.get(method)
    if entry is None:
        raise RpcError(METHOD_NOT_FOUND, f"Method not found: {method}")
    needs_session, implementation = entry
    account, session_id = None, None
    if needs_session:
        session_id = request.headers.get("hpls-auth", "")
        account = _session_account(world.mailboxorg, session_id, settings.mbo_session_idle)
    return implementation(Call(world, params, account, session_id))


def _session_account(mbo: MailboxOrgState, session_id: str, idle: float) -> str:
    """The session's account; every use restarts the idle clock."""
    session = mbo.sessions.get(session_id)
    now = time.monotonic()
    if session is not None and now - session.last_used > idle:
        mbo.expire_session(session_id)
        session = None
    if session is None:
        raise RpcError(INVALID_AUTH_ID, "This Auth-ID is invalid")
    session.last_used = now
    return session.account


# --------------------------------------------------------------------------- methods


def _auth(call: Call) -> dict[str, str]:
    user, password = call.param("user", str), call.param("pass", str)
    account = call.mbo.accounts.get(user)
    if account is None or not password or password != account.password:
        raise _denied()
    return {"session": call.mbo.new_session(user), "level": "account"}


def _deauth(call: Call) -> bool:
    call.mbo.expire_session(call.session_id or "")
    return True


def _own_account(call: Call) -> str:
    name = call.param("account", str)
    if name != call.account:
        raise _denied()
    return name


def _domain_list(call: Call) -> list[dict[str, Any]]:
    needle = call.param("filter", str, required=False, default="")
    return [{"domain": domain, "count_mails": len(call.mbo.mailboxes.get(domain, {}))}
            for domain in call.mbo.domains_of(_own_account(call)) if needle in domain]


def _account_get(call: Call) -> dict[str, Any]:
    name = _own_account(call)
    account = call.mbo.accounts[name]
    return {"account": name, "type": account.type, "status": account.status,
            "plan": account.plan, "domains": len(call.mbo.domains_of(name))}


def _mail_object(call: Call, address: str, box: MboMailbox, details: bool) -> dict[str, Any]:
    _, domain = split_address(address)
    item = {"mail": address, "domain": domain, "type": box.type, "plan": box.plan,
            "parent_uid": call.mbo.domains.get(domain), "memo": box.memo,
            "forwards": list(box.forwards), "aliases": list(box.aliases),
            "creation_date": box.creation_date}
    if details:
        item.update(first_name=box.first_name, last_name=box.last_name, active=box.active,
                    inboxsave=box.inboxsave, require_reset_password=box.require_reset_password,
                    language=box.language, additional_mail_quota=box.additional_mail_quota,
                    **box.extra)
    return item


def _mail_list(call: Call) -> Any:
    domain = call.own_domain(call.param("domain", str))
    details = call.param("details", bool, required=False, default=False)
    page_size = call.param("page_size", int, required=False)
    page = call.param("page", int, required=False)
    sort_field = call.param("sort_field", str, required=False, default="mail")
    sort_order = call.param("sort_order", str, required=False, default="asc")
    if page is not None and page_size is None:
        raise _bad_params("'page' needs 'page_size'")
    if (page_size is not None and page_size < 1) or (page is not None and page < 1):
        raise _bad_params("'page' and 'page_size' start at 1")
    if sort_field not in _SORT_FIELDS or sort_order not in ("asc", "desc"):
        raise _bad_params(f"sort_field is one of {_SORT_FIELDS}, sort_order asc or desc")
    items = [_mail_object(call, f"{local}@{domain}", box, details)
             for local, box in call.mbo.mailboxes[domain].items()]
    items.sort(key=lambda item: str(item[sort_field]), reverse=sort_order == "desc")
    if page_size is None:
        return items
    start = ((page or 1) - 1) * page_size
    return {"totalHits": len(items), "totalPages": math.ceil(len(items) / page_size),
            "results": items[start:start + page_size]}


def _mail_get(call: Call) -> dict[str, Any]:
    address, box = call.existing(call.param("mail", str))
    return _mail_object(call, address, box, details=True)


def _check_fields(call: Call, allowed: dict[str, type]) -> dict[str, Any]:
    """The params beyond `mail`, type-checked; unknown names are refused, not ignored."""
    unknown = sorted(set(call.params) - set(allowed) - {"mail"})
    if unknown:
        raise _bad_params(f"unknown parameter(s) {', '.join(unknown)}")
    changes = {name: call.param(name, kind) for name, kind in allowed.items()
               if name in call.params}
    if "password" in changes and "password_hash" in changes:
        raise _bad_params("send 'password' or 'password_hash', not both")
    if "plan" in changes and changes["plan"] not in PLANS:
        raise _bad_params(f"'plan' must be one of {', '.join(PLANS)}")
    if ("additional_mail_quota" in changes or "additional_cloud_quota" in changes) \
            and "plan" not in changes:
        raise _bad_params("extra quota can only be set together with 'plan'")
    if "password" in changes:
        problem = password_problem(changes["password"])
        if problem:
            raise RpcError(INVALID_VALUE, problem)
    return changes


def _apply(box: MboMailbox, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name == "password":
            box.password, box.password_hash = value, None
        elif name == "password_hash":
            box.password, box.password_hash = None, value
        elif name in _MAILBOX_ATTRS:
            setattr(box, name, value)
        else:
            box.extra[name] = value


def _mail_add(call: Call) -> dict[str, Any]:
    local, domain = split_address(call.param("mail", str))
    call.own_domain(domain)
    for name in _REQUIRED:
        call.param(name, {**_SET_FIELDS, **_ADD_ONLY}[name])
    if "password" not in call.params and "password_hash" not in call.params:
        raise _bad_params("missing required parameter 'password' (or 'password_hash')")
    changes = _check_fields(call, {**_SET_FIELDS, **_ADD_ONLY})
    if not valid_local_part(local):
        raise RpcError(INVALID_VALUE, f"'{local}' is not a valid local part")
    if local in call.mbo.mailboxes[domain]:
        raise RpcError(EXISTS, f"The e-mail address {local}@{domain} already exists")
    box = MboMailbox(None, creation_date=time.strftime("%Y-%m-%d %H:%M:%S"))
    _apply(box, changes)
    call.mbo.mailboxes[domain][local] = box
    call.world.touch()
    return _mail_object(call, f"{local}@{domain}", box, details=True)


def _mail_set(call: Call) -> dict[str, Any]:
    address, box = call.existing(call.param("mail", str))
    _apply(box, _check_fields(call, _SET_FIELDS))
    call.world.touch()
    return _mail_object(call, address, box, details=True)


def _mail_del(call: Call) -> bool:
    address, _ = call.existing(call.param("mail", str))
    call.mbo.remove_mailbox(address)
    call.world.touch()
    return True


# method -> (needs a session, implementation)
_METHODS: dict[str, tuple[bool, Callable[[Call], Any]]] = {
    "auth": (False, _auth),
    "deauth": (True, _deauth),
    "hello.world": (False, lambda call: "Hello World!"),
    "hello.innerworld": (True, lambda call: "Hello Inner-World!"),
    "domain.list": (True, _domain_list),
    "account.get": (True, _account_get),
    "mail.list": (True, _mail_list),
    "mail.get": (True, _mail_get),
    "mail.add": (True, _mail_add),
    "mail.set": (True, _mail_set),
    "mail.del": (True, _mail_del),
}
