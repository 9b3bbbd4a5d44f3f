"""Aliases in the estate, for every provider that has `alias add` (and quotas where the
provider keeps them), through the real CLI against the emulator: an exported file is in
sync; an edited one plans exactly its edits, apply makes them, and a second apply sends
nothing. A write of apply whose answer is lost is settled by a read, never sent twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lifecycle_support import alias_write, having, panel_for, set_write
from provider_table import DOMAIN, log_in

INFO = f"info@{DOMAIN}"
SALES = f"sales@{DOMAIN}"
TEAM = f"team@{DOMAIN}"
OUT1, OUT2 = "a@elsewhere.test", "b@elsewhere.test"
ALIAS_PROVIDERS = having("alias add")
# The lost writes: a new alias on every provider, a quota change where it keeps quotas.
LOST_WRITES = ([(p, "alias") for p in ALIAS_PROVIDERS]
               + [(p, "quota") for p in ALIAS_PROVIDERS if p in having("pop set", lambda spec: spec.takes_quota)])


def quota_settable(spec) -> bool:
    return spec.takes_quota and spec.supports("pop set")


def export(cli, provider: str, path: Path) -> str:
    result = cli("-p", provider, "export", DOMAIN, "--file", str(path))
    assert result.exit_code == 0, result.stderr
    return path.read_text()


def edit(text: str, pattern: str, replacement: str) -> str:
    """`text` with the one line matching `pattern` replaced (removed when None)."""
    lines = text.splitlines(keepends=True)
    found = [number for number, line in enumerate(lines) if re.fullmatch(pattern, line.rstrip("\n"))]
    assert len(found) == 1, f"{pattern!r} in:\n{text}"
    lines[found[0]] = "" if replacement is None else replacement + "\n"
    return "".join(lines)


def local(address: str) -> str:
    return address.partition("@")[0]


def change(provider: str, action: str, kind: str, address: str, before, after) -> dict:
    return {"profile": provider, "domain": DOMAIN, "action": action, "kind": kind, "address": address,
            "before": before, "after": after}


@pytest.mark.parametrize("provider", ALIAS_PROVIDERS)
def test_edited_aliases_and_quota_are_planned_applied_and_then_in_sync(cli, emu, tmp_path, provider):
    panel = panel_for(cli, emu, provider)
    forwarder = panel.forwarder
    panel.add_route(forwarder, [OUT1])
    panel.add_route(TEAM, [SALES])
    path = tmp_path / "estate.toml"
    text = export(cli, provider, path)
    assert f'aliases.{local(forwarder)} = ["{OUT1}"]\n' in text
    assert f'aliases.team = ["{SALES}"]\n' in text

    in_sync = cli("plan", str(path), "--detailed-exitcode")
    assert in_sync.exit_code == 0, in_sync.stderr
    assert "(in sync)" in in_sync.stderr

    # A destination added, an alias removed with prune, a quota changed.
    text = edit(text, r"prune = false", "prune = true")
    text = edit(text, rf"aliases\.{local(forwarder)} = .*", f'aliases.{local(forwarder)} = ["{OUT1}", "{OUT2}"]')
    text = edit(text, r"aliases\.team = .*", None)
    quota = quota_settable(panel.spec)
    if quota:
        text = edit(text, r"mailboxes\.sales = \{ quota = 500 \}", 'mailboxes.sales = { quota = "2G" }')
    path.write_text(text)

    planned = cli("--json", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 7, planned.stderr
    expected = [change(provider, "change", "alias", forwarder, {"destinations": [OUT1]},
                       {"destinations": [OUT1, OUT2]}),
                change(provider, "delete", "alias", TEAM, {"destinations": [SALES]}, None)]
    if quota:
        expected.insert(0, change(provider, "change", "mailbox", SALES, {"quota_mb": 500}, {"quota_mb": 2048}))
    assert planned.json["changes"] == expected
    assert planned.json["counts"] == {"create": 0, "change": len(expected) - 1, "delete": 1,
                                      "unchanged": 1 if quota else 2}
    assert planned.json["warnings"] == []
    assert panel.writes() == []

    applied = cli("apply", str(path), "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert "In sync: the live state is what the file declares." in applied.stderr
    assert panel.routes() == {forwarder: [OUT1, OUT2]}
    if quota:
        assert panel.quota(SALES) == 2048

    emu.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0, again.stderr
    assert "In sync: nothing to do." in again.stderr
    assert panel.writes() == []


def _lost_write_estate(cli, emu, tmp_path, provider, write: str):
    """A panel and an estate file asking for one change: a new alias TEAM -> INFO, or
    SALES's quota 2048 MB. Returns (panel, path, the fault selector of its write)."""
    panel = panel_for(cli, emu, provider)
    path = tmp_path / "estate.toml"
    text = export(cli, provider, path)
    if write == "alias":
        text += f'aliases.team = ["{INFO}"]\n'
        selector = alias_write(provider)
    else:
        text = edit(text, r"mailboxes\.sales = \{ quota = 500 \}", "mailboxes.sales = { quota = 2048 }")
        selector = set_write(provider)
    path.write_text(text)
    emu.clear_requests()
    return panel, path, selector


