#!/usr/bin/python
# -*- coding: utf-8 -*-
# A mailbox on a hosting panel, through mailctl.

from __future__ import annotations

DOCUMENTATION = r"""
module: mailbox
short_description: Create, change and delete a mailbox on any hosting panel mailctl speaks
version_added: "0.1.0"
description:
  - Makes a mailbox exist (with a quota and suspended or not) or not exist, on any panel mailctl speaks.
  - Idempotent; a run that has nothing to change reports C(changed=false) and sends no write.
  - In check mode nothing is written; what would change is reported (with I(--diff), as before and after).
options:
  address:
    description:
      - The mailbox, C(local@domain).
    type: str
    required: true
  state:
    description:
      - C(present) creates the mailbox if missing and brings I(quota) and I(suspended) to what is given;
        C(absent) deletes it and ALL ITS MAIL if it exists.
    type: str
    choices: [present, absent]
    default: present
  quota:
    description:
      - The quota in MB, or with a unit as C(mailctl --quota) takes it (C(500M), C(2G); 1G = 1024 MB), or
        C(unlimited) (or C(0)) for none. Left as it is when omitted (the provider's default for a new mailbox).
      - Changing the quota of an existing mailbox needs a provider that can (mailctl's C(pop set)).
      - mailbox.org has no quota per mailbox (the plan decides); give C(create_options.plan) there instead.
    type: str
  suspended:
    description:
      - C(true) suspends the mailbox as C(mailctl pop set --suspend) does, everything the panel can suspend (cPanel
        and WHM, login and incoming mail; DirectAdmin and mailbox.org, login); C(false) lifts those suspensions.
        Left as it is when omitted.
    type: bool
  password:
    description:
      - The mailbox's password. Needed to create it; see I(update_password).
    type: str
  update_password:
    description:
      - C(on_create) sets I(password) only when the mailbox is created (a panel never shows a password, so it cannot
        be compared); C(always) sets it on every run, which then always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
  create_options:
    description:
      - The provider's own options for a new mailbox, by name, as C(mailctl pop create) takes them
        (DirectAdmin C(send_limit); mailbox.org C(plan), C(first_name), C(last_name)). One the provider does not
        take fails the task. Used only when the mailbox is created.
    type: dict
  keep_data:
    description:
      - With C(state=absent), keep the mail files on the server (cPanel and WHM).
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
- name: The sales mailbox, 2 GB
  mailctl.mail.mailbox:
    profile: prod
    address: sales@example.com
    password: "{{ vault_sales_password }}"
    quota: 2048

- name: A mailbox.org mailbox on the premium plan
  mailctl.mail.mailbox:
    provider: mailboxorg
    user: "{{ mbo_user }}"
    secret: "{{ vault_mbo_secret }}"
    address: team@example.org
    password: "{{ vault_team_password }}"
    create_options:
      plan: premium

- name: Suspend a leaver
  mailctl.mail.mailbox:
    profile: prod
    address: leaver@example.com
    suspended: true

- name: Gone, with its mail
  mailctl.mail.mailbox:
    profile: prod
    address: old@example.com
    state: absent
"""

