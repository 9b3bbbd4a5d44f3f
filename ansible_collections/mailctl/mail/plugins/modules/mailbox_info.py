#!/usr/bin/python
# -*- coding: utf-8 -*-
# What a panel holds: its domains, or a domain's mailboxes and aliases, through mailctl.

from __future__ import annotations

DOCUMENTATION = r"""
module: mailbox_info
short_description: List the domains, mailboxes and aliases of a panel
version_added: "0.1.0"
description:
  - Without I(domain), the domains the login manages (C(mailctl domain list)).
  - With I(domain), its mailboxes (C(mailctl pop list)) and, where the provider lists them, its aliases and
    forwarders (C(mailctl alias list)).
  - Reads only; never reports a change.
options:
  domain:
    description:
      - The domain whose mailboxes and aliases to list.
    type: str
extends_documentation_fragment:
  - mailctl.mail.connection
attributes:
  check_mode:
    support: full
author:
  - mailctl developers
"""

EXAMPLES = r"""
- name: What example.com has
  mailctl.mail.mailbox_info:
    profile: prod
    domain: example.com
  register: mail

- name: Mailboxes over 90% full
  ansible.builtin.debug:
    msg: "{{ item.address }}"
  loop: "{{ mail.mailboxes | selectattr('quota_mb') | list }}"
  when: item.usage_bytes is not none and item.usage_bytes > item.quota_mb * 1048576 * 0.9
"""

RETURN = r"""
domains:
  description: The domains (name, mailbox_count, owner), when I(domain) is not given.
  returned: when domain is not given
  type: list
  elements: dict
mailboxes:
  description: The domain's mailboxes, fields as C(mailctl --json pop list) (C(quota_mb) null means unlimited).
  returned: when domain is given
  type: list
  elements: dict
  sample: [{"address": "info@example.com", "quota_mb": null, "usage_bytes": 13107200, "suspended": false}]
aliases:
  description:
    - The domain's aliases and forwarders (address, destinations, kind), as C(mailctl --json alias list).
    - Null where the provider cannot list them.
  returned: when domain is given
  type: list
  elements: dict
error:
  description: On failure, mailctl's error class (C(code), C(exit_code), C(provider)).
  returned: failure
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailctl.mail.plugins.module_utils.mailctl_client import (
    CONNECTION_RULES, argument_spec, run,
)


def gather(module, client):
    domain = module.params["domain"]
    if domain is None:
        return {"changed": False, "domains": [d.to_json() for d in client.domains()]}
    result = {"changed": False, "mailboxes": [m.to_json() for m in client.mailboxes(domain)], "aliases": None}
    if client.supports("alias list"):
        result["aliases"] = [a.to_json() for a in client.aliases(domain)]
    return result


# The module's own options (the connection's are in module_utils).
ARGS = dict(
    domain=dict(type="str"),
)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(**ARGS),
        supports_check_mode=True,
        **CONNECTION_RULES
    )
    run(module, lambda client: gather(module, client))


if __name__ == "__main__":
    main()
