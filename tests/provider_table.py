"""The providers as the test suites drive them: one table that every suite uses, so a
new provider is one entry here (and its own tests), not a copy in each support module.

Each entry says how a profile logs in to the emulator's default world, where the
emulator keeps that provider's mailboxes, and how to tell a mailbox write among the
requests that reached it (for "sent once, never twice" checks)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl

from mailctl import providers

SECRET = "demo-secret"  # every provider's login secret in the emulator's default world
DOMAIN = "example.com"
DEFAULT_MAILBOXES = ["info@example.com", "sales@example.com"]
NEW_PASSWORD = "N3w-Mailbox-pass"  # passes every emulated provider's password rule


def _form(request) -> dict[str, str]:
    return dict(parse_qsl(request.body.decode(), keep_blank_values=True))


def _directadmin_write(request, emu=None) -> tuple[str, str] | None:
    if not request.path.startswith("/CMD_API_"):
        return None
    form = _form(request)
    operation = {"create": "create", "delete": "delete", "modify": "passwd"}.get(form.get("action", ""))
    return (operation, f"{form['user']}@{form['domain']}") if operation and "user" in form else None


def _uapi_write(request, emu=None) -> tuple[str, str] | None:
    form = _form(request)
    function = form.get("cpanel.function") or request.path.rpartition("/")[2]
    operation = {"add_pop": "create", "delete_pop": "delete", "passwd_pop": "passwd"}.get(function)
    if operation is None:
        return None
    local = form["email"]
    return (operation, local if "@" in local else f"{local}@{form['domain']}")


def _jsonrpc_write(request, emu=None) -> tuple[str, str] | None:
    body = json.loads(request.body)
    operation = {"mail.add": "create", "mail.del": "delete", "mail.set": "passwd"}.get(body.get("method"))
    return (operation, body["params"]["mail"]) if operation else None


def _plesk_write(request, emu=None) -> tuple[str, str] | None:
    import xml.etree.ElementTree as ET

    from mailctl.emulator import default_world

    if b"<!DOCTYPE" in request.body.upper() or b"<!ENTITY" in request.body.upper():
        return None
    try:
        mail = ET.fromstring(request.body).find("mail")
    except ET.ParseError:
        return None
    if mail is None:
        return None
    for tag, operation, name_at in (("create", "create", "mailname/name"), ("remove", "delete", "name"),
                                    ("update/set", "passwd", "mailname/name")):
        node = mail.find(f"{tag}/filter")
        if node is None or (operation == "passwd" and node.find("mailname/password") is None):
            continue
        site_id = (node.findtext("site-id") or "").strip()
        domain = default_world().plesk.site_of(int(site_id)) if site_id.isdigit() else None
        return operation, f"{(node.findtext(name_at) or '').strip()}@{domain or 'site-' + site_id}"
    return None


def _ispconfig_write(request, emu=None) -> tuple[str, str] | None:
    function = request.query.split("&", 1)[0]
    if function not in ("mail_user_add", "mail_user_delete", "mail_user_update"):
        return None
    body = json.loads(request.body)
    if function == "mail_user_add":
        return "create", body["params"]["email"]
    if function == "mail_user_update":
        return ("passwd", body["params"]["email"]) if body["params"].get("password") else None
    # A delete names the record's id only: the emulator knows which address it was issued for.
    issued = emu.state.ispconfig.issued if emu is not None else {}
    return "delete", issued.get(str(body["primary_id"]), f"#{body['primary_id']}")


def _mailcow_write(request, emu=None) -> tuple[str, str] | None:
    if request.method != "POST" or not request.path.startswith("/api/v1/"):
        return None
    body = json.loads(request.body)
    if request.path == "/api/v1/add/mailbox":
        return "create", f"{body['local_part']}@{body['domain']}"
    if request.path == "/api/v1/delete/mailbox":
        return "delete", body[0]
    if request.path == "/api/v1/edit/mailbox" and "password" in body.get("attr", {}):
        return "passwd", body["items"][0]
    return None




# -- the emulator's state of the mailbox lifecycle (pop show/set, alias ...) --------------

@dataclass(frozen=True)
class LifecycleState:
    """How a provider's emulator state shows what pop set and alias add/remove change."""

    # The mailbox's quota in MB as stored (0 = unlimited).
    quota: Callable[[Any, str], int]
    # What is suspended: a set of "login", "incoming".
    suspended: Callable[[Any, str], set]
    # Every route of a domain: {address: sorted destinations}.
    routes: Callable[[Any, str], dict]
    # Put a forwarder (or an alias of one mailbox) in place: (emu, address, destinations).
    add_route: Callable[[Any, str, list], None]
    # Whether a recorded request could have changed something (None: the shared rule of
    # tests/lifecycle_support.py, for form and JSON-RPC requests).
    is_write: "Callable[[Any], bool] | None" = None
    # Fault selectors of the one request that writes in `pop set sales@ --quota 2G` and in
    # `alias add` of a new alias (None: the shared tests' own selectors).
    set_write: "dict[str, str] | None" = None
    alias_write: "dict[str, str] | None" = None


