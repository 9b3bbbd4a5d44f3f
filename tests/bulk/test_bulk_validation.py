"""The whole input file is checked before the first request: every bad row is listed
with its line number, the exit code is 2 and the server sees nothing."""

from __future__ import annotations

import json

import pytest

from bulk_support import DOMAIN, csv_file, new_rows


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_sent(cli, panel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "address,password\n"
        "good1@example.com,Str0ng-pass-1\n"
        "not-an-address,Str0ng-pass-2\n"  # line 3
        "good2@example.com,\n"  # line 4: no password
        "\n"
        "bad..dots@example.com,Str0ng-pass-5\n"  # line 6
        "good1@example.com,Str0ng-pass-6\n",  # line 7: duplicate of line 2
        encoding="utf-8",
    )
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "4 bad rows; nothing was sent" in lines[0]
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["line 3", "line 4", "line 6", "line 7"]
    assert "is already on line 2" in lines[-1]
    assert panel.emu.requests == []


def test_the_error_is_one_json_object_in_json_mode(cli, panel, tmp_path):
    path = csv_file(tmp_path / "in.csv", [{"address": "x", "password": "Str0ng-pass"}])
    result = cli("--json", "pop", "create", "--from-file", str(path))
    assert result.exit_code == 2
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "usage"
    assert error["details"] == ["line 2: invalid address 'x': expected local-part@domain"]


