"""A provider's own rules are checked before anything is asked: a name or option the
provider refuses ends the run with exit 2 before the password prompt (or the delete
confirmation), and the server sees no request at all."""

from __future__ import annotations

import pytest

from checks_support import NEW_PASSWORD, add_profile, addresses, mail_state, password_of
from provider_table import write_of

REFUSED_CREATES = [
    ("directadmin", ["plus+tag@example.com"], "DirectAdmin does not allow '+'"),
    ("directadmin", ["ends-@example.com"], "start and end with a letter or digit"),
    ("directadmin", ["ends_@example.com"], "start and end with a letter or digit"),
    ("directadmin", ["new@example.com", "--plan", "premium"], "--plan: directadmin takes no plan"),
    ("directadmin", ["new@example.com", "--first-name", "Ada"], "--first-name: directadmin takes no first name"),
    ("cpanel", ["cpanel@example.com"], "cPanel reserves the name 'cpanel'"),
    ("cpanel", ["CPanel@example.com"], "cPanel reserves the name 'cpanel'"),
    ("cpanel", ["new@example.com", "--send-limit", "10"], "--send-limit: cpanel takes no send limit"),
    ("whm", ["cpanel@example.com"], "cPanel reserves the name 'cpanel'"),
    ("whm", ["new@example.com", "--plan", "light"], "--plan: whm takes no plan"),
    ("mailboxorg", ["new@example.com", "--quota", "500"], "--quota: mailbox.org has no quota per mailbox"),
    ("mailboxorg", ["new@example.com", "--quota", "unlimited"], "--quota: mailbox.org has no quota per mailbox"),
    ("mailboxorg", ["new@example.com", "--send-limit", "10"], "--send-limit: mailbox.org has no send limit"),
    ("mailboxorg", ["new@example.com", "--first-name", "   "], "--first-name: the name is empty"),
    ("mailboxorg", ["new@example.com", "--last-name", "x" * 129], "--last-name: the name is longer than 128"),
    ("mailboxorg", ["new@example.com", "--last-name", "Love\x1blace"], "--last-name: the name contains control"),
    ("mailboxorg", ["new@example.com", "--plan", "gold"], "--plan 'gold': must be one of light, standard, premium"),
]


@pytest.mark.parametrize(("provider", "args", "message"), REFUSED_CREATES)
def test_pop_create_is_refused_before_the_password_prompt(cli, logged_in, provider, args, message):
    emu = logged_in(provider)
    before = addresses(emu, provider)
    result = cli("pop", "create", *args, tty=True, answers=[NEW_PASSWORD, NEW_PASSWORD])
    assert result.exit_code == 2, result.stderr
    assert result.prompts == []
    [line] = result.stderr.splitlines()  # one line, no prompt before it
    assert line.startswith("mailctl: error: ") and message in line
    assert emu.requests == []
    assert addresses(emu, provider) == before


def test_the_refusal_is_a_json_error_naming_the_provider(cli, logged_in):
    emu = logged_in("cpanel")
    result = cli("--json", "pop", "create", "cpanel@example.com", tty=True, answers=[NEW_PASSWORD] * 2)
    assert result.exit_code == 2
    assert result.prompts == []
    error = result.error_json["error"]
    assert (error["code"], error["provider"]) == ("usage", "cpanel")
    assert error["message"] == "invalid address 'cpanel@example.com': cPanel reserves the name 'cpanel'"
    assert emu.requests == []


def test_the_rules_need_no_credentials(cli, emu):
    # No login: a bad name is a usage error (2), not "no stored credentials" (4).
    add_profile(cli, emu, "directadmin")
    result = cli("pop", "create", "plus+tag@example.com", tty=True, answers=[NEW_PASSWORD] * 2)
    assert (result.exit_code, result.prompts) == (2, [])
    assert emu.requests == []


@pytest.mark.parametrize(("provider", "args"), [
    ("directadmin", ["first.last@example.com", "--quota", "25", "--send-limit", "100"]),
    ("cpanel", ["first_last@example.com", "--quota", "25"]),
    ("whm", ["first-last@example.com", "--quota", "unlimited"]),
    ("mailboxorg", ["first.last@example.com", "--plan", "light", "--first-name", " Ada ", "--last-name", "Lovelace"]),
])
def test_what_the_provider_takes_is_created_after_the_prompt(cli, logged_in, provider, args):
    emu = logged_in(provider)
    result = cli("pop", "create", *args, tty=True, answers=[NEW_PASSWORD, NEW_PASSWORD])
    assert result.exit_code == 0, result.stderr
    assert len(result.prompts) == 2
    assert password_of(emu, provider, args[0]) == NEW_PASSWORD


