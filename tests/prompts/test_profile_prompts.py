"""profile add asks for what it was not given (on a terminal only), profile remove of the
default asks and says what default is left, and one profile this version cannot use
(written by a newer one) leaves the others usable."""

from __future__ import annotations

import pytest

from mailctl.config import Config
from prompts_support import SECRET, da_calls
from pty_session import TerminalSession


def add(cli, name, provider="cpanel", url=None, user="u"):
    url = url or f"https://{name}.example.com:2083"
    result = cli("profile", "add", name, "--provider", provider, "--url", url, "--user", user)
    assert result.exit_code == 0, result.stderr


# -- profile add on a terminal ------------------------------------------------------------------------


def test_profile_add_on_a_terminal_asks_and_checks_the_url(emu, terminal_env):
    with TerminalSession(["profile", "add", "da"], env=terminal_env) as term:
        term.expect("Provider (directadmin, cpanel")
        term.send("nosuchpanel\n")
        term.expect("unknown provider 'nosuchpanel'")
        term.expect("try again.")
        term.expect("Provider (")
        term.send("directadmin\n")
        term.expect("URL of the DirectAdmin API (like https://panel.example.com:2222): ")
        term.send(emu.url + "\n")
        term.expect(f"User name on {emu.url}: ")
        term.send("demo\n")
        term.expect(f"Check now that {emu.url} answers? [Y/n] ")
        term.send("\n")
        term.expect(f"{emu.url} answered (HTTP ")
        assert term.wait() == 0
    assert "Added profile 'da' (directadmin" in term.transcript
    profile = Config.load().get("da")
    assert (profile.provider, profile.url, profile.user) == ("directadmin", emu.url, "demo")
    assert [r.method for r in emu.requests] == ["GET"]  # the check, and no secret in it
    assert all("authorization" not in r.headers for r in emu.requests)


def test_profile_add_asks_only_for_what_is_missing_and_may_skip_the_check(emu, terminal_env):
    with TerminalSession(["profile", "add", "da", "--provider", "directadmin", "--url", emu.url],
                         env=terminal_env) as term:
        term.expect(f"User name on {emu.url}: ")
        term.send("demo\n")
        term.expect("answers? [Y/n] ")
        term.send("n\n")
        assert term.wait() == 0
    assert "Provider (" not in term.transcript and "URL of" not in term.transcript
    assert Config.load().get("da").user == "demo"
    assert emu.requests == []


def test_a_url_that_does_not_answer_is_saved_only_if_the_user_says_so(terminal_env):
    url = f"http://127.0.0.1:{_a_closed_port()}"
    with TerminalSession(["profile", "add", "gone", "--provider", "directadmin", "--user", "demo"],
                         env=terminal_env) as term:
        term.expect("URL of the DirectAdmin API")
        term.send(url + "\n")
        term.expect("answers? [Y/n] ")
        term.send("y\n")
        term.expect("did not answer")
        term.expect("Save profile 'gone' anyway? [y/N] ")
        term.send("n\n")
        assert term.wait() == 2
    assert "not saved; nothing was changed" in term.transcript
    assert not (config_dir_of_cli() / "config.toml").exists()


def _a_closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def config_dir_of_cli():
    from mailctl.config import config_dir as user_config_dir

    return user_config_dir()


@pytest.mark.parametrize("extra, tty, says", [
    ((), False, "--provider, --url and --user are required (not asking: there is no terminal to ask on)"),
    (("--provider", "cpanel"), False, "--url and --user are required (not asking: there is no terminal to ask on)"),
    (("--provider", "mailboxorg"), False, "--user is required (not asking: there is no terminal to ask on)"),
    ((), True, "--provider, --url and --user are required (not asking: --no-input was given)"),
])
def test_without_a_terminal_missing_options_stay_an_error_naming_them(cli, extra, tty, says):
    args = (("--no-input",) if tty else ()) + ("profile", "add", "p", *extra)
    result = cli(*args, tty=tty, stdin="directadmin\n")
    assert result.exit_code == 2
    assert result.stderr == f"mailctl: error: {says}\n"
    assert not (config_dir_of_cli() / "config.toml").exists()


