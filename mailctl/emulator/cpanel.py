"""cPanel UAPI (`/execute/Email/<function>`): one account managing its own mailboxes.

`call_uapi` is also what WHM's `uapi_cpanel` runs, so both paths share one implementation.
Refusals are HTTP 200 with `status: 0` and the message in `errors`; only a bad login is an
HTTP error (401 or 403 per settings, with a body that is not JSON).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from .settings import Settings
from .state import MB, CpanelAccount, CpanelMailbox, CpanelState, DeletedMailbox, World
from .wire import (
    TEXT_TYPE,
    Request,
    Response,
    credentials,
    json_response,
    password_problem,
    split_address,
    token_or_password,
    valid_local_part,
)

RESERVED_LOCAL_PARTS = frozenset({"cpanel"})


class Refusal(Exception):
    """A UAPI failure: answered as status 0 with the message in `errors`."""


def handle(request: Request, world: World, settings: Settings) -> Response:
    account = _authenticate(request, world.cpanel)
    if account is None:
        return auth_failure(settings)
    module, _, function = request.path[len("/execute/"):].strip("/").partition("/")
    return json_response(call_uapi(world, account, module, function, request.form))


def auth_failure(settings: Settings) -> Response:
    """cPanel and WHM refuse a bad login with an HTTP error and a body that is not JSON."""
    return Response(settings.cpanel_auth_status,
                    b"Access denied: the user name, password or API token is not valid.\n",
                    TEXT_TYPE)


def _authenticate(request: Request, cp: CpanelState) -> str | None:
    creds = credentials(request)
    account = cp.accounts.get(creds.user) if creds else None
    if creds is None or account is None or account.suspended:
        return None
    return creds.user if token_or_password(creds, "cpanel", account.password,
                                           account.tokens) else None


def envelope(data: Any = None, errors: list[str] | None = None,
             metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The bare UAPI answer object (no `apiversion`/`result` wrapper over HTTP)."""
    return {"status": 0 if errors else 1, "errors": errors, "messages": None,
            "warnings": None, "metadata": metadata or {}, "data": data}


def call_uapi(world: World, account: str, module: str, function: str,
              args: dict[str, str]) -> dict[str, Any]:
    """Run one UAPI function as `account` (already authenticated); the answer object."""
    if module != "Email":
        return envelope(errors=[f'Failed to load module "{module}".'])
    implementation = _FUNCTIONS.get(function)
    if implementation is None:
        return envelope(errors=[f'The function "Email::{function}" does not exist.'])
    try:
        data = implementation(_Call(world, account, args))
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


@dataclass
class _Call:
    world: World
    name: str
    args: dict[str, str]

    @property
    def cp(self) -> CpanelState:
        return self.world.cpanel

    @property
    def account(self) -> CpanelAccount:
        return self.cp.accounts[self.name]

    def owned_domains(self) -> list[str]:
        main = self.account.main_domain
        return sorted(self.cp.domains_of(self.name), key=lambda d: (d != main, d))


def _target(call: _Call) -> tuple[str, str]:
    """The (local part, domain) named by `email` (and `domain`), on a domain the account owns."""
    email = call.args.get("email", "").strip().lower()
    if not email:
        raise Refusal('The "email" parameter is required.')
    local, domain = split_address(email)
    domain = domain or call.args.get("domain", "").strip().lower() or call.account.main_domain
    if call.cp.domains.get(domain) != call.name:
        raise Refusal(f'You do not own the domain "{domain}".')
    return local, domain


def _existing(call: _Call) -> tuple[str, CpanelMailbox]:
    local, domain = _target(call)
    mailbox = call.cp.mailboxes[domain].get(local)
    if mailbox is None:
        raise Refusal(f'The account "{local}@{domain}" does not exist.')
    return f"{local}@{domain}", mailbox