def test_mailbox_org_names_are_sent_without_surrounding_spaces(cli, logged_in):
    emu = logged_in("mailboxorg")
    result = cli("pop", "create", "ada@example.com", "--first-name", " Ada ", "--password-stdin",
                 stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert emu.state.mailboxorg.mailbox("ada@example.com").first_name == "Ada"


# -- passwd --require-reset ------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["directadmin", "cpanel", "whm"])
def test_passwd_require_reset_is_refused_before_the_password_prompt(cli, logged_in, provider):
    emu = logged_in(provider)
    result = cli("passwd", "info@example.com", "--require-reset", tty=True, answers=[NEW_PASSWORD] * 2)
    assert result.exit_code == 2, result.stderr
    assert result.prompts == []
    assert f"--require-reset: {provider} cannot force a password change at next login" in result.stderr
    assert emu.requests == []
    assert password_of(emu, provider, "info@example.com") == "mailbox-secret"


def test_passwd_require_reset_on_mailbox_org_prompts_and_sets_the_flag(cli, logged_in):
    emu = logged_in("mailboxorg")
    result = cli("passwd", "info@example.com", "--require-reset", tty=True, answers=[NEW_PASSWORD] * 2)
    assert result.exit_code == 0, result.stderr
    assert len(result.prompts) == 2
    box = emu.state.mailboxorg.mailbox("info@example.com")
    assert (box.password, box.require_reset_password) == (NEW_PASSWORD, True)


# -- pop delete: --keep-data and the confirmation --------------------------------------------


@pytest.mark.parametrize("provider", ["directadmin", "mailboxorg"])
def test_delete_keep_data_is_refused_before_the_confirmation(cli, logged_in, provider):
    emu = logged_in(provider)
    result = cli("pop", "delete", "sales@example.com", "--keep-data", tty=True, stdin="y\n")
    assert result.exit_code == 2
    assert result.stderr == f"mailctl: error: --keep-data: {provider} always deletes the mail with the mailbox\n"
    assert emu.requests == []
    assert "sales@example.com" in addresses(emu, provider)


@pytest.mark.parametrize(("targets", "question"), [
    (["sales@example.com"], "Delete sales@example.com and ALL MAIL in it? [y/N] "),
    (["sales@example.com", "info@example.com"],
     "Delete 2 mailboxes (sales@example.com, info@example.com) and ALL MAIL in them? [y/N] "),
    ([f"u{n}@example.com" for n in range(5)],
     "Delete 5 mailboxes (u0@example.com, u1@example.com, u2@example.com and 2 more) and ALL MAIL in them? [y/N] "),
])
def test_the_delete_question_is_grammatical_for_one_and_for_several(cli, logged_in, targets, question):
    emu = logged_in("cpanel")
    result = cli("pop", "delete", *targets, tty=True, stdin="n\n")
    assert result.exit_code == 2
    assert result.stderr.startswith(question)
    # One mailbox is read before the question (one that is not there is said at once,
    # tests/prompts); nothing is written.
    assert [r for r in emu.requests if write_of(r, emu)] == []
    if len(targets) > 1:
        assert emu.requests == []


@pytest.mark.parametrize(("targets", "question"), [
    (["sales@example.com"], "Delete sales@example.com, keeping the mail files on disk? [y/N] "),
    (["sales@example.com", "info@example.com"],
     "Delete 2 mailboxes (sales@example.com, info@example.com), keeping the mail files on disk? [y/N] "),
])
def test_the_keep_data_question(cli, logged_in, targets, question):
    emu = logged_in("cpanel")
    result = cli("pop", "delete", *targets, "--keep-data", tty=True, stdin="y\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(question)
    with emu.state.lock:
        assert sorted((d.address, d.data_kept) for d in mail_state(emu, "cpanel").deleted) == \
            sorted((t, True) for t in targets)
    assert addresses(emu, "cpanel") == sorted({"info@example.com", "sales@example.com"} - set(targets))
