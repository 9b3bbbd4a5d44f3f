"""The modules' decisions (what changes, check mode, diffs, idempotence), run in-process
against the emulator: each module's converge() with a stand-in for AnsibleModule. The
real ansible-playbook runs are in test_ansible_collection.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("ansible.module_utils.basic", reason="ansible-core is not installed (pip install -e '.[ansible]')")

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ansible_collections.mailctl.mail.plugins.modules import alias as alias_module  # noqa: E402
from ansible_collections.mailctl.mail.plugins.modules import mailbox as mailbox_module  # noqa: E402
from ansible_collections.mailctl.mail.plugins.modules import mailbox_info as info_module  # noqa: E402
from ansible_collections.mailctl.mail.plugins.module_utils import mailctl_client  # noqa: E402

from provider_table import LOGIN, PROVIDERS as ALL_PROVIDERS, SECRET, mail_state  # noqa: E402
from mailctl import errors, providers  # noqa: E402
from mailctl.api import Client  # noqa: E402
from mailctl.emulator import Emulator  # noqa: E402

# The API and the modules are provider-agnostic (they drive the backends through the
# spec); their tests run on these providers, whose emulator state they read. Each
# provider's own wire is tested by its suite and the table-driven ones.
PROVIDERS = tuple(p for p in ALL_PROVIDERS if p in ("directadmin", "cpanel", "whm", "mailboxorg"))

PASSWORD = "M0dule-mailbox-pass"
WITH_QUOTA = [p for p in PROVIDERS if providers.spec(p).takes_quota]
CAN_SET = [p for p in PROVIDERS if providers.spec(p).supports("pop set") and providers.spec(p).takes_quota]
CAN_SUSPEND = [p for p in PROVIDERS if providers.spec(p).supports("pop set") and providers.spec(p).suspend_kinds]
WITH_ALIASES = [p for p in PROVIDERS if {"alias list", "alias add", "alias remove"} <= providers.spec(p).operations]


class Failed(Exception):
    pass


class FakeModule:
    """What converge() uses of AnsibleModule."""

    def __init__(self, params: dict, *, check_mode: bool = False, diff: bool = True):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff

    def fail_json(self, **result):
        raise Failed(result["msg"])


def params(module, **given) -> dict:
    spec = {**mailctl_client.CONNECTION_ARGS, **module.ARGS}
    return {name: given.get(name, option.get("default")) for name, option in spec.items()}


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


def client(emu, provider):
    options = {"cpanel_user": "demo"} if provider == "whm" else None
    return Client(provider, emu.url, LOGIN[provider], SECRET, options=options, audit=False)


def run_mailbox(emu, provider, check_mode=False, **given):
    module = FakeModule(params(mailbox_module, **given), check_mode=check_mode)
    with client(emu, provider) as c:
        return mailbox_module.converge(module, c)


def writes(emu):
    return emu.state.revision


@pytest.mark.parametrize("provider", PROVIDERS)
def test_mailbox_created_once_then_unchanged_then_absent(emu, provider):
    quota = "300" if provider in WITH_QUOTA else None
    first = run_mailbox(emu, provider, address="New@Example.com", password=PASSWORD, quota=quota)
    assert first["changed"] and first["mailbox"]["address"] == "new@example.com"
    assert first["diff"]["before"] == {"address": "new@example.com", "state": "absent"}
    assert first["diff"]["after"]["state"] == "present"
    box = mail_state(emu, provider).mailbox("new@example.com")
    assert box.password == PASSWORD
    if quota:
        assert box.quota_mb == 300
    revision = writes(emu)
    again = run_mailbox(emu, provider, address="new@example.com", password="ignored-On-create1", quota=quota)
    assert not again["changed"] and again["diff"]["before"] == again["diff"]["after"]
    assert writes(emu) == revision and box.password == PASSWORD
    gone = run_mailbox(emu, provider, address="new@example.com", state="absent")
    assert gone["changed"] and gone["mailbox"] is None
    assert not mail_state(emu, provider).has_mailbox("new@example.com")
    assert not run_mailbox(emu, provider, address="new@example.com", state="absent")["changed"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_mailbox_check_mode_reports_and_sends_no_write(emu, provider):
    revision = writes(emu)
    result = run_mailbox(emu, provider, check_mode=True, address="new@example.com", password=PASSWORD)
    assert result["changed"] and result["diff"]["after"]["state"] == "present"
    deleted = run_mailbox(emu, provider, check_mode=True, address="sales@example.com", state="absent")
    assert deleted["changed"] and deleted["diff"]["after"] == {"address": "sales@example.com", "state": "absent"}
    assert writes(emu) == revision
    assert mail_state(emu, provider).has_mailbox("sales@example.com")
    assert not mail_state(emu, provider).has_mailbox("new@example.com")


def test_update_password_always_sets_it_every_run(emu):
    result = run_mailbox(emu, "cpanel", address="info@example.com", password=PASSWORD, update_password="always")
    assert result["changed"]
    assert mail_state(emu, "cpanel").mailbox("info@example.com").password == PASSWORD


def test_create_needs_a_password_and_refused_options_fail_before_any_write(emu):
    revision = writes(emu)
    with pytest.raises(Failed, match="password is needed"):
        run_mailbox(emu, "directadmin", address="new@example.com")
    with pytest.raises(Failed, match="needs a password"):
        run_mailbox(emu, "directadmin", address="info@example.com", update_password="always")
    with pytest.raises(errors.UsageError, match="quota"):
        run_mailbox(emu, "mailboxorg", address="new@example.com", password=PASSWORD, quota="100")
    with pytest.raises(errors.UsageError):
        run_mailbox(emu, "cpanel", address="new@example.com", password=PASSWORD, create_options={"plan": "premium"})
    assert writes(emu) == revision


def test_error_result_carries_message_and_exit_class():
    exc = errors.AuthError("the panel refused the login", provider="cpanel")
    result = mailctl_client.error_result(exc)
    assert result["msg"] == "the panel refused the login (mailctl auth, exit 4)"
    assert result["error"]["exit_code"] == 4 and result["error"]["provider"] == "cpanel"


@pytest.mark.parametrize("provider", CAN_SET)
def test_quota_of_an_existing_mailbox_converges(emu, provider):
    check = run_mailbox(emu, provider, check_mode=True, address="sales@example.com", quota="800")
    assert check["changed"] and check["diff"]["after"]["quota"] == 800
    assert mail_state(emu, provider).mailbox("sales@example.com").quota_mb == 500
    assert run_mailbox(emu, provider, address="sales@example.com", quota="800")["changed"]
    assert mail_state(emu, provider).mailbox("sales@example.com").quota_mb == 800
    assert not run_mailbox(emu, provider, address="sales@example.com", quota="800")["changed"]
    assert run_mailbox(emu, provider, address="sales@example.com", quota="unlimited")["mailbox"]["quota_mb"] is None


@pytest.mark.parametrize("provider", CAN_SUSPEND)
def test_suspension_converges(emu, provider):
    first = run_mailbox(emu, provider, address="info@example.com", suspended=True)
    assert first["changed"] and first["mailbox"]["suspended"] is True
    assert not run_mailbox(emu, provider, address="info@example.com", suspended=True)["changed"]
    lifted = run_mailbox(emu, provider, address="info@example.com", suspended=False)
    assert lifted["changed"] and lifted["mailbox"]["suspended"] is False
    assert not run_mailbox(emu, provider, address="info@example.com", suspended=False)["changed"]


def run_alias(emu, provider, check_mode=False, **given):
    module = FakeModule(params(alias_module, **given), check_mode=check_mode)
    with client(emu, provider) as c:
        return alias_module.converge(module, c)


# An address that may forward to several: on mailbox.org only a mailbox's own address
# can (another address is an alias of one mailbox).
MULTI = {"mailboxorg": "sales@example.com"}


def destinations(emu, provider, address):
    with client(emu, provider) as c:
        found = c.find_alias(address)
    return None if found is None else sorted(found.destinations)


@pytest.mark.parametrize("provider", WITH_ALIASES)
def test_alias_converges_appends_and_goes(emu, provider):
    address = MULTI.get(provider, "team@example.com")
    one, two = "info@example.com", "archive@example.net"
    check = run_alias(emu, provider, check_mode=True, address=address, destinations=[one])
    assert check["changed"] and destinations(emu, provider, address) is None
    assert check["diff"]["after"] == {"address": address, "state": "present", "destinations": [one]}
    assert run_alias(emu, provider, address=address, destinations=[one])["changed"]
    assert destinations(emu, provider, address) == [one]
    revision = emu.state.revision
    assert not run_alias(emu, provider, address=address, destinations=[one.upper()])["changed"]
    assert emu.state.revision == revision
    assert run_alias(emu, provider, address=address, destinations=[two], append=True)["changed"]
    assert destinations(emu, provider, address) == [two, one]
    exact = run_alias(emu, provider, address=address, destinations=[two])
    assert exact["changed"] and exact["diff"]["after"]["destinations"] == [two]
    assert destinations(emu, provider, address) == [two]
    assert run_alias(emu, provider, address=address, state="absent")["changed"]
    assert destinations(emu, provider, address) is None
    assert not run_alias(emu, provider, address=address, state="absent")["changed"]


@pytest.mark.parametrize("provider", WITH_ALIASES)
def test_alias_of_one_mailbox_is_pointed_elsewhere(emu, provider):
    assert run_alias(emu, provider, address="team@example.com", destinations=["info@example.com"])["changed"]
    moved = run_alias(emu, provider, address="team@example.com", destinations=["sales@example.com"])
    assert moved["changed"] and moved["alias"]["destinations"] == ["sales@example.com"]
    assert destinations(emu, provider, "team@example.com") == ["sales@example.com"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_mailbox_info(emu, provider):
    module = FakeModule(params(info_module, domain="example.com"))
    with client(emu, provider) as c:
        result = info_module.gather(module, c)
    assert not result["changed"]
    assert sorted(m["address"] for m in result["mailboxes"]) == ["info@example.com", "sales@example.com"]
    assert (result["aliases"] is None) == (provider not in WITH_ALIASES and
                                           "alias list" not in providers.spec(provider).operations)


def test_connection_from_a_profile_uses_the_clis_profile_and_keyring(emu, cli):
    from provider_table import log_in

    log_in(cli, emu, "directadmin", name="prod")
    module = FakeModule(params(info_module, profile="prod", domain="example.com"))
    with mailctl_client.open_client(module) as c:
        assert c.profile.name == "prod" and c.check().secret_source == "keyring"
        assert len(info_module.gather(module, c)["mailboxes"]) == 2
    with pytest.raises(Failed, match="validate_certs"):
        mailctl_client.open_client(FakeModule(params(info_module, profile="prod", validate_certs=False)))


def test_explicit_connection_options_reach_the_client(emu):
    module = FakeModule(params(info_module, provider="whm", url=emu.url, user="root", secret=SECRET,
                               provider_options={"cpanel_user": "demo"}, timeout=7.5))
    with mailctl_client.open_client(module) as c:
        assert c.profile.options == {"cpanel_user": "demo"}
        assert [d["name"] for d in info_module.gather(FakeModule(params(info_module)), c)["domains"]] == [
            "example.com"]
