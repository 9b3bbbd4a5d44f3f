"""DirectAdmin commands around mailboxes: forwarders, the mailbox password check, and the
vacation and autoresponder lists (wire formats: lifecycle.md and the DirectAdmin notes).

A forwarder is `forwarders[domain][local] -> [destination, ...]`; `modify` replaces the
whole list, as on the real server.
"""

from __future__ import annotations

from typing import Callable

from .directadmin_wire import (
    Call,
    DAError,
    done,
    flat,
    mapping,
    nested,
    own_domain,
    selected,
    text_response,
)
from .wire import Response, json_response, split_address, valid_domain, valid_local_part


def _forwarders(call: Call) -> Response:
    action = call.form.get("action", "list")
    handler = _FORWARDER_ACTIONS.get(action)
    if handler is None:
        raise DAError("Unknown action", f"action={action} is not supported")
    return handler(call)


def _list_forwarders(call: Call) -> Response:
    domain = own_domain(call)
    table = call.da.forwarders.get(domain, {})
    if call.json_mode:
        return json_response({name: list(table[name]) for name in sorted(table)})
    return mapping(call, {name: ",".join(table[name]) for name in sorted(table)})


def _destinations(call: Call, domain: str, local: str) -> list[str]:
    """The `email` field: comma-separated addresses (a bare name means one on `domain`)."""
    raw = [part.strip().lower() for part in call.form.get("email", "").split(",")]
    destinations = [part if "@" in part else f"{part}@{domain}" for part in raw if part]
    if not destinations:
        raise DAError("No destination given", "Enter at least one address to forward to")
    for address in destinations:
        dest_local, dest_domain = split_address(address)
        if not valid_local_part(dest_local) or not valid_domain(dest_domain):
            raise DAError("Invalid destination", f"'{address}' is not a valid e-mail address")
    if f"{local}@{domain}" in destinations:
        raise DAError("Invalid destination", f"{local}@{domain} cannot forward to itself")
    if len(set(destinations)) != len(destinations):
        raise DAError("Invalid destination", "An address is listed twice")
    return destinations


def _forwarder_name(call: Call) -> str:
    local = call.form.get("user", "").strip().lower()
    if not valid_local_part(local):
        raise DAError("Invalid forwarder name", f"'{local}' is not a valid forwarder name")
    return local


def _create_forwarder(call: Call) -> Response:
    domain = own_domain(call)
    local = _forwarder_name(call)
    if local in call.da.forwarders.get(domain, {}):
        raise DAError("Cannot create forwarder", f"The forwarder {local}@{domain} already exists")
    call.da.set_forwarder(domain, local, _destinations(call, domain, local))
    call.world.touch()
    return done(call, "Forwarder created", f"{local}@{domain} created")


def _modify_forwarder(call: Call) -> Response:
    domain = own_domain(call)
    local = _forwarder_name(call)
    if local not in call.da.forwarders.get(domain, {}):
        raise DAError("Cannot modify forwarder", f"The forwarder {local}@{domain} does not exist")
    call.da.set_forwarder(domain, local, _destinations(call, domain, local))
    call.world.touch()
    return done(call, "Forwarder updated", f"{local}@{domain} updated")


def _delete_forwarders(call: Call) -> Response:
    domain = own_domain(call)
    names = selected(call.form)
    if not names:
        raise DAError("No forwarder selected", "Select at least one forwarder to delete")
    table = call.da.forwarders.get(domain, {})
    missing = [name for name in names if name not in table]
    if missing:  # all or nothing, as for mailboxes
        raise DAError("Cannot delete forwarder", f"{missing[0]}@{domain} does not exist")
    for name in names:
        table.pop(name)
    call.world.touch()
    return done(call, "Forwarders deleted", ", ".join(f"{n}@{domain}" for n in names) + " deleted")


def _email_auth(call: Call) -> Response:
    """Check a mailbox password: `email` (full address) and `passwd`. error=0 when it is
    right; the same refusal for an unknown mailbox and a wrong password."""
    local, domain = split_address(call.form.get("email", ""))
    own_domain(call, domain)
    mailbox = call.da.mailboxes[domain].get(local)
    password = call.form.get("passwd", "")
    if mailbox is None or not password or password != mailbox.password:
        raise DAError("Invalid password", f"The password for {local}@{domain} is not correct")
    return flat(call.json_mode, True, "Password correct", "none", html=False)


def _vacations(call: Call) -> Response:
    domain = own_domain(call)
    table = call.da.vacations.get(domain, {})
    return nested(call, {local: {"start": v.start, "end": v.end, "subject": v.subject}
                         for local, v in sorted(table.items())})


def _autoresponders(call: Call) -> Response:
    domain = own_domain(call)
    table = call.da.autoresponders.get(domain, {})
    if not table and not call.json_mode:
        return text_response(b"")
    return mapping(call, {local: a.cc for local, a in sorted(table.items())})


_FORWARDER_ACTIONS: dict[str, Callable[[Call], Response]] = {
    "list": _list_forwarders,
    "create": _create_forwarder,
    "modify": _modify_forwarder,
    "delete": _delete_forwarders,
}

COMMANDS: dict[str, Callable[[Call], Response]] = {
    "CMD_API_EMAIL_FORWARDERS": _forwarders,
    "CMD_API_EMAIL_AUTH": _email_auth,
    "CMD_API_EMAIL_VACATION": _vacations,
    "CMD_API_EMAIL_AUTORESPONDER": _autoresponders,
}
