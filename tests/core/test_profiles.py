"""`mailctl profile ...` and config.toml."""

import multiprocessing
import os
import stat
import sys
from pathlib import Path

import pytest

from mailctl.config import Config, config_dir

ADD = ("profile", "add")


def add(cli, name="prod", provider="directadmin", url="https://panel.example.com:2222", user="admin", *extra):
    return cli(*ADD, name, "--provider", provider, "--url", url, "--user", user, *extra)


def config_path():
    return config_dir() / "config.toml"


def test_add_list_show_use_remove_round_trip(cli):
    assert add(cli).exit_code == 0
    assert add(cli, "shop", "cpanel", "https://shop.example.com:2083", "shop").exit_code == 0

    listed = cli("--json", "profile", "list")
    assert listed.exit_code == 0
    assert [(p["name"], p["provider"], p["default"]) for p in listed.json] == [
        ("prod", "directadmin", True),
        ("shop", "cpanel", False),
    ]

    assert cli("profile", "use", "shop").exit_code == 0
    shown = cli("--json", "profile", "show")
    assert shown.json["name"] == "shop" and shown.json["default"] is True
    assert shown.json["url"] == "https://shop.example.com:2083"

    assert cli("profile", "remove", "shop").exit_code == 0
    assert Config.load().names() == ["prod"]
    assert Config.load().default_name is None


def test_plain_list_is_tab_separated_without_header(cli):
    add(cli)
    result = cli("-o", "plain", "profile", "list")
    assert result.stdout == "prod\tdirectadmin\thttps://panel.example.com:2222\tadmin\tdefault\n"


def test_table_on_a_terminal_has_a_header(cli):
    add(cli)
    result = cli("profile", "list", tty=True)
    assert result.stdout.splitlines()[0].split() == ["Name", "Provider", "URL", "User", "Default"]


def test_config_file_is_private_and_holds_no_secret(cli):
    add(cli, "prod", "directadmin", "https://panel.example.com:2222", "admin", "--login-as", "demo")
    path = config_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert 'login_as = "demo"' in text
    assert "secret" not in text and "password" not in text


def test_mailboxorg_url_defaults_to_the_public_api(cli):
    assert cli(*ADD, "mbo", "--provider", "mailboxorg", "--user", "acme").exit_code == 0
    assert Config.load().get("mbo").url == "https://api.mailbox.org"


def test_existing_profile_needs_replace(cli):
    add(cli)
    again = add(cli, "prod", "cpanel", "https://x.example.com", "bob")
    assert again.exit_code == 2 and "--replace" in again.stderr
    assert Config.load().get("prod").provider == "directadmin"
    assert add(cli, "prod", "cpanel", "https://x.example.com", "bob", "--replace").exit_code == 0
    assert Config.load().get("prod").provider == "cpanel"


