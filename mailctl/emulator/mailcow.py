"""mailcow's REST API: `/api/v1/{get|add|edit|delete}/<category>[/<object>]` with an
`X-API-Key` header.

The traps it plays (the provider notes, "mailcow"):
- refusals are HTTP 200 with a list of `{"type": "danger"|"error", "msg": ...}` entries;
  success is an entry of type `success`; a function that recorded nothing answers one
  object instead of a list;
- a read-only key is answered 403 on add/edit/delete; an unknown key 401; no key on a
  GET a 200 with an empty body;
- an unknown object is answered 200 with `{}` (an empty `all` too: `{}`, not `[]`);
- quotas are MiB on add/edit and bytes on get; `active` comes as "1" beside `active_int`;
- `state.mailcow.error_but_created`: add/mailbox creates the mailbox and answers a
  `danger` entry all the same (mailcow issue #5292);
- aliases: add/alias without `active` makes an inactive one; a mailbox's address is
  refused (`is_alias_or_mailbox`: its own alias row holds it, hidden from the API);
  edit/delete go by numeric id and `goto` replaces the list; deleting a mailbox deletes
  the aliases that delivered only to it and drops it from the others.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl, unquote

from .mailcow_state import VERSION, MailcowState, McMailbox
from .settings import Settings
from .statebase import MB
from .wire import Request, Response, json_response, password_problem, split_address, valid_domain, valid_local_part
from .world import World

PREFIX = "/api/v1/"
_KEY_CHARS = re.compile(r"[^A-Za-z0-9-]")
_ACTIONS = ("get", "add", "edit", "delete")


def _entry(kind: str, msg: Any, log: list[Any]) -> dict[str, Any]:
    return {"type": kind, "log": log, "msg": msg}


def _error(msg: str, status: int) -> Response:
    return json_response({"type": "error", "msg": msg}, status)


def handle(request: Request, world: World, settings: Settings) -> Response:
    parts = [unquote(p) for p in request.path[len(PREFIX):].split("/")] if request.path.startswith(PREFIX) else []
    if not parts or parts[0] not in _ACTIONS or len(parts) < 2 or not parts[1]:
        return _error("route not found", 404)
    action, category, rest = parts[0], parts[1], parts[2:]
    if (action == "get") != (request.method == "GET"):
        return _error("only POST method is allowed" if action != "get" else "only GET method is allowed", 405)
    if request.headers.get("sec-fetch-dest", "empty") != "empty":
        return _error("forbidden", 403)
    mc: MailcowState = world.mailcow
    raw_key = request.headers.get("x-api-key")
    if raw_key is None:
        return Response(200, b"", "text/html; charset=utf-8")  # not logged in: an empty page
    key = mc.keys.get(_KEY_CHARS.sub("", raw_key))
    if key is None or not key.active or not _KEY_CHARS.sub("", raw_key):
        return _error("authentication failed", 401)
    if action != "get" and key.access != "rw":
        return _error("API read/write access denied", 403)
    if action == "get":
        answer = _get(mc, category, rest)
        if answer is None:
            return _error("route not found", 404)
        return json_response(answer)
    data = _write_body(request)
    if data is _INVALID:
        return _error("Request body doesn't contain valid json!", 400)
    handler = _WRITES.get((action, category))
    if handler is None:
        return _error("route not found", 404)
    entries = handler(world, mc, data)
    if not entries:
        return json_response({"type": "error", "msg": "Cannot add item" if action == "add" else "Task failed"})
    return json_response(entries)


_INVALID = object()


def _write_body(request: Request) -> Any:
    """A JSON body, or the form fields `attr=<json>` (add), `items`+`attr` (edit),
    `items` (delete) as the server also takes them."""
    if not request.body.strip():
        return _INVALID
    body = request.json_body
    if body is not None:
        return body
    form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    if not form or not set(form) <= {"attr", "items"}:
        return _INVALID
    try:
        decoded = {k: json.loads(v) for k, v in form.items()}
    except ValueError:
        return _INVALID
    if set(decoded) == {"attr"}:
        return decoded["attr"]
    if set(decoded) == {"items"}:
        return decoded["items"]
    return decoded


# --------------------------------------------------------------------------- reads


def _get(mc: MailcowState, category: str, rest: list[str]) -> Any:
    target = rest[0] if rest else ""
    if category == "status" and target == "version":
        return {"version": VERSION}
    if category == "domain" and target:
        if target == "all":
            rows = [_domain_row(mc, d) for d in sorted(mc.domains)]
            return rows or {}
        domain = target.lower()
        return _domain_row(mc, domain) if domain in mc.domains else {}
    if category == "mailbox" and target:
        if target == "all":
            wanted = [d.strip().lower() for d in rest[1].split(",")] if len(rest) > 1 and rest[1] else sorted(mc.domains)
            rows = [_mailbox_row(mc, f"{local}@{domain}", box)
                    for domain in wanted if domain in mc.domains
                    for local, box in sorted(mc.mailboxes.get(domain, {}).items())]
            return rows or {}
        box = mc.mailbox(target)
        return _mailbox_row(mc, target.strip().lower(), box) if box is not None else {}
    if category == "alias" and target:
        if target == "all":
            wanted = {d.strip().lower() for d in rest[1].split(",")} if len(rest) > 1 and rest[1] else None
            rows = [_alias_row(int(i), a) for i, a in sorted(mc.aliases.items(), key=lambda kv: int(kv[0]))
                    if wanted is None or split_address(a.address)[1] in wanted]
            return rows or {}
        if target.isdigit():
            alias = mc.aliases.get(str(int(target)))
            return _alias_row(int(target), alias) if alias is not None else {}
        found = mc.alias_by_address(target)
        return _alias_row(*found) if found is not None else {}
    return None


def _alias_row(alias_id: int, alias: Any) -> dict[str, Any]:
    domain = alias.address.rpartition("@")[2]
    return {"id": alias_id, "address": alias.address, "goto": ",".join(alias.goto), "active": str(alias.active),
            "active_int": alias.active, "is_catch_all": 1 if alias.address.startswith("@") else 0,
            "domain": domain, "in_primary_domain": domain, "public_comment": "", "private_comment": "",
            "created": alias.created, "modified": None}


def _domain_row(mc: MailcowState, domain: str) -> dict[str, Any]:
    limits = mc.settings_of(domain)
    boxes = mc.mailboxes.get(domain, {})
    used = sum(box.quota_bytes for box in boxes.values())
    return {
        "domain_name": domain, "active": str(limits.active), "active_int": limits.active,
        "description": limits.description, "max_quota_for_mbox": limits.max_quota_for_mbox_bytes,
        "max_quota_for_domain": limits.max_quota_for_domain_bytes,
        "def_quota_for_mbox": limits.def_quota_for_mbox_bytes, "max_num_mboxes_for_domain": limits.max_mailboxes,
        "mboxes_in_domain": len(boxes), "mboxes_left": max(limits.max_mailboxes - len(boxes), 0),
        "quota_used_in_domain": str(used), "bytes_total": str(sum(b.usage_bytes for b in boxes.values())),
        "aliases_in_domain": 0, "aliases_left": 400,
    }


def _mailbox_row(mc: MailcowState, address: str, box: McMailbox) -> dict[str, Any]:
    local, domain = split_address(address)
    limits = mc.settings_of(domain)
    return {
        "username": address, "local_part": local, "domain": domain, "name": box.name,
        "active": str(box.active), "active_int": box.active,
        "quota": box.quota_bytes, "quota_used": box.usage_bytes,
        "percent_in_use": round(100 * box.usage_bytes / box.quota_bytes) if box.quota_bytes else "- ",
        "messages": box.messages, "max_new_quota": limits.max_quota_for_mbox_bytes,
        "attributes": {"force_pw_update": "1" if box.force_pw_update else "0", "imap_access": "1",
                       "pop3_access": "1", "smtp_access": "1"},
        "tags": list(box.tags), "created": box.created, "modified": None,
    }


# --------------------------------------------------------------------------- writes


def _log(category: str, action: str, data: Any) -> list[Any]:
    """What mailcow echoes in `log`: the request, passwords as `*`."""
    def hide(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: "*" if k in ("password", "password2") else hide(v) for k, v in value.items()}
        if isinstance(value, list):
            return [hide(v) for v in value]
        return value
    return [category, action, hide(data)]


def _int(value: Any) -> int | None:
    """intval() as PHP does it for what clients send: ints, digit strings, booleans."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _add_mailbox(world: World, mc: MailcowState, data: Any) -> list[dict[str, Any]]:
    log = _log("mailbox", "add", data)
    if not isinstance(data, dict):
        return []
    def danger(*msg: Any) -> list[dict[str, Any]]:
        return [_entry("danger", list(msg) if len(msg) > 1 else msg[0], log)]
    local = str(data.get("local_part", "")).strip().lower()
    domain = str(data.get("domain", "")).strip().lower()
    address = f"{local}@{domain}"
    if not valid_domain(domain) or domain not in mc.domains:
        return danger("domain_not_found", domain)
    if not valid_local_part(local):
        return danger("mailbox_invalid", local)
    if mc.has_mailbox(address):
        return danger("object_exists", address)
    limits = mc.settings_of(domain)
    quota = _int(data.get("quota", limits.def_quota_for_mbox_bytes // MB))
    if quota is None or quota < 0:
        return danger("quota_not_numeric", str(data.get("quota")))
    if quota * MB > limits.max_quota_for_mbox_bytes:
        return danger("mailbox_quota_exceeded", limits.max_quota_for_mbox_bytes // MB)
    password, password2 = data.get("password"), data.get("password2")
    if not isinstance(password, str) or not isinstance(password2, str) or password != password2:
        return danger("password_mismatch")
    if password_problem(password):
        return danger("password_complexity")
    if len(mc.mailboxes[domain]) >= limits.max_mailboxes:
        return danger("max_mbox_exceeded", f"{len(mc.mailboxes[domain])}/{limits.max_mailboxes}")
    active = _int(data.get("active", 1))
    mc.add_mailbox(address, password=password, name=str(data.get("name") or local), quota_bytes=quota * MB,
                   active=active if active in (0, 1, 2) else 1,
                   force_pw_update=_int(data.get("force_pw_update", 0)) == 1,
                   created=time.strftime("%Y-%m-%d %H:%M:%S"))
    world.touch()
    if mc.error_but_created:
        return [_entry("danger", "password_complexity", log)]
    return [_entry("success", ["mailbox_added", address], log)]


def _items_attr(data: Any) -> tuple[list[str], dict[str, Any]] | None:
    if not isinstance(data, dict) or not isinstance(data.get("attr"), dict):
        return None
    items = data.get("items")
    items = [items] if isinstance(items, str) else items
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return None
    return items, data["attr"]


def _edit_mailbox(world: World, mc: MailcowState, data: Any) -> list[dict[str, Any]]:
    log = _log("mailbox", "edit", data)
    parsed = _items_attr(data)
    if parsed is None:
        return []
    items, attr = parsed
    entries = []
    for item in items:
        address = item.strip().lower()
        box = mc.mailbox(address)
        if box is None:
            entries.append(_entry("danger", "access_denied", log))
            continue
        problem = _edit_problem(mc, address, box, attr)
        if problem is not None:
            entries.append(_entry("danger", problem, log))
            continue
        _apply(box, attr)
        world.touch()
        entries.append(_entry("success", ["mailbox_modified", address], log))
    return entries


def _edit_problem(mc: MailcowState, address: str, box: McMailbox, attr: dict[str, Any]) -> Any:
    """Why this edit is refused (a msg), or None. Omitted attrs keep their value."""
    if "quota" in attr:
        quota = _int(attr["quota"])
        limits = mc.settings_of(split_address(address)[1])
        if quota is None or quota < 0:
            return ["quota_not_numeric", str(attr["quota"])]
        if quota * MB > limits.max_quota_for_mbox_bytes:
            return ["mailbox_quota_exceeded", limits.max_quota_for_mbox_bytes // MB]
    if "active" in attr and _int(attr["active"]) not in (0, 1, 2):
        return ["active_invalid", str(attr["active"])]
    password = attr.get("password")
    if password:  # the password changes only if `password` is non-empty
        if not isinstance(password, str) or password != attr.get("password2"):
            return "password_mismatch"
        if password_problem(password):
            return "password_complexity"
    return None


def _apply(box: McMailbox, attr: dict[str, Any]) -> None:
    if "quota" in attr:
        box.quota_bytes = _int(attr["quota"]) * MB
    if "active" in attr:
        box.active = _int(attr["active"])
    if attr.get("password"):
        box.password = attr["password"]
    if "force_pw_update" in attr:
        box.force_pw_update = _int(attr["force_pw_update"]) == 1
    if isinstance(attr.get("name"), str):
        box.name = attr["name"]
    tags = attr.get("tags")
    if isinstance(tags, list):  # tags are only ever added (the code inserts, never deletes)
        box.tags.extend(str(t) for t in tags if str(t) not in box.tags)


def _delete_mailbox(world: World, mc: MailcowState, data: Any) -> list[dict[str, Any]]:
    log = _log("mailbox", "delete", data)
    items = data.get("items") if isinstance(data, dict) else data
    items = [items] if isinstance(items, str) else items
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return []
    entries = []
    for item in items:
        address = item.strip().lower()
        if mc.remove_mailbox(address) is None:
            entries.append(_entry("danger", "access_denied", log))
            continue
        world.touch()
        entries.append(_entry("success", ["mailbox_removed", address], log))
    return entries


_SPLIT = re.compile(r"[\s,;]+")


def _split(value: Any) -> list[str]:
    """`address` and `goto` are split on space, comma, `;` and newline."""
    return [v.lower() for v in _SPLIT.split(value.strip())] if isinstance(value, str) and value.strip() else []


def _valid_address(value: str) -> bool:
    local, domain = split_address(value)
    return "@" in value and valid_local_part(local) and valid_domain(domain)


def _gotos(goto: Any, log: list[Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The valid destinations and a danger entry for each invalid one (dropped, the rest kept)."""
    kept, dropped = [], []
    for target in _split(goto):
        if _valid_address(target):
            if target not in kept:
                kept.append(target)
        else:
            dropped.append(_entry("danger", ["goto_invalid", target], log))
    return kept, dropped


def _add_alias(world: World, mc: MailcowState, data: Any) -> list[dict[str, Any]]:
    log = _log("alias", "add", data)
    if not isinstance(data, dict):
        return []
    entries = []
    for address in _split(data.get("address")):
        if address in _split(data.get("goto")):
            continue  # an alias to itself is skipped without a word, as mailcow's add does
        local, domain = split_address(address)
        if not _valid_address(address):
            entries.append(_entry("danger", ["alias_invalid", address], log))
        elif domain not in mc.domains:
            entries.append(_entry("danger", ["domain_not_found", domain], log))
        elif mc.alias_by_address(address) is not None or mc.has_mailbox(address):
            entries.append(_entry("danger", ["is_alias_or_mailbox", address], log))
        else:
            goto, dropped = _gotos(data.get("goto"), log)
            entries.extend(dropped)
            if not goto:
                entries.append(_entry("danger", "goto_empty", log))
                continue
            active = _int(data.get("active"))  # intval(): left out, the alias is inactive
            alias_id = mc.add_alias(address, goto, active if active in (0, 1) else 0)
            world.touch()
            entries.append(_entry("success", ["alias_added", address, alias_id], log))
    return entries


def _edit_alias(world: World, mc: MailcowState, data: Any) -> list[dict[str, Any]]:
    log = _log("alias", "edit", data)
    if not isinstance(data, dict) or not isinstance(data.get("attr"), dict):
        return []
    items = data.get("items")
    items = items if isinstance(items, list) else [items]
    attr, entries = data["attr"], []
    for item in items:
        alias = mc.aliases.get(str(_int(item))) if _int(item) is not None else None
        if alias is None:
            entries.append(_entry("danger", "alias_invalid", log))
            continue
        if "goto" in attr:
            goto, dropped = _gotos(attr["goto"], log)
            if alias.address in goto:  # an alias cannot deliver to itself
                goto.remove(alias.address)
                dropped.append(_entry("danger", "alias_goto_identical", log))
            entries.extend(dropped)
            if not goto:
                entries.append(_entry("danger", "goto_empty", log))
                continue
            alias.goto = goto  # replaces the whole list
        if "active" in attr and _int(attr["active"]) in (0, 1):
            alias.active = _int(attr["active"])
        world.touch()
        entries.append(_entry("success", ["alias_modified", alias.address], log))
    return entries


def _delete_alias(world: World, mc: MailcowState, data: Any) -> list[dict[str, Any]]:
    log = _log("alias", "delete", data)
    items = data.get("items") if isinstance(data, dict) else data
    items = items if isinstance(items, list) else [items]
    entries = []
    for item in items:
        alias = mc.aliases.pop(str(_int(item)), None) if _int(item) is not None else None
        if alias is None:
            entries.append(_entry("danger", "access_denied", log))
            continue
        world.touch()
        entries.append(_entry("success", ["alias_removed", alias.address], log))
    return entries


_WRITES = {
    ("add", "alias"): _add_alias,
    ("edit", "alias"): _edit_alias,
    ("delete", "alias"): _delete_alias,
    ("add", "mailbox"): _add_mailbox,
    ("edit", "mailbox"): _edit_mailbox,
    ("delete", "mailbox"): _delete_mailbox,
}
