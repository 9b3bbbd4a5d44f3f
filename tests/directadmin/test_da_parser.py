"""The DirectAdmin answer parser on small hand-made samples: one test per trap of the
wire notes (providers/directadmin.md, "Responses" and "Failed authentication")."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailctl.backends import directadmin_parse as parse
from mailctl.backends.directadmin_parse import Reply
from mailctl.errors import AuthError, BadResponse, MailctlError, ProviderRefused, TransportError

TEXT = {"Content-Type": "text/plain; charset=utf-8"}
JSON = {"Content-Type": "application/json"}
LOGIN_PAGE = (b"<!DOCTYPE html><html><head><title>DirectAdmin Login</title></head><body>"
              b"<form action=\"/CMD_LOGIN\" method=\"POST\"><input name=\"username\"></form></body></html>")


def text(body: str | bytes, status: int = 200, headers: dict | None = None) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    return Reply(status, data, {**TEXT, **(headers or {})})


def json_reply(body: str, status: int = 200) -> Reply:
    return Reply(status, body.encode(), JSON)


# -- 1. flat results: error=0 / error=1, text, details (empty, missing, none, HTML) -------------


def test_error_0_is_success_and_returns_the_messages():
    assert parse.parse_result(text("error=0&text=Email+account+created&details=none"), "CMD") == [
        "Email account created"]


def test_error_1_is_a_refusal_with_text_and_tag_stripped_details():
    body = ("error=1&text=Cannot+create+email+account&details=%3Cb%3Ebob%40example%2Ecom+already+exists"
            "%3C%2Fb%3E%3Cbr%3E%3Ca+href%3D%22javascript%3Ahistory.back()%22%3EBack%3C%2Fa%3E")
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_result(text(body), "CMD_API_POP")
    assert caught.value.exit_code == 1
    assert caught.value.message == "Cannot create email account"
    assert caught.value.details == ["bob@example.com already exists"]


@pytest.mark.parametrize("details", ["", "&details=", "&details=none", "&details=+"])
def test_details_empty_missing_or_none_add_no_line(details):
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_result(text("error=1&text=No+such+email+account" + details), "CMD")
    assert caught.value.message == "No such email account"
    assert caught.value.details == []


def test_a_refusal_without_any_text_still_says_it_was_refused():
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_result(text("error=1"), "CMD")
    assert "refused" in caught.value.message


def test_multi_line_html_details_become_one_line_each():
    body = "error=1&text=Invalid&details=" + "line%20one%3Cbr%3Eline%20%3Ci%3Etwo%3C/i%3E%3CBR/%3E%3Cp%3Ethree"
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_result(text(body), "CMD")
    assert caught.value.details == ["line one", "line two", "three"]


# -- 8. success is never decided by wording ---------------------------------------------------


@pytest.mark.parametrize("wording", ["Email account created", "Account created", "Error", "failed", ""])
def test_error_0_succeeds_whatever_the_text_says(wording):
    parse.parse_result(text("error=0&text=" + wording.replace(" ", "+")), "CMD")


@pytest.mark.parametrize("wording", ["Success", "Account created", "OK"])
def test_error_1_fails_whatever_the_text_says(wording):
    with pytest.raises(ProviderRefused):
        parse.parse_result(text("error=1&text=" + wording.replace(" ", "+")), "CMD")


def test_a_change_answer_without_an_error_flag_is_unreadable():
    with pytest.raises(BadResponse):
        parse.parse_result(text("text=Email+account+created"), "CMD")


def test_an_error_flag_that_is_neither_0_nor_1_is_unreadable():
    with pytest.raises(BadResponse):
        parse.parse_result(text("error=maybe&text=x"), "CMD")


# -- 2. lists, and the empty body ----------------------------------------------------------------


def test_repeated_list_brackets_make_a_list_without_an_error_key():
    assert parse.parse_list(text("list[]=info&list[]=sales"), "CMD") == ["info", "sales"]


def test_an_empty_body_is_an_empty_list_for_a_list_call():
    assert parse.parse_list(text(""), "CMD") == []
    assert parse.parse_list(text("  \r\n"), "CMD") == []
    assert parse.parse_map(text(""), "CMD") == {}


def test_an_empty_body_is_an_error_for_a_change():
    with pytest.raises(BadResponse) as caught:
        parse.parse_result(text(""), "CMD_API_POP")
    assert caught.value.exit_code == 5


def test_a_list_call_refused_with_error_1():
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_list(text("error=1&text=example.org+does+not+belong+to+you"), "CMD")
    assert caught.value.message == "example.org does not belong to you"


def test_a_list_answer_that_is_no_list_is_unreadable():
    with pytest.raises(BadResponse):
        parse.parse_list(text("something=else"), "CMD")


# -- 3. nested maps ---------------------------------------------------------------------------------


def test_full_list_values_are_parsed_again():
    body = ("info=quota%3D0%26usage%3D12%2E5%26sent%3D3%26limit%3D200%26suspended%3Dno"
            "&sales=quota%3D500%26usage%3D230%2E25%26suspended%3Dyes")
    assert parse.parse_map(text(body), "CMD") == {
        "info": {"quota": "0", "usage": "12.5", "sent": "3", "limit": "200", "suspended": "no"},
        "sales": {"quota": "500", "usage": "230.25", "suspended": "yes"},
    }


def test_type_quota_answer_with_unlimited_as_a_word():
    body = "info=usage%3D12%2E5%26quota%3Dunlimited"
    assert parse.parse_map(text(body), "CMD") == {"info": {"usage": "12.5", "quota": "unlimited"}}


def test_a_mailbox_called_error_is_an_entry_not_the_envelope():
    body = "error=quota%3D5%26usage%3D1&info=quota%3D0%26usage%3D0"
    assert parse.parse_map(text(body), "CMD") == {"error": {"quota": "5", "usage": "1"},
                                                  "info": {"quota": "0", "usage": "0"}}


def test_a_map_call_answered_with_a_plain_list_gives_names_without_fields():
    assert parse.parse_map(text("list[]=info&list[]=sales"), "CMD") == {"info": {}, "sales": {}}


def test_a_map_call_refused():
    with pytest.raises(ProviderRefused):
        parse.parse_map(text("error=1&text=Unknown+action"), "CMD")


# -- 4. over-eager percent-encoding, keys included ----------------------------------------------------


def test_digits_underscore_dot_and_quote_encoded_in_keys_and_values():
    body = "%65rror=%30&%74ext=it%27s+%31%2E%35&details=a%5Fb&list%5B%5D=x"
    assert parse.parse_form(body) == {"error": "0", "text": "it's 1.5", "details": "a_b", "list": ["x"]}
    assert parse.parse_result(text(body), "CMD") == ["it's 1.5", "a_b"]


def test_encoded_list_brackets_still_collect_a_list():
    assert parse.parse_list(text("list%5B%5D=first%2Eone&list%5B%5D=%32nd"), "CMD") == ["first.one", "2nd"]


# -- 5. HTML numeric entities in leaf values only -------------------------------------------------------


def test_entities_in_leaf_values_are_replaced():
    body = "error=1&text=Invalid&details=" + "quota+must+be+%26%2351%3B%26%2348%3B+or+less"
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_result(text(body), "CMD")
    assert caught.value.details == ["quota must be 30 or less"]


def test_entities_inside_a_nested_value_are_replaced_after_the_second_parse():
    # The nested string holds `quota=&#53;&#48;&usage=...`: decoding entities before the
    # second parse would be harmless here, but a `&` from an entity must not split it.
    body = "info=quota%3D%26%2353%3B%26%2348%3B%26usage%3D%26%2349%3B"
    assert parse.parse_map(text(body), "CMD") == {"info": {"quota": "50", "usage": "1"}}


def test_a_raw_entity_in_the_body_is_not_cut_at_its_ampersand():
    assert parse.parse_form("text=version+&#51;&error=0") == {"text": "version 3", "error": "0"}


def test_no_full_html_unescape_so_notify_survives():
    # html.unescape("&notify=yes") == "¬ify=yes": a parser that unescapes before
    # parsing the nested string loses the `notify` field.
    body = "info=quota%3D10%26notify%3Dyes%26copy%3D%2526amp%253B"
    assert parse.parse_map(text(body), "CMD") == {"info": {"quota": "10", "notify": "yes", "copy": "&amp;"}}


def test_entities_that_are_not_characters_stay_as_written():
    assert parse.decode_entities("&#0;&#55357;&#1114112;&#x41;&#65;") == "&#0;&#55357;&#1114112;AA"


# -- 6. leniency: stray &, blank values, junk -----------------------------------------------------------


def test_stray_and_trailing_ampersands_and_blank_values():
    assert parse.parse_form("&&error=0&&text=&details&=x&") == {"error": "0", "text": "", "details": ""}
    assert parse.parse_list(text("&list[]=a&&list[]=&list[]=b&"), "CMD") == ["a", "b"]


def test_bad_escapes_and_invalid_utf8_do_not_crash():
    assert parse.parse_form("text=100%zz%&error=%") == {"text": "100%zz%", "error": "%"}
    assert parse.parse_result(text(b"error=0&text=caf\xe9"), "CMD") == ["caf\ufffd"]


# -- 7. JSON mode ----------------------------------------------------------------------------------------


def test_json_success_envelope():
    assert parse.parse_result(json_reply('{"success": "Account created", "result": "bob@example.com created"}'),
                              "CMD") == ["Account created", "bob@example.com created"]


def test_json_error_is_a_message_not_a_flag():
    reply = json_reply('{"error": "Cannot create email account", "result": "<b>bob@example.com</b> already exists"}')
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_result(reply, "CMD")
    assert caught.value.message == "Cannot create email account"
    assert caught.value.details == ["bob@example.com already exists"]


def test_json_error_1_with_text_and_success_no():
    with pytest.raises(ProviderRefused) as caught:
        parse.parse_result(json_reply('{"error": "1", "text": "Refused"}'), "CMD")
    assert caught.value.message == "Refused"
    with pytest.raises(ProviderRefused):
        parse.parse_result(json_reply('{"success": "no", "result": "x"}'), "CMD")


def test_json_neither_success_nor_error_is_unreadable():
    with pytest.raises(BadResponse):
        parse.parse_result(json_reply('{"result": "x"}'), "CMD")
    with pytest.raises(BadResponse):
        parse.parse_result(json_reply('["a"]'), "CMD")


@pytest.mark.parametrize("body", ['["info", "sales"]', '{"list": ["info", "sales"]}', '{"1": "sales", "0": "info"}'])
def test_json_lists_bare_array_or_object(body):
    assert parse.parse_list(json_reply(body), "CMD") == ["info", "sales"]


def test_json_object_with_keys_that_only_look_like_indexes_is_unreadable():
    with pytest.raises(BadResponse):
        parse.parse_list(json_reply('{"\u00b2": "a"}'), "CMD")


def test_json_list_of_objects_is_unreadable():
    with pytest.raises(BadResponse):
        parse.parse_list(json_reply('[{"name": "info"}]'), "CMD")


def test_json_nested_map_as_objects_or_query_strings():
    body = '{"info": {"quota": 0, "usage": "12.5", "suspended": false}, "sales": "quota=500&usage=1"}'
    assert parse.parse_map(json_reply(body), "CMD") == {
        "info": {"quota": "0", "usage": "12.5", "suspended": "no"},
        "sales": {"quota": "500", "usage": "1"},
    }


def test_json_map_refused_and_json_map_junk():
    with pytest.raises(ProviderRefused):
        parse.parse_map(json_reply('{"error": "Unknown action", "result": ""}'), "CMD")
    with pytest.raises(BadResponse):
        parse.parse_map(json_reply('{"info": 5}'), "CMD")


def test_broken_json_is_unreadable_not_a_traceback():
    with pytest.raises(BadResponse) as caught:
        parse.parse_result(json_reply('{"success": '), "CMD")
    assert caught.value.exit_code == 5


# -- failed authentication: all four shapes ---------------------------------------------------------------


def test_login_page_with_200_is_an_auth_failure():
    with pytest.raises(AuthError) as caught:
        parse.parse_list(Reply(200, LOGIN_PAGE, {"Content-Type": "text/html"}), "CMD_API_SHOW_DOMAINS")
    assert caught.value.exit_code == 4


def test_unauthorized_header_is_an_auth_failure_even_without_html():
    with pytest.raises(AuthError):
        parse.parse_result(text("error=0", headers={"X-DirectAdmin": "Unauthorized"}), "CMD")


@pytest.mark.parametrize("status", [301, 302, 303, 307])
def test_a_redirect_is_an_auth_failure(status):
    with pytest.raises(AuthError) as caught:
        parse.parse_list(Reply(status, b"", {"Location": "/CMD_LOGIN"}), "CMD_API_POP", "a key must allow CMD_API_POP")
    assert "CMD_LOGIN" in caught.value.message and "CMD_API_POP" in caught.value.message


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_auth_failures(status):
    with pytest.raises(AuthError):
        parse.parse_result(Reply(status, b'{"error":"Not logged in","success":"no"}', JSON), "CMD")


def test_any_text_html_content_type_counts_whatever_the_charset():
    with pytest.raises(AuthError):
        parse.parse_list(Reply(200, b"list[]=a", {"Content-Type": "text/HTML; charset=ISO-8859-1"}), "CMD")


def test_a_body_starting_with_a_tag_counts_whatever_the_content_type():
    with pytest.raises(AuthError):
        parse.parse_map(text("  <html><body>Please log in</body></html>"), "CMD")


def test_server_errors_are_transport_errors_and_other_statuses_unreadable():
    with pytest.raises(TransportError) as caught:
        parse.parse_result(Reply(503, b"<html>busy</html>", {"Content-Type": "text/html"}), "CMD")
    assert not isinstance(caught.value, (AuthError, BadResponse))
    with pytest.raises(BadResponse):
        parse.parse_list(Reply(404, b"not found", TEXT), "CMD")


# -- leaf values ------------------------------------------------------------------------------------------


def test_megabytes():
    assert parse.megabytes("12.5", what="x") == 12.5
    assert parse.megabytes("unlimited", what="x") == 0.0
    assert parse.megabytes(" ", what="x") is None
    assert parse.megabytes(None, what="x") is None
    for junk in ("lots", "-1", "nan", "inf"):
        with pytest.raises(BadResponse):
            parse.megabytes(junk, what="x")


def test_yes_no():
    assert parse.yes_no("yes") is True and parse.yes_no("NO") is False and parse.yes_no("?") is None


def test_unknown_command_cue():
    assert parse.is_unknown_command(ProviderRefused("Unknown command", details=["CMD_API_POP ..."]))
    assert not parse.is_unknown_command(ProviderRefused("Cannot create email account"))


# -- whatever arrives, only mailctl's own errors come out --------------------------------------------------

_statuses = st.sampled_from([200, 200, 200, 204, 302, 401, 403, 404, 500, 503])
_types = st.sampled_from(["text/plain", "application/json", "text/html", ""])
_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(alphabet="=&%[]{}\":,01abx#;<>+. \n²٣", max_size=120).map(str.encode),
)


@settings(max_examples=300, deadline=None)
@given(status=_statuses, content_type=_types, body=_bodies)
def test_no_answer_raises_anything_but_mailctl_errors(status, content_type, body):
    reply = Reply(status, body, {"Content-Type": content_type} if content_type else {})
    for reader in (parse.parse_result, parse.parse_list, parse.parse_map):
        try:
            reader(reply, "CMD")
        except MailctlError:
            pass


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=_json_values)
def test_no_json_answer_raises_anything_but_mailctl_errors(value):
    reply = Reply(200, json.dumps(value).encode(), JSON)
    for reader in (parse.parse_result, parse.parse_list, parse.parse_map):
        try:
            reader(reply, "CMD")
        except MailctlError:
            pass
