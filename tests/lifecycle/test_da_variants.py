"""DirectAdmin releases the lifecycle commands must read alike: url-encoded answers
(servers that ignore json=yes) and servers without action=full_list (no suspension in
any read: pop set --suspend is refused without sending the button, which on such a
server would delete the mailbox)."""

from __future__ import annotations

import pytest

from lifecycle_support import panel_for
from provider_table import DOMAIN, SECRET

SALES = f"sales@{DOMAIN}"
TEAM = f"team@{DOMAIN}"


@pytest.fixture
def urlencoded(monkeypatch):
    monkeypatch.setattr("mailctl.backends.directadmin.ASK_FOR_JSON", False)


def test_urlencoded_answers(cli, emu, urlencoded):
    panel = panel_for(cli, emu, "directadmin")
    assert cli("alias", "add", TEAM, "--to", SALES, "--to", "x@elsewhere.test").exit_code == 0
    assert panel.routes() == {TEAM: [SALES, "x@elsewhere.test"]}
    listed = cli("--json", "alias", "list", DOMAIN).json
    assert listed == [{"address": TEAM, "destinations": [SALES, "x@elsewhere.test"], "kind": "forwarder",
                       "domain": DOMAIN}]
    shown = cli("--json", "pop", "show", SALES).json
    assert shown["aliases"] == [TEAM] and shown["quota_mb"] == 500 and shown["restrictions"] == []
    assert cli("pop", "set", SALES, "--quota", "1G", "--suspend").exit_code == 0
    assert panel.quota(SALES) == 1024 and panel.suspended(SALES) == {"login"}
    assert cli("-y", "alias", "remove", TEAM).exit_code == 0
    assert panel.routes() == {}


def test_without_full_list_show_uses_the_per_mailbox_read(cli, emu):
    emu.settings.da_full_list = False
    panel = panel_for(cli, emu, "directadmin")
    shown = cli("--json", "pop", "show", SALES)
    assert shown.exit_code == 0, shown.stderr
    assert shown.json["quota_mb"] == 500 and shown.json["suspended"] is None and shown.json["restrictions"] is None
    assert cli("pop", "set", SALES, "--quota", "2G").exit_code == 0
    assert panel.quota(SALES) == 2048
    assert cli("pop", "show", f"nobody@{DOMAIN}").exit_code == 3


def test_without_full_list_suspend_is_refused_and_nothing_is_sent(cli, emu):
    emu.settings.da_full_list = False
    panel = panel_for(cli, emu, "directadmin")
    result = cli("--json", "pop", "set", SALES, "--suspend")
    assert result.exit_code == 1
    assert "nothing was sent" in result.error_json["error"]["message"]
    assert panel.writes() == []
    assert emu.state.directadmin.has_mailbox(SALES)


def test_a_newer_server_takes_the_writes_on_email_pop(cli, emu):
    emu.settings.da_email_pop = True
    panel = panel_for(cli, emu, "directadmin")
    assert cli("pop", "set", SALES, "--quota", "600", "--suspend").exit_code == 0
    assert panel.quota(SALES) == 600 and panel.suspended(SALES) == {"login"}


def _domain_reads(emu) -> int:
    from urllib.parse import parse_qsl

    return sum(1 for r in emu.requests if r.path == "/CMD_API_POP"
               and dict(parse_qsl(r.body.decode())).get("action") == "full_list")


def test_a_quota_change_reads_that_mailbox_alone_and_keeps_its_suspension(cli, emu):
    # A run of quota changes on one domain must not read the whole domain per change.
    panel = panel_for(cli, emu, "directadmin")
    assert cli("pop", "set", SALES, "--suspend").exit_code == 0
    emu.clear_requests()
    result = cli("--json", "pop", "set", SALES, "--quota", "2G")
    assert result.exit_code == 0, result.stderr
    assert result.json["changes"] == {"quota_mb": [500, 2048]}
    assert result.json["current"]["suspended"] is True and result.json["current"]["restrictions"] == ["login"]
    assert _domain_reads(emu) == 1  # pop set's own read of the previous values, not the change's
    assert panel.quota(SALES) == 2048 and panel.suspended(SALES) == {"login"}
    entry = [e for e in cli("--json", "audit").json if e["command"] == "pop set"][-1]
    assert entry["changes"] == {"quota_mb": [500, 2048]}


def test_quota_changes_through_the_api_cost_no_domain_read(emu):
    from mailctl.api import Client

    with Client("directadmin", emu.url, "demo", SECRET, audit=False) as client:
        before = _domain_reads(emu)
        changed = client.change_mailbox(SALES, quota_mb="1G")
        assert changed.quota_mb == 1024 and changed.suspended is False
        assert _domain_reads(emu) == before + 1  # the API's read of the previous values
    assert emu.state.directadmin.mailbox(SALES).quota_mb == 1024
