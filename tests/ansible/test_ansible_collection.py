"""The Ansible collection (ansible_collections/mailctl/mail) driven by a real
ansible-playbook against one emulator: a first run that creates, a second that changes
nothing and writes nothing, check mode with diffs, and a failing login whose secret shows
nowhere. Skipped where ansible-core is not installed (pip install -e '.[ansible]')."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mailctl
from provider_table import SECRET, mail_state, write_of
from mailctl import providers
from mailctl.api import Client
from mailctl.emulator import Emulator

from ansible_run import COLLECTION, PLAYBOOK_BIN, REPO, ansible, needs_ansible, recap

pytestmark = needs_ansible

# The panels of the inventory: host -> provider, login, per-host variables.
PANELS = {
    "da": ("directadmin", "demo", {"mailbox_quota": 100}),
    "cp": ("cpanel", "demo", {"mailbox_quota": 200}),
    "mbo": ("mailboxorg", "demo", {"create_options": {"plan": "premium"}}),
}
MAILBOX_PASSWORD = "Pl4ybook-mailbox-pass"
WRONG_SECRET = "Wr0ng-secret-canary-7Q"

PLAY = """
- hosts: panels
  gather_facts: false
  module_defaults:
    group/mailctl.mail.all:
      provider: "{{ mailctl_provider }}"
      url: "{{ mailctl_url }}"
      user: "{{ mailctl_user }}"
      secret: "{{ mailctl_secret }}"
  tasks:
    - name: Mailboxes
      mailctl.mail.mailbox:
        address: "{{ item }}@example.com"
        password: "{{ mailbox_password }}"
        quota: "{{ mailbox_quota | default(omit) }}"
        create_options: "{{ create_options | default(omit) }}"
      loop: %(mailboxes)s
    - name: No sales mailbox
      mailctl.mail.mailbox:
        address: sales@example.com
        state: absent
    - name: The team alias, where the panel has aliases
      mailctl.mail.alias:
        address: team@example.com
        destinations: %(team)s
      when: mailctl_aliases
    - name: What the domain holds
      mailctl.mail.mailbox_info:
        domain: example.com
      register: held
    - name: The listing shows the mailboxes
      ansible.builtin.assert:
        that: "'alice@example.com' in (held.mailboxes | map(attribute='address') | list)"
"""


def playbook(mailboxes=("alice", "bob"), team=("alice@example.com",)) -> str:
    return PLAY % {"mailboxes": json.dumps(list(mailboxes)), "team": json.dumps(list(team))}


@pytest.fixture(scope="module")
def emu():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, emu) -> Path:
    work = tmp_path_factory.mktemp("ansible")
    hosts = {}
    for host, (provider, login, extra) in PANELS.items():
        hosts[host] = {"mailctl_provider": provider, "mailctl_user": login, "mailctl_secret": SECRET,
                       "mailctl_aliases": providers.spec(provider).supports("alias add"), **extra}
    inventory = {"panels": {"hosts": hosts, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        "mailctl_url": emu.url, "mailbox_password": MAILBOX_PASSWORD}}}
    (work / "inventory.json").write_text(json.dumps(inventory))
    (work / "site.yml").write_text(playbook())
    (work / "changed.yml").write_text(playbook(("alice", "bob", "carol"), ("bob@example.com",)))
    return work


def snapshot(emu) -> dict:
    state = {}
    for host, (provider, login, _) in PANELS.items():
        mail = mail_state(emu, provider)
        state[host] = {address: (getattr(mail.mailbox(address), "quota_mb", None),
                                 getattr(mail.mailbox(address), "password", None))
                       for address in mail.addresses("example.com")}
    return state


def aliases_of(emu, provider: str, login: str) -> dict:
    if not providers.spec(provider).supports("alias list"):
        return {}
    with Client(provider, emu.url, login, SECRET, audit=False) as client:
        return {a.address: sorted(a.destinations) for a in client.aliases("example.com")}


@pytest.fixture(scope="module")
def first_run(workdir, emu):
    result = ansible(workdir, "site.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_first_run_creates_what_the_playbook_declares(first_run, emu):
    counts = recap(first_run.stdout)
    assert set(counts) == set(PANELS)
    assert all(c["changed"] >= 1 and c["failed"] == 0 for c in counts.values()), counts
    for host, (provider, login, extra) in PANELS.items():
        mail = mail_state(emu, provider)
        assert sorted(mail.addresses("example.com")) == ["alice@example.com", "bob@example.com",
                                                         "info@example.com"], host
        for local in ("alice", "bob"):
            box = mail.mailbox(f"{local}@example.com")
            assert box.password == MAILBOX_PASSWORD
            if "mailbox_quota" in extra:
                assert box.quota_mb == extra["mailbox_quota"]
            else:
                assert box.plan == "premium"
        if providers.spec(provider).supports("alias add"):
            assert aliases_of(emu, provider, login)["team@example.com"] == ["alice@example.com"]


def test_second_run_changes_nothing_and_writes_nothing(first_run, workdir, emu):
    revision = emu.state.revision
    emu.clear_requests()
    result = ansible(workdir, "site.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(c["changed"] == 0 for c in recap(result.stdout).values()), result.stdout
    assert emu.requests, "the second run read nothing"
    assert [r for r in emu.requests if write_of(r)] == []
    assert emu.state.revision == revision


def test_check_diff_reports_and_changes_nothing(first_run, workdir, emu):
    before = snapshot(emu)
    revision = emu.state.revision
    result = ansible(workdir, "changed.yml", "--check", "--diff")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(c["changed"] >= 1 for c in recap(result.stdout).values()), result.stdout
    # The would-be mailbox, as a diff per host.
    assert result.stdout.count("carol@example.com") >= len(PANELS)
    assert '+    "state": "present"' in result.stdout or '+  "state": "present"' in result.stdout
    assert snapshot(emu) == before and emu.state.revision == revision


def test_wrong_secret_fails_with_mailctls_message_and_never_shows_it(workdir, emu):
    (workdir / "wrong.yml").write_text("""
