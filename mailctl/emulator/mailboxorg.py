"""mailbox.org Business API: JSON-RPC 2.0 over `POST /v1/`, sessions in `HPLS-AUTH`.

Error codes: the provider notes document 2 (access denied: bad credentials or not
permitted) and 253 (Auth-ID invalid: missing, unknown or idle session). For "no such
mailbox", "already exists" and "value refused" the real codes are not documented; the
emulator uses NOT_FOUND, EXISTS and INVALID_VALUE below (clients should treat any other
code as a refusal and show the message).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

from .settings import Settings
from .mailboxorg_state import MailboxOrgState, MboMailbox
from .world import World
from .wire import (
    Request,
    Response,
    json_response,
    password_problem,
    split_address,
    valid_domain,
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
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The documented params (API docs, and the public client generated from them). mail.set
# may change _SET_FIELDS; mail.add accepts them plus _ADD_ONLY (and requires _REQUIRED).
# Anything else is refused as unknown, as the real API does. QUOTA: an integer or a
# string of digits (the public library sends strings).
QUOTA = "quota"
_SET_FIELDS: dict[str, Any] = {
    "password": str, "password_hash": str, "plan": str, "first_name": str, "last_name": str,
    "inboxsave": bool, "forwards": list, "memo": str, "require_reset_password": bool,
    "language": str, "active": bool, "aliases": list, "additional_mail_quota": QUOTA,
    "additional_cloud_quota": QUOTA, "uid_extern": str, "allow_nets": str,
    "same_password_disallowed": bool, "same_password_allowed": bool, "alternate_mail": str,
    "deletion_date": str, "title": str, "birthday": str, "position": str, "department": str,
    "company": str, "street": str, "postal_code": str, "city": str, "phone": str, "fax": str,
    "cell_phone": str,
}
_ADD_ONLY: dict[str, Any] = {
    "catchall": bool, "create_own_context": bool, "recover": bool, "skip_welcome_mail": bool,
}
# Optional params a client may send as null to mean "not given" (the public library
# sends "uid_extern": null on every mail.add).
_NULLABLE = frozenset({"uid_extern", "memo", "alternate_mail", "allow_nets", "deletion_date"})
_REQUIRED = ("plan", "first_name", "last_name", "inboxsave", "forwards")
_MAILBOX_ATTRS = {"plan", "first_name", "last_name", "inboxsave", "forwards", "memo",
                  "require_reset_password", "language", "active", "aliases",
                  "additional_mail_quota"}
_SORT_FIELDS = ("mail", "first_name", "last_name", "status", "domain", "plan", "type",
                "creation_date")


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

    def param(self, name: str, kind: Any, required: bool = True, default: Any = None) -> Any:
        if name not in self.params:
            if required:
                raise _bad_params(f"missing required parameter '{name}'")
            return default
        value = self.params[name]
        if not _is_kind(value, kind):
            kind_name = "integer or string of digits" if kind == QUOTA else kind.__name__
            raise _bad_params(f"'{name}' must be of type {kind_name}")
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


def _is_kind(value: Any, kind: Any) -> bool:
    if kind == QUOTA:
        return (isinstance(value, int) and not isinstance(value, bool) and value >= 0) or \
            (isinstance(value, str) and value.isdigit())
    if kind is int:  # bool is an int subclass in Python, never in JSON
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, kind)


# --------------------------------------------------------------------------- envelope


def handle(request: Request, world: World, settings: Settings) -> Response:
    null = settings.mbo_error_result_null
    if request.method != "POST":
        return json_response(_error(None, INVALID_REQUEST, "Use POST", null), 405)
    body = request.json_body
    if body is None:
        return json_response(_error(None, PARSE_ERROR, "Parse error", null))
    if not isinstance(body, dict):
        return json_response(_error(None, INVALID_REQUEST, "Invalid Request", null))
    request_id = body.get("id")
    try:
        result = _dispatch(request, body, world, settings)
    except RpcError as error:
        return json_response(_error(request_id, error.code, error.message, null))
    return json_response({"jsonrpc": "2.0", "result": result, "id": request_id})


def _error(request_id: Any, code: int, message: str, result_null: bool) -> dict[str, Any]:
    """The real service sends `"result": null` beside the error object on refusals."""
    answer: dict[str, Any] = {"jsonrpc": "2.0"}
    if result_null:
        answer["result"] = None
    answer.update(error={"code": code, "message": message}, id=request_id)
    return answer


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


def _fingerprint(local: str, domain: str, box: MboMailbox, details: bool) -> tuple:
    """Everything a mail.list item shows (see _mail_object)."""
    return (local, domain, details, box.type, box.plan, box.memo, tuple(box.forwards),
            tuple(box.aliases), box.creation_date, box.first_name, box.last_name, box.active,
            box.inboxsave, box.require_reset_password, box.language, box.additional_mail_quota,
            repr(box.extra) if box.extra else "")


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
    boxes = call.mbo.mailboxes[domain]
    order = call.mbo.sorted_locals(domain, sort_field, sort_order == "desc", call.world.revision)
    if page_size is not None:
        # Only the requested page is turned into objects; the order comes from a cache.
        start = ((page or 1) - 1) * page_size
        chosen = order[start:start + page_size]
    else:
        chosen = order
    items = call.mbo.row_cache.rows(
        [(_fingerprint(local, domain, boxes[local], details),
          (call, f"{local}@{domain}", boxes[local], details)) for local in chosen],
        _mail_object)
    if page_size is None:
        return items
    return {"totalHits": len(order), "totalPages": math.ceil(len(order) / page_size),
            "results": items}


def _mail_get(call: Call) -> dict[str, Any]:
    address, box = call.existing(call.param("mail", str))
    return _mail_object(call, address, box, details=True)


def _check_fields(call: Call, allowed: dict[str, Any]) -> dict[str, Any]:
    """The params beyond `mail`, type-checked; unknown names are refused, not ignored."""
    unknown = sorted(set(call.params) - set(allowed) - {"mail"})
    if unknown:
        raise _bad_params(f"unknown parameter(s) {', '.join(unknown)}")
    changes = {name: call.param(name, kind) for name, kind in allowed.items()
               if name in call.params and not (name in _NULLABLE and call.params[name] is None)}
    for name in ("additional_mail_quota", "additional_cloud_quota"):
        if name in changes:
            changes[name] = int(changes[name])
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
    if "deletion_date" in changes:
        changes["active"] = False  # a mailbox due for deletion is deactivated at once
    return changes


def _check_routes(call: Call, address: str, changes: dict[str, Any]) -> None:
    """Forwards go anywhere, but to real addresses, once each, never back to the mailbox.
    Aliases are further addresses of this mailbox: on the account's own domains, and
    not taken by another mailbox or its aliases."""
    for name in ("forwards", "aliases"):
        values = [v.strip().lower() for v in changes.get(name, [])]
        if name not in changes:
            continue
        for value in values:
            local, domain = split_address(value)
            if not valid_local_part(local) or not valid_domain(domain):
                raise RpcError(INVALID_VALUE, f"'{value}' is not a valid e-mail address")
            if value == address:
                raise RpcError(INVALID_VALUE, f"{address} cannot point at itself")
        if len(set(values)) != len(values):
            raise RpcError(INVALID_VALUE, f"an address is listed twice in '{name}'")
        changes[name] = values
    for alias in changes.get("aliases", []):
        local, domain = split_address(alias)
        if call.mbo.domains.get(domain) != call.account:
            raise RpcError(INVALID_VALUE, f"the alias {alias} is not on a domain of this account")
        owner = call.mbo.alias_owner(alias, call.world.revision)
        if call.mbo.has_mailbox(alias) or (owner is not None and owner != address):
            raise RpcError(EXISTS, f"The e-mail address {alias} already exists")


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
    address = f"{local}@{domain}"
    if local in call.mbo.mailboxes[domain] or call.mbo.alias_owner(address, call.world.revision) is not None:
        raise RpcError(EXISTS, f"The e-mail address {address} already exists")
    _check_routes(call, address, changes)
    box = MboMailbox(None, creation_date=time.strftime("%Y-%m-%d %H:%M:%S"))
    _apply(box, changes)
    call.mbo.put_mailbox(address, box)
    call.world.touch()
    return _mail_object(call, address, box, details=True)


def _mail_set(call: Call) -> dict[str, Any]:
    address, box = call.existing(call.param("mail", str))
    changes = _check_fields(call, _SET_FIELDS)
    _check_routes(call, address, changes)
    _apply(box, changes)
    call.world.touch()
    return _mail_object(call, address, box, details=True)


def _mail_del(call: Call) -> bool:
    address, _ = call.existing(call.param("mail", str))
    call.mbo.remove_mailbox(address)
    call.world.touch()
    return True


# --------------------------------------------------------------------------- vacation

_VACATION_FIELDS: dict[str, Any] = {"subject": str, "body": str, "start_date": str,
                                    "end_date": str, "additional_mail_addresses": list}


def _vacation_get(call: Call) -> dict[str, Any]:
    address, box = call.existing(call.param("mail", str))
    vacation = box.vacation or {}
    return {"mail": address, "active": bool(vacation),
            **{name: vacation.get(name, [] if kind is list else "")
               for name, kind in _VACATION_FIELDS.items()}}


def _vacation_set(call: Call) -> bool:
    """Sets the notice for start_date..end_date (YYYY-MM-DD); an empty subject clears it."""
    address, box = call.existing(call.param("mail", str))
    unknown = sorted(set(call.params) - set(_VACATION_FIELDS) - {"mail"})
    if unknown:
        raise _bad_params(f"unknown parameter(s) {', '.join(unknown)}")
    values = {name: call.param(name, kind, required=name in ("subject", "start_date", "end_date"))
              for name, kind in _VACATION_FIELDS.items()
              if not (name in ("body", "additional_mail_addresses") and call.params.get(name) is None)}
    for name in ("start_date", "end_date"):
        if not _DATE.match(values[name]):
            raise _bad_params(f"'{name}' must be a date YYYY-MM-DD")
    if values["end_date"] < values["start_date"]:
        raise RpcError(INVALID_VALUE, "the vacation notice ends before it starts")
    box.vacation = {**values, "additional_mail_addresses":
                    list(values.get("additional_mail_addresses", []))} if values["subject"] else None
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
    "mail.vacation.get": (True, _vacation_get),
    "mail.vacation.set": (True, _vacation_set),
}
