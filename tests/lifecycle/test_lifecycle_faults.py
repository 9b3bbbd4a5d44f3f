"""Faults on the lifecycle writes (alias add, pop set): a write is sent once; when its
answer is lost a read settles what happened, and mailctl says so; never a traceback."""

from __future__ import annotations

import pytest

from lifecycle_support import alias_write, having, panel_for, set_write
from provider_table import DOMAIN

INFO = f"info@{DOMAIN}"
SALES = f"sales@{DOMAIN}"
TEAM = f"team@{DOMAIN}"

# Faults whose answer is lost in a way a read can settle.
LOST = ["500", "503", "reset", "truncate", "nonjson"]


@pytest.mark.parametrize("fault", LOST)
@pytest.mark.parametrize("provider", having("alias add"))
def test_an_alias_add_whose_answer_is_lost_is_settled_by_a_read(cli, emu, provider, fault):
    panel = panel_for(cli, emu, provider)
    emu.add_fault(kind=fault, when="after", count=1, **alias_write(provider))
    result = cli("alias", "add", TEAM, "--to", INFO)
    assert result.exit_code == 0, result.stderr
    assert "the server shows the change was applied" in result.stderr
    assert "Traceback" not in result.stderr
    assert panel.routes() == {TEAM: [INFO]}
    assert len(panel.writes()) == 1


@pytest.mark.parametrize("fault", ["500", "reset"])
@pytest.mark.parametrize("provider", having("alias add"))
def test_an_alias_add_that_failed_before_acting_says_it_is_safe_to_retry(cli, emu, provider, fault):
    panel = panel_for(cli, emu, provider)
    emu.add_fault(kind=fault, when="before", count=1, **alias_write(provider))
    result = cli("--json", "alias", "add", TEAM, "--to", INFO)
    assert result.exit_code == 5
    assert "NOT applied" in result.error_json["error"]["message"]
    assert panel.routes() == {}
    assert len(panel.writes()) == 1


@pytest.mark.parametrize("provider", having("pop set"))
def test_a_stalled_pop_set_is_ambiguous_not_resent(cli, emu, provider):
    panel = panel_for(cli, emu, provider)
    match = set_write(provider)
    args = ("--suspend",) if provider == "mailboxorg" else ("--quota", "2G")
    emu.add_fault(kind="stall", seconds=2, when="before", count=1, **match)
    result = cli("--json", "--timeout", "0.5", "pop", "set", SALES, *args)
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert len(panel.writes()) == 1
