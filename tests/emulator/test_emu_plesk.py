"""Plesk XML API: auth (errcode 1001 in HTTP 200), packets, site lookup, mail operations,
refusals, declarations refused, faults and state files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from mailctl.emulator import Emulator

AGENT = "/enterprise/control/agent.php"
STRONG = "Str0ng-pass"
DEMO = {"HTTP_AUTH_LOGIN": "demo", "HTTP_AUTH_PASSWD": "demo-secret"}
ADMIN = {"HTTP_AUTH_LOGIN": "admin", "HTTP_AUTH_PASSWD": "demo-secret"}


@pytest.fixture
def xml(emu, http):
    def post(inner: str, headers: dict | None = None, raw: bytes | None = None):
        body = raw if raw is not None else f'<?xml version="1.0" encoding="UTF-8"?><packet>{inner}</packet>'.encode()
        answer = http.post(emu.url + AGENT, data=body, headers={"Content-Type": "text/xml", **(DEMO if headers is None else headers)})
        assert answer.status_code == 200
        return ET.fromstring(answer.content)
    return post


def system_error(root) -> tuple[str, int]:
    node = root.find("system")
    return node.findtext("status"), int(node.findtext("errcode"))


def one(root, path: str):
    results = root.findall(f"{path}/result")
    assert len(results) == 1
    return results[0]


MAILBOX_ALL = "<mail><get_info><filter><site-id>1</site-id></filter><mailbox/><mailbox-usage/></get_info></mail>"


@pytest.mark.parametrize("headers", [
    {"HTTP_AUTH_LOGIN": "demo", "HTTP_AUTH_PASSWD": "wrong"},
    {"HTTP_AUTH_LOGIN": "ghost", "HTTP_AUTH_PASSWD": "demo-secret"},
    {"HTTP_AUTH_LOGIN": "demo"},
    {"KEY": "not-a-key"},
    {},
])
def test_a_failed_login_is_errcode_1001_in_http_200(xml, emu, headers):
    root = xml(MAILBOX_ALL, headers=headers)
    assert system_error(root) == ("error", 1001)
    assert root.find("mail") is None
    assert emu.state.plesk.addresses() == ["info@example.com", "sales@example.com"]


def test_a_secret_key_logs_in_as_its_login(xml, emu):
    emu.state.plesk.add_secret_key("K3Y-abc", "demo")
    root = xml(MAILBOX_ALL, headers={"KEY": "K3Y-abc"})
    assert [r.findtext("status") for r in root.findall("mail/get_info/result")] == ["ok", "ok"]


def test_a_customer_without_the_xml_api_permission_is_refused_before_anything_runs(xml, emu):
    emu.state.plesk.users["demo"].xml_api = False
    assert system_error(xml(MAILBOX_ALL)) == ("error", 1006)


def test_get_info_lists_mailboxes_with_bytes_and_usage(xml):
    results = xml(MAILBOX_ALL).findall("mail/get_info/result")
    names = [(r.findtext("mailname/name"), r.findtext("mailname/mailbox/quota"), r.findtext("mailname/mailbox-usage"))
             for r in results]
    assert names == [("info", "-1", str(int(12.5 * 1024 * 1024))),
                     ("sales", str(500 * 1024 * 1024), str(int(230.25 * 1024 * 1024)))]


def test_site_get_finds_ids_by_name_and_hides_other_customers_sites(xml, emu):
    emu.state.plesk.add_user("other", "Other-pass-1")
    emu.state.plesk.add_domain("other.test", "other")
    found = one(xml("<site><get><filter><name>example.com</name></filter><dataset><gen_info/></dataset></get>"
                    "</site>"), "site/get")
    assert (found.findtext("status"), found.findtext("id")) == ("ok", "1")
    hidden = one(xml("<site><get><filter><name>other.test</name></filter><dataset><gen_info/></dataset></get>"
                     "</site>"), "site/get")
    assert (hidden.findtext("status"), hidden.findtext("errcode")) == ("error", "1013")
    every = xml("<site><get><filter/><dataset><gen_info/></dataset></get></site>", headers=ADMIN)
    assert [r.findtext("data/gen_info/name") for r in every.findall("site/get/result")] == ["example.com",
                                                                                          "other.test"]


def create(name: str, password: str = STRONG, quota: str = "<quota>52428800</quota>", site: str = "1") -> str:
    return (f"<mail><create><filter><site-id>{site}</site-id><mailname><name>{name}</name>"
            f"<mailbox><enabled>true</enabled>{quota}</mailbox>"
            f"<password><value>{password}</value><type>plain</type></password></mailname></filter></create></mail>")


def test_create_stores_the_mailbox_with_its_quota_in_bytes(xml, emu):
    result = one(xml(create("new")), "mail/create")
    assert result.findtext("status") == "ok" and result.findtext("mailname/name") == "new"
    box = emu.state.plesk.mailbox("new@example.com")
    assert (box.password, box.quota_bytes, box.mailbox) == (STRONG, 50 * 1024 * 1024, True)


@pytest.mark.parametrize("inner, code", [
    (create("info"), "1007"),
    (create("new", password="weak"), "1019"),
    (create("Bad Name"), "1019"),
    (create("new", site="99"), "1013"),
])
def test_create_refusals_carry_errcodes(xml, emu, inner, code):
    result = one(xml(inner), "mail/create")
    assert (result.findtext("status"), result.findtext("errcode")) == ("error", code)
    assert emu.state.plesk.addresses() == ["info@example.com", "sales@example.com"]


def test_update_set_changes_the_password_and_an_unknown_name_is_1013(xml, emu):
    set_password = ("<mail><update><set><filter><site-id>1</site-id><mailname><name>{}</name><password>"
                    f"<value>{STRONG}</value><type>plain</type></password></mailname></filter></set></update></mail>")
    assert one(xml(set_password.format("sales")), "mail/update/set").findtext("status") == "ok"
    assert emu.state.plesk.mailbox("sales@example.com").password == STRONG
    assert one(xml(set_password.format("ghost")), "mail/update/set").findtext("errcode") == "1013"


def test_remove_deletes_one_name_and_without_a_name_every_mailbox_of_the_site(xml, emu):
    one_name = "<mail><remove><filter><site-id>1</site-id><name>info</name></filter></remove></mail>"
    assert one(xml(one_name), "mail/remove").findtext("status") == "ok"
    assert one(xml(one_name), "mail/remove").findtext("errcode") == "1013"
    xml("<mail><remove><filter><site-id>1</site-id></filter></remove></mail>")
    assert emu.state.plesk.addresses() == []


@pytest.mark.parametrize("raw", [
    b'<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY x "boom">]><packet>&x;</packet>',
    b'<!DOCTYPE packet SYSTEM "http://127.0.0.1:1/x.dtd"><packet/>',
    b"<packet><mail>",
    b"not xml at all",
    b"<other/>",
])
def test_declarations_and_broken_packets_are_parse_errors(xml, raw):
    assert system_error(xml("", raw=raw)) == ("error", 1014)


def test_an_unsupported_version_is_1005(xml):
    assert system_error(xml("", raw=b'<packet version="0.1"/>')) == ("error", 1005)


def test_a_fault_can_match_the_operation_named_in_the_packet_comment(emu, http):
    fault = emu.add_fault(kind="500", field="operation:mail.create")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<!-- &operation=mail.create& -->\n<packet>'
            + create("new") + "</packet>")
    answer = http.post(emu.url + AGENT, data=body.encode(), headers=DEMO)
    assert answer.status_code == 500 and fault.fired == 1
    assert not emu.state.plesk.has_mailbox("new@example.com")


def test_the_state_file_round_trips(tmp_path):
    path = tmp_path / "state.json"
    with Emulator(state_file=path) as emu:
        emu.state.plesk.add_mailbox("kept@example.com", quota_bytes=1024)
        emu.state.touch()
    with Emulator(state_file=path) as emu:
        box = emu.state.plesk.mailbox("kept@example.com")
        assert box.quota_bytes == 1024 and box.id > 3
        assert emu.state.plesk.site_ids == {"example.com": 1}
        assert emu.state.plesk.users["admin"].role == "admin"
