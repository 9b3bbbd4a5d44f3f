"""In a bulk run the providers' own rules are part of the whole-file validation: every
row the provider would refuse is listed with its line number, together with the file's
other mistakes, the exit code is 2 and the server sees no request."""

from __future__ import annotations

import json

import pytest

from checks_support import addresses, password_of, write_csv

BAD_FILES = {
    "directadmin": (
        "address,password,plan\n"
        "good@example.com,Str0ng-pass-1,\n"
        "plus+tag@example.com,Str0ng-pass-2,\n"
        "trail-@example.com,Str0ng-pass-3,\n"
        "named@example.com,Str0ng-pass-4,premium\n",
        ["line 3: invalid address plus+tag@example.com: DirectAdmin does not allow '+' in a mailbox name "
         "(mail for user+tag is delivered to user)",
         "line 4: invalid address trail-@example.com: DirectAdmin wants a mailbox name to start and end "
         "with a letter or digit",
         "line 5: plan: directadmin takes no plan"],
    ),
    "cpanel": (
        "address,password,send_limit\n"
        "good@example.com,Str0ng-pass-1,\n"
        "cpanel@example.com,Str0ng-pass-2,\n"
        "limited@example.com,Str0ng-pass-3,10\n",
        ["line 3: invalid address 'cpanel@example.com': cPanel reserves the name 'cpanel'",
         "line 4: send_limit: cpanel takes no send limit"],
    ),
    "whm": (
        "address,password,first_name\n"
        "good@example.com,Str0ng-pass-1,\n"
        "CPanel@example.com,Str0ng-pass-2,\n"
        "named@example.com,Str0ng-pass-3,Ada\n",
        ["line 3: invalid address 'cpanel@example.com': cPanel reserves the name 'cpanel'",
         "line 4: first_name: whm takes no first name"],
    ),
    "mailboxorg": (
        "address,password,quota,plan,first_name,last_name\n"
        "good@example.com,Str0ng-pass-1,,light,Ada,Lovelace\n"
        "quota@example.com,Str0ng-pass-2,500,,,\n"
        f"long@example.com,Str0ng-pass-3,,,{'x' * 129},\n"
        "ctl@example.com,Str0ng-pass-4,,,,Love\x07lace\n"
        "gold@example.com,Str0ng-pass-5,,gold,,\n",
        ["line 3: quota: mailbox.org has no quota per mailbox, the plan decides it (--plan light|standard|premium)",
         "line 4: first_name: the name is longer than 128 characters",
         "line 5: last_name: the name contains control characters",
         "line 6: plan 'gold': must be one of light, standard, premium"],
    ),
}


@pytest.mark.parametrize("provider", list(BAD_FILES))
def test_rows_the_provider_refuses_are_listed_by_line_and_nothing_is_sent(cli, logged_in, tmp_path, provider):
    emu = logged_in(provider)
    before = addresses(emu, provider)
    text, details = BAD_FILES[provider]
    result = cli("--json", "pop", "create", "--from-file", write_csv(tmp_path / "in.csv", text))
    assert result.exit_code == 2, result.stderr
    error = result.error_json["error"]
    assert error["message"].endswith(f"{len(details)} bad rows; nothing was sent")
    assert error["details"] == details
    assert "Str0ng-pass" not in result.stderr
    assert emu.requests == []
    assert addresses(emu, provider) == before


@pytest.mark.parametrize("provider", list(BAD_FILES))
def test_a_dry_run_of_such_a_file_fails_the_same_way(cli, logged_in, tmp_path, provider):
    emu = logged_in(provider)
    text, details = BAD_FILES[provider]
    result = cli("pop", "create", "--from-file", write_csv(tmp_path / "in.csv", text), "--dry-run")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert [line.strip() for line in result.stderr.splitlines()[1:]] == details
    assert emu.requests == []


