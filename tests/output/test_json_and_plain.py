"""JSON keeps the exact layout of json.dumps(indent=2) while it is streamed; models build
their JSON without asdict yet with every field; plain escapes what would break a line."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from mailctl.environment import Environment
from mailctl.models import Domain, Mailbox, SessionInfo
from mailctl.output import MAILBOX_COLUMNS, Column, Output


def render(mode: str, rows, columns=MAILBOX_COLUMNS, **kwargs) -> str:
    stdout = io.StringIO()
    Output(Environment(stdout=stdout, stderr=io.StringIO(), environ={}), mode).records(rows, columns, **kwargs)
    return stdout.getvalue()


SHAPES = [
    [],
    [Mailbox(f"u{i}@example.com", 10 * i or None, i * 1000, i % 2 == 0).to_json() for i in range(2500)],
    [{"a": 1.5, "b": "x\"\\y"}, {"a": float("inf"), "b": None}],
    [{"time": "t", "error": {"code": "refused", "message": "no"}}, {"time": "u", "error": None}],
    [{"a": 1}, {"b": 2}, {"a": 1, "b": 2}],
    [{}, {"a": []}, {"a": [1, {"b": {}}]}],
    [{1: "int key", None: "null key", True: "bool key"}],
    ["a", 1, None, [1, 2], {"k": "v"}],
]


@pytest.mark.parametrize("rows", SHAPES, ids=range(len(SHAPES)))
def test_json_array_is_byte_for_byte_json_dumps_indent_2(rows):
    assert render("json", rows) == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def test_json_of_a_single_record_keeps_its_layout_too(cli):
    cli("profile", "add", "p", "--provider", "cpanel", "--url", "https://cp.example:2083", "--user", "u")
    result = cli("--json", "profile", "show", "p")
    assert result.stdout == json.dumps(result.json, indent=2, ensure_ascii=False) + "\n"


def test_pop_list_json_is_the_documented_array(cli, da):
    result = cli("--json", "pop", "list", "example.com")
    assert result.stdout == (
        '[\n  {\n    "address": "info@example.com",\n    "quota_mb": null,\n    "usage_bytes": 13107200,\n'
        '    "suspended": false,\n    "plan": null,\n    "restrictions": null,\n    "domain": "example.com"\n  },\n'
        '  {\n    "address": "sales@example.com",\n    "quota_mb": 500,\n    "usage_bytes": 241434624,\n'
        '    "suspended": false,\n    "plan": null,\n    "restrictions": null,\n    "domain": "example.com"\n  }\n]\n'
    )


@pytest.mark.parametrize(("model", "extra", "left_out"), [
    (Mailbox("a@b.example", 5, 6, True, "gold", None, None), {"domain": "b.example"}, {"aliases"}),
    (Mailbox("a@b.example", 5, 6, True, "gold", ["login"], ["x@b.example"]), {"domain": "b.example"}, set()),
    (Domain("b.example", 3, "demo"), {}, set()),
    (SessionInfo("p", "directadmin", "u", "https://x", "keyring", True, "active"), {}, set()),
])
def test_to_json_holds_every_field_as_asdict_did(model, extra, left_out):
    # A mailbox's aliases are there only where pop show filled them in.
    fields = [f.name for f in dataclasses.fields(model) if f.name not in left_out]
    expected = {name: value for name, value in dataclasses.asdict(model).items() if name in fields}
    assert model.to_json() == {**expected, **extra}
    keys = [name for name in fields if name != "aliases"] + list(extra) + (["aliases"] if "aliases" in fields else [])
    assert list(model.to_json()) == keys


def test_plain_escapes_tab_newline_cr_and_backslash_so_lines_and_fields_stay_whole():
    rows = [{"address": "a\tb\nc\rd\\e@example.com", "quota_mb": 1, "usage_bytes": 2, "suspended": None}]
    assert render("plain", rows) == "a\\tb\\nc\\rd\\\\e@example.com\t1\t2\t-\n"


def test_plain_of_many_rows_escapes_only_the_row_that_needs_it():
    rows = [{"address": f"u{i}@example.com", "quota_mb": None, "usage_bytes": i, "suspended": False}
            for i in range(1500)]
    rows[1234]["address"] = "x\x1b[2Jy@example.com"
    lines = render("plain", rows).split("\n")
    assert len(lines) == 1501 and lines[-1] == ""
    assert lines[1234] == "x\\x1b[2Jy@example.com\tunlimited\t1234\tno"
    assert lines[1233] == "u1233@example.com\tunlimited\t1233\tno"


def test_records_take_an_empty_hint_only_on_a_terminal():
    columns = (Column("name", "Name"),)
    assert render("plain", [], columns, empty="nothing here") == ""
    assert render("json", [], columns, empty="nothing here") == "[]\n"
    assert render("table", [], columns) == "Name\n"
