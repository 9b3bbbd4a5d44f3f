"""WHM's own hint (a server that answers only the legacy API 0) names the exact command
that adds --legacy-api to this profile, keeping its other settings."""

from __future__ import annotations

from cpanel_support import TOKEN

NEW = "N3w-account-pass\n"


def test_an_api0_answer_names_the_profile_add_with_legacy_api(cli, emu):
    emu.settings.whm_legacy_only = True
    assert cli("profile", "add", "w", "--provider", "whm", "--url", emu.url, "--user", "root",
               "--cpanel-user", "demo").exit_code == 0
    assert cli("session", "login", "--secret-stdin", stdin=TOKEN + "\n").exit_code == 0
    result = cli("account", "passwd", "demo", "--password-stdin", stdin=NEW)
    assert result.exit_code == 1
    command = (f"'mailctl profile add w --replace --provider whm --url {emu.url} --user root --cpanel-user demo "
               "--legacy-api'")
    assert result.stderr.endswith(f"  the server answered in the legacy API 0 form: if it speaks only that, add the "
                                  f"profile again with {command}\n")
    # The hint is the command that works.
    assert cli(*command.strip("'").split()[1:]).exit_code == 0
    assert cli("account", "passwd", "demo", "--password-stdin", stdin=NEW).exit_code == 0
    assert emu.state.cpanel.accounts["demo"].password == NEW.strip()