@pytest.mark.parametrize(
    "args, message",
    [
        (("bad/name", "--provider", "cpanel", "--url", "https://a.example.com", "--user", "u"), "invalid profile name"),
        (("p", "--provider", "nosuchpanel", "--url", "https://a.example.com", "--user", "u"), "unknown provider"),
        (("p", "--provider", "cpanel", "--url", "http://a.example.com", "--user", "u"), "refusing plain http://"),
        (("p", "--provider", "cpanel", "--url", "ftp://a.example.com", "--user", "u"), "invalid URL"),
        (("p", "--provider", "cpanel", "--url", "https://u:pw@a.example.com", "--user", "u"), "credentials do not belong"),
        (("p", "--provider", "cpanel", "--url", "https://a.example.com:99999", "--user", "u"), "invalid URL"),
        (("p", "--provider", "cpanel", "--url", "https://a.example.com/?x=1", "--user", "u"), "query string"),
        (("p", "--provider", "cpanel", "--user", "u"), "--url is required"),
        (("p", "--provider", "cpanel", "--url", "https://a.example.com", "--user", "u", "--login-as", "x"), "--login-as"),
        (("p", "--provider", "cpanel", "--url", "https://a.example.com", "--user", "u", "--ca-bundle", "/nonexistent/ca.pem"), "CA bundle"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_written(cli, args, message):
    result = cli(*ADD, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not config_path().exists()


def test_plain_http_allowed_for_loopback_and_on_request(cli):
    assert add(cli, "local", "cpanel", "http://127.0.0.1:8080", "u").exit_code == 0
    assert add(cli, "lan", "cpanel", "http://panel.lan:2082", "u", "--allow-http").exit_code == 0
    assert Config.load().get("lan").url == "http://panel.lan:2082"


def test_unknown_profile_is_not_found(cli):
    add(cli)
    result = cli("-p", "nope", "profile", "show")
    assert result.exit_code == 3 and "no profile named 'nope'" in result.stderr


def test_profile_from_environment_and_flag_wins(cli):
    add(cli)
    add(cli, "other", "cpanel", "https://o.example.com", "o")
    assert cli("--json", "profile", "show", environ={"MAILCTL_PROFILE": "other"}).json["name"] == "other"
    assert cli("--json", "-p", "prod", "profile", "show", environ={"MAILCTL_PROFILE": "other"}).json["name"] == "prod"


def test_broken_config_names_file_and_line(cli):
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text('default = "a"\n[profiles.a]\nprovider = "cpanel\n')
    result = cli("profile", "list")
    assert result.exit_code == 2
    assert str(path) in result.stderr and "line 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_config_error_is_json_in_json_mode(cli):
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text("profiles = 3\n")
    result = cli("--json", "profile", "list")
    assert result.exit_code == 2
    assert result.error_json["error"]["code"] == "config"


def test_unknown_keys_from_a_newer_version_survive_an_edit(cli):
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(
        'future_setting = "keep me"\n[profiles.a]\nprovider = "cpanel"\nurl = "https://a.example.com"\n'
        'user = "u"\ncolour_scheme = "dark"\n'
    )
    assert add(cli, "b", "whm", "https://b.example.com:2087", "root").exit_code == 0
    text = path.read_text()
    assert 'future_setting = "keep me"' in text and 'colour_scheme = "dark"' in text


def _add_many(args):
    home, prefix = args
    os.environ["XDG_CONFIG_HOME"] = home
    from mailctl.cli import run
    from mailctl.environment import Environment
    import io

    for i in range(10):
        env = Environment(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO())
        code = run(["profile", "add", f"{prefix}{i}", "--provider", "cpanel", "--url", "https://a.example.com", "--user", "u"], env)
        assert code == 0, env.stderr.getvalue()


def test_concurrent_adds_never_lose_or_corrupt(tmp_path):
    home = str(tmp_path / "config")
    ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with ctx.Pool(2) as pool:
        pool.map(_add_many, [(home, "a"), (home, "b")])
    names = Config.load(tmp_path / "config" / "mailctl" / "config.toml").names()
    assert len(names) == 20


def test_config_dir_from_environment_variable(cli, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    assert add(cli, "x", "cpanel", "https://a.example.com", "u").exit_code == 0
    result = cli(*ADD, "y", "--provider", "cpanel", "--url", "https://b.example.com", "--user", "u",
                 environ={"MAILCTL_CONFIG_DIR": str(elsewhere)})
    assert result.exit_code == 0
    assert Config.load(elsewhere / "config.toml").names() == ["y"]
    assert Config.load().names() == ["x"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG directories are Linux's")
@pytest.mark.parametrize("value", [None, "", "relative/dir", "/srv/xdg"])
@pytest.mark.parametrize("kind, variable", [("config", "XDG_CONFIG_HOME"), ("state", "XDG_STATE_HOME")])
def test_user_dirs_on_linux_are_platformdirs_answer(monkeypatch, tmp_path, kind, variable, value):
    # mailctl reads the XDG variables itself (importing platformdirs is a start-up cost);
    # the answer must stay the one platformdirs gives and the README documents.
    import platformdirs

    from mailctl.config import user_dir

    monkeypatch.setenv("HOME", str(tmp_path))
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    expected = Path(getattr(platformdirs, f"user_{kind}_dir")("mailctl", appauthor=False))
    documented = Path(value) if value == "/srv/xdg" else tmp_path / {"config": ".config", "state": ".local/state"}[kind]
    assert user_dir(kind, "MAILCTL_UNSET_OVERRIDE", {}) == expected == documented / "mailctl"
