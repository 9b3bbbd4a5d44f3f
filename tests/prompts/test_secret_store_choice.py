"""Where secrets go on a machine without an OS keyring: checked before anyone types a
secret, offered as 0600 files on a terminal (once, for every profile), and chosen ahead
of time with secret_store = "plaintext" at the top of config.toml or MAILCTL_SECRET_STORE."""

from __future__ import annotations

import stat

import keyring
import pytest
from keyring.backends import fail

from mailctl.config import Config
from prompts_support import SECRET, config_dir, da_calls
from pty_session import TerminalSession


def secrets_dir(tmp_path):
    return config_dir(tmp_path) / "secrets"


def add(cli, emu, name="da"):
    result = cli("profile", "add", name, "--provider", "directadmin", "--url", emu.url, "--user", "demo")
    assert result.exit_code == 0, result.stderr


# -- on a terminal: the 0600 file is offered before the secret is asked for -------------------------------


def test_no_keyring_on_a_terminal_offers_plaintext_files_once_for_every_profile(cli, da, terminal_env, tmp_path):
    with TerminalSession(["session", "login"], env=terminal_env) as term:
        term.expect("There is no usable OS keyring on this machine")
        term.expect(f"Keep the secrets of every profile in plaintext files only you can read (mode 0600, in "
                    f"{secrets_dir(tmp_path)})? [y/N] ")
        assert "Secret for" not in term.transcript  # not asked before the store is settled
        term.send("y\n")
        term.expect(f"Secret for demo on {da.url}: ")
        term.send(SECRET + "\n")
        assert term.wait() == 0
    assert 'secret_store = "plaintext" is set at the top of' in term.transcript
    assert "secret stored in a plaintext file (mode 0600)" in term.transcript
    assert (config_dir(tmp_path) / "config.toml").read_text().startswith('secret_store = "plaintext"\n')
    path = secrets_dir(tmp_path) / "da"
    assert path.read_text() == SECRET and stat.S_IMODE(path.stat().st_mode) == 0o600

    add(cli, da, "second")  # the next profile is not asked again
    with TerminalSession(["-p", "second", "session", "login"], env=terminal_env) as term:
        term.expect("Secret for demo")
        term.send(SECRET + "\n")
        assert term.wait() == 0
    assert "keyring" not in term.transcript.split("Secret for")[0]
    assert (secrets_dir(tmp_path) / "second").read_text() == SECRET


def test_declining_the_plaintext_files_asks_no_secret_and_sends_nothing(da, terminal_env, tmp_path):
    with TerminalSession(["session", "login"], env=terminal_env) as term:
        term.expect("[y/N] ")
        term.send("n\n")
        assert term.wait() == 2
    assert "Secret for" not in term.transcript
    assert "MAILCTL_SECRET_STORE=plaintext" in term.transcript
    assert da_calls(da) == [] and not secrets_dir(tmp_path).exists()
    assert Config.load().secret_store is None


# -- without a terminal: an error before stdin is read or anything is sent --------------------------------


def test_no_keyring_without_a_terminal_names_the_one_time_setup_before_reading_the_secret(cli, da):
    keyring.set_keyring(fail.Keyring())
    result = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 4
    message = result.stderr
    assert message.startswith("mailctl: error: no usable OS keyring found, so the secret could not be kept;")
    assert "MAILCTL_SECRET_STORE=plaintext" in message and 'secret_store = "plaintext"' in message
    assert "--store plaintext" in message and len(message.splitlines()) == 1
    assert da_calls(da) == []


def test_config_default_plaintext_keeps_every_profile_secret_in_a_file(cli, da, tmp_path, memory_keyring):
    path = config_dir(tmp_path) / "config.toml"
    path.write_text('secret_store = "plaintext"\n' + path.read_text())
    keyring.set_keyring(fail.Keyring())

    login = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")
    assert login.exit_code == 0, login.stderr
    assert (secrets_dir(tmp_path) / "da").read_text() == SECRET
    listed = cli("--json", "pop", "list", "example.com")
    assert listed.exit_code == 0, listed.stderr
    assert cli("--json", "session", "status").json["secret_source"] == "plaintext"
    # The default is the config's: the profile's own table says nothing of it.
    assert Config.load().raw["profiles"]["da"].get("secret_store") is None


def test_the_environment_chooses_the_store(cli, da, tmp_path, memory_keyring):
    keyring.set_keyring(fail.Keyring())
    environ = {"MAILCTL_SECRET_STORE": "plaintext"}
    login = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n", environ=environ)
    assert login.exit_code == 0, login.stderr
    assert (secrets_dir(tmp_path) / "da").read_text() == SECRET
    assert cli("pop", "list", "example.com", environ=environ).exit_code == 0
    assert cli("pop", "list", "example.com").exit_code == 4  # without it: the (missing) keyring


def test_store_flag_keyring_over_a_plaintext_default_is_recorded_on_the_profile(cli, da, tmp_path, memory_keyring):
    path = config_dir(tmp_path) / "config.toml"
    path.write_text('secret_store = "plaintext"\n' + path.read_text())
    login = cli("session", "login", "--store", "keyring", "--secret-stdin", stdin=SECRET + "\n")
    assert login.exit_code == 0, login.stderr
    assert memory_keyring.store[("mailctl", "da")] == SECRET
    assert not (secrets_dir(tmp_path) / "da").exists()
    assert Config.load().get("da").secret_store == "keyring"
    assert cli("--json", "session", "status").json["secret_source"] == "keyring"


@pytest.mark.parametrize("where", ["environment", "config"])
def test_an_unknown_store_is_exit_2_before_anything_is_sent(cli, da, tmp_path, where):
    environ = {}
    if where == "environment":
        environ["MAILCTL_SECRET_STORE"] = "cloud"
    else:
        path = config_dir(tmp_path) / "config.toml"
        path.write_text('secret_store = "cloud"\n' + path.read_text())
    result = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n", environ=environ)
    assert result.exit_code == 2
    assert "must be 'keyring' or 'plaintext', not 'cloud'" in result.stderr
    assert ("MAILCTL_SECRET_STORE" if where == "environment" else "config.toml") in result.stderr
    assert da_calls(da) == []


def test_the_python_api_reads_from_the_store_the_config_chose(cli, da, tmp_path):
    from mailctl import Client

    path = config_dir(tmp_path) / "config.toml"
    path.write_text('secret_store = "plaintext"\n' + path.read_text())
    assert cli("session", "login", "--secret-stdin", stdin=SECRET + "\n").exit_code == 0
    keyring.set_keyring(fail.Keyring())
    with Client.from_profile("da", audit=False) as client:
        assert [box.address for box in client.mailboxes("example.com")] == ["info@example.com", "sales@example.com"]