def _table_routes(state, domain: str) -> dict:
    table = state.forwarders.get(domain, {})
    return {f"{local}@{domain}": sorted(dests) for local, dests in table.items() if dests}


def _table_add(state, emu, address: str, destinations: list) -> None:
    local, _, domain = address.partition("@")
    with emu.state.lock:
        state.set_forwarder(domain, local, list(destinations))
        emu.state.touch()


def _mbo_routes(emu, domain: str) -> dict:
    routes: dict = {}
    for local, box in emu.state.mailboxorg.mailboxes.get(domain, {}).items():
        address = f"{local}@{domain}"
        if box.forwards:
            routes[address] = sorted(box.forwards)
        for alias in box.aliases:
            routes[alias] = [address]
    return routes


def _mbo_add(emu, address: str, destinations: list) -> None:
    box = emu.state.mailboxorg.mailbox(address)
    with emu.state.lock:
        if box is not None:
            box.forwards = list(destinations)
        else:  # an alias of the one mailbox it names
            emu.state.mailboxorg.mailbox(destinations[0]).aliases.append(address)
        emu.state.touch()


DA_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: emu.state.directadmin.mailbox(a).quota_mb,
    suspended=lambda emu, a: {"login"} if emu.state.directadmin.mailbox(a).suspended else set(),
    routes=lambda emu, d: _table_routes(emu.state.directadmin, d),
    add_route=lambda emu, a, dests: _table_add(emu.state.directadmin, emu, a, dests),
)
CPANEL_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: emu.state.cpanel.mailbox(a).quota_mb,
    suspended=lambda emu, a: {k for k, on in (("login", emu.state.cpanel.mailbox(a).suspended_login),
                                              ("incoming", emu.state.cpanel.mailbox(a).suspended_incoming)) if on},
    routes=lambda emu, d: _table_routes(emu.state.cpanel, d),
    add_route=lambda emu, a, dests: _table_add(emu.state.cpanel, emu, a, dests),
)
def _mailcow_routes(emu, domain: str) -> dict:
    return {alias.address: sorted(alias.goto) for alias in emu.state.mailcow.aliases.values()
            if alias.address.endswith("@" + domain) and alias.goto}


def _mailcow_add(emu, address: str, destinations: list) -> None:
    with emu.state.lock:
        emu.state.mailcow.add_alias(address, list(destinations))
        emu.state.touch()


def _mailcow_is_write(request) -> bool:
    return request.method == "POST"  # GET for every read, POST for add/edit/delete


