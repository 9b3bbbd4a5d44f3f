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


# -- the lifecycle calls: forwarding, mail aliases, quota, customer passwords ---------------

def mailname_op(kind: str, name: str, inner: str) -> str:
    return (f"<mail><update><{kind}><filter><site-id>1</site-id><mailname><name>{name}</name>{inner}</mailname>"
            f"</filter></{kind}></update></mail>")


def test_update_add_and_remove_edit_the_lists_and_answer_under_their_own_node(xml, emu):
    box = emu.state.plesk.mailbox("info@example.com")
    added = xml(mailname_op("add", "info", "<forwarding><enabled>true</enabled><address>a@x.test</address>"
                                           "</forwarding><alias>hello</alias>"))
    assert one(added, "mail/update/add").findtext("status") == "ok"
    assert (box.forwarding, box.aliases, box.forwards) == (["a@x.test"], ["hello"], True)
    xml(mailname_op("add", "info", "<forwarding><address>b@x.test</address></forwarding>"))
    assert box.forwarding == ["a@x.test", "b@x.test"]
    removed = xml(mailname_op("remove", "info", "<forwarding><address>a@x.test</address></forwarding>"
                                                "<alias>hello</alias>"))
    assert one(removed, "mail/update/remove").findtext("status") == "ok"
    assert (box.forwarding, box.aliases) == (["b@x.test"], [])


def test_update_set_replaces_the_forwarding_list(xml, emu):
    box = emu.state.plesk.mailbox("info@example.com")
    box.forwarding = ["a@x.test", "b@x.test"]
    xml(mailname_op("set", "info", "<forwarding><address>c@x.test</address></forwarding>"))
    assert box.forwarding == ["c@x.test"]  # the trap: set drops the others


def test_update_set_changes_the_quota_and_minus_one_is_unlimited(xml, emu):
    box = emu.state.plesk.mailbox("sales@example.com")
    assert one(xml(mailname_op("set", "sales", "<mailbox><quota>2097152</quota></mailbox>")),
               "mail/update/set").findtext("status") == "ok"
    assert box.quota_bytes == 2097152
    xml(mailname_op("set", "sales", "<mailbox><quota>-1</quota></mailbox>"))
    assert box.quota_bytes is None
    bad = one(xml(mailname_op("set", "sales", "<mailbox><quota>lots</quota></mailbox>")), "mail/update/set")
    assert bad.findtext("errcode") == "1019" and box.quota_bytes is None


@pytest.mark.parametrize("inner, code", [
    ("<alias>sales</alias>", "1007"),  # a mail name of the site
    ("<alias>Bad Name</alias>", "1019"),
    ("<forwarding><address>not-an-address</address></forwarding>", "1019"),
])
def test_update_add_refusals_change_nothing(xml, emu, inner, code):
    result = one(xml(mailname_op("add", "info", inner)), "mail/update/add")
    assert (result.findtext("status"), result.findtext("errcode")) == ("error", code)
    box = emu.state.plesk.mailbox("info@example.com")
    assert (box.forwarding, box.aliases) == ([], [])


def test_an_alias_of_one_mail_name_is_taken_for_every_other(xml, emu):
    emu.state.plesk.mailbox("sales@example.com").aliases = ["orders"]
    assert one(xml(mailname_op("add", "info", "<alias>orders</alias>")), "mail/update/add").findtext(
        "errcode") == "1007"
    assert one(xml(create("orders")), "mail/create").findtext("errcode") == "1007"


def test_create_without_a_mailbox_gives_a_mail_name_that_only_forwards(xml, emu):
    inner = ("<mail><create><filter><site-id>1</site-id><mailname><name>team</name><forwarding><enabled>true"
             "</enabled><address>a@x.test</address></forwarding></mailname></filter></create></mail>")
    assert one(xml(inner), "mail/create").findtext("status") == "ok"
    plesk = emu.state.plesk
    assert (plesk.mailbox("team@example.com").mailbox, plesk.has_mailbox("team@example.com")) == (False, False)
    info = xml("<mail><get_info><filter><site-id>1</site-id><name>team</name></filter><mailbox/><forwarding/>"
               "</get_info></mail>")
    mailname = one(info, "mail/get_info").find("mailname")
    assert mailname.find("mailbox") is None
    assert (mailname.findtext("forwarding/enabled"), mailname.findtext("forwarding/address")) == ("true", "a@x.test")
    empty = "<mail><create><filter><site-id>1</site-id><mailname><name>void</name></mailname></filter></create></mail>"
    assert one(xml(empty), "mail/create").findtext("errcode") == "1019"