RETURN = r"""
mailbox:
  description:
    - The mailbox as it is after the task (as it would be, in check mode); null when absent.
    - The fields of C(mailctl --json pop list); C(quota_mb) null means unlimited.
  returned: always
  type: dict
  sample: {"address": "sales@example.com", "quota_mb": 2048, "usage_bytes": 0, "suspended": false}
diff:
  description: Before and after (address, state, quota, suspended), with I(--diff).
  returned: when diff mode is on
  type: dict
error:
  description: On failure, mailctl's error class (C(code), C(exit_code) as mailctl's CLI exits, C(provider)).
  returned: failure
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailctl.mail.plugins.module_utils.mailctl_client import (
    CONNECTION_RULES, argument_spec, quota_text, run,
)


def view(address, mailbox):
    if mailbox is None:
        return {"address": address, "state": "absent"}
    return {"address": mailbox.address, "state": "present", "quota": quota_text(mailbox.quota_mb),
            "suspended": bool(mailbox.suspended)}


def suspension(client, mailbox, suspend):
    """The change_mailbox arguments that bring `mailbox` (None: about to be created) to
    suspended or not, as `mailctl pop set --suspend` / `--unsuspend`: every kind the
    provider can suspend. {} when it is so already."""
    kinds = list(client.spec.suspend_kinds) or ["login"]  # none: pop set refuses it
    if mailbox is None:
        return {"suspend_%s" % kind: True for kind in kinds} if suspend else {}
    held = mailbox.restrictions
    if held is None:  # the panel says only whether it is suspended
        return {} if bool(mailbox.suspended) == suspend else {"suspend_%s" % kind: suspend for kind in kinds}
    if suspend:
        return {"suspend_%s" % kind: True for kind in kinds if kind not in held}
    return {"suspend_%s" % kind: False for kind in kinds if kind in held}


def converge(module, client):
    from mailctl import validation

    p = module.params
    address = str(validation.address(p["address"]))
    current = client.find_mailbox(address)
    before = view(address, current)
    result = {"changed": False, "mailbox": current.to_json() if current else None}

    if p["state"] == "absent":
        if current is not None:
            result["changed"] = True
            if not module.check_mode:
                client.delete_mailbox(address, keep_data=p["keep_data"])
            result["mailbox"] = None
        after = view(address, None)
    else:
        quota = validation.quota_mb(p["quota"]) if p["quota"] is not None else None
        change = {}
        if quota is not None and (current is None or (current.quota_mb or 0) != quota):
            change["quota_mb"] = quota
        if p["suspended"] is not None:
            change.update(suspension(client, current, p["suspended"]))
        set_password = current is None or p["update_password"] == "always"
        if set_password and not p["password"]:
            module.fail_json(msg="password is needed to create %s" % address if current is None
                             else "update_password=always needs a password")
        if current is None:
            options = dict(p["create_options"] or {})
            # Everything the provider would refuse, before the first write.
            client.check_create_mailbox(address, quota, **options)
            later = {k: v for k, v in change.items() if k != "quota_mb"}
            if later:
                client.check_change_mailbox(address, **later)
            mailbox = None
            if not module.check_mode:
                mailbox = client.create_mailbox(address, p["password"], quota, **options)
                if later:
                    mailbox = client.change_mailbox(address, **later)
            result["changed"] = True
        else:
            mailbox = current
            if change:
                client.check_change_mailbox(address, **change)
                if not module.check_mode:
                    mailbox = client.change_mailbox(address, **change)
                result["changed"] = True
            if set_password:
                client.require("passwd")
                if not module.check_mode:
                    client.set_password(address, p["password"])
                result["changed"] = True
        if not module.check_mode:
            after = view(address, mailbox)
            result["mailbox"] = mailbox.to_json()
        else:  # the mailbox as it would be
            after = dict(before) if current is not None else {
                "address": address, "state": "present", "quota": "(provider default)", "suspended": False}
            if quota is not None:
                after["quota"] = quota_text(quota)
            if p["suspended"] is not None:
                after["suspended"] = p["suspended"]
            shown = current.to_json() if current is not None else {"address": address}
            shown["quota_mb"] = after["quota"] if isinstance(after["quota"], int) else (
                shown.get("quota_mb") if after["quota"] == "(provider default)" else None)
            shown["suspended"] = after["suspended"]
            result["mailbox"] = shown
        if set_password:
            after["password"] = "(set)" if current is None else "(changed)"
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


# The module's own options (the connection's are in module_utils).
ARGS = dict(
    address=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    quota=dict(type="str"),
    suspended=dict(type="bool"),
    password=dict(type="str", no_log=True),
    update_password=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
    create_options=dict(type="dict"),
    keep_data=dict(type="bool", default=False),
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