# mailcow's one `active` field: 1 on, 2 login off (mail still accepted), 0 everything off.
MAILCOW_SUSPENDED = {1: set(), 2: {"login"}, 0: {"login", "incoming"}}
MAILCOW_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: emu.state.mailcow.mailbox(a).quota_bytes // (1024 * 1024),
    suspended=lambda emu, a: MAILCOW_SUSPENDED[emu.state.mailcow.mailbox(a).active],
    routes=_mailcow_routes,
    add_route=_mailcow_add,
    is_write=_mailcow_is_write,
    set_write=dict(path="/api/v1/edit/mailbox"),  # a JSON body: no form field to match
    alias_write=dict(path="/api/v1/add/alias"),
)
MBO_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: 0,
    suspended=lambda emu, a: set() if emu.state.mailboxorg.mailbox(a).active else {"login"},
    routes=_mbo_routes,
    add_route=_mbo_add,
)


# -- ISPConfig ----------------------------------------------------------------------------
def _isp_function(request) -> str:
    return request.query.split("&", 1)[0]


def _isp_routes(emu, domain: str) -> dict:
    return {source: sorted(dests) for source, dests in emu.state.ispconfig.routes(domain).items() if dests}


def _isp_add(emu, address: str, destinations: list) -> None:
    with emu.state.lock:
        emu.state.ispconfig.add_forward(address, list(destinations))
        emu.state.touch()


def _isp_suspended(emu, address: str) -> set:
    box = emu.state.ispconfig.mailbox(address)
    login = "y" in (box.disableimap, box.disablepop3, box.disablesmtp)
    return {k for k, on in (("login", login), ("incoming", box.postfix == "n")) if on}


ISPCONFIG_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: emu.state.ispconfig.mailbox(a).quota // (1024 * 1024),
    suspended=_isp_suspended,
    routes=_isp_routes,
    add_route=_isp_add,
    # The function is the query string's first key; only *_add/_update/_delete write.
    is_write=lambda request: _isp_function(request).endswith(("_add", "_update", "_delete")),
    set_write=dict(field="mail_user_update:"),
    alias_write=dict(field="mail_forward_add:"),
)
# -- end of ISPConfig ----------------------------------------------------------------------


# -- Plesk: mail names with forwarding addresses and mail aliases (XML bodies) -------------

def _plesk_routes(emu, domain: str) -> dict:
    routes: dict = {}
    for local, box in emu.state.plesk.mailboxes.get(domain, {}).items():
        address = f"{local}@{domain}"
        if box.forwards:
            routes[address] = sorted(box.forwarding)
        for alias in box.aliases:
            routes[f"{alias}@{domain}"] = [address]
    return routes


def _plesk_add_route(emu, address: str, destinations: list) -> None:
    """A mail name's forwarding; a new address becomes a mail name that only forwards."""
    plesk = emu.state.plesk
    with emu.state.lock:
        box = plesk.mailbox(address)
        if box is not None:
            box.forwarding, box.forwarding_enabled = list(destinations), True
        else:
            plesk.add_mailbox(address, password=None, mailbox=False, forwarding=list(destinations))
        emu.state.touch()


def _plesk_is_write(request) -> bool:
    import xml.etree.ElementTree as ET

    if request.provider != "plesk" or b"<!DOCTYPE" in request.body.upper():
        return False
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return False
    return any(root.find(path) is not None
               for path in ("mail/create", "mail/update", "mail/remove", "customer/set"))


PLESK_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: (emu.state.plesk.mailbox(a).quota_bytes or 0) // (1024 * 1024),
    suspended=lambda emu, a: set(),  # Plesk has no per-mailbox suspension
    routes=_plesk_routes,
    add_route=_plesk_add_route,
    is_write=_plesk_is_write,
    # Each packet's leading comment names its operation, which faults read as a field.
    set_write=dict(field="operation:mail.update"),
    alias_write=dict(field="operation:mail.create"),  # a new alias: a mail name that only forwards
)
# -- end of Plesk ---------------------------------------------------------------------------


# -- Virtualmin: aliases are list-aliases objects; the route of a mailbox's own address is
# that user's forwards (modify-user add-forward), kept with the user.

def _vm_routes(emu, domain: str) -> dict:
    vm = emu.state.virtualmin
    routes = {f"{local}@{domain}": sorted(box.forwards)
              for local, box in vm.mailboxes.get(domain, {}).items() if box.forwards}
    routes.update({f"{local}@{domain}": sorted(alias.to) for local, alias in vm.aliases.get(domain, {}).items()
                   if local != "*" and alias.to})
    return routes


