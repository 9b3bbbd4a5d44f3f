"""WHM `/json-api/<function>`: API 1 when `api.version=1` is sent, else the legacy API 0.

API 1 failures are HTTP 200 with `metadata.result: 0` and `metadata.reason` (and no
`data`); API 0's `passwd` answers `{"passwd": [{"status": 0|1, ...}]}` and reads the new
password from `pass`, not `password` — exactly the trap a client falls into when it
forgets `api.version`. A token whose ACLs lack the function gets HTTP 200 with a
`cpanelresult` envelope, in both versions (whm_auth).
"""

from __future__ import annotations

from typing import Any, Callable

from . import cpanel
from .settings import Settings
from .world import World
from .whm_auth import WhmLogin, access_denied, allowed, authenticate, reachable
from .wire import Request, Response, json_response, password_problem

VERSION = "11.126.0.9"
# The ACL each function needs (the emulator's choice where WHM's documentation is silent:
# reading accounts and acting as one need list-accts). None: any valid login.
_ACLS: dict[str, str | None] = {
    "passwd": "passwd", "getdomainowner": "list-accts", "uapi_cpanel": "list-accts",
    "listaccts": "list-accts", "applist": None, "version": None, "myprivs": None,
}
_ALL_ACLS = ("all", "list-accts", "passwd", "create-acct", "kill-acct", "suspend-acct")


class WhmRefusal(Exception):
    """An API 1 `metadata.result: 0` answer (API 0: `status: 0`)."""


def handle(request: Request, world: World, settings: Settings) -> Response:
    login = authenticate(request, world.whm)
    if login is None:
        return cpanel.auth_failure(settings)
    function = request.path[len("/json-api/"):].strip("/")
    if function in _ACLS and not allowed(login, _ACLS[function]):
        return json_response(access_denied())
    form = request.form
    if form.get("api.version") == "1" and not settings.whm_legacy_only:
        return json_response(_api1(world, login, function, form))
    return json_response(_api0(world, login.user, function, form))


def _unknown_app(function: str, version: int) -> str:
    return f'Unknown app ("{function}") requested for this version ({version}) of the API.'


def _change_password(world: World, caller: str, name: str, password: str,
                     update_db: bool) -> tuple[str, list[str]]:
    """Shared by both API versions: (message, services whose password changed). API
    tokens are kept: in cPanel a token outlives a change of the account password."""
    if not name:
        raise WhmRefusal("No user name was given.")
    account = reachable(world, caller, name)
    if account is None:
        raise WhmRefusal(f'The user "{name}" does not exist or you do not own it.')
    if account.suspended:
        raise WhmRefusal("Changing the user's password would unsuspend the account. "
                         "Unsuspend the account first.")
    problem = password_problem(password)
    if problem:
        raise WhmRefusal(problem)
    account.password = password
    services = ["system", "ftp", "mail"]
    if update_db:
        account.db_password = password
        services.append("MySQL")
    world.touch()
    return f"Password changed for user {name}", services


# --------------------------------------------------------------------------- API 1

Api1 = Callable[[World, WhmLogin, dict[str, str]], tuple[Any, list[str]]]


def _api1(world: World, login: WhmLogin, function: str, form: dict[str, str]) -> dict[str, Any]:
    implementation = _API1.get(function)
    try:
        if implementation is None:
            raise WhmRefusal(_unknown_app(function, 1))
        data, messages = implementation(world, login, form)
    except WhmRefusal as refusal:
        return {"metadata": _metadata(function, 0, str(refusal))}
    return {"metadata": _metadata(function, 1, "OK", messages), "data": data}


def _metadata(function: str, result: int, reason: str,
              messages: list[str] | None = None) -> dict[str, Any]:
    return {"command": function, "result": result, "reason": reason, "version": 1,
            "output": {"warnings": None, "messages": messages or None}}


def _passwd1(world: World, login: WhmLogin, form: dict[str, str]) -> tuple[Any, list[str]]:
    message, services = _change_password(world, login.user, form.get("user", "").strip(),
                                          form.get("password", ""),
                                          form.get("db_pass_update", "1") != "0")
    return {"app": services}, [message]


