"""The --debug trace filter of the Virtualmin backend: list-users shows mailbox passwords
in lists (`"password": ["..."]`), which the generic redaction searches rather than
blanks; the backend's filter blanks the whole list, also one the trace cut off."""

from __future__ import annotations

import json

import pytest

from mailctl.backends.virtualmin import redact_password_lists


@pytest.mark.parametrize("password", ["plain", 'with "quotes" and ] and [', "back\\slash", "é€", ""])
def test_a_whole_list_is_blanked_whatever_the_password_holds(password):
    line = "< " + json.dumps({"data": [{"name": "info", "values": {
        "password": [password], "encrypted_password": ["$6$x$" + password], "user": ["info"]}}]})
    redacted = redact_password_lists(line)
    values = json.loads(redacted[2:])["data"][0]["values"]
    assert values == {"password": ["***"], "encrypted_password": ["***"], "user": ["info"]}


def test_a_list_cut_off_by_the_trace_is_blanked_to_the_end():
    line = '< {"data": [{"name": "info", "values": {"user": ["info"], "password": ["Secret-that-was-c'
    assert redact_password_lists(line) == '< {"data": [{"name": "info", "values": {"user": ["info"], "password": ["***"]'


def test_text_without_passwords_is_left_alone():
    line = '> program=list-users&domain=example.com&json=1'
    assert redact_password_lists(line) == line
