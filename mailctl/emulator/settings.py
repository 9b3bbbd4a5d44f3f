"""Server behaviour switches: which release of each provider the emulator plays.

All of them can be changed while the server runs (`emu.settings.whm_legacy_only = True`);
each request reads them afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

DA_AUTH_FAILURES = ("login_page", "redirect", "json401")
DA_JSON_LISTS = ("array", "object")
AUTH_STATUSES = (401, 403)


@dataclass
class Settings:
    # DirectAdmin: how a failed login is answered — 200 + HTML login page, a 302 to the
    # login page, or 401 + {"error":"Not logged in","success":"no"}.
    da_auth_failure: str = "login_page"
    # DirectAdmin: add `X-DirectAdmin: Unauthorized` to the login-page answer (real servers
    # send it, and clients test for it; off plays a release or proxy that drops it).
    da_unauthorized_header: bool = True
    # DirectAdmin "newer server": create/modify/delete live only on CMD_API_EMAIL_POP and
    # CMD_API_POP answers "unknown command" for them. Off: CMD_API_EMAIL_POP is unknown.
    da_email_pop: bool = False
    # DirectAdmin: whether CMD_API_POP knows action=full_list (older servers do not).
    da_full_list: bool = True
    # DirectAdmin json=yes lists: a bare array or {"list": [...]}.
    da_json_list: str = "array"
    # cPanel and WHM: HTTP status for a bad password or token.
    cpanel_auth_status: int = 401
    # WHM: answer in the legacy API 0 form even when api.version=1 is sent.
    whm_legacy_only: bool = False
    # mailbox.org: refusals carry `"result": null` beside the error object, as the real
    # service sends them. Off: the error object alone (strict JSON-RPC 2.0).
    mbo_error_result_null: bool = True
    # mailbox.org: seconds a session may stay unused before it answers 253.
    mbo_session_idle: float = 1200.0
    # Added to every request, in milliseconds.
    latency_ms: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        _require(self.da_auth_failure in DA_AUTH_FAILURES,
                 f"da_auth_failure must be one of {DA_AUTH_FAILURES}")
        _require(self.da_json_list in DA_JSON_LISTS, f"da_json_list must be one of {DA_JSON_LISTS}")
        _require(self.cpanel_auth_status in AUTH_STATUSES,
                 f"cpanel_auth_status must be one of {AUTH_STATUSES}")
        _require(self.mbo_session_idle >= 0, "mbo_session_idle must be >= 0")
        _require(self.latency_ms >= 0, "latency_ms must be >= 0")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)