- hosts: da
  gather_facts: false
  tasks:
    - mailctl.mail.mailbox_info:
        provider: "{{ mailctl_provider }}"
        url: "{{ mailctl_url }}"
        user: "{{ mailctl_user }}"
        secret: "%s"
        domain: example.com
""" % WRONG_SECRET)
    result = ansible(workdir, "wrong.yml", "-vvv")
    assert result.returncode != 0
    assert recap(result.stdout)["da"]["failed"] == 1
    assert "(mailctl auth, exit 4)" in result.stdout
    assert WRONG_SECRET not in result.stdout + result.stderr


def test_ansible_doc_renders_every_module_as_its_argument_spec_says(workdir):
    doc = str(Path(PLAYBOOK_BIN).with_name("ansible-doc"))
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(REPO), "ANSIBLE_HOME": str(workdir / "home" / "ansible")}
    names = [f"mailctl.mail.{p.stem}" for p in sorted((COLLECTION / "plugins" / "modules").glob("*.py"))]
    assert len(names) == 4
    shown = subprocess.run([doc, *names], env=env, capture_output=True, text=True)
    assert shown.returncode == 0 and "ERROR" not in shown.stderr, shown.stderr
    assert all(name in shown.stdout for name in names)
    documented = json.loads(subprocess.run([doc, "--json", *names], env=env, capture_output=True, text=True,
                                           check=True).stdout)
    pytest.importorskip("ansible.module_utils.basic", reason="ansible-core is not importable here")
    sys.path.insert(0, str(REPO))
    import importlib

    from ansible_collections.mailctl.mail.plugins.module_utils.mailctl_client import CONNECTION_ARGS

    for name in names:
        module = importlib.import_module(f"ansible_collections.mailctl.mail.plugins.modules.{name.split('.')[-1]}")
        spec = {**CONNECTION_ARGS, **module.ARGS}
        options = documented[name]["doc"]["options"]
        assert set(options) == set(spec), name
        for option, arg in spec.items():
            assert options[option]["type"] == arg["type"], (name, option)
            assert options[option].get("default") == arg.get("default"), (name, option)
            assert options[option].get("choices") == arg.get("choices"), (name, option)
            assert bool(options[option].get("required")) == bool(arg.get("required")), (name, option)


def test_collection_version_is_mailctls():
    text = (COLLECTION / "galaxy.yml").read_text()
    assert f"\nversion: {mailctl.__version__}\n" in text


def test_ansible_galaxy_builds_the_collection(tmp_path):
    galaxy = str(Path(PLAYBOOK_BIN).with_name("ansible-galaxy"))
    env = {**os.environ, "ANSIBLE_HOME": str(tmp_path / "ansible")}
    result = subprocess.run([galaxy, "collection", "build", "--output-path", str(tmp_path), str(COLLECTION)],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / f"mailctl-mail-{mailctl.__version__}.tar.gz").is_file()


def test_without_mailctl_the_module_says_what_is_missing(tmp_path):
    bare = tmp_path / "bare"
    subprocess.run([str(Path(sys.base_prefix) / "bin" / "python3"), "-m", "venv", "--without-pip", str(bare)],
                   check=True)
    adhoc = str(Path(PLAYBOOK_BIN).with_name("ansible"))
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "ANSIBLE_HOME": str(tmp_path / "ansible"),
           "ANSIBLE_COLLECTIONS_PATH": str(REPO), "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_NOCOLOR": "1"}
    result = subprocess.run([adhoc, "localhost", "-c", "local", "-m", "mailctl.mail.mailbox_info",
                             "-a", "provider=cpanel url=https://panel.example.com user=demo",
                             "-e", f"ansible_python_interpreter={bare / 'bin' / 'python'}"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Failed to import the required Python library (mailctl)" in result.stdout
