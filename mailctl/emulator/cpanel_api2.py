"""cPanel API 2 through `/json-api/cpanel` (deprecated by cPanel, still called by public
clients): `cpanel_jsonapi_module`, `cpanel_jsonapi_func`, `cpanel_jsonapi_apiversion=2`.

A cPanel token or password runs the function as that account; a WHM token or password
needs `cpanel_jsonapi_user` and reaches only the accounts it owns. Each API 2 function
here is a UAPI function under another name, so both APIs share one implementation.
Answers are wrapped in `cpanelresult`; refusals there are HTTP 200 with `error` and
`data: {"result": "0", "reason": ...}`.
"""

from __future__ import annotations

from typing import Any

from . import cpanel, whm_auth
from .settings import Settings
from .world import World
from .wire import Request, Response, credentials, json_response

# API 2 name -> (UAPI function, {API 2 argument: UAPI argument})
_FUNCTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "listpopswithdisk": ("list_pops_with_disk", {}),
    "listpops": ("list_pops", {}),
    "listforwards": ("list_forwarders", {}),
    "addpop": ("add_pop", {}),
    "delpop": ("delete_pop", {}),
    "passwdpop": ("passwd_pop", {}),
    "editquota": ("edit_pop_quota", {}),
    "addforward": ("add_forwarder", {}),
    "getdiskusage": ("get_disk_usage", {}),
}


def handle(request: Request, world: World, settings: Settings) -> Response:
    form = request.form
    account = _account(request, world, form)
    if account is None:
        return cpanel.auth_failure(settings)
    if isinstance(account, Response):
        return account
    module = form.get("cpanel_jsonapi_module", "")
    function = form.get("cpanel_jsonapi_func", "")
    if form.get("cpanel_jsonapi_apiversion", "2") != "2":
        return json_response(result(module, function, error="Only API 2 is served here: send "
                                    "cpanel_jsonapi_apiversion=2 (or use UAPI)."))
    if module != "Email" or function not in _FUNCTIONS:
        return json_response(result(module, function,
                                    error=f"Could not find function '{function}' in module '{module}'"))
    uapi_name, renames = _FUNCTIONS[function]
    args = {renames.get(k, k): v for k, v in form.items() if not k.startswith("cpanel_jsonapi_")}
    answer = cpanel.call_uapi(world, account, module, uapi_name, args)
    if answer["status"] != 1:
        return json_response(result(module, function, error="; ".join(answer["errors"] or [])))
    data = answer["data"]
    return json_response(result(module, function, data=data if isinstance(data, list) else [data]))


def _account(request: Request, world: World, form: dict[str, str]) -> str | Response | None:
    """The cPanel account to act as, None for a failed login, or a WHM refusal answer."""
    creds = credentials(request)
    if creds is None:
        return None
    if creds.scheme == "cpanel" or (creds.scheme == "basic" and creds.user in world.cpanel.accounts):
        return cpanel.authenticate(request, world.cpanel)
    login = whm_auth.authenticate(request, world.whm)
    if login is None:
        return None
    if not whm_auth.allowed(login, "list-accts"):
        return json_response(whm_auth.access_denied())
    name = form.get("cpanel_jsonapi_user", "").strip()
    if not name or whm_auth.reachable(world, login.user, name) is None:
        return json_response(result(form.get("cpanel_jsonapi_module", ""),
                                    form.get("cpanel_jsonapi_func", ""),
                                    error=f'The user "{name}" does not exist or you do not own it.'))
    return name


def result(module: str, function: str, data: Any = None, error: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"apiversion": 2, "func": function, "module": module}
    if error is None:
        body.update(data=data, event={"result": 1})
    else:
        body.update(error=error, data={"result": "0", "reason": error}, event={"result": 0})
    return {"cpanelresult": body}