def _getdomainowner(world: World, login: WhmLogin, form: dict[str, str]) -> tuple[Any, list[str]]:
    domain = form.get("domain", "").strip().lower()
    if not domain:
        raise WhmRefusal("No domain was given.")
    owner = world.cpanel.domains.get(domain)
    if owner is not None and reachable(world, login.user, owner) is None:
        owner = None  # a reseller must not learn about other resellers' domains
    return {"user": owner}, []


def _uapi_cpanel(world: World, login: WhmLogin, form: dict[str, str]) -> tuple[Any, list[str]]:
    name = form.get("cpanel.user", "").strip()
    if not name or reachable(world, login.user, name) is None:
        raise WhmRefusal(f'The user "{name}" does not exist or you do not own it.')
    module, function = form.get("cpanel.module", ""), form.get("cpanel.function", "")
    if not module or not function:
        raise WhmRefusal("cpanel.module and cpanel.function are required.")
    args = {k: v for k, v in form.items() if not k.startswith("cpanel.") and k != "api.version"}
    # The inner UAPI answer may be status 0 while the WHM call itself succeeded.
    return {"uapi": cpanel.call_uapi(world, name, module, function, args)}, []


def _applist(world: World, login: WhmLogin, form: dict[str, str]) -> tuple[Any, list[str]]:
    return {"app": sorted(name for name in _API1 if allowed(login, _ACLS.get(name)))}, []


def _version(world: World, login: WhmLogin, form: dict[str, str]) -> tuple[Any, list[str]]:
    return {"version": VERSION}, []


def _myprivs(world: World, login: WhmLogin, form: dict[str, str]) -> tuple[Any, list[str]]:
    if login.acls is None:
        granted = set(_ALL_ACLS) if world.whm.users[login.user].role == "root" \
            else set(_ALL_ACLS) - {"all"}
    else:
        granted = set(login.acls)
    return {"privileges": [{acl: int(acl in granted) for acl in sorted(set(_ALL_ACLS) | granted)}]}, []


def _listaccts(world: World, login: WhmLogin, form: dict[str, str]) -> tuple[Any, list[str]]:
    search = form.get("search", "").strip().lower()
    kind = form.get("searchtype", "user")
    rows = []
    for name in sorted(world.cpanel.accounts):
        account = reachable(world, login.user, name)
        if account is None:
            continue
        fields = {"user": name, "domain": account.main_domain, "owner": account.owner}
        if search and search not in fields.get(kind, name).lower():
            continue
        rows.append({**fields, "email": "", "plan": "default", "suspended": int(account.suspended),
                     "suspendreason": "not suspended" if not account.suspended else "suspended",
                     "maxpop": "unlimited"})
    return {"acct": [_columns(row, form) for row in rows]}, []


def _columns(row: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """WHM API 1 output columns: with `api.columns.enable=1`, only the returns named by
    `api.columns.a`, `api.columns.b`, ... (in order of the letter)."""
    if form.get("api.columns.enable") != "1":
        return row
    wanted = [value for key, value in sorted(form.items())
              if key.startswith("api.columns.") and len(key) == len("api.columns.a") and key[-1].isalpha()]
    return {name: row[name] for name in wanted if name in row}


_API1: dict[str, Api1] = {
    "passwd": _passwd1,
    "getdomainowner": _getdomainowner,
    "uapi_cpanel": _uapi_cpanel,
    "applist": _applist,
    "version": _version,
    "myprivs": _myprivs,
    "listaccts": _listaccts,
}


# --------------------------------------------------------------------------- API 0


def _api0(world: World, caller: str, function: str, form: dict[str, str]) -> dict[str, Any]:
    if function != "passwd":
        return {"status": 0, "statusmsg": _unknown_app(function, 0)}
    name = form.get("user", "").strip()
    try:
        message, services = _change_password(world, caller, name, form.get("pass", ""),
                                              form.get("db_pass_update", "1") != "0")
    except WhmRefusal as refusal:
        return {"passwd": [{"status": 0, "statusmsg": str(refusal), "rawout": "",
                            "services": []}]}
    rawout = "".join(f"Changing the {s} password for {name}\n" for s in services)
    # API 0 spells the database service "mySQL".
    return {"passwd": [{"status": 1, "statusmsg": message, "rawout": rawout,
                        "services": [{"app": "mySQL" if s == "MySQL" else s}
                                     for s in services]}]}
