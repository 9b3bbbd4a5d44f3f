"""The credential paths once more, against a real Secret Service (gnome-keyring) instead
of the in-memory keyring. `.ci/run` starts a D-Bus session with an unlocked
gnome-keyring and sets MAILCTL_REAL_KEYRING=1; elsewhere these tests are skipped."""

import os

import keyring
import pytest

from mailctl.config import Profile
from mailctl.credentials import Credentials
from mailctl.errors import KeyringUnavailable

pytestmark = pytest.mark.skipif(
    os.environ.get("MAILCTL_REAL_KEYRING") != "1", reason="needs a Secret Service session (see .ci/run)"
)


@pytest.fixture
def secret_service(isolated, tmp_path):
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    keyring.set_keyring(backend)
    yield backend
    for name in ("ci-real", "ci-real:session"):
        try:
            backend.delete_password("mailctl", name)
        except (keyring.errors.PasswordDeleteError, keyring.errors.KeyringLocked):
            pass  # locked by the last test; the whole keyring is a throwaway of this run


def creds(tmp_path):
    profile = Profile(name="ci-real", provider="directadmin", url="https://panel.example.com:2222", user="u")
    return Credentials(profile, {}, tmp_path)


def test_secret_and_session_round_trip(secret_service, tmp_path):
    first = creds(tmp_path)
    first.store_secret("real-keyring-secret")
    first.store_session("sess;%)&id")
    assert secret_service.get_password("mailctl", "ci-real") == "real-keyring-secret"
    again = creds(tmp_path)
    assert (again.secret(), again.session(), again.source) == ("real-keyring-secret", "sess;%)&id", "keyring")
    again.forget()
    assert secret_service.get_password("mailctl", "ci-real") is None
    assert secret_service.get_password("mailctl", "ci-real:session") is None


def test_profile_remove_forgets_the_real_entries(cli, secret_service, tmp_path):
    assert cli("profile", "add", "ci-real", "--provider", "directadmin", "--url", "https://panel.example.com:2222",
               "--user", "u").exit_code == 0
    secret_service.set_password("mailctl", "ci-real", "to-be-forgotten")
    assert cli("profile", "remove", "ci-real").exit_code == 0
    assert secret_service.get_password("mailctl", "ci-real") is None


# Last in the file on purpose: re-unlocking needs a GUI prompter, so the keyring stays locked.
def test_locked_keyring_is_exit_4_naming_the_remedies(cli, secret_service, tmp_path):
    import secretstorage

    creds(tmp_path).store_secret("locked-away")
    connection = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(connection)
    collection.lock()
    with pytest.raises(KeyringUnavailable) as err:
        creds(tmp_path).secret()
    assert err.value.exit_code == 4
    assert "locked" in err.value.message and "MAILCTL_SECRET" in err.value.message
    assert cli("profile", "add", "ci-real", "--provider", "directadmin", "--url", "http://127.0.0.1:9",
               "--user", "u").exit_code == 0
    result = cli("session", "status")
    assert result.exit_code == 4 and "locked" in result.stderr