def _strong(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise Refusal(f"Sorry, the password you selected cannot be used: {problem}")
    return password


def _quota(raw: str | None) -> int:
    """MB; "0", "unlimited" and an absent quota all mean unlimited (0)."""
    raw = (raw or "").strip().lower()
    if raw in ("", "unlimited"):
        return 0
    if not raw.isdigit():
        raise Refusal(f'The quota "{raw}" is not valid: use a whole number of megabytes '
                      'or "unlimited".')
    return int(raw)


def _regex(call: _Call) -> re.Pattern[str] | None:
    pattern = call.args.get("regex")
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        raise Refusal(f'The regular expression "{pattern}" is not valid.') from None


def _owned_mailboxes(call: _Call) -> list[tuple[str, str, CpanelMailbox]]:
    """(local, domain, mailbox) for every mailbox of the account, main domain first."""
    return [(local, domain, box)
            for domain in call.owned_domains()
            for local, box in sorted(call.cp.mailboxes.get(domain, {}).items())]


# --------------------------------------------------------------------------- functions


def list_pops(call: _Call) -> list[dict[str, Any]]:
    regex = _regex(call)
    entries = [{"email": f"{local}@{domain}", "login": f"{local}@{domain}",
                "suspended_incoming": int(box.suspended_incoming),
                "suspended_login": int(box.suspended_login)}
               for local, domain, box in _owned_mailboxes(call)]
    if call.args.get("skip_main") != "1":
        entries.append({"email": call.name, "login": "Main Account",
                        "suspended_incoming": 0, "suspended_login": 0})
    return [e for e in entries if regex is None or regex.search(e["email"])]


def list_pops_with_disk(call: _Call) -> list[dict[str, Any]]:
    regex = _regex(call)
    only_domain = call.args.get("domain", "").strip().lower()
    only_email = call.args.get("email", "").strip().lower()
    infinity = call.args.get("infinitylang") == "1"
    entries = []
    for local, domain, box in _owned_mailboxes(call):
        address = f"{local}@{domain}"
        if only_domain and domain != only_domain:
            continue
        if only_email and only_email not in (address, local):
            continue
        if regex is not None and not regex.search(address):
            continue
        entries.append(_disk_entry(local, domain, box, infinity))
    limit = call.args.get("maxaccounts", "")
    return entries[:int(limit)] if limit.isdigit() and int(limit) > 0 else entries


def _disk_entry(local: str, domain: str, box: CpanelMailbox, infinity: bool) -> dict[str, Any]:
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
    }


def add_pop(call: _Call) -> str:
    local, domain = _target(call)
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
    quota = _quota(call.args.get("quota"))
    call.cp.add_mailbox(f"{local}@{domain}", _strong(password) if password else None,
                        quota_mb=quota, password_hash=password_hash or None)
    call.world.touch()
    return f"{local}+{domain}"


def passwd_pop(call: _Call) -> None:
    _, mailbox = _existing(call)
    mailbox.password = _strong(call.args.get("password", ""))
    mailbox.password_hash = None
    call.world.touch()


def delete_pop(call: _Call) -> None:
    address, mailbox = _existing(call)
    # Only flags=passwd keeps the mail files; anything else destroys them.
    kept = call.args.get("flags") == "passwd"
    call.cp.remove_mailbox(address)
    call.cp.deleted.append(DeletedMailbox(address, kept, mailbox.usage_bytes))
    call.world.touch()


def edit_pop_quota(call: _Call) -> None:
    _, mailbox = _existing(call)
    mailbox.quota_mb = _quota(call.args.get("quota"))
    call.world.touch()


def get_pop_quota(call: _Call) -> int:
    """The quota in MB (bytes with as_bytes=1); 0 means unlimited."""
    _, mailbox = _existing(call)
    return mailbox.quota_mb * MB if call.args.get("as_bytes") == "1" else mailbox.quota_mb


def count_pops(call: _Call) -> int:
    return len(_owned_mailboxes(call))


def list_mail_domains(call: _Call) -> list[dict[str, str]]:
    return [{"domain": domain} for domain in call.owned_domains()]


_FUNCTIONS: dict[str, Callable[[_Call], Any]] = {
    fn.__name__: fn
    for fn in (list_pops, list_pops_with_disk, add_pop, passwd_pop, delete_pop,
               edit_pop_quota, get_pop_quota, count_pops, list_mail_domains)
}
