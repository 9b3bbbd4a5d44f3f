"""Concurrent runs against every provider: every row reaches the server exactly once,
none is lost, and the emulator's state is exactly what the file asked for."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import parse_qsl

from bulk_support import DOMAIN, csv_file, new_rows, report_lines

COUNT = 60


def test_create_change_delete_with_16_jobs(cli, panel, tmp_path):
    before = panel.addresses()
    rows = new_rows(COUNT)
    wanted = {row["address"] for row in rows}
    create_report = tmp_path / "create.jsonl"

    result = cli("--json", "pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", rows)),
                 "--jobs", "16", "--report", str(create_report))
    assert result.exit_code == 0, result.stderr
    assert panel.addresses() == before | wanted
    assert Counter(panel.writes()) == Counter(("create", a) for a in wanted)  # each sent once
    assert all(panel.password(row["address"]) == row["password"] for row in rows)
    entries = report_lines(create_report)
    assert sorted(e["address"] for e in entries) == sorted(wanted)
    assert {e["outcome"] for e in entries} == {"created"}
    assert sorted(r["row"] for r in result.json) == list(range(2, COUNT + 2))

    panel.emu.clear_requests()
    changed = [{"address": row["address"], "password": row["password"] + "-new"} for row in rows]
    result = cli("passwd", "--from-file", str(csv_file(tmp_path / "pw.csv", changed)), "--jobs", "16")
    assert result.exit_code == 0, result.stderr
    assert Counter(w for w in panel.writes() if w[0] == "passwd") == Counter(("passwd", a) for a in wanted)
    assert all(panel.password(row["address"]) == row["password"] for row in changed)

    panel.emu.clear_requests()
    result = cli("--yes", "pop", "delete", "--from-file", str(tmp_path / "in.csv"), "--jobs", "16")
    assert result.exit_code == 0, result.stderr
    assert panel.addresses() == before
    assert Counter(panel.writes()) == Counter(("delete", a) for a in wanted)


def test_plain_output_is_one_line_per_row(cli, cpanel, tmp_path):
    rows = new_rows(5)
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", rows)))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"{n + 2}\t{row['address']}\tcreated\t-" for n, row in enumerate(rows)]
    assert result.stderr.startswith("pop create: 5 created in ")


def test_delete_asks_once_naming_the_count(cli, cpanel, tmp_path):
    with cpanel.emu.state.lock:
        for n in range(5):
            cpanel.state.add_mailbox(f"old{n}@{DOMAIN}")
    path = tmp_path / "del.csv"
    path.write_text("address\n" + "".join(f"old{n}@{DOMAIN}\n" for n in range(5)), encoding="utf-8")

    refused = cli("pop", "delete", "--from-file", str(path))  # no terminal, no --yes
    assert refused.exit_code == 2
    assert "Delete 5 mailboxes listed in" in refused.stderr and "pass --yes" in refused.stderr
    declined = cli("pop", "delete", "--from-file", str(path), tty=True, stdin="n\n")
    assert declined.exit_code == 2
    assert cpanel.writes() == []

    confirmed = cli("pop", "delete", "--from-file", str(path), tty=True, stdin="y\n")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert confirmed.stderr.count("[y/N]") == 1
    assert "old0@example.com, old1@example.com, old2@example.com and 2 more" in confirmed.stderr
    assert not any(a.startswith("old") for a in cpanel.addresses())


def test_keep_data_applies_to_every_row(cli, cpanel, tmp_path):
    with cpanel.emu.state.lock:
        for n in range(3):
            cpanel.state.add_mailbox(f"keep{n}@{DOMAIN}")
    path = tmp_path / "del.csv"
    path.write_text("address\n" + "".join(f"keep{n}@{DOMAIN}\n" for n in range(3)), encoding="utf-8")
    declined = cli("pop", "delete", "--from-file", str(path), "--keep-data", tty=True, stdin="n\n")
    assert "Delete 3 mailboxes listed in" in declined.stderr
    assert "keeping their mail files on disk?" in declined.stderr and "ALL MAIL" not in declined.stderr
    result = cli("--yes", "pop", "delete", "--from-file", str(path), "--keep-data")
    assert result.exit_code == 0, result.stderr
    with cpanel.emu.state.lock:
        assert sorted((d.address, d.data_kept) for d in cpanel.state.deleted) == [
            (f"keep{n}@{DOMAIN}", True) for n in range(3)]


def test_all_domains_lists_every_domain(cli, panel):
    with panel.emu.state.lock:
        state = panel.state
        owner = state.domains[DOMAIN]
        for n in range(6):
            domain = f"d{n}.example.net"
            state.add_domain(domain, owner)
            for m in range(n):
                state.add_mailbox(f"box{m}@{domain}")
    expected = {a for n in range(6) for a in panel.addresses(f"d{n}.example.net")} | panel.addresses()

    # WHM lists the domains of one cPanel account, as `domain list` does.
    account = ["--cpanel-user", "demo"] if panel.name == "whm" else []
    result = cli("--json", "pop", "list", "--all-domains", "--jobs", "4", *account)
    assert result.exit_code == 0, result.stderr
    listed = result.json
    assert {m["address"] for m in listed} == expected
    assert len(listed) == len(expected)
    assert all(m["domain"] == m["address"].rpartition("@")[2] for m in listed)
    # Grouped by domain, in the order the server lists its domains.
    domains = [m["domain"] for m in listed]
    assert domains == sorted(domains, key=domains.index)

    plain = cli("pop", "list", "--all-domains", *account)
    assert plain.exit_code == 0
    assert sorted(line.split("\t")[0] for line in plain.stdout.splitlines()) == sorted(expected)


def test_all_domains_reports_a_domain_that_fails_and_lists_the_rest(cli, cpanel):
    with cpanel.emu.state.lock:
        cpanel.state.add_domain("other.example.net", "demo")
        cpanel.state.add_mailbox("x@other.example.net")
    cpanel.emu.add_fault("nonjson,path=/execute/Email/list_pops_with_disk,field=domain:other.example.net,count=99")
    result = cli("--json", "pop", "list", "--all-domains")
    assert result.exit_code == 6
    assert {m["address"] for m in result.json} == cpanel.addresses()
    assert json.loads(result.stderr.splitlines()[-1])["error"]["code"] == "partial_failure"
    assert "other.example.net" in result.stderr


def test_directadmin_endpoint_discovery_happens_once_under_concurrency(cli, emu, tmp_path):
    # A newer DirectAdmin answers "unknown command" on CMD_API_POP writes: the backend
    # switches to CMD_API_EMAIL_POP. The first row finds that out alone; no row is lost.
    from bulk_support import Panel, login

    emu.settings.da_email_pop = True
    emu.settings.da_full_list = False
    login(cli, emu, "directadmin")
    emu.clear_requests()
    panel = Panel("directadmin", emu)
    rows = new_rows(40)
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", rows)), "--jobs", "16")
    assert result.exit_code == 0, result.stderr
    assert {row["address"] for row in rows} <= panel.addresses()
    refused_on_old_endpoint = [r for r in emu.requests if r.path == "/CMD_API_POP" and b"action=create" in r.body]
    assert len(refused_on_old_endpoint) == 1
    assert Counter(w for w in panel.writes() if w[0] == "create") == Counter(
        {("create", row["address"]): 1 for row in rows} | {("create", rows[0]["address"]): 2})


def test_whm_rows_across_accounts_go_to_each_domains_owner(cli, emu, tmp_path):
    from bulk_support import Panel, login

    with emu.state.lock:
        emu.state.cpanel.add_account("other", "Other-pass-1", owner="root", main_domain="other.example.net")
    login(cli, emu, "whm")
    emu.clear_requests()
    rows = new_rows(20) + new_rows(20, domain="other.example.net")
    result = cli("-p", "whm", "pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", rows)), "--jobs", "16")
    assert result.exit_code == 0, result.stderr
    panel = Panel("whm", emu)
    assert {r["address"] for r in rows[20:]} == panel.addresses("other.example.net")
    users = Counter(dict(parse_qsl(r.body.decode())).get("cpanel.user") for r in emu.requests
                    if b"cpanel.function=add_pop" in r.body)
    assert users == {"demo": 20, "other": 20}
