"""Plesk's XML API: `POST /enterprise/control/agent.php`, a `<packet>` in, a `<packet>` out.

Auth is `HTTP_AUTH_LOGIN` + `HTTP_AUTH_PASSWD` headers, or `KEY` (a secret key). Every
pre-check failure (auth, version, XML parse, permission) is HTTP 200 with
`<packet><system><status>error</status><errcode/><errtext/></system></packet>`. An
operation answers one `<result>` per object it matched. Errcodes: 1001 auth failed,
1005 version not supported, 1006 permission denied, 1007 already exists, 1013 object does
not exist, 1014 parse error; 1019 (value refused: weak password, bad name) is the
emulator's own pick where the notes give none. A DOCTYPE or ENTITY declaration is a
parse error (no entity is ever expanded).

Header values arrive as UTF-8 bytes (read here from the Latin-1 text http.server makes
of them)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Callable
from xml.sax.saxutils import escape

from .plesk_state import PleskMailname, PleskState
from .settings import Settings
from .wire import Request, Response, password_problem, valid_local_part
from .world import World

XML_TYPE = "text/xml; charset=utf-8"
VERSIONS = ("1.6.9.1", "1.6.9.0", "1.6.8.0", "1.6.7.0", "1.6.3.0")
AUTH_FAILED = 1001
VERSION = 1005
PERMISSION = 1006
EXISTS = 1007
NO_OBJECT = 1013
PARSE = 1014
INVALID = 1019
BYTES_MB = 1024 * 1024


class PleskError(Exception):
    def __init__(self, code: int, text: str):
        super().__init__(text)
        self.code = code
        self.text = text


def _answer(body: str, version: str | None = None) -> Response:
    head = f'<packet version="{version}">' if version else "<packet>"
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n{head}{body}</packet>'
    return Response(200, text.encode("utf-8"), XML_TYPE)


def _system_error(code: int, text: str) -> Response:
    return _answer(f"<system><status>error</status><errcode>{code}</errcode><errtext>{escape(text)}</errtext>"
                   "</system>")


def _header(request: Request, name: str) -> str | None:
    value = request.headers.get(name)
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _login(request: Request, plesk: PleskState) -> str | None:
    key = _header(request, "key")
    if key is not None:
        return plesk.secret_keys.get(key)
    login, password = _header(request, "http_auth_login"), _header(request, "http_auth_passwd")
    user = plesk.users.get(login or "")
    if user is None or not password or user.password != password:
        return None
    return login


def handle(request: Request, world: World, settings: Settings) -> Response:
    if request.method != "POST":
        return Response(405, b"Use POST\n")
    plesk: PleskState = world.plesk
    login = _login(request, plesk)
    if login is None:
        return _system_error(AUTH_FAILED, "Authentication failed")
    user = plesk.users[login]
    if user.disabled:
        return _system_error(1011, "Account disabled")
    if user.role == "customer" and not user.xml_api:
        return _system_error(PERMISSION, "Permission denied: no access to the XML API")
    text = request.body.decode("utf-8", "replace")
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        return _system_error(PARSE, "XML parse error: declarations are not accepted")
    try:
        packet = ET.fromstring(request.body)
    except ET.ParseError as exc:
        return _system_error(PARSE, f"XML parse error: {exc}")
    if packet.tag != "packet":
        return _system_error(PARSE, "XML parse error: the root element is not <packet>")
    version = packet.get("version")
    if version is not None and version not in VERSIONS:
        return _system_error(VERSION, f"Protocol version {version} is not supported")
    out = []
    for operator in packet:
        handlers = _OPERATORS.get(operator.tag)
        if handlers is None:
            return _system_error(PARSE, f"Unknown operator <{operator.tag}>")
        parts = []
        for op in operator:
            run = handlers.get(op.tag)
            if run is None:
                return _system_error(PARSE, f"Unknown operation <{operator.tag}><{op.tag}>")
            parts.append(f"<{op.tag}>{''.join(run(op, plesk, login, world))}</{op.tag}>")
        out.append(f"<{operator.tag}>{''.join(parts)}</{operator.tag}>")
    return _answer("".join(out), version)


# -- results -------------------------------------------------------------------------------

def _ok(inner: str = "") -> str:
    return f"<result><status>ok</status>{inner}</result>"


def _error(error: PleskError, inner: str = "") -> str:
    return (f"<result><status>error</status><errcode>{error.code}</errcode><errtext>{escape(error.text)}</errtext>"
            f"{inner}</result>")


def _text(node: ET.Element | None, path: str) -> str | None:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else None


def _visible(plesk: PleskState, login: str) -> list[str]:
    role = plesk.users[login].role
    if role == "admin":
        return sorted(plesk.domains)
    owners = {login} | ({name for name, u in plesk.users.items() if u.owner == login} if role == "reseller" else set())
    return sorted(d for d, owner in plesk.domains.items() if owner in owners)


def _site_by_id(plesk: PleskState, login: str, raw: str | None) -> str:
    if raw is None or not raw.isdigit():
        raise PleskError(PARSE, "XML parse error: <filter> needs a numeric <site-id>")
    domain = plesk.site_of(int(raw))
    if domain is None or domain not in _visible(plesk, login):
        raise PleskError(NO_OBJECT, f"Site with id {raw} does not exist")
    return domain


# -- site / webspace ---------------------------------------------------------------------

def _site_get(op: ET.Element, plesk: PleskState, login: str, world: World) -> list[str]:
    flt = op.find("filter")
    if flt is None:
        return [_error(PleskError(PARSE, "XML parse error: <get> needs a <filter>"))]
    names = [(n.text or "").strip().lower() for n in flt.findall("name")]
    visible = _visible(plesk, login)
    chosen = names if names else visible
    results = []
    for name in chosen:
        if name not in visible:
            results.append(_error(PleskError(NO_OBJECT, "Site does not exist"),
                                  f"<filter-id>{escape(name)}</filter-id>"))
            continue
        results.append(_ok(f"<filter-id>{escape(name)}</filter-id><id>{plesk.site_ids[name]}</id><data><gen_info>"
                           f"<name>{escape(name)}</name><ascii-name>{escape(name)}</ascii-name>"
                           "<status>0</status></gen_info></data>"))
    return results


# -- mail ------------------------------------------------------------------------------

def _mailname_xml(local: str, box: PleskMailname, op: ET.Element) -> str:
    parts = [f"<id>{box.id}</id><name>{escape(local)}</name>"]
    if op.find("mailbox") is not None and box.mailbox:
        quota = f"<quota>{box.quota_bytes}</quota>" if box.quota_bytes is not None else "<quota>-1</quota>"
        parts.append(f"<mailbox><enabled>{'true' if box.enabled else 'false'}</enabled>{quota}</mailbox>")
    if op.find("forwarding") is not None:
        # Switched off, the addresses are kept (and shown) but mail is not forwarded.
        addresses = "".join(f"<address>{escape(a)}</address>" for a in box.forwarding)
        parts.append(f"<forwarding><enabled>{'true' if box.forwards else 'false'}</enabled>{addresses}"
                     "</forwarding>")
    if op.find("aliases") is not None:
        parts.extend(f"<alias>{escape(a)}</alias>" for a in box.aliases)
    if op.find("mailbox-usage") is not None and box.mailbox:
        parts.append(f"<mailbox-usage>{box.usage_bytes}</mailbox-usage>")
    return "<mailname>" + "".join(parts) + "</mailname>"


def _mail_get_info(op: ET.Element, plesk: PleskState, login: str, world: World) -> list[str]:
    flt = op.find("filter")
    try:
        domain = _site_by_id(plesk, login, _text(flt, "site-id"))
    except PleskError as error:
        return [_error(error)]
    boxes = plesk.mailboxes.get(domain, {})
    names = [(n.text or "").strip().lower() for n in flt.findall("name")]
    if not names:
        return [_ok(_mailname_xml(local, boxes[local], op)) for local in sorted(boxes)]
    results = []
    for name in names:
        box = boxes.get(name)
        if box is None:
            results.append(_error(PleskError(NO_OBJECT, f"Mail name {name} does not exist")))
        else:
            results.append(_ok(_mailname_xml(name, box, op)))
    return results


def _quota(node: ET.Element | None) -> int | None:
    raw = _text(node, "quota")
    if raw is None or raw == "-1":
        return None
    if not raw.isdigit():
        raise PleskError(INVALID, f"Invalid quota value: {raw}")
    return int(raw) or None


def _password(node: ET.Element) -> str | None:
    value = node.find("password/value")
    if value is None:
        return None
    password = value.text or ""
    problem = password_problem(password)
    if problem:
        raise PleskError(INVALID, problem)
    return password


def _mail_create(op: ET.Element, plesk: PleskState, login: str, world: World) -> list[str]:
    results = []
    for flt in op.findall("filter"):
        try:
            domain = _site_by_id(plesk, login, _text(flt, "site-id"))
            for mailname in flt.findall("mailname"):
                results.append(_create_one(plesk, domain, mailname, world))
        except PleskError as error:
            results.append(_error(error))
    return results


def _create_one(plesk: PleskState, domain: str, node: ET.Element, world: World) -> str:
    name = (_text(node, "name") or "").lower()
    try:
        if not valid_local_part(name):
            raise PleskError(INVALID, f"Invalid mail name: {name!r}")
        _name_is_free(plesk, domain, name)
        password = _password(node)
        mailbox = node.find("mailbox")
        forwarding = _forwarding(node)
        aliases = _aliases(plesk, domain, name, node)
        if mailbox is None and not forwarding:
            raise PleskError(INVALID, f"Mail name {name} needs a mailbox or forwarding addresses")
        box = plesk.add_mailbox(f"{name}@{domain}", password=password, mailbox=mailbox is not None,
                                enabled=_text(mailbox, "enabled") != "false", quota_bytes=_quota(mailbox),
                                forwarding=forwarding, aliases=aliases,
                                forwarding_enabled=_text(node, "forwarding/enabled") != "false")
    except PleskError as error:
        return _error(error)
    world.touch()
    return _ok(f"<mailname><id>{box.id}</id><name>{escape(name)}</name></mailname>")


def _name_is_free(plesk: PleskState, domain: str, name: str) -> None:
    """1007 for a local part that is a mail name or an alias of one on the site."""
    if name in plesk.mailboxes[domain]:
        raise PleskError(EXISTS, f"Mail name {name} already exists")
    owner = plesk.owner_of_alias(domain, name)
    if owner is not None:
        raise PleskError(EXISTS, f"{name} is already an alias of mail name {owner}")


def _forwarding(node: ET.Element) -> list[str]:
    """The <forwarding><address> values, checked (1019 for one that is not an address)."""
    found = []
    for item in node.findall("forwarding/address"):
        address = (item.text or "").strip().lower()
        local, _, domain = address.rpartition("@")
        if not local or "." not in domain or any(c.isspace() or c in "<>,;\"" for c in address):
            raise PleskError(INVALID, f"Invalid forwarding address: {address!r}")
        if address not in found:
            found.append(address)
    return found


def _aliases(plesk: PleskState, domain: str, name: str, node: ET.Element) -> list[str]:
    """The <alias> values of mail name `name`, checked: a valid local part that is not taken."""
    found = []
    for item in node.findall("alias"):
        alias = (item.text or "").strip().lower()
        if not valid_local_part(alias) or alias == name:
            raise PleskError(INVALID, f"Invalid mail alias: {alias!r}")
        if alias in plesk.mailboxes[domain]:
            raise PleskError(EXISTS, f"Mail name {alias} already exists")
        owner = plesk.owner_of_alias(domain, alias)
        if owner is not None and owner != name:
            raise PleskError(EXISTS, f"{alias} is already an alias of mail name {owner}")
        if alias not in found:
            found.append(alias)
    return found


def _mail_update(op: ET.Element, plesk: PleskState, login: str, world: World) -> list[str]:
    """Each sub-operation answers in a node of its own: <update><add><result>...</add></update>."""
    parts = []
    for kind in op:  # add | remove | set
        results = []
        for flt in kind.findall("filter"):
            try:
                domain = _site_by_id(plesk, login, _text(flt, "site-id"))
                for mailname in flt.findall("mailname"):
                    results.append(_update_one(plesk, domain, kind.tag, mailname, world))
            except PleskError as error:
                results.append(_error(error))
        parts.append(f"<{kind.tag}>{''.join(results)}</{kind.tag}>")
    return parts


def _update_one(plesk: PleskState, domain: str, kind: str, node: ET.Element, world: World) -> str:
    name = (_text(node, "name") or "").lower()
    box = plesk.mailboxes[domain].get(name)
    try:
        if box is None:
            raise PleskError(NO_OBJECT, f"Mail name {name} does not exist")
        if kind not in ("add", "remove", "set"):
            raise PleskError(PARSE, f"XML parse error: unknown <update><{kind}>")
        # Everything is checked before anything changes: a refused update changes nothing.
        forwarding = _forwarding(node)
        if kind == "remove":
            aliases = [(a.text or "").strip().lower() for a in node.findall("alias")]
        else:
            aliases = _aliases(plesk, domain, name, node)
        enabled = _text(node, "forwarding/enabled")
        mailbox = node.find("mailbox")
        password = _password(node) if kind == "set" else None
        quota = _quota(mailbox) if kind == "set" and _text(mailbox, "quota") is not None else None
        if kind == "set":
            if mailbox is not None:
                box.mailbox = True
                if _text(mailbox, "enabled") is not None:
                    box.enabled = _text(mailbox, "enabled") != "false"
                if _text(mailbox, "quota") is not None:
                    box.quota_bytes = quota
            if password is not None:
                box.password = password
            if node.find("forwarding") is not None:
                box.forwarding = forwarding  # set replaces the list (the trap the notes warn of)
            if node.findall("alias"):
                box.aliases = aliases
        elif kind == "add":
            box.forwarding += [a for a in forwarding if a not in box.forwarding]
            box.aliases += [a for a in aliases if a not in box.aliases]
        else:
            box.forwarding = [a for a in box.forwarding if a not in forwarding]
            box.aliases = [a for a in box.aliases if a not in aliases]
        if enabled is not None and kind != "remove":
            box.forwarding_enabled = enabled != "false"
    except PleskError as error:
        return _error(error)
    world.touch()
    return _ok(f"<mailname><id>{box.id}</id><name>{escape(name)}</name></mailname>")


def _mail_remove(op: ET.Element, plesk: PleskState, login: str, world: World) -> list[str]:
    results = []
    for flt in op.findall("filter"):
        try:
            domain = _site_by_id(plesk, login, _text(flt, "site-id"))
        except PleskError as error:
            results.append(_error(error))
            continue
        names = [(n.text or "").strip().lower() for n in flt.findall("name")]
        if not names:  # as on Plesk: no <name> removes every mail name of the site
            names = sorted(plesk.mailboxes[domain])
        for name in names:
            box = plesk.mailboxes[domain].pop(name, None)
            if box is None:
                results.append(_error(PleskError(NO_OBJECT, f"Mail name {name} does not exist")))
                continue
            world.touch()
            results.append(_ok(f"<mailname><id>{box.id}</id><name>{escape(name)}</name></mailname>"))
    return results


# -- customer -----------------------------------------------------------------------------

def _customer_set(op: ET.Element, plesk: PleskState, login: str, world: World) -> list[str]:
    """<customer><set><filter><login>L</login></filter><values><gen_info><passwd>P</passwd>:
    for the admin (any customer) and resellers (their own customers) only."""
    if plesk.users[login].role == "customer":
        return [_error(PleskError(PERMISSION, "Permission denied: the customer operator is for the "
                                              "administrator and resellers"))]
    flt = op.find("filter")
    names = [(n.text or "").strip() for n in flt.findall("login")] if flt is not None else []
    if not names:
        # An empty filter would change every customer: refused here, as nothing mailctl sends has one.
        return [_error(PleskError(PARSE, "XML parse error: <set> needs a <filter><login>"))]
    results = []
    for name in names:
        user = plesk.users.get(name)
        ids = {n: number for number, n in enumerate(plesk.users, start=1)}
        try:
            if user is None or user.role != "customer" or (plesk.users[login].role == "reseller"
                                                           and user.owner != login):
                raise PleskError(NO_OBJECT, f"Customer {name} does not exist")
            passwd = _text(op, "values/gen_info/passwd")
            if passwd is not None:
                problem = password_problem(passwd)
                if problem:
                    raise PleskError(INVALID, problem)
                user.password = passwd
                world.touch()
        except PleskError as error:
            results.append(_error(error, f"<filter-id>{escape(name)}</filter-id>"))
            continue
        results.append(_ok(f"<filter-id>{escape(name)}</filter-id><id>{ids[name]}</id>"))
    return results


Handler = Callable[[ET.Element, PleskState, str, World], list[str]]
_OPERATORS: dict[str, dict[str, Handler]] = {
    "site": {"get": _site_get},
    "webspace": {"get": _site_get},
    "customer": {"set": _customer_set},
    "mail": {"create": _mail_create, "get_info": _mail_get_info, "update": _mail_update, "remove": _mail_remove},
}
