"""DirectAdmin releases the lifecycle commands must read alike: url-encoded answers
(servers that ignore json=yes) and servers without action=full_list (no suspension in
any read: pop set --suspend is refused without sending the button, which on such a
server would delete the mailbox)."""

from __future__ import annotations

import pytest

from lifecycle_support import panel_for
from provider_table import DOMAIN

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
