#!/usr/bin/python
# -*- coding: utf-8 -*-
# A mail estate kept in its declared state, as `mailctl apply` does, through mailctl.

from __future__ import annotations

DOCUMENTATION = r"""
module: estate
short_description: Keep the mailboxes, quotas and aliases of whole domains in a declared state
version_added: "0.1.0"
description:
  - Reads the live state of every declared domain, plans the difference as C(mailctl plan) does, and makes only
    that difference as C(mailctl apply --yes) does (mailboxes first, then the aliases that may point at them,
    deletions last), then reads again.
  - Idempotent; a run that has nothing to change reports C(changed=false) and sends no write.
  - In check mode only reads are sent; the changes are reported (with I(--diff), each address before and after).
  - The schema of a domain (C(mailboxes), C(aliases), C(prune)) is C(mailctl)'s estate file, docs/estate.md.
options:
  domains:
    description:
      - The domains of the panel the connection options reach, by name, each as an estate file's domain table
        (C(mailboxes), C(aliases), C(prune)).
      - Needs a connection (I(profile), or I(provider) with I(user)). Not with I(src).
    type: dict
  src:
    description:
      - An estate file (TOML or JSON, as C(mailctl plan FILE) reads it) on the controller; give an absolute path
        (C({{ playbook_dir }}/estate.toml)), the module does not run in the playbook's directory.
      - Its profiles are mailctl profiles of C(config.toml) (see I(config)); with connection options the file must
        declare exactly one profile, which the connection then serves. Not with I(domains).
    type: path
  prune:
    description:
      - Also delete the mailboxes and aliases the declaration does not name (every domain; a domain's own
        C(prune = true) does it for that domain only). Deleting a mailbox deletes ALL ITS MAIL.
    type: bool
    default: false
  max_deletes:
    description:
      - Fail, before anything is written, when the plan would delete more mailboxes than this.
    type: int
    default: 5
  passwords:
    description:
      - The passwords of the mailboxes to create, by address. Keep them in Ansible Vault.
      - A mailbox to create without one fails the task before anything is written.
    type: dict
  config:
    description:
      - The C(config.toml) the estate's profiles are read from (default C(MAILCTL_CONFIG_DIR)'s, else the user's).
    type: path
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
- name: example.com holds exactly these mailboxes and aliases
  mailctl.mail.estate:
    profile: prod
    domains:
      example.com:
        prune: true
        mailboxes:
          info: {}
          sales: {quota: 2G}
          leaver: {suspended: true}
        aliases:
          team: [info@example.com, sales@example.com]
    passwords:
      sales@example.com: "{{ vault_sales_password }}"

- name: The whole estate of several panels, from the file mailctl export wrote
  mailctl.mail.estate:
    src: "{{ playbook_dir }}/estate.toml"
    max_deletes: 0
  check_mode: true
  register: drift
"""

RETURN = r"""
changes:
  description: The changes planned (made, unless in check mode), as C(mailctl plan --json) lists them.
  returned: always
  type: list
  elements: dict
  sample: [{"profile": "prod", "domain": "example.com", "action": "change", "kind": "mailbox",
            "address": "sales@example.com", "before": {"quota_mb": 500}, "after": {"quota_mb": 2048}}]
counts:
  description: How many changes of each kind (C(create), C(change), C(delete)) and how much is C(unchanged).
  returned: always
  type: dict
in_sync:
  description: Whether a read after the changes found the live state as declared (in check mode, whether it is now).
  returned: always
  type: bool
failures:
  description: The changes that failed, each C(address), C(action), C(kind) and mailctl's C(msg).
  returned: failure
  type: list
  elements: dict
error:
  description: On failure, mailctl's error class (C(code), C(exit_code), C(provider), C(details)).
  returned: failure
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailctl.mail.plugins.module_utils.mailctl_client import (
    argument_spec, error_result, open_client, require_mailctl,
)

# The profile name a `domains:` declaration is planned under (shown in the changes).
PANEL = "panel"


def connection_given(params):
    return params["profile"] is not None or params["provider"] is not None


def declared_estate(module):
    """The estate to keep, and the name of the profile the connection options serve."""
    from mailctl.api import load_estate

    p = module.params
    if p["domains"] is not None:
        name = p["profile"] or PANEL
        return load_estate({name: p["domains"]}), name
    estate = load_estate(p["src"])
    if not connection_given(p):
        return estate, None
    profiles = estate.profiles()
    if len(profiles) != 1:
        module.fail_json(msg="%s declares %d profiles; with connection options it must declare exactly one (or drop "
                             "the connection options to use config.toml's profiles)" % (p["src"], len(profiles)))
    return estate, profiles[0]


def view(changes, side):
    """address -> its declared part before or after, for --diff."""
    shown = {}
    for change in changes:
        value = getattr(change, side)
        absent = (side == "before" and change.action == "create") or (side == "after" and change.action == "delete")
        shown["%s %s" % (change.kind, change.address)] = "absent" if absent else (value or {})
    return shown


def converge(module):
    from mailctl.api import apply_estate, plan_estate

    p = module.params
    estate, served = declared_estate(module)
    clients = {}
    if served is not None:
        clients[served] = open_client(module)
    try:
        common = dict(prune=p["prune"], clients=clients, config=p["config"])
        if module.check_mode:
            plan = plan_estate(estate, **common)
            after, failures = plan, []
            in_sync = not plan.changes
        else:
            outcome = apply_estate(estate, p["passwords"] or {}, max_deletes=p["max_deletes"], **common)
            plan, after, failures = outcome.plan, outcome.after, outcome.failures
            in_sync = outcome.in_sync
    finally:
        for client in clients.values():
            client.close()
    for warning in plan.warnings:
        module.warn(warning)
    result = dict(changed=bool(plan.changes) and (module.check_mode or len(failures) < len(plan.changes)),
                  changes=[change.to_json() for change in plan.changes], counts=plan.counts(), in_sync=in_sync)
    if module._diff:
        result["diff"] = dict(before=view(plan.changes, "before"), after=view(plan.changes, "after"))
    if failures:
        result["failures"] = [dict(address=c.address, action=c.action, kind=c.kind, msg=e.message)
                              for c, e in failures]
        module.fail_json(msg="%d of %d change(s) failed: %s" % (
            len(failures), len(plan.changes), "; ".join("%s: %s" % (c.address, e.message) for c, e in failures)),
            **result)
    return result


ARGS = dict(
    domains=dict(type="dict"),
    src=dict(type="path"),
    prune=dict(type="bool", default=False),
    max_deletes=dict(type="int", default=5),
    passwords=dict(type="dict", no_log=True),
    config=dict(type="path"),
)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(**ARGS),
        supports_check_mode=True,
        mutually_exclusive=[("domains", "src"), ("profile", "provider"), ("profile", "url"), ("profile", "user")],
        required_one_of=[("domains", "src")],
        required_by={"provider": ("user",)},
    )
    require_mailctl(module)
    from mailctl import errors

    if module.params["domains"] is not None and not connection_given(module.params):
        module.fail_json(msg="domains needs a connection: profile, or provider with user")
    try:
        result = converge(module)
    except errors.MailctlError as exc:
        module.fail_json(**error_result(exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
