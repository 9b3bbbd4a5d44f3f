"""The rules for untrusted text, character by character."""

from __future__ import annotations

import json

import pytest

from mailctl.output import json_safe, plain_field, visible, visible_lines


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain text, ünïcödé, 日本", "plain text, ünïcödé, 日本"),
    ("\x1b[31m", "\\x1b[31m"), ("\x07\x08\x0b\x0c\x7f", "\\x07\\x08\\x0b\\x0c\\x7f"), ("\x9b", "\\x9b"),
    ("\t\n\r", "\\t\\n\\r"), ("\u202a\u202e\u2066\u2069", "\\u202a\\u202e\\u2066\\u2069"),
    ("\u2028\u2029", "\\u2028\\u2029"), ("\u200b\u200d\ufeff\u00ad", "\\u200b\\u200d\\ufeff\\xad"),
    ("\ud800\udc80", "\\ud800\\udc80"), ("\U000e0041", "\\U000e0041"),
    ("back\\slash [b]markup[/b]", "back\\slash [b]markup[/b]"), ("\u00a0nbsp", "\u00a0nbsp"),
])
def test_visible(raw, shown):
    assert visible(raw) == shown


def test_plain_fields_also_escape_the_backslash_so_the_escapes_can_be_undone():
    assert plain_field("a\\tb\tc") == "a\\\\tb\\tc"
    assert plain_field("ok") == "ok"


def test_messages_keep_line_breaks_and_indent_every_further_line():
    assert visible_lines("one\ntwo\n  three\r\x1b[2K") == "one\n  two\n  three\\r\\x1b[2K"


def test_json_safe_is_the_same_string_for_a_parser():
    raw = "a\x7f\x85\u202e\u2028\ud800\U000e0041 ü"
    text = json_safe(json.dumps(raw, ensure_ascii=False))
    assert text == '"a\\u007f\\u0085\\u202e\\u2028\\ud800\\udb40\\udc41 ü"'
    assert json.loads(text) == raw
    text.encode("utf-8")  # no lone surrogate left


def test_a_hostile_argument_in_a_usage_error_is_escaped(cli):
    result = cli("pop", "list", "\x1b[2Jexample.com")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr
