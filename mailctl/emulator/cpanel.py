"""cPanel UAPI (`/execute/<Module>/<function>`): one account managing its own mailboxes.

`call_uapi` is also what WHM's `uapi_cpanel` and cPanel API 2 run, so every path shares
one implementation. Refusals are HTTP 200 with `status: 0` and the message in `errors`;
only a bad login is an HTTP error (401 or 403 per settings, with a body that is not JSON).
The mailbox functions are here; forwarders, suspension and checks in cpanel_mail.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from . import cpanel_mail
from .cpanel_wire import MB, Refusal, UapiCall, envelope, quota_mb, strong
from .settings import Settings
from .cpanel_state import CpanelMailbox, CpanelState, DeletedMailbox
from .world import World
from .wire import (
    TEXT_TYPE,
    Request,
    Response,
    credentials,
    json_response,
    split_address,
    token_or_password,
    valid_local_part,
)

__all__ = ["Refusal", "auth_failure", "authenticate", "call_uapi", "envelope", "handle"]

RESERVED_LOCAL_PARTS = frozenset({"cpanel"})


def handle(request: Request, world: World, settings: Settings) -> Response:
    account = authenticate(request, world.cpanel)
    if account is None:
        return auth_failure(settings)
    module, _, function = request.path[len("/execute/"):].strip("/").partition("/")
    return json_response(call_uapi(world, account, module, function, request.form))


def auth_failure(settings: Settings) -> Response:
    """cPanel and WHM refuse a bad login with an HTTP error and a body that is not JSON."""
    return Response(settings.cpanel_auth_status,
                    b"Access denied: the user name, password or API token is not valid.\n",
                    TEXT_TYPE)


def authenticate(request: Request, cp: CpanelState) -> str | None:
    """The cPanel account a token (`cpanel USER:TOKEN`) or Basic password logs in as."""
    creds = credentials(request)
    account = cp.accounts.get(creds.user) if creds else None
    if creds is None or account is None or account.suspended:
        return None
    return creds.user if token_or_password(creds, "cpanel", account.password,
                                           account.tokens) else None


def call_uapi(world: World, account: str, module: str, function: str,
              args: dict[str, str]) -> dict[str, Any]:
    """Run one UAPI function as `account` (already authenticated); the answer object."""
    if module != "Email":
        return envelope(errors=[f'Failed to load module "{module}".'])
    implementation = _FUNCTIONS.get(function)
    if implementation is None:
        return envelope(errors=[f'The function "Email::{function}" does not exist.'])
    try:
        data = implementation(UapiCall(world, account, args))
    except Refusal as refusal:
        return envelope(errors=[str(refusal)])
    if isinstance(data, list) and args.get("api.paginate") == "1":
        return _paginate(data, args)
    return envelope(data)


def _paginate(data: list[Any], args: dict[str, str]) -> dict[str, Any]:
    size = _positive(args.get("api.paginate_size"), 20)
    start = _positive(args.get("api.paginate_start"), 1)  # 1-based record number
    page = data[start - 1:start - 1 + size]
    return envelope(page, metadata={"paginate": {
        "is_paged": 1, "total_results": len(data), "results_per_page": size,
        "start_result": start, "total_pages": math.ceil(len(data) / size),
        "current_page": (start - 1) // size + 1}})


def _positive(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else default


# --------------------------------------------------------------------------- functions


def list_pops(call: UapiCall) -> list[dict[str, Any]]:
    regex = call.regex()
    entries = [{"email": f"{local}@{domain}", "login": f"{local}@{domain}",
                "suspended_incoming": int(box.suspended_incoming),
                "suspended_login": int(box.suspended_login)}
               for local, domain, box in call.mailboxes()]
    if call.args.get("skip_main") != "1":
        entries.append({"email": call.name, "login": "Main Account",
                        "suspended_incoming": 0, "suspended_login": 0})
    return [e for e in entries if regex is None or regex.search(e["email"])]


def list_pops_with_disk(call: UapiCall) -> list[dict[str, Any]]:
    regex = call.regex()
    only_domain = call.arg("domain").lower()
    only_email = call.arg("email").lower()
    infinity = call.args.get("infinitylang") == "1"
    if only_email:
        # One mailbox: looked up, not searched for among all of them.
        local, domain = split_address(only_email)
        domain = domain or only_domain or call.account.main_domain
        if call.cp.domains.get(domain) != call.name or (only_domain and domain != only_domain):
            return []
        box = call.cp.mailboxes[domain].get(local)
        rows = [(local, domain, box)] if box is not None else []
    elif only_domain and call.cp.domains.get(only_domain) != call.name:
        return []  # a filter on a domain that is not the account's matches nothing
    else:
        rows = call.mailboxes(only_domain)
    entries = []
    limit = call.arg("maxaccounts")
    most = int(limit) if limit.isdigit() and int(limit) > 0 else None
    for local, domain, box in rows:
        if regex is not None and not regex.search(f"{local}@{domain}"):
            continue
        key = (local, domain, box.quota_mb, box.usage_bytes, box.mtime, box.suspended_incoming,
               box.suspended_login, box.suspended_outgoing, box.hold_outgoing, infinity)
        entries.append((key, (local, domain, box, infinity)))
        if most is not None and len(entries) >= most:
            break
    return call.cp.row_cache.rows(entries, disk_entry)


def disk_entry(local: str, domain: str, box: CpanelMailbox, infinity: bool = False) -> dict[str, Any]:
    used_mb = box.usage_bytes / MB
    unlimited_word = "\u221e" if infinity else "None"
    return {
        "email": f"{local}@{domain}", "login": f"{local}@{domain}", "user": local,
        "domain": domain,
        "_diskquota": box.quota_mb * MB, "_diskused": box.usage_bytes,
        "diskquota": str(box.quota_mb) if box.quota_mb else "unlimited",
        "txtdiskquota": str(box.quota_mb) if box.quota_mb else "unlimited",
        "diskused": round(used_mb, 2),
        "diskusedpercent": int(100 * used_mb / box.quota_mb) if box.quota_mb else 0,
        "humandiskquota": f"{box.quota_mb} MB" if box.quota_mb else unlimited_word,
        "humandiskused": f"{used_mb:.2f} MB",
        "mtime": box.mtime,
        "suspended_incoming": int(box.suspended_incoming),
        "suspended_login": int(box.suspended_login),
        "suspended_outgoing": int(box.suspended_outgoing),
        "hold_outgoing": int(box.hold_outgoing),
        "has_suspended": int(box.suspended_incoming or box.suspended_login
                             or box.suspended_outgoing),
    }


def add_pop(call: UapiCall) -> str:
    local, domain = call.target()
    if local in RESERVED_LOCAL_PARTS:
        raise Refusal(f'The name "{local}" is reserved and cannot be used for an email account.')
    if not valid_local_part(local):
        raise Refusal(f'"{local}" is not a valid email account name.')
    if local in call.cp.mailboxes[domain]:
        raise Refusal(f"The account {local}@{domain} already exists!")
    password, password_hash = call.args.get("password"), call.args.get("password_hash")
    if password and password_hash:
        raise Refusal('Send "password" or "password_hash", not both.')
    if not password and not password_hash:
        raise Refusal('The "password" parameter is required.')
    quota = quota_mb(call.args.get("quota"))
    call.cp.add_mailbox(f"{local}@{domain}", strong(password) if password else None,
                        quota_mb=quota, password_hash=password_hash or None)
    call.world.touch()
    return f"{local}+{domain}"


def passwd_pop(call: UapiCall) -> None:
    _, mailbox = call.existing()
    mailbox.password = strong(call.args.get("password", ""))
    mailbox.password_hash = None
    call.world.touch()


def delete_pop(call: UapiCall) -> None:
    address, mailbox = call.existing()
    # Only flags=passwd keeps the mail files; anything else destroys them.
    kept = call.args.get("flags") == "passwd"
    call.cp.remove_mailbox(address)
    call.cp.deleted.append(DeletedMailbox(address, kept, mailbox.usage_bytes))
    call.world.touch()


def edit_pop_quota(call: UapiCall) -> None:
    _, mailbox = call.existing()
    mailbox.quota_mb = quota_mb(call.args.get("quota"))
    call.world.touch()


def get_pop_quota(call: UapiCall) -> int:
    """The quota in MB (bytes with as_bytes=1); 0 means unlimited."""
    _, mailbox = call.existing()
    return mailbox.quota_mb * MB if call.args.get("as_bytes") == "1" else mailbox.quota_mb


def count_pops(call: UapiCall) -> int:
    return sum(len(call.cp.mailboxes.get(d, {})) for d in call.owned_domains())


def list_mail_domains(call: UapiCall) -> list[dict[str, str]]:
    return [{"domain": domain} for domain in call.owned_domains()]


_FUNCTIONS: dict[str, Callable[[UapiCall], Any]] = {
    **{fn.__name__: fn
       for fn in (list_pops, list_pops_with_disk, add_pop, passwd_pop, delete_pop,
                  edit_pop_quota, get_pop_quota, count_pops, list_mail_domains)},
    **cpanel_mail.FUNCTIONS,
}
