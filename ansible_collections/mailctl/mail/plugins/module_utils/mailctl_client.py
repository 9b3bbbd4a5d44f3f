# -*- coding: utf-8 -*-
# What every module of mailctl.mail shares: the connection options, opening a
# mailctl.api.Client from them, and reporting mailctl's errors. The logic is mailctl's.

from __future__ import annotations

import traceback

from ansible.module_utils.basic import missing_required_lib

try:
    from mailctl import errors as mailctl_errors
    from mailctl.api import Client
    from mailctl.providers import NAMES as PROVIDER_NAMES
except ImportError:
    HAS_MAILCTL = False
    MAILCTL_IMPORT_ERROR = traceback.format_exc()
    PROVIDER_NAMES = None
else:
    HAS_MAILCTL = True
    MAILCTL_IMPORT_ERROR = None

# The providers of the mailctl installed; without mailctl any name passes the argument
# check and the task then fails with missing_required_lib.
PROVIDERS = list(PROVIDER_NAMES) if PROVIDER_NAMES else None

CONNECTION_ARGS = dict(
    profile=dict(type="str"),
    provider=dict(type="str", choices=PROVIDERS),
    url=dict(type="str"),
    user=dict(type="str"),
    secret=dict(type="str", no_log=True),
    provider_options=dict(type="dict"),
    ca_bundle=dict(type="path"),
    pin_sha256=dict(type="str"),
    validate_certs=dict(type="bool", default=True),
    timeout=dict(type="float"),
)

CONNECTION_RULES = dict(
    mutually_exclusive=[("profile", "provider"), ("profile", "url"), ("profile", "user"),
                        ("profile", "ca_bundle"), ("profile", "pin_sha256")],
    required_one_of=[("profile", "provider")],
    required_by={"provider": ("user",)},
)


def argument_spec(**module_args):
    spec = dict(CONNECTION_ARGS)
    spec.update(module_args)
    return spec


def require_mailctl(module):
    if not HAS_MAILCTL:
        module.fail_json(msg=missing_required_lib("mailctl"), exception=MAILCTL_IMPORT_ERROR)


def open_client(module):
    """A mailctl.api.Client for the module's connection options."""
    require_mailctl(module)
    p = module.params
    if p["profile"] is not None:
        if not p["validate_certs"]:
            module.fail_json(msg="validate_certs goes with an explicit connection; a profile keeps its own TLS settings")
        return Client.from_profile(p["profile"], secret=p["secret"], options=p["provider_options"],
                                   timeout=p["timeout"])
    return Client(provider=p["provider"], url=p["url"], user=p["user"], secret=p["secret"],
                  ca_bundle=p["ca_bundle"], pin_sha256=p["pin_sha256"], verify=p["validate_certs"],
                  options=p["provider_options"], timeout=p["timeout"])


def error_result(exc):
    """What a failed task returns for a mailctl error: its one-line message and its exit
    class (the CLI's code and exit status) in msg, and both as fields."""
    return dict(
        msg="%s (mailctl %s, exit %d)" % (exc.message, exc.code, exc.exit_code),
        error=dict(code=exc.code, exit_code=exc.exit_code, provider=exc.provider, details=list(exc.details)),
    )


def run(module, action):
    """Run action(client) -> result dict, then exit_json; a mailctl error fails the task."""
    try:
        client = open_client(module)
        with client:
            result = action(client)
    except mailctl_errors.MailctlError as exc:
        module.fail_json(**error_result(exc))
    module.exit_json(**result)


def quota_text(quota_mb):
    """A mailbox's quota as the modules show it: MB, or 'unlimited'."""
    return "unlimited" if quota_mb in (None, 0) else quota_mb