def _vm_add(emu, address: str, destinations: list) -> None:
    vm = emu.state.virtualmin
    with emu.state.lock:
        box = vm.mailbox(address)
        if box is not None:
            box.forwards = list(destinations)
        else:
            vm.add_alias(address, list(destinations))
        emu.state.touch()


VM_READS = {"list-domains", "list-users", "list-aliases"}


def _vm_is_write(request) -> bool:
    return _form(request).get("program") not in VM_READS


VM_LIFECYCLE = LifecycleState(
    quota=lambda emu, a: emu.state.virtualmin.mailbox(a).quota_mb,
    suspended=lambda emu, a: {"login"} if emu.state.virtualmin.mailbox(a).disabled else set(),
    routes=_vm_routes,
    add_route=_vm_add,
    is_write=_vm_is_write,
    # 2G in 1 kB blocks.
    set_write=dict(field="quota:2097152"),
    # A new address is a create-alias (a mailbox's own address gets a forward of that user:
    # modify-user, FORWARD_WRITE in tests/lifecycle/test_alias.py).
    alias_write=dict(field="program:create-alias"),
)


def _remote_cgi_write(request, emu=None) -> tuple[str, str] | None:
    form = _form(request)
    program = form.get("program")
    operation = {"create-user": "create", "delete-user": "delete"}.get(program)
    if program == "modify-user" and "pass" in form:
        operation = "passwd"
    return (operation, f"{form['user']}@{form['domain']}") if operation else None


@dataclass(frozen=True)
class TestedProvider:
    name: str
    login: str  # the user its profile logs in as in the emulator's default world
    state: str  # the emulator World attribute holding its mailboxes (WHM manages cPanel's)
    # (operation, address) of a mailbox write among the emulator's recorded requests, or
    # None; operation is "create", "delete" or "passwd". Called as write_of(request, emu).
    write_of: Callable[..., "tuple[str, str] | None"]
    # The emulator fault selector of the one request of `pop create` that writes.
    write_request: "dict[str, str]"
    # Sets the default world's secret of the login the canary profile uses:
    # set_secret(emu, kind, value), kind one of secret_kinds.
    set_secret: Callable[[Any, str, str], None]
    # The kinds of profile secret it takes ("password", "token").
    secret_kinds: tuple[str, ...] = ("password",)
    # (quota_mb, create options) of a new mailbox its checks accept.
    create_example: "tuple[int | None, dict[str, Any]]" = (10, {})
    # A second login of the default world with more rights (DirectAdmin's admin), if any.
    admin: str | None = None
    # The format of its answers, as mailctl names it when an answer is not in it.
    answer_format: str = "JSON"
    # The emulator state pop set / alias add|remove change (tests/lifecycle); needed by
    # every provider whose spec has those operations.
    lifecycle: LifecycleState | None = None

    @property
    def spec(self):
        return providers.spec(self.name)

    def mail_state(self, emu):
        return getattr(emu.state, self.state)


def _set_da(emu, kind: str, value: str) -> None:
    emu.state.directadmin.users["admin"].password = value


def _set_cpanel(emu, kind: str, value: str) -> None:
    account = emu.state.cpanel.accounts["demo"]
    if kind == "token":
        account.tokens = [value]
    else:
        account.password = value


def _set_whm(emu, kind: str, value: str) -> None:
    user = emu.state.whm.users["root"]
    if kind == "token":
        user.tokens = [value]
    else:
        user.password = value


def _set_mbo(emu, kind: str, value: str) -> None:
    emu.state.mailboxorg.accounts["demo"].password = value


def _set_plesk(emu, kind: str, value: str) -> None:
    emu.state.plesk.users["demo"].password = value


def _set_mailcow(emu, kind: str, value: str) -> None:
    keys = emu.state.mailcow.keys
    keys.pop(SECRET, None)
    emu.state.mailcow.add_key(value, "rw")