def test_generic_and_provider_mistakes_are_listed_in_one_pass(cli, logged_in, tmp_path):
    emu = logged_in("directadmin")
    path = write_csv(tmp_path / "in.csv",
                     "address,password\n"
                     "not-an-address,Str0ng-pass-1\n"
                     "plus+tag@example.com,Str0ng-pass-2\n"
                     "nopass@example.com,\n"
                     "ok@example.com,Str0ng-pass-4\n"
                     "plus+tag@example.com,Str0ng-pass-5\n")
    result = cli("pop", "create", "--from-file", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"mailctl: error: {path}: 4 bad rows; nothing was sent"
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["line 2", "line 3", "line 4", "line 6"]
    assert "DirectAdmin does not allow '+'" in lines[2]
    assert "is already on line 3" in lines[4]
    assert emu.requests == []


def test_a_refused_row_with_generate_writes_no_report(cli, logged_in, tmp_path):
    emu = logged_in("cpanel")
    report = tmp_path / "r.jsonl"
    path = write_csv(tmp_path / "in.csv", "address\nfine@example.com\ncpanel@example.com\n")
    result = cli("pop", "create", "--from-file", path, "--generate", "--report", str(report))
    assert result.exit_code == 2
    assert "line 3: invalid address 'cpanel@example.com'" in result.stderr
    assert not report.exists()
    assert emu.requests == []


def test_a_default_the_provider_refuses_is_one_error_naming_the_option(cli, logged_in, tmp_path):
    emu = logged_in("mailboxorg")
    path = write_csv(tmp_path / "in.csv", "address,password\n"
                     + "".join(f"u{n}@example.com,Str0ng-pass-{n}\n" for n in range(5)))
    result = cli("pop", "create", "--from-file", path, "--first-name", "  ")
    assert result.exit_code == 2
    assert result.stderr == "mailctl: error: --first-name: the name is empty\n"
    assert emu.requests == []


def test_row_values_and_defaults_are_checked_merged(cli, logged_in, tmp_path):
    # A row's own name replaces the default; a row without one gets the default.
    emu = logged_in("mailboxorg")
    path = write_csv(tmp_path / "in.csv", "address,password,last_name\n"
                     "a@example.com,Str0ng-pass-a,\n"
                     "b@example.com,Str0ng-pass-b,Byron\n")
    result = cli("pop", "create", "--from-file", path, "--last-name", "Lovelace", "--plan", "premium")
    assert result.exit_code == 0, result.stderr
    with emu.state.lock:
        a, b = (emu.state.mailboxorg.mailbox(f"{n}@example.com") for n in "ab")
        assert (a.last_name, b.last_name, a.plan, b.plan) == ("Lovelace", "Byron", "premium", "premium")


def test_a_mailbox_org_listing_recreates_on_mailbox_org(cli, logged_in, tmp_path):
    # Its quota_mb is null on every row: nothing to refuse on a provider without quotas.
    emu = logged_in("mailboxorg")
    listing = cli("--json", "pop", "list", "example.com")
    assert listing.exit_code == 0, listing.stderr
    rows = [{**record, "address": record["address"].replace("@", "-copy@"), "password": "Str0ng-pass-c"}
            for record in listing.json]
    assert all(row["quota_mb"] is None for row in rows)
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 0, result.stderr
    assert password_of(emu, "mailboxorg", "info-copy@example.com") == "Str0ng-pass-c"


@pytest.mark.parametrize("provider", ["directadmin", "whm"])
def test_bulk_passwd_require_reset_is_refused_before_anything(cli, logged_in, tmp_path, provider):
    emu = logged_in(provider)
    path = write_csv(tmp_path / "in.csv", "address,password\ninfo@example.com,Str0ng-pass-1\n")
    result = cli("passwd", "--from-file", path, "--require-reset")
    assert result.exit_code == 2
    assert result.stderr == (f"mailctl: error: --require-reset: {provider} cannot force a password change "
                             "at next login\n")
    assert emu.requests == []
    assert password_of(emu, provider, "info@example.com") == "mailbox-secret"


def test_bulk_delete_keep_data_is_refused_before_the_confirmation(cli, logged_in, tmp_path):
    emu = logged_in("directadmin")
    path = write_csv(tmp_path / "in.csv", "address\nsales@example.com\n")
    result = cli("pop", "delete", "--from-file", path, "--keep-data", tty=True, stdin="y\n")
    assert result.exit_code == 2
    assert result.stderr == "mailctl: error: --keep-data: directadmin always deletes the mail with the mailbox\n"
    assert emu.requests == []
    assert "sales@example.com" in addresses(emu, "directadmin")


def test_the_bulk_delete_question_for_one_row(cli, logged_in, tmp_path):
    emu = logged_in("cpanel")
    path = write_csv(tmp_path / "in.csv", "address\nsales@example.com\n")
    result = cli("pop", "delete", "--from-file", path, tty=True, stdin="n\n")
    assert result.exit_code == 2
    assert f"Delete 1 mailbox listed in {path} (sales@example.com) and ALL MAIL in it? [y/N]" in result.stderr
    assert emu.requests == []
