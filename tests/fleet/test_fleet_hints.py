"""Over several profiles, a profile whose secret is refused is named with the command that
fixes it -- for that profile, so with its -p NAME."""

from __future__ import annotations

from provider_table import log_in


def test_each_failing_profile_gets_its_own_login_command(cli, emu):
    log_in(cli, emu, "directadmin", name="shop")
    log_in(cli, emu, "cpanel", name="stale")
    with emu.state.lock:
        emu.state.cpanel.accounts["demo"].password = "changed-elsewhere"
        emu.state.cpanel.accounts["demo"].tokens.clear()
        emu.state.touch()

    listed = cli("--all-profiles", "domain", "list")
    assert listed.exit_code == 6
    assert listed.stderr.splitlines()[0].startswith("mailctl: error: stale: cPanel rejected the credentials")
    assert listed.stderr.splitlines()[0].endswith("; store the right secret with 'mailctl -p stale session login'")

    status = cli("--all-profiles", "--json", "session", "status")
    assert status.exit_code == 6
    [row] = [row for row in status.json if row["profile"] == "stale"]
    assert row["error_code"] == "auth"
    assert row["error"].endswith("; store the right secret with 'mailctl -p stale session login'")
