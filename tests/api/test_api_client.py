"""mailctl.api.Client against the emulator: every verb, its checks before any request,
the audit log, and the profile path shared with the CLI."""

from __future__ import annotations

import json

import pytest

from provider_table import DEFAULT_MAILBOXES, DOMAIN, LOGIN, NEW_PASSWORD, SECRET, log_in, mail_state
from provider_table import PROVIDERS as ALL_PROVIDERS
from mailctl import errors
from mailctl.api import Client

# The API and the modules are provider-agnostic (they drive the backends through the
# spec); their tests run on these providers, whose emulator state they read. Each
# provider's own wire is tested by its suite and the table-driven ones.
PROVIDERS = tuple(p for p in ALL_PROVIDERS if p in ("directadmin", "cpanel", "whm", "mailboxorg"))


def client_for(emu, provider: str, secret: str = SECRET, **kwargs) -> Client:
    if provider == "whm":  # WHM lists the domains of one cPanel account
        kwargs.setdefault("options", {"cpanel_user": "demo"})
    return Client(provider=provider, url=emu.url, user=LOGIN[provider], secret=secret, **kwargs)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_list_create_password_delete(emu, provider):
    with client_for(emu, provider) as client:
        assert DOMAIN in [d.name for d in client.domains()]
        assert sorted(m.address for m in client.mailboxes(DOMAIN)) == DEFAULT_MAILBOXES
        options = {"plan": "premium"} if provider == "mailboxorg" else {}
        quota = None if provider == "mailboxorg" else 100
        created = client.create_mailbox("new@example.com", NEW_PASSWORD, quota_mb=quota, **options)
        assert created.address == "new@example.com"
        state = mail_state(emu, provider)
        assert state.has_mailbox("new@example.com")
        if quota:
            assert state.mailbox("new@example.com").quota_mb == 100
        assert client.find_mailbox("NEW@example.com").address == "new@example.com"
        assert client.find_mailbox("nobody@example.com") is None
        client.set_password("new@example.com", "An0ther-Mailbox-pass")
        assert state.mailbox("new@example.com").password == "An0ther-Mailbox-pass"
        client.delete_mailbox("new@example.com")
        assert not state.has_mailbox("new@example.com")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_check_and_login(emu, provider):
    with client_for(emu, provider) as client:
        assert client.login().authenticated
        info = client.check()
        assert (info.provider, info.user, info.secret_source) == (provider, LOGIN[provider], "given")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_wrong_secret_is_an_auth_error_without_the_secret(emu, provider):
    with client_for(emu, provider, secret="Wr0ng-secret-value") as client:
        with pytest.raises(errors.AuthError) as caught:
            client.mailboxes(DOMAIN)
    exc = caught.value
    assert (exc.exit_code, exc.provider) == (4, provider)
    assert "Wr0ng-secret-value" not in exc.message


def test_bad_input_is_refused_before_anything_is_sent(emu):
    client = client_for(emu, "directadmin")
    emu.clear_requests()
    for call in (lambda: client.create_mailbox("not-an-address", NEW_PASSWORD),
                 lambda: client.create_mailbox("x@example.com", ""),
                 lambda: client.create_mailbox("x@example.com", NEW_PASSWORD, quota_mb="lots"),
                 lambda: client.create_mailbox("x@example.com", NEW_PASSWORD, plan="premium"),
                 lambda: client.mailboxes("bad domain"),
                 lambda: client.delete_mailbox("a@example.com", keep_data=True),
                 lambda: client.set_password("a@example.com", "x\ny")):
        with pytest.raises(errors.UsageError) as caught:
            call()
        assert caught.value.exit_code == 2
    assert emu.requests == []


def test_unsupported_operation_raises_from_the_spec_before_any_request(emu):
    client = client_for(emu, "mailboxorg")
    emu.clear_requests()
    assert not client.supports("account passwd")
    with pytest.raises(errors.Unsupported) as caught:
        client.change_account_password("demo", NEW_PASSWORD)
    assert (caught.value.exit_code, caught.value.code, caught.value.provider) == (2, "unsupported", "mailboxorg")
    assert emu.requests == []


