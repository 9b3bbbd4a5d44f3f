"""The UAPI / WHM answer parsers on their own: every shape the wire notes describe is
read, and every kind of junk becomes BadResponse (exit 5), never a traceback."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mailctl.backends import uapi, whm
from mailctl.errors import BadResponse, ProviderRefused
from mailctl.models import Mailbox

MB = 1024 * 1024


def fake_http(notices: list[str]):
    """What uapi_data needs of PanelHttp: names, a notice sink and redaction."""
    return SimpleNamespace(provider="cpanel", label="cPanel", ctx=SimpleNamespace(notice=notices.append),
                           redact=lambda text: text.replace("S3cret-pw", "***"))


def answer(**fields):
    base = {"status": 1, "errors": None, "messages": None, "warnings": None, "metadata": {}, "data": None}
    return {**base, **fields}


def test_status_1_returns_data_and_shows_warnings():
    notices = []
    data = uapi.uapi_data(answer(data=[1], warnings=["disk nearly full"]), http=fake_http(notices), action="x")
    assert data == [1]
    assert notices == ["cPanel: disk nearly full"]


@pytest.mark.parametrize("status", [0, "0", False])
def test_status_0_is_a_refusal_with_every_error(status):
    notices = []
    with pytest.raises(ProviderRefused) as caught:
        uapi.uapi_data(answer(status=status, errors=["first", "second"], warnings="careful"),
                       http=fake_http(notices), action="creating a@b.test")
    assert caught.value.message == "cPanel refused creating a@b.test: first"
    assert caught.value.details == ["second"]
    assert notices == ["cPanel: careful"]


def test_errors_as_a_bare_string_and_secrets_blanked():
    with pytest.raises(ProviderRefused) as caught:
        uapi.uapi_data(answer(status=0, errors="password S3cret-pw is weak"), http=fake_http([]), action="x")
    assert caught.value.message == "cPanel refused x: password *** is weak"


def test_refusal_without_any_message_says_so():
    with pytest.raises(ProviderRefused, match="gave no reason"):
        uapi.uapi_data(answer(status=0, errors=None), http=fake_http([]), action="x")


@pytest.mark.parametrize("junk", [None, [], "ok", {"data": []}, {"status": "yes"}, {"status": 2}])
def test_junk_answers_are_bad_responses(junk):
    with pytest.raises(BadResponse):
        uapi.uapi_data(junk, http=fake_http([]), action="x")


def test_mailbox_sizes_come_from_the_byte_fields():
    entry = {"email": "Sales@Example.com", "login": "sales@example.com", "_diskquota": 500 * MB,
             "_diskused": "241434624", "diskquota": "999", "suspended_login": 0, "suspended_incoming": "0"}
    assert uapi.mailbox_from_entry(entry, "cpanel") == Mailbox("sales@example.com", 500, 241434624, False,
                                                               restrictions=())


@pytest.mark.parametrize("quota", [0, "0", "unlimited", None, "", "\u221e"])
def test_unlimited_quota_is_null(quota):
    assert uapi.quota_mb_from_bytes(quota, "cpanel") is None


@pytest.mark.parametrize(("flags", "restrictions", "suspended"), [
    ({"suspended_login": 1}, ("login",), True),
    ({"suspended_incoming": "1"}, ("incoming",), True),
    ({"suspended_outgoing": 1}, ("outgoing",), False),
    ({"hold_outgoing": 1, "has_suspended": 0}, ("hold_outgoing",), False),
    ({"suspended_login": 1, "suspended_outgoing": 1, "hold_outgoing": 1}, ("login", "outgoing", "hold_outgoing"), True),
    ({"suspended_login": 0, "hold_outgoing": 0}, (), False),
    ({"has_suspended": 1}, None, None),  # restricted, but the server does not say how
    ({"has_suspended": 0}, (), False),
])
def test_suspension_flags_fill_the_restrictions(flags, restrictions, suspended):
    entry = {"email": "a@b.test", "_diskquota": 0, "_diskused": 0, **flags}
    mailbox = uapi.mailbox_from_entry(entry, "cpanel")
    assert (mailbox.restrictions, mailbox.suspended) == (restrictions, suspended)


def test_main_account_entry_is_not_a_mailbox():
    assert uapi.mailbox_from_entry({"email": "demo", "login": "Main Account"}, "cpanel") is None


@pytest.mark.parametrize("entry", [
    "info@example.com",
    {"login": "x"},
    {"email": "a@b.test", "_diskquota": "lots"},
    {"email": "a@b.test", "_diskused": -5},
    {"email": "a@b.test", "_diskused": True},
    {"email": "a@b.test", "suspended_login": "maybe"},
])
def test_broken_mailbox_entries_are_bad_responses(entry):
    with pytest.raises(BadResponse):
        uapi.mailbox_from_entry(entry, "cpanel")


def test_domain_list_shapes():
    assert uapi.domain_names([{"domain": "Example.com"}, "other.test"], "cpanel") == ["example.com", "other.test"]
    for junk in ({"domain": "x"}, [{"name": "x"}], [{"domain": ""}], None):
        with pytest.raises(BadResponse):
            uapi.domain_names(junk, "cpanel")


def test_token_shape_decides_the_auth_scheme():
    assert uapi.looks_like_api_token("A1B2C3D4E5F6G7H8J9K0L1M2N3P4Q5R6")
    assert not uapi.looks_like_api_token("demo-secret")
    assert not uapi.looks_like_api_token("a1b2c3d4e5f6g7h8j9k0l1m2n3p4q5r6")


def test_whm_service_names_in_both_api_shapes():
    assert whm._service_names(["system", "ftp", "mail", "MySQL"], "whm") == ["system", "ftp", "mail", "MySQL"]
    assert whm._service_names([{"app": "system"}, {"app": "mySQL"}], "whm") == ["system", "mySQL"]
    assert whm._service_names({"system": 1, "ftp": "1", "mysql": 0}, "whm") == ["system", "ftp"]
    assert whm._service_names(None, "whm") == []
    for junk in ("system", [{"name": "x"}], [3], {"ftp": "yes"}):
        with pytest.raises(BadResponse):
            whm._service_names(junk, "whm")
