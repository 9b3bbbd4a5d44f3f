"""Faults on the lifecycle writes (alias add, pop set): a write is sent once; when its
answer is lost a read settles what happened, and mailctl says so; never a traceback."""

from __future__ import annotations

import pytest

from lifecycle_support import having, panel_for
from provider_table import DOMAIN, TABLE

INFO = f"info@{DOMAIN}"
SALES = f"sales@{DOMAIN}"
TEAM = f"team@{DOMAIN}"

# The one request of `alias add TEAM --to INFO` that writes, per provider.
ALIAS_WRITE = {
    "directadmin": dict(path="/CMD_API_EMAIL_FORWARDERS", field="action:create"),
    "cpanel": dict(path="/execute/Email/add_forwarder"),
    "whm": dict(field="cpanel.function:add_forwarder"),
    "mailboxorg": dict(method="mail.set"),
}
# Faults whose answer is lost in a way a read can settle.
LOST = ["500", "503", "reset", "truncate", "nonjson"]


def _write(provider):
    selector = ALIAS_WRITE.get(provider) or TABLE[provider].lifecycle.alias_write
    if selector is None:
        pytest.fail(f"add the alias-add write request of {provider} to ALIAS_WRITE (or its LifecycleState)")
    return selector


@pytest.mark.parametrize("fault", LOST)
@pytest.mark.parametrize("provider", having("alias add"))
def test_an_alias_add_whose_answer_is_lost_is_settled_by_a_read(cli, emu, provider, fault):
    panel = panel_for(cli, emu, provider)
    emu.add_fault(kind=fault, when="after", count=1, **_write(provider))
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
    emu.add_fault(kind=fault, when="before", count=1, **_write(provider))
    result = cli("--json", "alias", "add", TEAM, "--to", INFO)
    assert result.exit_code == 5
    assert "NOT applied" in result.error_json["error"]["message"]
    assert panel.routes() == {}
    assert len(panel.writes()) == 1


@pytest.mark.parametrize("provider", having("pop set"))
def test_a_stalled_pop_set_is_ambiguous_not_resent(cli, emu, provider):
    panel = panel_for(cli, emu, provider)
    match = panel.state.set_write or (dict(method="mail.set") if provider == "mailboxorg" else dict(field="quota:2048"))
    args = ("--suspend",) if provider == "mailboxorg" else ("--quota", "2G")
    emu.add_fault(kind="stall", seconds=2, when="before", count=1, **match)
    result = cli("--json", "--timeout", "0.5", "pop", "set", SALES, *args)
    assert result.exit_code == 5
    assert result.error_json["error"]["code"] == "ambiguous_write"
    assert len(panel.writes()) == 1
