"""cPanel UAPI functions around mailboxes: forwarders, suspension, disk usage and the
password check (answer shapes from cPanel's documentation, see lifecycle.md).

A forwarder is `forwarders[domain][local] -> [destination, ...]`. In `list_forwarders`
`dest` is the forwarded address and `forward` the destination, as on the real server.
"""

from __future__ import annotations

import html
from typing import Any, Callable
from urllib.parse import quote

from .cpanel_wire import MB, Refusal, UapiCall
from .wire import split_address, valid_domain, valid_local_part


def list_forwarders(call: UapiCall) -> list[dict[str, str]]:
    regex = call.regex()
    domains = [call.own(call.arg("domain"))] if call.arg("domain") else call.owned_domains()
    rows = []
    for domain in domains:
        table = call.cp.forwarders.get(domain, {})
        for local in sorted(table):
            address = f"{local}@{domain}"
            for destination in table[local]:
                if regex is None or regex.search(address) or regex.search(destination):
                    rows.append(_row(address, destination))
    return rows


def _row(address: str, destination: str) -> dict[str, str]:
    return {"dest": address, "forward": destination,
            "html_dest": html.escape(address), "html_forward": html.escape(destination),
            "uri_dest": quote(address, safe=""), "uri_forward": quote(destination, safe="")}


def add_forwarder(call: UapiCall) -> list[dict[str, str]]:
    local, domain = call.target()
    if not valid_local_part(local):
        raise Refusal(f'"{local}" is not a valid email address.')
    option = call.arg("fwdopt") or "fwd"
    if option != "fwd":
        # fail/system/pipe exist on the real server; the emulator plays only plain forwards.
        raise Refusal(f'The emulator supports only fwdopt "fwd", not "{option}".')
    destinations = [d.strip().lower() for d in call.arg("fwdemail").split(",") if d.strip()]
    if not destinations:
        raise Refusal('The "fwdemail" parameter is required.')
    address = f"{local}@{domain}"
    current = call.cp.forwarders.get(domain, {}).get(local, [])
    for destination in destinations:
        dest_local, dest_domain = split_address(destination)
        if not valid_local_part(dest_local) or not valid_domain(dest_domain):
            raise Refusal(f'"{destination}" is not a valid email address.')
        if destination == address:
            raise Refusal(f"You cannot forward {address} to itself.")
        if destination in current or destinations.count(destination) > 1:
            raise Refusal(f"The forwarder {address} to {destination} already exists.")
    call.cp.set_forwarder(domain, local, current + destinations)
    call.world.touch()
    return [{"email": address, "domain": domain, "forward": d} for d in destinations]


def delete_forwarder(call: UapiCall) -> None:
    local, domain = call.target("address")
    destination = call.arg("forwarder").lower()
    if not destination:
        raise Refusal('The "forwarder" parameter is required.')
    table = call.cp.forwarders.get(domain, {})
    if destination not in table.get(local, []):
        raise Refusal(f'The forwarder "{local}@{domain}" to "{destination}" does not exist.')
    table[local] = [d for d in table[local] if d != destination]
    if not table[local]:
        del table[local]
    call.world.touch()


def _flag(name: str, value: bool) -> Callable[[UapiCall], None]:
    """suspend_login, unsuspend_incoming, hold_outgoing...: set one flag, answer null.
    The flags are independent: login suspension still accepts mail, and so on."""

    def change(call: UapiCall) -> None:
        _, mailbox = call.existing()
        setattr(mailbox, name, value)
        call.world.touch()

    return change


def get_disk_usage(call: UapiCall) -> dict[str, Any]:
    local, domain = call.target("user")
    mailbox = call.cp.mailboxes[domain].get(local)
    if mailbox is None:
        raise Refusal(f'The account "{local}@{domain}" does not exist.')
    return {"user": local, "domain": domain, "login": f"{local}@{domain}",
            "diskused": round(mailbox.usage_bytes / MB, 2)}


def verify_password(call: UapiCall) -> int:
    """1 when `password` is the mailbox's password, else 0 (an unknown mailbox refuses)."""
    _, mailbox = call.existing()
    password = call.args.get("password", "")
    return int(bool(password) and password == mailbox.password)


FUNCTIONS: dict[str, Callable[[UapiCall], Any]] = {
    "list_forwarders": list_forwarders,
    "add_forwarder": add_forwarder,
    "delete_forwarder": delete_forwarder,
    "get_disk_usage": get_disk_usage,
    "verify_password": verify_password,
    "suspend_login": _flag("suspended_login", True),
    "unsuspend_login": _flag("suspended_login", False),
    "suspend_incoming": _flag("suspended_incoming", True),
    "unsuspend_incoming": _flag("suspended_incoming", False),
    "suspend_outgoing": _flag("suspended_outgoing", True),
    "unsuspend_outgoing": _flag("suspended_outgoing", False),
    "hold_outgoing": _flag("hold_outgoing", True),
    "release_outgoing": _flag("hold_outgoing", False),
}
