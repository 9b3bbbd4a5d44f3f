"""Desired state through the API (mailctl.api.plan_estate / apply_estate): the same
plan and the same writes as `mailctl plan` / `apply`, across several panels at once,
with the emulator's state asserted."""

from __future__ import annotations

import pytest

from provider_table import LOGIN, SECRET, mail_state, write_of
from mailctl import errors
from mailctl.api import Client, apply_estate, load_estate, plan_estate

NEW_PASSWORD = "Est4te-api-mailbox"


def client_for(emu, provider, name) -> Client:
    options = {"cpanel_user": "demo"} if provider == "whm" else None
    return Client(provider, emu.url, LOGIN[provider], SECRET, options=options, name=name, audit=False)


def estate(**domains) -> dict:
    """{profile: {"example.com": table}} from profile=table keyword arguments."""
    return {profile: {"example.com": table} for profile, table in domains.items()}


def writes(emu) -> list:
    return [w for w in (write_of(r) for r in emu.requests) if w is not None]


@pytest.fixture
def clients(emu):
    opened = {"da": client_for(emu, "directadmin", "da"), "cp": client_for(emu, "cpanel", "cp")}
    yield opened
    for client in opened.values():
        client.close()


KEEP = {"info": {}, "sales": {"quota": "500M"}}


def test_plan_across_two_panels_names_each_change(emu, clients):
    declared = estate(da={"mailboxes": {**KEEP, "new": {"quota": 100}}},
                      cp={"mailboxes": {"info": {"quota": "1G"}, "sales": {}}})

    plan = plan_estate(declared, clients=clients)

    assert [(c.profile, c.action, c.kind, c.address) for c in plan.changes] == [
        ("da", "create", "mailbox", "new@example.com"), ("cp", "change", "mailbox", "info@example.com")]
    assert plan.changes[1].before == {"quota_mb": None} and plan.changes[1].after == {"quota_mb": 1024}
    assert plan.unchanged == 3
    assert writes(emu) == []


def test_apply_makes_the_changes_then_reads_in_sync_and_a_second_apply_writes_nothing(emu, clients):
    declared = estate(da={"mailboxes": {**KEEP, "new": {"quota": 100}}},
                      cp={"mailboxes": {"info": {"quota": "1G"}, "sales": {}}})

    result = apply_estate(declared, {"new@example.com": NEW_PASSWORD}, clients=clients)

    assert result.failures == [] and result.in_sync and result.changed
    assert mail_state(emu, "directadmin").mailbox("new@example.com").quota_mb == 100
    assert mail_state(emu, "cpanel").mailbox("info@example.com").quota_mb == 1024
    emu.clear_requests()
    again = apply_estate(declared, clients=clients)
    assert again.plan.changes == [] and not again.changed and again.in_sync
    assert writes(emu) == []


def test_a_new_mailbox_without_a_password_is_refused_before_any_write(emu, clients):
    declared = estate(da={"mailboxes": {**KEEP, "new": {}, "other": {}}})

    with pytest.raises(errors.UsageError) as caught:
        apply_estate(declared, {"new@example.com": NEW_PASSWORD}, clients=clients)

    assert caught.value.exit_code == 2 and caught.value.details == ["other@example.com"]
    assert writes(emu) == []


def test_generated_passwords_are_returned_and_work(emu, clients):
    declared = estate(da={"mailboxes": {**KEEP, "new": {}}})

    result = apply_estate(declared, generate_passwords=True, clients=clients)

    password = result.generated["new@example.com"]
    assert len(password) >= 16
    assert mail_state(emu, "directadmin").mailbox("new@example.com").password == password


def test_prune_deletes_beyond_max_deletes_are_refused(emu, clients):
    declared = estate(da={"mailboxes": {}})

    with pytest.raises(errors.UsageError, match="deletes 2 mailboxes"):
        apply_estate(declared, prune=True, max_deletes=1, clients=clients)
    assert sorted(mail_state(emu, "directadmin").addresses("example.com")) == ["info@example.com",
                                                                               "sales@example.com"]
    result = apply_estate(declared, prune=True, max_deletes=2, clients=clients)
    assert result.in_sync and mail_state(emu, "directadmin").addresses("example.com") == []


def test_a_failed_change_is_reported_not_raised_and_the_rest_is_made(emu, clients):
    declared = estate(da={"mailboxes": {**KEEP, "new": {}}}, cp={"mailboxes": {"info": {"quota": 50}, "sales": {}}})
    emu.add_fault(kind="500", provider="cpanel", path="/execute/Email/edit_pop_quota")

    result = apply_estate(declared, {"new@example.com": NEW_PASSWORD}, clients=clients)

    assert [(c.address, e.exit_code) for c, e in result.failures] == [("info@example.com", 5)]
    assert [c.address for c in result.done] == ["new@example.com"]
    assert not result.in_sync and [c.address for c in result.after.changes] == ["info@example.com"]


def test_profiles_come_from_config_toml_when_no_client_is_given(emu, tmp_path, cli):
    from provider_table import log_in

    name = log_in(cli, emu, "directadmin")
    declared = {name: {"example.com": {"mailboxes": {"info": {"quota": 10}, "sales": {}}}}}

    plan = plan_estate(declared)

    assert [(c.profile, c.address, c.after) for c in plan.changes] == [(name, "info@example.com", {"quota_mb": 10})]


def test_an_unknown_profile_and_a_broken_file_are_usage_errors(emu, tmp_path, clients):
    with pytest.raises(errors.UsageError) as caught:
        plan_estate(estate(nosuch={"mailboxes": {}}), clients=clients)
    assert "nosuch: no such profile" in caught.value.details[0]

    path = tmp_path / "estate.toml"
    path.write_text('[da."example.com"]\nmailboxes.info = { quota = "lots" }\n')
    with pytest.raises(errors.UsageError) as caught:
        load_estate(path)
    assert str(path) in caught.value.message or any(str(path) in d for d in caught.value.details)
    assert writes(emu) == []
