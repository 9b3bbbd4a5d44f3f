"""mailcow's answers read without a server: write verdicts, `{}` for nothing, drifting types."""

from __future__ import annotations

import pytest

from mailctl.backends import mailcow_parse as parse
from mailctl.errors import BadResponse

MB = 1024 * 1024


def test_a_list_of_entries_with_the_expected_key_is_done():
    verdict = parse.parse_verdict([{"type": "success", "log": [], "msg": ["mailbox_added", "a@b.c"]}],
                                  "mailbox_added", "add/mailbox")
    assert verdict.done and not verdict.mixed


def test_a_single_object_is_accepted_too():
    verdict = parse.parse_verdict({"type": "error", "msg": "Cannot add item"}, "mailbox_added", "add/mailbox")
    assert not verdict.done and verdict.keys() == {"Cannot add item"}


def test_success_beside_danger_is_mixed_not_done():
    verdict = parse.parse_verdict([{"type": "success", "msg": ["mailbox_added", "a@b.c"]},
                                   {"type": "danger", "msg": "password_complexity"}], "mailbox_added", "add/mailbox")
    assert verdict.mixed and not verdict.done
    assert [e.text for e in verdict.refusals] == ["password_complexity"]


def test_a_success_for_another_object_is_not_done():
    verdict = parse.parse_verdict([{"type": "success", "msg": ["alias_added", "a@b.c", 3]}], "mailbox_added", "x")
    assert not verdict.done


@pytest.mark.parametrize("answer", [[], "ok", None, 5, [5], [{"msg": "no type"}]])
def test_junk_write_answers_are_bad_responses(answer):
    with pytest.raises(BadResponse):
        parse.parse_verdict(answer, "mailbox_added", "add/mailbox")


def test_empty_reads():
    assert parse.rows({}, "get/mailbox/all") == []
    assert parse.rows([], "get/mailbox/all") == []
    assert parse.one({}, "get/mailbox") is None
    assert parse.one([], "get/mailbox") is None
    with pytest.raises(BadResponse):
        parse.rows({"type": "error", "msg": "route not found"}, "get/mailbox/all")


def test_mailbox_types_drift():
    box = parse.parse_mailbox({"username": "A@Example.com", "quota": "524288000", "quota_used": 12.0,
                               "active": "2"})
    assert (box.address, box.quota_mb, box.usage_bytes, box.restrictions, box.suspended) == \
        ("a@example.com", 500, 12, ("login",), True)
    unlimited = parse.parse_mailbox({"local_part": "x", "domain": "d.test", "quota": 0, "active_int": 1})
    assert (unlimited.address, unlimited.quota_mb, unlimited.suspended) == ("x@d.test", None, False)
    unknown = parse.parse_mailbox({"username": "y@d.test", "active": "maybe"})
    assert unknown.suspended is None and unknown.usage_bytes is None


def test_domain_rows():
    domain = parse.parse_domain({"domain_name": "Example.COM", "mboxes_in_domain": "3"})
    assert (domain.name, domain.mailbox_count) == ("example.com", 3)
    with pytest.raises(BadResponse):
        parse.parse_domain({"mboxes_in_domain": 3})