def test_account_password(emu):
    with Client("directadmin", emu.url, "admin", SECRET) as client:
        result = client.change_account_password("demo", "Acc0unt-pass-new")
    assert result.user == "demo"
    assert emu.state.directadmin.users["demo"].password == "Acc0unt-pass-new"


def test_explicit_settings_are_checked():
    with pytest.raises(errors.UsageError):
        Client(provider="nosuchpanel", url="https://panel.example.com", user="demo")
    with pytest.raises(errors.UsageError, match="plain http"):
        Client(provider="cpanel", url="http://panel.example.com", user="demo")
    with pytest.raises(errors.UsageError):
        Client(provider="cpanel", url="https://panel.example.com", user="demo", options={"login_as": "bob"})
    with pytest.raises(errors.UsageError, match="SHA-256"):
        Client(provider="cpanel", url="https://panel.example.com", user="demo", pin_sha256="abc")
    client = Client(provider="mailboxorg", user="demo")
    assert client.profile.url == "https://api.mailbox.org"


def test_no_secret_at_all_is_no_credentials(emu, monkeypatch):
    monkeypatch.delenv("MAILCTL_SECRET", raising=False)
    with pytest.raises(errors.NoCredentials):
        Client("cpanel", emu.url, "demo").domains()
    monkeypatch.setenv("MAILCTL_SECRET", SECRET)
    assert [d.name for d in Client("cpanel", emu.url, "demo").domains()] == [DOMAIN]


def test_writes_are_audited_and_never_hold_a_password(emu, tmp_path):
    path = tmp_path / "audit.jsonl"
    with client_for(emu, "cpanel", audit=path, name="panel1") as client:
        client.create_mailbox("new@example.com", NEW_PASSWORD)
        with pytest.raises(errors.ProviderRefused):
            client.create_mailbox("new@example.com", NEW_PASSWORD)
        client.domains()
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["profile"], e["command"], e["target"], e["outcome"]) for e in entries] == [
        ("panel1", "pop create", "new@example.com", "ok"),
        ("panel1", "pop create", "new@example.com", "failed"),
    ]
    assert NEW_PASSWORD not in path.read_text()


def test_default_audit_log_is_the_clis(emu, cli):
    with client_for(emu, "directadmin") as client:
        client.create_mailbox("new@example.com", NEW_PASSWORD)
    shown = cli("--json", "audit")
    assert shown.exit_code == 0, shown.stderr
    assert [(e["profile"], e["command"], e["target"]) for e in shown.json] == [
        ("api", "pop create", "new@example.com")]


@pytest.mark.parametrize("provider", ["directadmin", "whm"])
def test_from_profile_reads_the_clis_profile_and_keyring(emu, cli, provider):
    name = log_in(cli, emu, provider, name="prod")
    with Client.from_profile("prod") as client:
        assert sorted(m.address for m in client.mailboxes(DOMAIN)) == DEFAULT_MAILBOXES
        assert client.check().secret_source == "keyring"
    # The only profile is the default, as for the CLI.
    assert Client.from_profile().profile.name == name


def test_from_profile_with_a_given_secret_and_unknown_profile(emu, cli):
    from provider_table import add_profile

    add_profile(cli, emu, "cpanel", name="stage")
    with pytest.raises(errors.NoCredentials):
        Client.from_profile("stage").domains()
    assert [d.name for d in Client.from_profile("stage", secret=SECRET).domains()] == [DOMAIN]
    with pytest.raises(errors.NotFound) as caught:
        Client.from_profile("missing")
    assert caught.value.exit_code == 3


def test_whm_per_command_option(emu, cli):
    client = Client("whm", emu.url, "root", SECRET, options={"cpanel_user": "demo"})
    assert sorted(m.address for m in client.mailboxes(DOMAIN)) == DEFAULT_MAILBOXES


def test_client_is_exported_lazily_from_the_package():
    import mailctl

    assert mailctl.Client is Client
