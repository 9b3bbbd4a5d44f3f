"""Read commands over several profiles at once: -p repeated, a glob, --all-profiles; one
array or table with a profile field, a failing profile named on stderr and exit 6."""

from __future__ import annotations

import pytest

from provider_table import add_profile, log_in

THREE = ("directadmin", "cpanel", "mailboxorg")


@pytest.fixture
def fleet(cli, emu):
    for provider in THREE:
        log_in(cli, emu, provider, name=f"shop-{provider}")
    # A profile whose secret is wrong: it fails, the others are still listed.
    log_in(cli, emu, "whm", name="broken")
    with emu.state.lock:
        emu.state.whm.users["root"].password = "changed-elsewhere"
        emu.state.whm.users["root"].tokens.clear()
        emu.state.touch()
    emu.clear_requests()
    return emu


def test_pop_list_across_all_profiles_is_one_array_with_the_profile(cli, fleet):
    result = cli("--all-profiles", "--json", "pop", "list", "example.com")

    assert result.exit_code == 6
    rows = result.json
    assert [(row["profile"], row["address"]) for row in rows] == [
        (f"shop-{provider}", address) for provider in ("cpanel", "directadmin", "mailboxorg")
        for address in ("info@example.com", "sales@example.com")]
    errors = [line for line in result.stderr.splitlines()]
    assert errors[0].startswith('{"error": {"code": "auth", "message": "broken: ')
    assert errors[-1] == ('{"error": {"code": "partial_failure", "message": "1 of 4 profiles failed: broken", '
                          '"provider": null}}')


def test_a_glob_selects_profiles_and_plain_has_a_profile_column(cli, fleet):
    result = cli("-p", "shop-*", "pop", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # The common columns, then the optional ones in their fixed place (plan, restrictions).
    assert lines[0] == "shop-cpanel\tinfo@example.com\tunlimited\t13107200\tno\t-\tnone"
    # mailbox.org keeps no quota per mailbox: unknown, not "unlimited".
    assert lines[-1] == "shop-mailboxorg\tsales@example.com\t-\t-\tno\tpremium\t-"
    assert len(lines) == 6


def test_repeated_p_keeps_the_order_given(cli, fleet):
    result = cli("-p", "shop-mailboxorg", "-p", "shop-directadmin", "--json", "domain", "list")
    assert result.exit_code == 0, result.stderr
    assert [row["profile"] for row in result.json] == ["shop-mailboxorg", "shop-directadmin"]


def test_session_status_of_every_profile_says_which_secret_works_without_asking(cli, fleet):
    result = cli("--all-profiles", "--json", "session", "status", tty=True)

    assert result.exit_code == 6
    assert result.prompts == []
    status = {row["profile"]: (row["provider"], row["authenticated"], row["error_code"]) for row in result.json}
    assert status == {"broken": ("whm", False, "auth"), "shop-cpanel": ("cpanel", True, None),
                      "shop-directadmin": ("directadmin", True, None), "shop-mailboxorg": ("mailboxorg", True, None)}


def test_write_commands_keep_taking_one_profile(cli, fleet):
    result = cli("-p", "shop-*", "pop", "delete", "info@example.com", "--yes")
    assert result.exit_code == 2
    assert "works on one profile" in result.stderr
    assert fleet.requests == []


def test_a_glob_that_matches_nothing_is_not_found(cli, fleet):
    result = cli("-p", "nope-*", "domain", "list")
    assert result.exit_code == 3
    assert "no profile matches 'nope-*'" in result.stderr


def test_export_of_several_profiles_is_one_estate_file_in_sync(cli, fleet, tmp_path):
    path = tmp_path / "estate.toml"
    exported = cli("-p", "shop-*", "export", "example.com", "--file", str(path))
    assert exported.exit_code == 0, exported.stderr
    text = path.read_text()
    assert all(f'[shop-{provider}."example.com"]' in text for provider in THREE)
    planned = cli("plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stderr
    assert "6 unchanged (in sync)" in planned.stderr


def test_profile_without_a_secret_is_reported_not_prompted(cli, emu):
    add_profile(cli, emu, "directadmin", name="fresh")
    log_in(cli, emu, "cpanel", name="ok")
    result = cli("--all-profiles", "session", "status", tty=True)
    assert result.exit_code == 6
    assert result.prompts == []
    assert "fresh" in result.stderr and "ok" not in result.stderr.split("failed")[-1]


def _add_team(emu, provider: str) -> None:
    from provider_table import TABLE

    TABLE[provider].lifecycle.add_route(emu, "sales@example.com" if provider == "mailboxorg" else
                                        "team@example.com", ["info@example.com"])


def test_alias_list_across_profiles_tags_each_alias_and_names_the_failing_profile(cli, fleet):
    for provider in THREE:
        _add_team(fleet, provider)

    result = cli("--all-profiles", "--json", "alias", "list", "example.com")

    assert result.exit_code == 6
    assert [(row["profile"], row["address"], row["destinations"]) for row in result.json] == [
        ("shop-cpanel", "team@example.com", ["info@example.com"]),
        ("shop-directadmin", "team@example.com", ["info@example.com"]),
        ("shop-mailboxorg", "sales@example.com", ["info@example.com"])]
    assert "broken: " in result.stderr and "1 of 4 profiles failed: broken" in result.stderr


def test_alias_list_plain_over_a_glob_is_one_line_per_destination_with_the_profile(cli, fleet):
    _add_team(fleet, "directadmin")
    with fleet.state.lock:
        fleet.state.directadmin.set_forwarder("example.com", "all", ["info@example.com", "sales@example.com"])
        fleet.state.touch()

    result = cli("-p", "shop-d*", "-p", "shop-cpanel", "alias", "list", "example.com")

    assert result.exit_code == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == [
        "shop-directadmin\tall@example.com\tinfo@example.com",
        "shop-directadmin\tall@example.com\tsales@example.com",
        "shop-directadmin\tteam@example.com\tinfo@example.com"]