def test_passwords_from_the_file_never_appear_in_errors(cli, cpanel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("address,password\nnope,Secret-Pass-1\nok@example.com, Secret-Pass-2\n", encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 2
    assert "line 3: the password starts or ends with a space" in result.stderr
    assert "Secret-Pass" not in result.stderr + result.stdout


def test_json_lines_input_with_mailctl_list_output_fields(cli, cpanel, tmp_path):
    # `pop list --json | jq -c '.[]'` on one server is input for `pop create` on another:
    # quota_mb null there means unlimited.
    path = tmp_path / "in.jsonl"
    records = [
        {"address": "a@example.com", "quota_mb": None, "usage_bytes": 5, "suspended": False,
         "domain": DOMAIN, "password": "Str0ng-pass-a"},
        {"address": "b@example.com", "quota_mb": 250, "password": "Str0ng-pass-b"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 0, result.stderr
    with cpanel.emu.state.lock:
        assert cpanel.state.mailbox("a@example.com").quota_mb == 0
        assert cpanel.state.mailbox("b@example.com").quota_mb == 250


def test_bad_json_lines_are_listed(cli, cpanel, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"address": "a@example.com", "password": "Str0ng-pass"}\n'
                    '{"address": "b@example.com", "password": \n'
                    '["not", "an", "object"]\n'
                    '{"address": "c@example.com", "passwrd": "x"}\n', encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 2
    assert "line 2: not a JSON object" in result.stderr
    assert "line 3: not a JSON object" in result.stderr
    assert "line 4: unknown field 'passwrd'" in result.stderr
    assert cpanel.emu.requests == []


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("address,password,plan", "a@example.com,Str0ng-pass,premium", "plan: cpanel takes no plan"),
        ("address,password,qouta", "a@example.com,Str0ng-pass,5", "unknown column 'qouta'"),
        ("password", "Str0ng-pass", "no 'address' column"),
        ("address,password,quota", "a@example.com,Str0ng-pass,lots", "invalid quota 'lots'"),
        ("address,password,quota", "a@example.com,Str0ng-pass,\u00b2", "invalid quota"),
        ("address,address", "a@example.com,b@example.com", "'address' appears twice"),
    ],
)
def test_bad_columns_and_values(cli, cpanel, tmp_path, header, row, message):
    path = tmp_path / "in.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert cpanel.emu.requests == []


def test_mailbox_org_rows_take_plan_and_names_but_no_quota(cli, mailboxorg, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("address,password,plan,first_name,last_name,quota\n"
                    "a@example.com,Str0ng-pass-a,premium,Ada,Lovelace,\n"
                    "b@example.com,Str0ng-pass-b,gold,,,\n"
                    "c@example.com,Str0ng-pass-c,,,,500\n", encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 2
    assert "line 3: plan 'gold'" in result.stderr
    assert "line 4: quota: mailbox.org has no quota per mailbox" in result.stderr
    assert mailboxorg.emu.requests == []

    path.write_text("address,password,plan,first_name,last_name\n"
                    "a@example.com,Str0ng-pass-a,premium,Ada,Lovelace\n", encoding="utf-8")
    assert cli("pop", "create", "--from-file", str(path)).exit_code == 0
    with mailboxorg.emu.state.lock:
        box = mailboxorg.state.mailbox("a@example.com")
        assert (box.plan, box.first_name, box.last_name) == ("premium", "Ada", "Lovelace")


def test_spreadsheet_csv_with_bom_semicolons_and_quoted_line_breaks(cli, cpanel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("\ufeffAddress;Password;Quota\r\n"
                     "a@example.com;Str0ng-pass-a;100\r\n"
                     "b@example.com;\"Str0ng;pass-b\";\"20\r\n0\"\r\n"  # lines 3-4: a bad quota
                     "c@example.com;Str0ng-pass-c;unlimited\r\n".encode("utf-8"))
    result = cli("pop", "create", "--from-file", str(path))
    assert result.exit_code == 2
    assert "line 3: invalid quota" in result.stderr
    path.write_bytes("\ufeffAddress;Password;Quota\r\na@example.com;\"Str0ng;pass-a\";100\r\n"
                     "c@example.com;Str0ng-pass-c;unlimited\r\n".encode("utf-8"))
    assert cli("pop", "create", "--from-file", str(path)).exit_code == 0
    assert cpanel.password("a@example.com") == "Str0ng;pass-a"


def test_input_from_stdin(cli, cpanel):
    rows = "address,password\n" + "".join(f"{r['address']},{r['password']}\n" for r in new_rows(3))
    result = cli("pop", "create", "--from-file", "-", stdin=rows)
    assert result.exit_code == 0, result.stderr
    assert {"user000@example.com", "user001@example.com", "user002@example.com"} <= cpanel.addresses()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pop", "create", "a@example.com", "--from-file", "IN"], "either ADDRESS or --from-file"),
        (["pop", "create"], "missing ADDRESS"),
        (["pop", "create", "a@example.com", "--jobs", "2"], "--jobs goes with --from-file"),
        (["pop", "create", "a@example.com", "--dry-run"], "--dry-run goes with --from-file"),
        (["pop", "create", "--from-file", "IN", "--jobs", "17"], "17"),
        (["pop", "create", "--from-file", "IN", "--password-stdin"], "not --password-stdin"),
        (["pop", "create", "--from-file", "IN", "--generate"], "needs --report FILE"),
        (["pop", "create", "--from-file", "IN", "--quota", "5", "--report", "-"], "must be a file"),
        (["pop", "create", "--from-file", "IN", "--report", "A", "--resume", "B"], "drop --report"),
        (["pop", "create", "--from-file", "MISSING"], "no such file"),
        (["passwd", "--from-file", "IN", "--self"], "does not go with --from-file"),
        (["passwd", "--from-file", "IN", "--require-reset"], "cpanel cannot force"),
        (["pop", "delete", "a@example.com", "--from-file", "IN"], "either ADDRESS or --from-file"),
        (["pop", "delete", "--from-file", "IN", "--report", "R", "--resume", "S"], "drop --report"),
        (["pop", "create", "--from-file", "IN", "--plan", "premium"], "--plan: cpanel takes no plan"),
        (["pop", "list"], "missing DOMAIN"),
        (["pop", "list", "example.com", "--all-domains"], "either DOMAIN or --all-domains"),
        (["pop", "list", "example.com", "--jobs", "3"], "--jobs goes with --all-domains"),
    ],
)
def test_usage_errors_send_nothing(cli, cpanel, tmp_path, args, message):
    csv_file(tmp_path / "IN", new_rows(2))
    args = [str(tmp_path / a) if a in ("IN", "MISSING", "A", "B", "R", "S") else a for a in args]
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert cpanel.emu.requests == []


def test_generate_and_a_password_column_do_not_mix(cli, cpanel, tmp_path):
    path = csv_file(tmp_path / "in.csv", new_rows(2))
    result = cli("pop", "create", "--from-file", str(path), "--generate", "--report", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2
    assert "password field and --generate" in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


def test_an_existing_report_is_never_overwritten(cli, cpanel, tmp_path):
    report = tmp_path / "r.jsonl"
    report.write_text('{"command": "pop create", "address": "old@example.com", "outcome": "created"}\n')
    result = cli("pop", "create", "--from-file", str(csv_file(tmp_path / "in.csv", new_rows(2))),
                 "--report", str(report))
    assert result.exit_code == 2
    assert f"--resume {report}" in result.stderr
    assert cpanel.emu.requests == []


def test_single_commands_are_unchanged(cli, cpanel):
    result = cli("pop", "create", "solo@example.com", "--password-stdin", stdin="Str0ng-pass-solo\n")
    assert (result.exit_code, result.stderr) == (0, "Created solo@example.com\n")
    assert cli("pop", "create", "bad", "--quota", "x").stderr.startswith("mailctl: error: invalid address 'bad'")


def test_directadmin_rows_take_quota_and_send_limit(cli, emu, tmp_path):
    from bulk_support import login

    login(cli, emu, "directadmin")
    path = tmp_path / "in.csv"
    path.write_text("address,password,quota,send_limit\n"
                    "a@example.com,Str0ng-pass-a,300,50\n"
                    "b@example.com,Str0ng-pass-b,,\n", encoding="utf-8")
    result = cli("pop", "create", "--from-file", str(path), "--send-limit", "20")
    assert result.exit_code == 0, result.stderr
    with emu.state.lock:
        a, b = (emu.state.directadmin.mailbox(f"{n}@example.com") for n in "ab")
        assert (a.quota_mb, a.limit) == (300, 50)
        assert b.limit == 20  # the option is the default for rows that leave it empty


def test_mailbox_org_passwd_with_require_reset(cli, mailboxorg, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("address,password\ninfo@example.com,Str0ng-pass-new\n", encoding="utf-8")
    result = cli("passwd", "--from-file", str(path), "--require-reset")
    assert result.exit_code == 0, result.stderr
    with mailboxorg.emu.state.lock:
        box = mailboxorg.state.mailbox("info@example.com")
        assert (box.password, box.require_reset_password) == ("Str0ng-pass-new", True)
