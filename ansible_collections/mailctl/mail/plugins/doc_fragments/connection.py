# -*- coding: utf-8 -*-
# The connection options every module of mailctl.mail takes.

from __future__ import annotations


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  profile:
    description:
      - A mailctl profile (of C(config.toml), see C(mailctl profile add)) to connect with, as C(mailctl -p PROFILE) does.
      - Its secret comes from I(secret), else the C(MAILCTL_SECRET) environment variable, else the OS keyring of the
        user running the module (what C(mailctl session login) stored).
      - Give either I(profile) or I(provider) with I(user) (and I(url)).
    type: str
  provider:
    description:
      - The panel's kind, for a connection given by these options instead of a profile.
    type: str
    choices: [directadmin, cpanel, whm, mailboxorg, mailcow, plesk, ispconfig, virtualmin]
  url:
    description:
      - The panel's base URL, such as C(https://panel.example.com:2222).
      - HTTPS; plain HTTP only to a loopback address. May be left out for mailbox.org.
    type: str
  user:
    description:
      - The login on the panel.
    type: str
  secret:
    description:
      - The login's password, API token or login key. Keep it in Ansible Vault.
      - Without it, C(MAILCTL_SECRET) is read, and with I(profile) the OS keyring.
      - Never shown in output, logs or error messages.
    type: str
  provider_options:
    description:
      - The provider's own connection options by name, as C(mailctl profile add) takes them, over the profile's.
      - DirectAdmin C(login_as) (act as that user), WHM C(cpanel_user) (the cPanel account to manage).
    type: dict
  ca_bundle:
    description:
      - A CA certificate bundle (PEM) to verify the panel's certificate with. Not with I(profile).
    type: path
  pin_sha256:
    description:
      - The SHA-256 fingerprint of the panel's certificate; the connection fails on any other. Not with I(profile).
    type: str
  validate_certs:
    description:
      - Whether to verify the panel's TLS certificate. C(false) only for a lab panel. Not with I(profile).
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each answer of the panel.
    type: float
requirements:
  - mailctl (the Python package, on the controller, in the interpreter that runs the module)
notes:
  - "The modules talk to the panel from where they run: use C(connection: local) or C(delegate_to: localhost), with
    one inventory host per panel."
  - Every change is recorded in mailctl's audit log of the user running the module (C(mailctl audit)).
"""
