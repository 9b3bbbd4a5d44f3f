"""The rest of a mailbox's life through the API (pop show, pop set, aliases), on every
provider that declares it; one that does not raises Unsupported before any request."""

from __future__ import annotations

import pytest

from provider_table import LOGIN, PROVIDERS as ALL_PROVIDERS, SECRET, mail_state
from mailctl import errors, providers
from mailctl.api import Client

# The API and the modules are provider-agnostic (they drive the backends through the
# spec); their tests run on these providers, whose emulator state they read. Each
# provider's own wire is tested by its suite and the table-driven ones.
PROVIDERS = tuple(p for p in ALL_PROVIDERS if p in ("directadmin", "cpanel", "whm", "mailboxorg"))


def having(*operations):
    return [p for p in PROVIDERS if set(operations) <= providers.spec(p).operations]


def client_for(emu, provider) -> Client:
    options = {"cpanel_user": "demo"} if provider == "whm" else None
    return Client(provider, emu.url, LOGIN[provider], SECRET, options=options)


CALLS = {
    "pop show": lambda c: c.mailbox("info@example.com"),
    "pop set": lambda c: c.change_mailbox("info@example.com", quota_mb=10),
    "alias list": lambda c: c.aliases("example.com"),
    "alias add": lambda c: c.add_alias("team@example.com", ["info@example.com"]),
    "alias remove": lambda c: c.remove_alias("team@example.com"),
    "account passwd": lambda c: c.change_account_password("demo", "Acc0unt-pass-new"),
}


@pytest.mark.parametrize("provider", ALL_PROVIDERS)
def test_what_a_provider_lacks_is_unsupported_before_any_request(emu, provider):
    spec = providers.spec(provider)
    client = client_for(emu, provider)
    emu.clear_requests()
    for operation, call in CALLS.items():
        if operation in spec.operations:
            continue
        with pytest.raises(errors.Unsupported) as caught:
            call(client)
        assert caught.value.exit_code == 2 and operation in caught.value.message
    assert emu.requests == []


@pytest.mark.parametrize("provider", having("pop show"))
def test_mailbox_shows_one_or_not_found(emu, provider):
    with client_for(emu, provider) as client:
        assert client.mailbox("sales@example.com").address == "sales@example.com"
        with pytest.raises(errors.NotFound) as caught:
            client.mailbox("nobody@example.com")
        assert caught.value.exit_code == 3
        assert client.find_mailbox("nobody@example.com") is None


@pytest.mark.parametrize("provider", [p for p in having("pop set") if providers.spec(p).takes_quota])
def test_change_mailbox_quota(emu, provider):
    with client_for(emu, provider) as client:
        changed = client.change_mailbox("sales@example.com", quota_mb=750)
    assert changed.quota_mb == 750
    assert mail_state(emu, provider).mailbox("sales@example.com").quota_mb == 750


def test_change_mailbox_needs_something_to_change(emu):
    client = client_for(emu, "cpanel")
    emu.clear_requests()
    with pytest.raises(errors.UsageError, match="nothing to change"):
        client.change_mailbox("info@example.com")
    assert emu.requests == []


@pytest.mark.parametrize("provider", having("alias list", "alias add", "alias remove"))
def test_aliases_add_list_remove(emu, provider):
    # On mailbox.org only a mailbox's own address forwards to several.
    address = "sales@example.com" if provider == "mailboxorg" else "team@example.com"
    with client_for(emu, provider) as client:
        added = client.add_alias(address, ["info@example.com", "ARCHIVE@example.net"])
        assert sorted(added.destinations) == ["archive@example.net", "info@example.com"]
        assert address in [a.address for a in client.aliases("example.com")]
        with pytest.raises(errors.AlreadyExists):
            client.add_alias(address, ["info@example.com"])
        left = client.remove_alias(address, ["archive@example.net"])
        assert left is not None and list(left.destinations) == ["info@example.com"]
        assert client.remove_alias(address) is None
        assert client.find_alias(address) is None
        with pytest.raises(errors.NotFound):
            client.remove_alias(address)


@pytest.mark.parametrize("provider", [p for p in having("pop set") if providers.spec(p).takes_quota][:1])
def test_change_is_audited_with_the_previous_values(emu, provider, tmp_path):
    import json

    path = tmp_path / "audit.jsonl"
    with Client(provider, emu.url, LOGIN[provider], SECRET, audit=path) as client:
        client.change_mailbox("sales@example.com", quota_mb=900)
        with pytest.raises(errors.NotFound):
            client.change_mailbox("nobody@example.com", quota_mb=900)
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["command"], e["outcome"]) for e in entries] == [("pop set", "ok")]
    assert entries[0]["changes"]["quota_mb"] == [500, 900]


@pytest.mark.parametrize("provider", [p for p in having("pop set") if providers.spec(p).suspend_kinds])
def test_suspend_and_lift(emu, provider):
    with client_for(emu, provider) as client:
        kind = providers.spec(provider).suspend_kinds[0]
        assert client.change_mailbox("info@example.com", **{f"suspend_{kind}": True}).suspended is True
        assert client.mailbox("info@example.com").suspended is True
        assert client.change_mailbox("info@example.com", **{f"suspend_{kind}": False}).suspended is False