def _declared(panel, write: str) -> bool:
    return panel.routes() == {TEAM: [INFO]} if write == "alias" else panel.quota(SALES) == 2048


@pytest.mark.parametrize("provider, write", LOST_WRITES)
def test_a_write_whose_answer_is_lost_mid_apply_is_settled_never_doubled(cli, emu, tmp_path, provider, write):
    panel, path, selector = _lost_write_estate(cli, emu, tmp_path, provider, write)
    # The server makes the change, then the connection drops before the answer.
    injected = emu.add_fault(kind="reset", when="after", count=1, **selector)

    first = cli("apply", str(path), "--yes")

    assert injected.matched == 1
    assert first.exit_code == 0, first.stderr
    assert "the server shows the change was applied" in first.stderr
    assert "Traceback" not in first.stderr
    assert "In sync: the live state is what the file declares." in first.stderr
    assert _declared(panel, write)
    assert len(panel.writes()) == 1

    emu.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0 and "In sync: nothing to do." in again.stderr
    assert panel.writes() == []


@pytest.mark.parametrize("provider, write", LOST_WRITES)
def test_a_write_that_failed_before_acting_is_made_by_the_next_apply(cli, emu, tmp_path, provider, write):
    panel, path, selector = _lost_write_estate(cli, emu, tmp_path, provider, write)
    injected = emu.add_fault(kind="reset", when="before", count=1, **selector)

    first = cli("apply", str(path), "--yes")

    assert injected.matched == 1
    assert first.exit_code == 6, first.stderr
    assert "NOT applied" in first.stderr
    assert "Not in sync: 1 change(s) still pending" in first.stderr
    assert not _declared(panel, write)
    assert len(panel.writes()) == 1

    emu.clear_requests()
    again = cli("apply", str(path), "--yes")
    assert again.exit_code == 0, again.stderr
    assert "In sync: the live state is what the file declares." in again.stderr
    assert _declared(panel, write)
    assert len(panel.writes()) == 1


def test_a_cpanel_domain_moves_to_mailcow_with_its_aliases_and_passwords_only_in_the_report(cli, emu, tmp_path):
    log_in(cli, emu, "cpanel")
    log_in(cli, emu, "mailcow")
    with emu.state.lock:
        cp, mc = emu.state.cpanel, emu.state.mailcow
        cp.add_domain("moved.test", "demo")
        mc.add_domain("moved.test")
        cp.add_mailbox("anna@moved.test", password="Cp-pass-word-1", quota_mb=100)
        cp.add_mailbox("ben@moved.test", password="Cp-pass-word-1", quota_mb=0)
        cp.set_forwarder("moved.test", "team", ["anna@moved.test", "ben@moved.test"])
        cp.set_forwarder("moved.test", "anna", [OUT1])  # a mailbox's own forwarder: not on mailcow
        emu.state.touch()
    exported = tmp_path / "moved.toml"
    assert cli("-p", "cpanel", "export", "moved.test", "--file", str(exported)).exit_code == 0
    report = tmp_path / "passwords.jsonl"

    result = cli("apply", str(exported), "--map-profile", "cpanel=mailcow", "--yes", "--generate",
                 "--report", str(report))

    assert result.exit_code == 0, result.stderr
    assert ("warning: anna@moved.test: mailcow cannot forward a mailbox's own address; the declared alias is "
            "left out") in result.stderr
    assert "In sync: the live state is what the file declares." in result.stderr
    with emu.state.lock:
        assert {a: mc.mailbox(a).quota_bytes // (1024 * 1024) for a in mc.addresses("moved.test")} == {
            "anna@moved.test": 100, "ben@moved.test": 0}
        assert {a.address: (a.goto, a.active) for a in mc.aliases.values()} == {
            "team@moved.test": (["anna@moved.test", "ben@moved.test"], 1)}
        stored = {a: mc.mailbox(a).password for a in ("anna@moved.test", "ben@moved.test")}
    entries = {e["address"]: e for e in map(json.loads, report.read_text().splitlines()) if e["kind"] == "mailbox"}
    assert {a: entries[a]["password"] for a in stored} == stored
    for password in stored.values():
        assert password not in result.stdout + result.stderr