def test_only_the_url_missing_still_says_what_it_looks_like(cli):
    result = cli("profile", "add", "p", "--provider", "cpanel", "--user", "u")
    assert result.exit_code == 2 and "--url is required for cpanel profiles (like https://" in result.stderr


# -- profile remove of the default ------------------------------------------------------------------


def test_removing_the_default_on_a_terminal_asks_and_says_none_is_left(cli, terminal_env):
    for name in ("a", "b", "c"):
        add(cli, name)
    assert Config.load().default_name == "a"
    with TerminalSession(["profile", "remove", "a"], env=terminal_env) as term:
        term.expect("Remove profile 'a', the default profile? (no profile will be the default) [y/N] ")
        term.send("y\n")
        assert term.wait() == 0
    assert ("Removed profile 'a'; no default profile is left: choose one with 'mailctl profile use NAME' (b, c)"
            in term.transcript)
    config = Config.load()
    assert config.names() == ["b", "c"] and config.default_name is None


def test_declining_the_removal_of_the_default_keeps_it(cli, terminal_env):
    add(cli, "a")
    add(cli, "b")
    with TerminalSession(["profile", "remove", "a"], env=terminal_env) as term:
        term.expect("the default profile? (no profile will be the default) [y/N] ")
        term.send("n\n")
        assert term.wait() == 2
    config = Config.load()
    assert config.names() == ["a", "b"] and config.default_name == "a"


def test_removing_a_profile_that_is_not_the_default_asks_nothing(cli, terminal_env):
    add(cli, "a")
    add(cli, "b")
    with TerminalSession(["profile", "remove", "b"], env=terminal_env) as term:
        assert term.wait() == 0
    assert term.transcript == "Removed profile 'b'\n"
    assert Config.load().default_name == "a"


@pytest.mark.parametrize("others, said", [
    ((), "Removed profile 'a'; no profiles are left\n"),
    (("b",), "Removed profile 'a'; no default profile is left; 'b', the only one, is used when no profile is "
             "named\n"),
])
def test_without_a_terminal_the_default_is_removed_and_what_is_left_said(cli, others, said):
    add(cli, "a")
    for name in others:
        add(cli, name)
    result = cli("profile", "remove", "a")
    assert (result.exit_code, result.stderr) == (0, said)
    assert Config.load().names() == list(others)


def test_yes_answers_the_question_on_a_terminal(cli):
    add(cli, "a")
    add(cli, "b")
    result = cli("--yes", "profile", "remove", "a", tty=True)
    assert result.exit_code == 0 and "[y/N]" not in result.stderr
    assert Config.load().names() == ["b"]


# -- a profile this version cannot use ------------------------------------------------------------------

NEWER = '\n[profiles.newer]\nprovider = "frobnicator"\nurl = "https://x.example.com"\nuser = "u"\n'
UNKNOWN = "unknown provider 'frobnicator': choose one of directadmin"


@pytest.fixture
def with_a_newer_profile(cli, emu, memory_keyring):
    add(cli, "da", "directadmin", emu.url, "demo")
    path = config_dir_of_cli() / "config.toml"
    path.write_text(path.read_text() + NEWER)
    memory_keyring.store[("mailctl", "newer")] = "its-secret"
    emu.clear_requests()
    return emu


def test_the_other_profiles_stay_usable(cli, with_a_newer_profile):
    result = cli("--json", "pop", "list", "example.com", environ={"MAILCTL_SECRET": SECRET})
    assert result.exit_code == 0, result.stderr
    assert [box["address"] for box in result.json] == ["info@example.com", "sales@example.com"]
    assert cli("-p", "da", "profile", "show").exit_code == 0


def test_using_the_broken_profile_says_why(cli, with_a_newer_profile):
    result = cli("-p", "newer", "pop", "list", "example.com", environ={"MAILCTL_SECRET": SECRET})
    assert result.exit_code == 2 and UNKNOWN in result.stderr
    assert da_calls(with_a_newer_profile) == []


