"""WHM `/json-api/<function>`: API 1 when `api.version=1` is sent, else the legacy API 0.

API 1 failures are HTTP 200 with `metadata.result: 0` and `metadata.reason` (and no
`data`); API 0's `passwd` answers `{"passwd": [{"status": 0|1, ...}]}` and reads the new
password from `pass`, not `password` — exactly the trap a client falls into when it
forgets `api.version`.
"""

from __future__ import annotations

from typing import Any, Callable

from . import cpanel
from .settings import Settings
from .state import CpanelAccount, World, WhmState, WhmUser
from .wire import (
    Request,
    Response,
    credentials,
    json_response,
    password_problem,
    token_or_password,
)


class WhmRefusal(Exception):
    """An API 1 `metadata.result: 0` answer (API 0: `status: 0`)."""


def handle(request: Request, world: World, settings: Settings) -> Response:
    caller = _authenticate(request, world.whm)
    if caller is None:
        return cpanel.auth_failure(settings)
    function = request.path[len("/json-api/"):].strip("/")
    form = request.form
    if form.get("api.version") == "1" and not settings.whm_legacy_only:
        return json_response(_api1(world, caller, function, form))
    return json_response(_api0(world, caller, function, form))


def _authenticate(request: Request, whm: WhmState) -> str | None:
    creds = credentials(request)
    user = whm.users.get(creds.user) if creds else None
    if creds is None or user is None:
        return None
    return creds.user if token_or_password(creds, "whm", user.password, user.tokens) else None


def _unknown_app(function: str, version: int) -> str:
    return f'Unknown app ("{function}") requested for this version ({version}) of the API.'


def _reachable(world: World, caller: str, name: str) -> CpanelAccount | None:
    """The cPanel account if the caller may manage it: root reaches all, a reseller its own."""
    account = world.cpanel.accounts.get(name)
    user: WhmUser = world.whm.users[caller]
    if account is None or (user.role != "root" and account.owner != caller):
        return None
    return account


def _change_password(world: World, caller: str, name: str, password: str,
                     update_db: bool) -> tuple[str, list[str]]:
    """Shared by both API versions: (message, services whose password changed)."""
    if not name:
        raise WhmRefusal("No user name was given.")
    account = _reachable(world, caller, name)
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


def _api1(world: World, caller: str, function: str, form: dict[str, str]) -> dict[str, Any]:
    implementation = _API1.get(function)
    try:
        if implementation is None:
            raise WhmRefusal(_unknown_app(function, 1))
        data, messages = implementation(world, caller, form)
    except WhmRefusal as refusal:
        return {"metadata": _metadata(function, 0, str(refusal))}
    return {"metadata": _metadata(function, 1, "OK", messages), "data": data}


def _metadata(function: str, result: int, reason: str,
              messages: list[str] | None = None) -> dict[str, Any]:
    return {"command": function, "result": result, "reason": reason, "version": 1,
            "output": {"warnings": None, "messages": messages or None}}


def _passwd1(world: World, caller: str, form: dict[str, str]) -> tuple[Any, list[str]]:
    message, services = _change_password(world, caller, form.get("user", "").strip(),
                                          form.get("password", ""),
                                          form.get("db_pass_update", "1") != "0")
    return {"app": services}, [message]


def _getdomainowner(world: World, caller: str, form: dict[str, str]) -> tuple[Any, list[str]]:
    domain = form.get("domain", "").strip().lower()
    if not domain:
        raise WhmRefusal("No domain was given.")
    owner = world.cpanel.domains.get(domain)
    if owner is not None and _reachable(world, caller, owner) is None:
        owner = None  # a reseller must not learn about other resellers' domains
    return {"user": owner}, []


def _uapi_cpanel(world: World, caller: str, form: dict[str, str]) -> tuple[Any, list[str]]:
    name = form.get("cpanel.user", "").strip()
    if not name or _reachable(world, caller, name) is None:
        raise WhmRefusal(f'The user "{name}" does not exist or you do not own it.')
    module, function = form.get("cpanel.module", ""), form.get("cpanel.function", "")
    if not module or not function:
        raise WhmRefusal("cpanel.module and cpanel.function are required.")
    args = {k: v for k, v in form.items() if not k.startswith("cpanel.") and k != "api.version"}
    # The inner UAPI answer may be status 0 while the WHM call itself succeeded.
    return {"uapi": cpanel.call_uapi(world, name, module, function, args)}, []


_API1: dict[str, Callable[[World, str, dict[str, str]], tuple[Any, list[str]]]] = {
    "passwd": _passwd1,
    "getdomainowner": _getdomainowner,
    "uapi_cpanel": _uapi_cpanel,
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
