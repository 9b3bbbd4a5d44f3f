#!/usr/bin/python
# -*- coding: utf-8 -*-
# An alias (forwarder) on a hosting panel, through mailctl.

from __future__ import annotations

DOCUMENTATION = r"""
module: alias
short_description: Make an alias (forwarder) deliver to the given destinations, or remove it
version_added: "0.1.0"
description:
  - An address that forwards to others (a panel's forwarder or alias), on any panel mailctl speaks that has them
    (mailctl's C(alias add), C(alias remove)); a provider without aliases fails the task before any request.
  - Idempotent; a run that has nothing to change reports C(changed=false) and sends no write.
  - In check mode nothing is written; with I(--diff), the destinations before and after.
options:
  address:
    description:
      - The alias, C(local@domain).
    type: str
    required: true
  destinations:
    description:
      - Where it delivers; addresses, or a special target the panel has (such as C(:fail:)).
      - With C(state=present), required. With C(state=absent), the destinations to remove; all of them (and so
        the alias) when omitted.
    type: list
    elements: str
  state:
    description:
      - C(present) makes the alias deliver to I(destinations); C(absent) removes destinations or the whole alias.
    type: str
    choices: [present, absent]
    default: present
  append:
    description:
      - With C(state=present), C(true) adds I(destinations) and keeps the ones the alias has; C(false) makes them
        exactly I(destinations), removing the others.
    type: bool
    default: false
extends_documentation_fragment:
  - mailctl.mail.connection
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
author:
  - mailctl developers
"""

EXAMPLES = r"""
- name: The team address reaches exactly these two
  mailctl.mail.alias:
    profile: prod
    address: team@example.com
    destinations: [alice@example.com, bob@example.net]

- name: Also copy the archive, keeping the others
  mailctl.mail.alias:
    profile: prod
    address: team@example.com
    destinations: [archive@example.com]
    append: true

- name: No more team address
  mailctl.mail.alias:
    profile: prod
    address: team@example.com
    state: absent
"""

RETURN = r"""
alias:
  description: The alias as it is after the task (as it would be, in check mode); null when it does not exist.
  returned: always
  type: dict
  sample: {"address": "team@example.com", "destinations": ["alice@example.com"], "kind": "forwarder"}
diff:
  description: The destinations before and after, with I(--diff).
  returned: when diff mode is on
  type: dict
error:
  description: On failure, mailctl's error class (C(code), C(exit_code), C(provider)).
  returned: failure
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailctl.mail.plugins.module_utils.mailctl_client import (
    CONNECTION_RULES, argument_spec, run,
)


def view(address, destinations):
    if destinations is None:
        return {"address": address, "state": "absent"}
    return {"address": address, "state": "present", "destinations": sorted(destinations)}


def converge(module, client):
    from mailctl import validation

    p = module.params
    address = str(validation.address(p["address"]))
    client.require("alias list")
    client.require("alias add" if p["state"] == "present" else "alias remove")
    given = None if p["destinations"] is None else client.check_destinations(p["destinations"])
    if p["state"] == "present":
        if not given:
            module.fail_json(msg="destinations are needed with state=present")
        if not p["append"]:
            client.require("alias remove")
    current = client.find_alias(address)
    have = list(current.destinations) if current is not None else None
    have_keys = {d.lower(): d for d in have or []}
    kind = current.kind if current is not None else "forwarder"

    if p["state"] == "present":
        add = [d for d in given if d.lower() not in have_keys]
        wanted = {d.lower() for d in given}
        drop = [] if p["append"] else [d for k, d in have_keys.items() if k not in wanted]
        after = [d for d in have or [] if d not in drop] + add
    else:
        if given is None:
            drop = list(have or [])
        else:
            drop = [have_keys[d.lower()] for d in given if d.lower() in have_keys]
        add = []
        after = [d for d in have or [] if d not in drop]
    gone = not after
    changed = bool(add or drop)
    alias = current
    if changed and not module.check_mode:
        # Adding first leaves no moment without a route. Another name of a mailbox (kind
        # "alias", one destination: mailbox.org) has to be removed before it names another.
        if kind == "alias" and drop:
            alias = client.remove_alias(address, None if gone or len(drop) == len(have) else drop)
            drop = []
        if add:
            alias = client.add_alias(address, add)
        if drop:
            alias = client.remove_alias(address, None if gone else drop)
    if module.check_mode or not changed:
        shown = None if gone else {"address": address, "destinations": after, "kind": kind,
                                   "domain": address.rpartition("@")[2]}
    else:
        shown = alias.to_json() if alias is not None else None
    result = {"changed": changed, "alias": shown}
    if module._diff:
        result["diff"] = {"before": view(address, have), "after": view(address, None if gone else after)}
    return result


# The module's own options (the connection's are in module_utils).
ARGS = dict(
    address=dict(type="str", required=True),
    destinations=dict(type="list", elements="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    append=dict(type="bool", default=False),
)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(**ARGS),
        supports_check_mode=True,
        **CONNECTION_RULES
    )
    run(module, lambda client: converge(module, client))


if __name__ == "__main__":
    main()
