"""export -> plan -> edit -> apply -> apply again, with quotas and aliases, for every
provider that can change a quota and its aliases: the plan names exactly the edits, apply
leaves the emulator as declared, and a second apply only reads."""

from __future__ import annotations

import re

import pytest

from mailctl import providers
from provider_table import DOMAIN, PROVIDERS, TABLE, log_in

INFO, SALES = f"info@{DOMAIN}", f"sales@{DOMAIN}"
TEAM, OLD = f"team@{DOMAIN}", f"old@{DOMAIN}"
OUT1, OUT2 = "a@elsewhere.test", "b@elsewhere.test"


def _can_converge(name: str) -> bool:
    spec = providers.spec(name)
    return (spec.takes_quota and TABLE[name].lifecycle is not None
            and all(spec.supports(op) for op in ("pop set", "alias list", "alias add", "alias remove")))


def _requests(emu) -> list:
    return sorted((r.method, r.path, r.body) for r in emu.requests)


@pytest.mark.parametrize("provider", [p for p in PROVIDERS if _can_converge(p)])
def test_quota_and_alias_edits_are_planned_applied_and_then_in_sync(cli, emu, tmp_path, provider):
    state = TABLE[provider].lifecycle
    log_in(cli, emu, provider)
    state.add_route(emu, INFO, [OUT1])
    state.add_route(emu, OLD, [SALES])
    path = tmp_path / "estate.toml"
    assert cli("-p", provider, "export", DOMAIN, "--file", str(path)).exit_code == 0
    assert cli("plan", str(path), "--detailed-exitcode").exit_code == 0

    text = path.read_text()
    text, quotas = re.subn(r"mailboxes\.sales = \{ quota = [^,}]+", 'mailboxes.sales = { quota = "2G"', text)
    text, removed = re.subn(r"aliases\.old = .*(\n|$)", "", text)
    text, widened = re.subn(r"aliases\.info = .*(\n|$)", f'aliases.info = ["{OUT1}", "{OUT2}"]\n', text)
    assert (quotas, removed, widened) == (1, 1, 1), text
    text, pruned = re.subn(r"prune = false\n", "prune = true\n", text)
    assert pruned == 1, text
    text = text.rstrip("\n") + f'\naliases.team = ["{INFO}"]\n'
    path.write_text(text)

    planned = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 7, planned.stderr
    assert [(c["action"], c["kind"], c["address"], c["after"]) for c in planned.json["changes"]] == [
        ("change", "mailbox", SALES, {"quota_mb": 2048}),
        ("create", "alias", TEAM, {"destinations": [INFO]}),
        ("change", "alias", INFO, {"destinations": [OUT1, OUT2]}),
        ("delete", "alias", OLD, None),
    ]

    applied = cli("apply", str(path), "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert "In sync: the live state is what the file declares." in applied.stderr
    assert state.quota(emu, SALES) == 2048
    assert state.routes(emu, DOMAIN) == {INFO: [OUT1, OUT2], TEAM: [INFO]}

    emu.clear_requests()
    assert cli("plan", str(path), "--detailed-exitcode").exit_code == 0
    reads = _requests(emu)
    emu.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0 and "In sync: nothing to do." in again.stderr
    assert _requests(emu) == reads  # the plan's reads, and not one write
