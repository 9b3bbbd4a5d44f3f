"""The write methods keep applying the provider's rules, so a caller that skips the CLI
(a script using the backends, a bulk operation) is held to them; the checks themselves
never need the password or the network."""

from __future__ import annotations

import io
import os

import pytest

from checks_support import NEW_PASSWORD, PROVIDERS, addresses
from mailctl.errors import UsageError
from mailctl.models import NewMailbox
from mailctl.validation import address


@pytest.fixture
def backend_of(logged_in):
    """backend_of(provider): the default profile's backend as the CLI builds it."""
    from mailctl.cli.runtime import Runtime
    from mailctl.environment import Environment

    runtimes = []

    def build(provider: str):
        logged_in(provider)
        runtime = Runtime(Environment(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                      environ=dict(os.environ)))
        runtimes.append(runtime)
        return runtime.backend()

    yield build
    for runtime in runtimes:
        runtime.close()


REFUSED = [
    ("directadmin", NewMailbox(address("plus+tag@example.com"), NEW_PASSWORD), "'+'"),
    ("directadmin", NewMailbox(address("new@example.com"), NEW_PASSWORD, options={"plan": "light"}), "--plan: directadmin takes no plan"),
    ("cpanel", NewMailbox(address("cpanel@example.com"), NEW_PASSWORD), "reserves the name 'cpanel'"),
    ("whm", NewMailbox(address("cpanel@example.com"), NEW_PASSWORD), "reserves the name 'cpanel'"),
    ("whm", NewMailbox(address("new@example.com"), NEW_PASSWORD, options={"send_limit": 5}), "--send-limit: whm takes no send limit"),
    ("mailboxorg", NewMailbox(address("new@example.com"), NEW_PASSWORD, quota_mb=0), "--quota: mailbox.org has no quota"),
    ("mailboxorg", NewMailbox(address("new@example.com"), NEW_PASSWORD, options={"first_name": ""}), "--first-name: the name is empty"),
]


@pytest.mark.parametrize(("provider", "new", "message"), REFUSED)
def test_create_mailbox_applies_the_rules_itself(emu, backend_of, provider, new, message):
    backend = backend_of(provider)
    before = addresses(emu, provider)
    with pytest.raises(UsageError) as refused:
        backend.create_mailbox(new)
    assert message in refused.value.message
    assert refused.value.provider == provider
    assert emu.requests == []
    assert addresses(emu, provider) == before


@pytest.mark.parametrize("provider", ["directadmin", "cpanel", "whm"])
def test_change_password_refuses_require_reset_itself(emu, backend_of, provider):
    backend = backend_of(provider)
    assert backend.spec.require_reset is False
    with pytest.raises(UsageError, match="--require-reset"):
        backend.change_password(address("info@example.com"), NEW_PASSWORD, require_reset=True)
    assert emu.requests == []


@pytest.mark.parametrize("provider", ["directadmin", "mailboxorg"])
def test_delete_mailbox_refuses_keep_data_itself(emu, backend_of, provider):
    backend = backend_of(provider)
    with pytest.raises(UsageError, match="--keep-data"):
        backend.delete_mailbox(address("sales@example.com"), keep_data=True)
    assert emu.requests == []
    assert "sales@example.com" in addresses(emu, provider)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_checks_pass_what_the_provider_takes_without_a_password_or_a_request(emu, backend_of, provider):
    backend = backend_of(provider)
    quota, options = {"directadmin": (10, {"send_limit": 50}), "cpanel": (10, {}), "whm": (0, {}), "virtualmin": (10, {}),
                      "mailboxorg": (None, {"plan": "premium", "first_name": "Ada", "last_name": "Lovelace"})}[provider]
    backend.check_new_mailbox(NewMailbox(address("first.last@example.com"), "", quota, options))
    backend.check_password_change(require_reset=provider == "mailboxorg")
    backend.check_delete(keep_data=provider in ("cpanel", "whm"))
    assert emu.requests == []