def _set_virtualmin(emu, kind: str, value: str) -> None:
    emu.state.virtualmin.logins["demo"].password = value


def _set_ispconfig(emu, kind: str, value: str) -> None:
    emu.state.ispconfig.remote_users["demo"].password = value


TABLE: dict[str, TestedProvider] = {p.name: p for p in (
    TestedProvider("directadmin", "demo", "directadmin", _directadmin_write, dict(field="action:create"), _set_da,
                   create_example=(10, {"send_limit": 50}), admin="admin", lifecycle=DA_LIFECYCLE),
    TestedProvider("cpanel", "demo", "cpanel", _uapi_write, dict(path="/execute/Email/add_pop"), _set_cpanel,
                   secret_kinds=("password", "token"), lifecycle=CPANEL_LIFECYCLE),
    TestedProvider("whm", "root", "cpanel", _uapi_write, dict(field="cpanel.function:add_pop"), _set_whm,
                   secret_kinds=("password", "token"), create_example=(0, {}), lifecycle=CPANEL_LIFECYCLE),
    TestedProvider("mailboxorg", "demo", "mailboxorg", _jsonrpc_write, dict(method="mail.add"), _set_mbo,
                   create_example=(None, {"plan": "premium", "first_name": "Ada", "last_name": "Lovelace"}), lifecycle=MBO_LIFECYCLE),
    # The packet's leading comment `<!-- &operation=mail.create& -->` reads as a form field.
    TestedProvider("plesk", "demo", "plesk", _plesk_write, dict(field="operation:mail.create"), _set_plesk,
                   admin="admin", answer_format="XML", lifecycle=PLESK_LIFECYCLE),
    # The function is the query string's first key, which faults see as a field.
    TestedProvider("ispconfig", "demo", "ispconfig", _ispconfig_write, dict(field="mail_user_add:"),
                   _set_ispconfig, lifecycle=ISPCONFIG_LIFECYCLE),
    # mailcow has no user: a key is admin for the whole server; profiles say "admin".
    TestedProvider("mailcow", "admin", "mailcow", _mailcow_write, dict(path="/api/v1/add/mailbox"),
                   _set_mailcow, secret_kinds=("token",), create_example=(0, {}), lifecycle=MAILCOW_LIFECYCLE),
    TestedProvider("virtualmin", "demo", "virtualmin", _remote_cgi_write, dict(field="program:create-user"),
                   _set_virtualmin, lifecycle=VM_LIFECYCLE),
)}
PROVIDERS = tuple(TABLE)
LOGIN = {name: entry.login for name, entry in TABLE.items()}


def mail_state(emu, provider: str):
    """The emulator's mailboxes as `provider` manages them."""
    return TABLE[provider].mail_state(emu)


def write_of(request, emu=None) -> tuple[str, str] | None:
    """The mailbox write a recorded request made, whichever provider it went to (`emu`:
    the emulator it went to, for a provider whose writes name a record by id)."""
    entry = next((p for p in TABLE.values() if p.state == request.provider or p.name == request.provider), None)
    return entry.write_of(request, emu) if entry is not None else None


def add_profile(cli, emu, provider: str, *, name: str | None = None, user: str | None = None,
                extra: tuple[str, ...] = ()) -> str:
    """A profile for `provider` on the emulator (no credentials stored). Returns its name."""
    name = name or provider
    result = cli("profile", "add", name, "--provider", provider, "--url", emu.url,
                 "--user", user or LOGIN[provider], *extra)
    assert result.exit_code == 0, result.stderr
    return name


def log_in(cli, emu, provider: str, *, name: str | None = None, user: str | None = None, secret: str = SECRET,
           extra: tuple[str, ...] = ()) -> str:
    """add_profile, then `session login` with the secret. Returns the profile's name."""
    name = add_profile(cli, emu, provider, name=name, user=user, extra=extra)
    result = cli("-p", name, "session", "login", "--secret-stdin", stdin=secret + "\n")
    assert result.exit_code == 0, result.stderr
    return name
