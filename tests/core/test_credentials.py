"""Secrets: keyring, MAILCTL_SECRET, the plaintext opt-in, and reading new passwords."""

import io
import stat
import string

import keyring
import pytest
from keyring.backends import fail

from mailctl.config import Profile
from mailctl.credentials import Credentials, PasswordSource, generate_password
from mailctl.environment import Environment
from mailctl.errors import KeyringUnavailable, NoCredentials, UsageError


def profile(store=None):
    return Profile(name="prod", provider="cpanel", url="https://a.example.com", user="u", secret_store=store)


def test_keyring_round_trip_and_forget(tmp_path, memory_keyring):
    creds = Credentials(profile(), {}, tmp_path)
    creds.store_secret("s3cret")
    creds.store_session("sess;%)&id")
    assert memory_keyring.store == {("mailctl", "prod"): "s3cret", ("mailctl", "prod:session"): "sess;%)&id"}
    fresh = Credentials(profile(), {}, tmp_path)
    assert (fresh.secret(), fresh.session(), fresh.source) == ("s3cret", "sess;%)&id", "keyring")
    fresh.forget()
    assert memory_keyring.store == {}
    with pytest.raises(NoCredentials) as err:
        Credentials(profile(), {}, tmp_path).secret()
    # The command that fixes it is the CLI's to add, with -p NAME (tests/directadmin/test_da_hints.py).
    assert (err.value.exit_code, err.value.message) == (4, "no stored credentials for profile 'prod'")


def test_environment_overrides_keyring(tmp_path, memory_keyring):
    memory_keyring.store[("mailctl", "prod")] = "from-keyring"
    creds = Credentials(profile(), {"MAILCTL_SECRET": "from-env"}, tmp_path)
    assert (creds.secret(), creds.source) == ("from-env", "environment")


def test_no_keyring_backend_names_the_remedies(tmp_path):
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable) as err:
        Credentials(profile(), {}, tmp_path).secret()
    assert err.value.exit_code == 4
    assert "MAILCTL_SECRET" in err.value.message and "plaintext" in err.value.message


def test_environment_works_without_any_keyring(tmp_path):
    keyring.set_keyring(fail.Keyring())
    assert Credentials(profile(), {"MAILCTL_SECRET": "x"}, tmp_path).secret() == "x"


def test_locked_keyring_is_an_auth_error(tmp_path, memory_keyring, monkeypatch):
    def locked(*args):
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(KeyringUnavailable) as err:
        Credentials(profile(), {}, tmp_path).secret()
    assert "locked" in err.value.message and err.value.exit_code == 4


def test_plaintext_store_is_mode_0600_and_bypasses_keyring(tmp_path, memory_keyring):
    creds = Credentials(profile("plaintext"), {}, tmp_path / "secrets")
    creds.store_secret("s3cret")
    path = tmp_path / "secrets" / "prod"
    assert path.read_text() == "s3cret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert memory_keyring.store == {}
    assert Credentials(profile("plaintext"), {}, tmp_path / "secrets").secret() == "s3cret"
    creds.forget()
    assert not path.exists()


def env(stdin="", tty=False, answers=()):
    pending = list(answers)
    return Environment(stdin=io.StringIO(stdin), stdout=io.StringIO(), stderr=io.StringIO(),
                       stdin_isatty=tty, stdout_isatty=tty, stderr_isatty=tty, environ={},
                       getpass=lambda prompt: pending.pop(0))


def test_prompt_asks_twice_and_requires_a_match():
    assert PasswordSource().read(env(tty=True, answers=["Pw-12345", "Pw-12345"])) == ("Pw-12345", False)
    # A mismatch is asked again (tests/prompts drives it on a terminal), three times at most.
    assert PasswordSource().read(env(tty=True, answers=["Pw-12345", "Pw-54321", "Pw-1", "Pw-1"])) == ("Pw-1", False)
    with pytest.raises(UsageError, match="do not match"):
        PasswordSource().read(env(tty=True, answers=["Pw-12345", "Pw-54321"] * 3))


def test_empty_prompt_answer_is_refused():
    with pytest.raises(UsageError, match="empty"):
        PasswordSource().read(env(tty=True, answers=["", "", ""]))


def test_no_terminal_and_no_source_is_a_usage_error():
    with pytest.raises(UsageError, match="--password-stdin"):
        PasswordSource().read(env(tty=False))


def test_no_input_forbids_the_prompt():
    environment = env(tty=True, answers=["a", "a"])
    environment.no_input = True
    with pytest.raises(UsageError):
        PasswordSource().read(environment)


def test_stdin_takes_the_first_line_only():
    assert PasswordSource(stdin=True).read(env("Pw 1 with spaces\r\nsecond\n")) == ("Pw 1 with spaces", False)
    with pytest.raises(UsageError, match="empty"):
        PasswordSource(stdin=True).read(env("\n"))


def test_file_source(tmp_path):
    path = tmp_path / "pw"
    path.write_text("from-file\n")
    assert PasswordSource(file=path).read(env()) == ("from-file", False)
    with pytest.raises(UsageError, match="cannot read"):
        PasswordSource(file=tmp_path / "missing").read(env())


def test_sources_are_exclusive(tmp_path):
    with pytest.raises(UsageError, match="choose one"):
        PasswordSource(stdin=True, generate=True)


def test_generated_passwords_are_strong_and_distinct():
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 20
        assert any(c.islower() for c in password) and any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password) and any(not c.isalnum() for c in password)
        assert set(password) <= set(string.ascii_letters + string.digits + "-_.+=@")
    source_password, generated = PasswordSource(generate=True).read(env())
    assert generated and len(source_password) == 20


def test_profile_remove_without_any_keyring_is_quiet(cli):
    keyring.set_keyring(fail.Keyring())
    assert cli("profile", "add", "p", "--provider", "cpanel", "--url", "https://a.example.com", "--user", "u").exit_code == 0
    result = cli("profile", "remove", "p")
    assert (result.exit_code, result.stderr) == (0, "Removed profile 'p'; no profiles are left\n")


def test_profile_remove_with_a_locked_keyring_warns(cli, memory_keyring, monkeypatch):
    def locked(*args):
        raise keyring.errors.KeyringLocked("locked")

    assert cli("profile", "add", "p", "--provider", "cpanel", "--url", "https://a.example.com", "--user", "u").exit_code == 0
    monkeypatch.setattr(memory_keyring, "delete_password", locked)
    result = cli("profile", "remove", "p")
    assert result.exit_code == 0 and "could not remove stored credentials" in result.stderr and "locked" in result.stderr