def test_profile_list_marks_the_broken_profile_with_its_error(cli, emu, with_a_newer_profile):
    listed = cli("--json", "profile", "list")
    assert listed.exit_code == 0, listed.stderr
    good, broken = listed.json
    assert (good["name"], good["provider"], good["default"], good["error"]) == ("da", "directadmin", True, None)
    assert {key: broken[key] for key in ("name", "provider", "url", "user", "default")} == {
        "name": "newer", "provider": "frobnicator", "url": "https://x.example.com", "user": "u", "default": False}
    assert broken["error"].startswith(UNKNOWN)
    plain = cli("-o", "plain", "profile", "list").stdout.splitlines()
    assert plain[0] == f"da\tdirectadmin\t{emu.url}\tdemo\tdefault\t-"
    assert plain[1].startswith(f"newer\tfrobnicator\thttps://x.example.com\tu\t-\t{UNKNOWN}")
    table = cli("profile", "list", tty=True).stdout.splitlines()
    assert table[0].split() == ["Name", "Provider", "URL", "User", "Default", "Error"]


def test_profile_list_without_a_broken_profile_has_no_error_column(cli, emu):
    add(cli, "da", "directadmin", emu.url, "demo")
    assert cli("-o", "plain", "profile", "list").stdout == f"da\tdirectadmin\t{emu.url}\tdemo\tdefault\n"
    assert cli("--json", "profile", "list").json[0]["error"] is None


def test_profile_remove_works_on_the_broken_profile_and_forgets_its_secret(cli, with_a_newer_profile,
                                                                          memory_keyring):
    result = cli("profile", "remove", "newer")
    assert (result.exit_code, result.stderr) == (0, "Removed profile 'newer'\n")
    config = Config.load()
    assert config.names() == ["da"] and config.default_name == "da"
    assert ("mailctl", "newer") not in memory_keyring.store
    assert "frobnicator" not in (config_dir_of_cli() / "config.toml").read_text()


def test_reads_across_all_profiles_report_the_broken_one_and_list_the_others(cli, with_a_newer_profile):
    environ = {"MAILCTL_SECRET": SECRET}
    listed = cli("--json", "pop", "list", "example.com", "--all-profiles", environ=environ)
    assert listed.exit_code == 6
    assert [(row["profile"], row["address"]) for row in listed.json] == [
        ("da", "info@example.com"), ("da", "sales@example.com")]
    errors = [line["error"] for line in map(__import__("json").loads, listed.stderr.splitlines())]
    assert errors[0]["code"] == "config" and UNKNOWN in errors[0]["message"]
    assert errors[-1]["message"] == "1 of 2 profiles failed: newer"

    status = cli("--json", "session", "status", "--all-profiles", environ=environ)
    assert status.exit_code == 6
    good, broken = status.json
    assert (good["profile"], good["authenticated"], good["error"]) == ("da", True, None)
    assert (broken["profile"], broken["provider"], broken["authenticated"]) == ("newer", "frobnicator", False)
    assert broken["error"].startswith(UNKNOWN) and broken["error_code"] == "config"


def test_an_export_never_leaves_the_broken_profile_out_silently(cli, with_a_newer_profile):
    result = cli("export", "--all-profiles", "example.com", environ={"MAILCTL_SECRET": SECRET})
    assert result.exit_code == 2 and UNKNOWN in result.stderr and result.stdout == ""


def test_profile_names_still_complete_with_the_broken_one_among_them(cli, with_a_newer_profile, monkeypatch):
    monkeypatch.setenv("_MAILCTL_COMPLETE", "zsh_complete")
    monkeypatch.setenv("COMP_WORDS", "mailctl profile remove ")
    monkeypatch.setenv("COMP_CWORD", "3")
    result = cli()
    assert result.exit_code == 0, result.stderr
    offered = result.stdout.splitlines()
    assert "da" in offered and "newer" in offered
    assert any(line.startswith("unusable: unknown provider 'frobnicator'") for line in offered)
