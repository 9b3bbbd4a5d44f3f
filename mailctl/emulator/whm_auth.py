"""WHM logins: who a token or password is, what its ACLs allow, which cPanel accounts it
reaches. Shared by WHM API 1/0 and cPanel API 2 called with WHM credentials.

A token may carry an ACL list (`WhmUser.token_acls[token]`); without one it has every
privilege of its user. A call its ACLs do not cover is answered, as the real WHM does,
with HTTP 200 and a `cpanelresult` envelope (`access_denied()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cpanel_state import CpanelAccount
from .whm_state import WhmState
from .world import World
from .wire import Request, credentials, token_or_password


@dataclass(frozen=True)
class WhmLogin:
    user: str
    acls: tuple[str, ...] | None  # None: everything the user may do


def authenticate(request: Request, whm: WhmState) -> WhmLogin | None:
    creds = credentials(request)
    user = whm.users.get(creds.user) if creds else None
    if creds is None or user is None:
        return None
    if not token_or_password(creds, "whm", user.password, user.tokens):
        return None
    acls = user.token_acls.get(creds.secret) if creds.scheme == "whm" else None
    return WhmLogin(creds.user, tuple(acls) if acls is not None else None)


def allowed(login: WhmLogin, acl: str | None) -> bool:
    return acl is None or login.acls is None or "all" in login.acls or acl in login.acls


def access_denied() -> dict[str, Any]:
    return {"cpanelresult": {"apiversion": "2", "error": "Access denied",
                             "data": {"reason": "Access denied", "result": "0"},
                             "type": "text"}}


def reachable(world: World, caller: str, name: str) -> CpanelAccount | None:
    """The cPanel account if the caller may manage it: root reaches all, a reseller its own."""
    account = world.cpanel.accounts.get(name)
    user = world.whm.users[caller]
    if account is None or (user.role != "root" and account.owner != caller):
        return None
    return account
