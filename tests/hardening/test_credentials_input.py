"""Credentials and input: a secret never outlives the server and user it was for, the
plaintext store only records what worked and is never read or written through a link,
files others can read are named, mailbox.org works from MAILCTL_SECRET without any
keyring, domains are IDNA 2008 (UTS 46) with invisible characters refused, and a JSON
bulk row that names a field twice is refused."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from hardening_support import DOMAIN, NEW, NEW_PASSWORD, SECRET, add_profile_only, assert_one_error_line, connect

KEY = ("mailctl", "cpanel")


def _secrets_dir(tmp_path: Path) -> Path:
    return tmp_path / "config" / "mailctl" / "secrets"


def _config_text(tmp_path: Path) -> str:
    return (tmp_path / "config" / "mailctl" / "config.toml").read_text()


# -- profile add --replace ----------------------------------------------------------------------

@pytest.mark.parametrize("change", [("--url", "http://127.0.0.1:9"), ("--user", "someone-else")])
def test_replacing_a_profile_with_another_server_or_user_forgets_its_secret(cli, emu, memory_keyring, change):
    connect(cli, emu, "cpanel")
    assert KEY in memory_keyring.store
    args = {"--url": emu.url, "--user": "demo"}
    args[change[0]] = change[1]

    result = cli("profile", "add", "cpanel", "--replace", "--provider", "cpanel", *sum(args.items(), ()))

    assert result.exit_code == 0, result.stderr
    assert KEY not in memory_keyring.store
    assert "Forgot the stored secret of profile 'cpanel': it was for demo on " in result.stderr


def test_replacing_a_profile_with_the_same_server_and_user_keeps_its_secret(cli, emu, memory_keyring):
    connect(cli, emu, "cpanel")

    result = cli("profile", "add", "cpanel", "--replace", "--provider", "cpanel", "--url", emu.url, "--user", "demo")

    assert result.exit_code == 0
    assert memory_keyring.store[KEY] == SECRET
    assert "Forgot" not in result.stderr


# -- the plaintext store ------------------------------------------------------------------------

def test_a_failed_plaintext_login_records_nothing(cli, emu, tmp_path):
    add_profile_only(cli, emu, "cpanel")

    result = cli("session", "login", "--store", "plaintext", "--secret-stdin", stdin="wrong-secret\n")

    assert result.exit_code == 4
    assert "plaintext" not in _config_text(tmp_path)
    assert not (_secrets_dir(tmp_path) / "cpanel").exists()


def _plaintext_login(cli, emu) -> None:
    add_profile_only(cli, emu, "cpanel")
    result = cli("session", "login", "--store", "plaintext", "--secret-stdin", stdin=SECRET + "\n")
    assert result.exit_code == 0, result.stderr


def test_a_successful_plaintext_login_records_the_store(cli, emu, tmp_path):
    _plaintext_login(cli, emu)
    assert 'secret_store = "plaintext"' in _config_text(tmp_path)
    assert (_secrets_dir(tmp_path) / "cpanel").read_text() == SECRET


@pytest.mark.parametrize("command", [("session", "logout"), ("profile", "remove", "cpanel")])
def test_logout_and_profile_remove_delete_the_plaintext_secret(cli, emu, tmp_path, command):
    _plaintext_login(cli, emu)

    result = cli(*command)

    assert result.exit_code == 0, result.stderr
    assert not (_secrets_dir(tmp_path) / "cpanel").exists()


def test_a_plaintext_secret_others_can_read_is_used_with_a_warning(cli, emu, tmp_path):
    _plaintext_login(cli, emu)
    path = _secrets_dir(tmp_path) / "cpanel"
    path.chmod(0o644)

    result = cli("domain", "list")

    assert result.exit_code == 0
    assert result.stderr == (f"warning: the plaintext secrets file {path} is readable by every user (mode 0644); "
                             f"make it private: chmod 600 {path}\n")


def test_a_symlinked_plaintext_secret_is_refused(cli, emu, tmp_path):
    _plaintext_login(cli, emu)
    path = _secrets_dir(tmp_path) / "cpanel"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text(SECRET)
    path.unlink()
    path.symlink_to(elsewhere)
    emu.clear_requests()

    read = cli("domain", "list")
    stored = cli("session", "login", "--secret-stdin", stdin=SECRET + "\n")

    assert read.exit_code == 4 and stored.exit_code == 4
    assert "is a symbolic link: refusing to use it" in assert_one_error_line(read.stderr)
    assert "is a symbolic link" in stored.stderr
    assert elsewhere.read_text() == SECRET
    assert emu.requests == []  # refused before anything was sent, for the read and the login


def test_a_password_file_others_can_read_gets_a_warning_naming_its_mode(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    password_file = tmp_path / "pw"
    password_file.write_text(NEW_PASSWORD + "\n")
    os.chmod(password_file, 0o604)

    result = cli("pop", "create", NEW, "--password-file", str(password_file))

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (f"warning: the password file {password_file} is readable by every user "
                                             f"(mode 0604); make it private: chmod 600 {password_file}")


# -- mailbox.org without an OS keyring ----------------------------------------------------------

def _methods(emu) -> Counter:
    return Counter(json.loads(r.body).get("method") for r in emu.requests if r.provider == "mailboxorg")


def test_mailboxorg_with_mailctl_secret_works_without_a_keyring(cli, emu, tmp_path):
    add_profile_only(cli, emu, "mailboxorg")
    keyring.set_keyring(fail.Keyring())
    emu.clear_requests()
    env = {"MAILCTL_SECRET": SECRET}

    listed = cli("--json", "domain", "list", environ=env)
    source = tmp_path / "in.csv"
    source.write_text("address,password\n" + "".join(f"u{n}@{DOMAIN},Str0ng-pass-{n}\n" for n in range(20)))
    bulk = cli("pop", "create", "--from-file", str(source), "--jobs", "8", environ=env)

    assert listed.exit_code == 0, listed.stderr
    assert [d["name"] for d in listed.json] == [DOMAIN]
    assert bulk.exit_code == 0, bulk.stderr
    # One login per run: the session is kept in the process, nowhere on disk.
    assert _methods(emu)["auth"] == 2
    assert not _secrets_dir(tmp_path).exists()


# -- domains --------------------------------------------------------------------------------

def test_an_idna_2008_domain_is_sent_as_its_uts46_a_label(cli, emu):
    connect(cli, emu, "cpanel")

    result = cli("pop", "list", "faß.de")

    assert result.exit_code == 3
    assert "xn--fa-hia.de" in result.stderr
    sent = [r.body.decode() for r in emu.requests]
    assert sent and all("fass.de" not in body for body in sent)
    assert any("xn--fa-hia.de" in body for body in sent)


@pytest.mark.parametrize(("name", "char"), [("exa\u00admple.com", "U+00AD (SOFT HYPHEN)"),
                                            ("exa\u200bmple.com", "U+200B (ZERO WIDTH SPACE)"),
                                            ("exam\u200dple.com", "U+200D (ZERO WIDTH JOINER)")])
def test_an_invisible_character_in_a_domain_is_an_error_before_anything_is_sent(cli, emu, name, char):
    connect(cli, emu, "cpanel")

    result = cli("pop", "create", f"info@{name}", "--password-stdin", stdin=NEW_PASSWORD + "\n")

    assert result.exit_code == 2
    assert f"it contains the invisible character {char}" in assert_one_error_line(result.stderr)
    assert emu.requests == []


# -- JSON-lines bulk rows -------------------------------------------------------------------

def test_a_json_row_naming_a_field_twice_is_refused_without_echoing_it(cli, emu, tmp_path):
    connect(cli, emu, "cpanel")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"address": f"ok@{DOMAIN}", "password": "Str0ng-pass-1"}) + "\n"
                      + f'{{"address": "twice@{DOMAIN}", "password": "Zq9-first-pass", "password": "Zq9-other"}}\n'
                      + f'{{"address": "case@{DOMAIN}", "Password": "Zq9-third-pass", "password": "Zq9-fourth"}}\n')

    result = cli("pop", "create", "--from-file", str(source))

    assert result.exit_code == 2
    # The same problem on both lines: said once, with its lines.
    assert "(lines 2-3): the field 'password' appears twice: which one is meant?" in result.stderr
    assert "Zq9" not in result.stderr
    assert emu.requests == []
