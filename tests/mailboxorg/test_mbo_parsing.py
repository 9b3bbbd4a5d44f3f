"""The mailbox.org parsers on their own: every shape of junk becomes BadResponse (exit 5),
never a traceback; both shapes of mail.list are understood. (Answers the emulator cannot
be made to send are covered here; everything else runs through the CLI.)"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mailctl.backends.jsonrpc import JsonRpcClient, RpcFault
from mailctl.backends.mailboxorg import endpoint_path, parse_domain, parse_mailbox, parse_page
from mailctl.errors import BadResponse, TransportError
from mailctl.models import Domain, Mailbox


@pytest.fixture
def client():
    return JsonRpcClient(transport=None, path="/v1/", provider="mailboxorg", label="mailbox.org")


def test_a_result_is_returned_as_it_is(client):
    assert client.unwrap({"jsonrpc": "2.0", "result": [1, 2], "id": "7"}, "7", "m") == [1, 2]
    assert client.unwrap({"jsonrpc": "2.0", "result": None, "id": "7"}, "7", "m") is None


def test_an_error_object_becomes_an_rpc_fault_with_every_message(client):
    with pytest.raises(RpcFault) as fault:
        client.unwrap({"jsonrpc": "2.0", "id": "3", "error": {
            "code": 1002, "message": "Die Adresse existiert bereits", "data": ["first", "second"]}}, "3", "mail.add")
    assert (fault.value.code, fault.value.method) == (1002, "mail.add")
    assert fault.value.message == "Die Adresse existiert bereits"
    assert fault.value.server_messages() == ["first", "second"]


def test_an_error_for_an_unparsable_request_may_carry_a_null_id(client):
    with pytest.raises(RpcFault) as fault:
        client.unwrap({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}, "1", "m")
    assert fault.value.code == -32700


@pytest.mark.parametrize("payload, why", [
    ([], "not a JSON object"),
    ("Hello", "not a JSON object"),
    ({"jsonrpc": "2.0", "id": "1"}, "exactly one of"),
    ({"jsonrpc": "2.0", "id": "1", "result": 1, "error": {"code": 1}}, "exactly one of"),
    ({"jsonrpc": "2.0", "id": "9", "result": True}, "request id"),
    ({"jsonrpc": "2.0", "id": "1", "error": "denied"}, "'error' is not an object"),
    ({"jsonrpc": "2.0", "id": "1", "error": {"message": "no code"}}, "numeric 'code'"),
    ({"jsonrpc": "2.0", "id": "1", "error": {"code": "2", "message": "text code"}}, "numeric 'code'"),
    ({"jsonrpc": "2.0", "id": "1", "error": {"code": True}}, "numeric 'code'"),
])
def test_a_malformed_envelope_is_a_bad_response(client, payload, why):
    with pytest.raises(BadResponse) as bad:
        client.unwrap(payload, "1", "domain.list")
    assert "malformed JSON-RPC answer to domain.list" in bad.value.message
    assert why in bad.value.message
    assert bad.value.provider == "mailboxorg" and bad.value.exit_code == 5


def test_a_redirect_is_not_followed_and_names_its_target(client):
    answer = SimpleNamespace(status_code=302, headers={"Location": "https://login.example.net/"})
    with pytest.raises(BadResponse) as bad:
        client.check_status(answer, "auth")
    assert "redirect (HTTP 302) to https://login.example.net/" in bad.value.message


def test_a_server_error_is_a_transport_error_whatever_the_body(client):
    with pytest.raises(TransportError) as failed:
        client.check_status(SimpleNamespace(status_code=502, headers={}), "mail.add")
    assert "HTTP 502" in failed.value.message and not isinstance(failed.value, BadResponse)


def test_mail_list_without_paging_is_a_plain_array():
    items, pages = parse_page([{"mail": "a@x.test"}])
    assert (items, pages) == ([{"mail": "a@x.test"}], None)


def test_mail_list_with_paging_is_an_object_with_results():
    items, pages = parse_page({"totalHits": 250, "totalPages": 3, "results": [{"mail": "a@x.test"}]})
    assert (items, pages) == ([{"mail": "a@x.test"}], 3)


@pytest.mark.parametrize("result", [
    None, "oops", 5, {"results": "x"}, {"totalPages": 2}, {"totalPages": "2", "results": []},
    {"totalPages": -1, "results": []}, {"totalPages": True, "results": []},
])
def test_a_mail_list_of_another_shape_is_a_bad_response(result):
    with pytest.raises(BadResponse):
        parse_page(result)


def test_mailbox_items_become_mailboxes():
    assert parse_mailbox({"mail": "Info@X.test", "plan": "premium", "active": False, "type": "inbox"}) == \
        Mailbox("info@x.test", plan="premium", suspended=True)
    assert parse_mailbox({"mail": "a@x.test"}) == Mailbox("a@x.test")
    assert parse_mailbox({"mail": "f@x.test", "type": "forward"}) is None
    assert parse_mailbox({"mail": "f@x.test", "type": "forward"}, keep_forward=True) == Mailbox("f@x.test")


@pytest.mark.parametrize("item", [None, "a@x.test", {}, {"mail": 5}, {"mail": "no-at-sign"}])
def test_a_mailbox_item_without_an_address_is_a_bad_response(item):
    with pytest.raises(BadResponse):
        parse_mailbox(item)


def test_domain_items_become_domains():
    assert parse_domain({"domain": "X.test", "count_mails": 4}) == Domain("x.test", 4)
    assert parse_domain({"domain": "x.test", "count_mails": "12"}) == Domain("x.test", 12)
    assert parse_domain({"domain": "x.test", "count_mails": None}) == Domain("x.test", None)


@pytest.mark.parametrize("item", [None, [], {"count_mails": 1}, {"domain": ""}, {"domain": 7}])
def test_a_domain_item_without_a_name_is_a_bad_response(item):
    with pytest.raises(BadResponse):
        parse_domain(item)


@pytest.mark.parametrize("url, path", [
    ("https://api.mailbox.org", "/v1/"),
    ("https://api.mailbox.org/v1", "/"),
    ("http://127.0.0.1:8080", "/v1/"),
    ("https://proxy.example.net/mailbox", "/v1/"),
])
def test_the_api_path_is_v1_whether_or_not_the_profile_url_names_it(url, path):
    assert endpoint_path(url) == path
