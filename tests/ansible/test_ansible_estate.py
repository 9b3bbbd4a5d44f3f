"""mailctl.mail.estate driven by a real ansible-playbook against one emulator, one
inventory host per panel: the declared domains made so (first run changed), a second run
that writes nothing, check mode with diffs that changes nothing, a missing password
that fails before any write, and a whole estate file of several config.toml profiles."""

from __future__ import annotations

import json
import sys

import pytest

from ansible_run import ansible, needs_ansible, recap
from provider_table import LOGIN, SECRET, mail_state, write_of
from mailctl.emulator import Emulator

pytestmark = needs_ansible

# host -> (provider, the domain table it declares for example.com)
PANELS = {
    "da": ("directadmin", {"prune": True, "mailboxes": {"info": {}, "team-box": {"quota": 100}},
                           "aliases": {"team": ["info@example.com", "team-box@example.com"]}}),
    "cp": ("cpanel", {"mailboxes": {"info": {"quota": "1G"}, "sales": {}, "team-box": {"quota": 200}}}),
    "mbo": ("mailboxorg", {"mailboxes": {"info": {}, "sales": {}, "team-box": {}}}),
}
NEW_PASSWORD = "Est4te-playbook-pass"

PLAY = """
- hosts: panels
  gather_facts: false
  tasks:
    - name: example.com as declared
      mailctl.mail.estate:
        provider: "{{ mailctl_provider }}"
        url: "{{ mailctl_url }}"
        user: "{{ mailctl_user }}"
        secret: "{{ mailctl_secret }}"
        domains:
          example.com: "{{ declared }}"
        max_deletes: 1
        passwords: "{{ new_passwords }}"
"""


@pytest.fixture(scope="module")
def emu():
    with Emulator() as emulator:
        yield emulator


def inventory(emu, passwords=True, panels=PANELS) -> dict:
    hosts = {host: {"mailctl_provider": provider, "mailctl_user": LOGIN[provider], "declared": table,
                    "new_passwords": {"team-box@example.com": NEW_PASSWORD} if passwords else {}}
             for host, (provider, table) in panels.items()}
    return {"panels": {"hosts": hosts, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        "mailctl_url": emu.url, "mailctl_secret": SECRET}}}


def prepare(workdir, emu, **kwargs) -> None:
    (workdir / "inventory.json").write_text(json.dumps(inventory(emu, **kwargs)))
    (workdir / "estate.yml").write_text(PLAY)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("ansible-estate")


@pytest.fixture(scope="module")
def first_run(workdir, emu):
    prepare(workdir, emu)
    result = ansible(workdir, "estate.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_first_run_makes_every_panel_as_declared(first_run, emu):
    counts = recap(first_run.stdout)
    assert {host: c["changed"] for host, c in counts.items()} == {"da": 1, "cp": 1, "mbo": 1}
    da = mail_state(emu, "directadmin")
    # prune on DirectAdmin: sales went, team-box came.
    assert sorted(da.addresses("example.com")) == ["info@example.com", "team-box@example.com"]
    assert da.mailbox("team-box@example.com").quota_mb == 100
    assert da.mailbox("team-box@example.com").password == NEW_PASSWORD
    assert sorted(emu.state.directadmin.forwarders["example.com"]["team"]) == ["info@example.com",
                                                                                 "team-box@example.com"]
    cp = mail_state(emu, "cpanel")
    assert cp.mailbox("info@example.com").quota_mb == 1024 and cp.mailbox("team-box@example.com").quota_mb == 200
    assert sorted(mail_state(emu, "mailboxorg").addresses("example.com")) == [
        "info@example.com", "sales@example.com", "team-box@example.com"]
    assert NEW_PASSWORD not in first_run.stdout + first_run.stderr


def test_second_run_changes_nothing_and_writes_nothing(first_run, workdir, emu):
    revision = emu.state.revision
    emu.clear_requests()
    result = ansible(workdir, "estate.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(c["changed"] == 0 for c in recap(result.stdout).values()), result.stdout
    assert emu.requests and [r for r in emu.requests if write_of(r)] == []
    assert emu.state.revision == revision


def test_check_diff_shows_the_changes_and_changes_nothing(first_run, workdir, emu):
    changed = {host: (provider, {**table, "mailboxes": {**table["mailboxes"], "info": {"quota": 300}}})
               for host, (provider, table) in PANELS.items() if host != "mbo"}
    prepare(workdir, emu, panels=changed)
    revision = emu.state.revision
    emu.clear_requests()
    result = ansible(workdir, "estate.yml", "--check", "--diff")
    assert result.returncode == 0, result.stdout + result.stderr
    assert {host: c["changed"] for host, c in recap(result.stdout).items()} == {"da": 1, "cp": 1}
    assert result.stdout.count('"mailbox info@example.com"') >= 2 and '"quota_mb": 300' in result.stdout
    assert emu.state.revision == revision and [r for r in emu.requests if write_of(r)] == []


def test_a_new_mailbox_without_a_password_fails_before_any_write(first_run, workdir, emu):
    declared = {"mailboxes": {"info": {}, "team-box": {"quota": 100}, "late": {}}}
    prepare(workdir, emu, panels={"da": ("directadmin", declared)})
    emu.clear_requests()
    result = ansible(workdir, "estate.yml", "-vvv")
    assert recap(result.stdout)["da"]["failed"] == 1
    assert "new mailbox(es) have no password" in result.stdout and "late@example.com" in result.stdout
    assert "(mailctl usage, exit 2)" in result.stdout
    assert [r for r in emu.requests if write_of(r)] == []
    assert SECRET not in result.stdout + result.stderr