def test_switched_off_forwarding_keeps_its_addresses(xml, emu):
    box = emu.state.plesk.mailbox("info@example.com")
    box.forwarding, box.forwarding_enabled = ["a@x.test"], False
    info = xml("<mail><get_info><filter><site-id>1</site-id><name>info</name></filter><forwarding/></get_info></mail>")
    forwarding = one(info, "mail/get_info").find("mailname/forwarding")
    assert (forwarding.findtext("enabled"), forwarding.findtext("address")) == ("false", "a@x.test")


CUSTOMER_SET = ("<customer><set><filter><login>{}</login></filter><values><gen_info><passwd>{}</passwd></gen_info>"
                "</values></set></customer>")


def test_customer_set_is_for_the_admin_and_resellers(xml, emu):
    plesk = emu.state.plesk
    denied = one(xml(CUSTOMER_SET.format("demo", STRONG)), "customer/set")  # demo is a customer
    assert denied.findtext("errcode") == "1006" and plesk.users["demo"].password == "demo-secret"
    done = one(xml(CUSTOMER_SET.format("demo", STRONG), ADMIN), "customer/set")
    assert (done.findtext("status"), done.findtext("filter-id")) == ("ok", "demo") and done.findtext("id")
    assert plesk.users["demo"].password == STRONG
    plesk.add_user("res", "Res-pass-1", role="reseller")
    plesk.add_user("mine", "Mine-pass-1", owner="res")
    reseller = {"HTTP_AUTH_LOGIN": "res", "HTTP_AUTH_PASSWD": "Res-pass-1"}
    assert one(xml(CUSTOMER_SET.format("mine", STRONG), reseller), "customer/set").findtext("status") == "ok"
    assert one(xml(CUSTOMER_SET.format("demo", "Other-pass-1"), reseller), "customer/set").findtext(
        "errcode") == "1013"
    assert plesk.users["demo"].password == STRONG


@pytest.mark.parametrize("inner, code", [
    (CUSTOMER_SET.format("demo", "weak"), "1019"),
    (CUSTOMER_SET.format("ghost", STRONG), "1013"),
    (CUSTOMER_SET.format("admin", STRONG), "1013"),  # not a customer
    ("<customer><set><filter/><values><gen_info><passwd>Str0ng-pass</passwd></gen_info></values></set></customer>",
     "1014"),
])
def test_customer_set_refusals(xml, emu, inner, code):
    assert one(xml(inner, ADMIN), "customer/set").findtext("errcode") == code
    assert emu.state.plesk.users["demo"].password == "demo-secret"


def test_a_reseller_sees_its_customers_sites(xml, emu):
    plesk = emu.state.plesk
    plesk.add_user("res", "Res-pass-1", role="reseller")
    plesk.users["demo"].owner = "res"
    answer = xml("<site><get><filter/><dataset><gen_info/></dataset></get></site>",
                 {"HTTP_AUTH_LOGIN": "res", "HTTP_AUTH_PASSWD": "Res-pass-1"})
    assert [r.findtext("data/gen_info/name") for r in answer.findall("site/get/result")] == ["example.com"]


def test_the_state_file_keeps_forwarding_aliases_and_owners(tmp_path):
    path = tmp_path / "state.json"
    with Emulator(state_file=path) as emu:
        plesk = emu.state.plesk
        plesk.add_mailbox("team@example.com", password=None, mailbox=False, forwarding=["a@x.test"],
                          forwarding_enabled=False)
        plesk.mailbox("sales@example.com").aliases = ["orders"]
        plesk.add_user("res", "Res-pass-1", role="reseller")
        plesk.add_user("mine", "Mine-pass-1", owner="res")
        emu.state.touch()
    with Emulator(state_file=path) as emu:
        plesk = emu.state.plesk
        team = plesk.mailbox("team@example.com")
        assert (team.mailbox, team.forwarding, team.forwarding_enabled) == (False, ["a@x.test"], False)
        assert plesk.mailbox("sales@example.com").aliases == ["orders"]
        assert (plesk.users["res"].role, plesk.users["mine"].owner) == ("reseller", "res")
        assert plesk.addresses("example.com") == ["info@example.com", "sales@example.com"]
