"""The audit log records every write a backend makes or tries, never a secret."""

import json
import stat

import pytest

from mailctl.audit import AuditedBackend, AuditLog
from mailctl.errors import ProviderRefused
from mailctl.models import Mailbox, NewMailbox
from mailctl.validation import address


class Recorder:
    provider = "directadmin"

    def __init__(self):
        self.calls = []

    def create_mailbox(self, new):
        self.calls.append(("create", new.address))
        return Mailbox(new.address)

    def change_password(self, target, password, *, require_reset=False):
        raise ProviderRefused("password too weak", provider=self.provider)

    def delete_mailbox(self, target, *, keep_data=False):
        from mailctl.errors import NoCredentials

        raise NoCredentials("no stored credentials")

    def list_mailboxes(self, domain):
        return [Mailbox(f"info@{domain}")]


def test_writes_are_logged_with_outcome_and_no_secret(tmp_path):
    log = AuditLog(tmp_path / "state" / "audit.jsonl")
    backend = AuditedBackend(Recorder(), log, "prod")
    backend.create_mailbox(NewMailbox("info@example.com", "Canary-Pw-123"))
    with pytest.raises(ProviderRefused):
        backend.change_password(address("sales@example.com"), "Canary-Pw-456")
    assert backend.list_mailboxes("example.com") == [Mailbox("info@example.com")]
    with pytest.raises(Exception):
        backend.delete_mailbox(address("info@example.com"))  # never reached the server: not logged

    text = log.path.read_text()
    assert "Canary-Pw" not in text
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    entries = [json.loads(line) for line in text.splitlines()]
    assert [(e["command"], e["target"], e["outcome"], e["profile"], e["provider"]) for e in entries] == [
        ("pop create", "info@example.com", "ok", "prod", "directadmin"),
        ("passwd", "sales@example.com", "failed", "prod", "directadmin"),
    ]
    assert entries[1]["error"] == {"code": "refused", "message": "password too weak"}
    assert all(e["time"].endswith("+00:00") for e in entries)


def test_audit_command_shows_the_log(cli, tmp_path):
    from mailctl.audit import state_dir

    log = AuditLog(state_dir() / "audit.jsonl")
    backend = AuditedBackend(Recorder(), log, "prod")
    for name in ("a", "b", "c"):
        backend.create_mailbox(NewMailbox(f"{name}@example.com", "x"))
    log.path.open("a").write('{"cut short by a crash\n')

    everything = cli("--json", "audit")
    assert everything.exit_code == 0
    assert [e["target"] for e in everything.json] == ["a@example.com", "b@example.com", "c@example.com"]
    last = cli("-o", "plain", "audit", "-n", "1")
    fields = last.stdout.rstrip("\n").split("\t")
    assert fields[1:] == ["prod", "pop create", "c@example.com", "ok", "-"]


def test_empty_audit_log(cli):
    result = cli("--json", "audit")
    assert (result.exit_code, result.json) == (0, [])
