"""Property tests of every parser of outside input not fuzzed elsewhere (DirectAdmin's
is, in tests/directadmin): cPanel UAPI and WHM answers, the JSON-RPC client and
mailbox.org's result shapes, whole backends answering arbitrary HTTP answers, the bulk
input rows, and the config file. Whatever arrives, the only exceptions are mailctl's
own errors (MailctlError subclasses; the JSON-RPC client also raises its RpcFault, which
the mailbox.org backend turns into one), so no answer and no file ends in a traceback.

The parsers are fed directly. Where one takes an HTTP answer, a `requests.Response`
is built by hand; a whole backend is fed through `CannedTransport`, a mailctl Transport
that sends nothing and hands out such answers in turn. No network, no mock of requests:
these are input data, each example a different server."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import keyring
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailctl import validation
from mailctl.backends import backend_class, mailboxorg, uapi
from mailctl.backends.base import BackendContext
from mailctl.backends.jsonrpc import JsonRpcClient, RpcFault
from mailctl import providers
from mailctl.bulk.rows import Spec, known_fields, parse
from mailctl.config import Config, Profile
from mailctl.credentials import Credentials
from mailctl.errors import MailctlError, TransportError
from mailctl.memory_keyring import MemoryKeyring
from mailctl.models import MailboxChange, NewMailbox
from mailctl.transport import Transport, TransportSettings, parse_json
from mailctl.validation import Address

# Examples per property (the README's figure). Every property here is one parser.
EXAMPLES = 300
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# -- what servers send ---------------------------------------------------------------------

WORDS = st.sampled_from([
    "1", "0", "", "unlimited", "none", "\u221e", "Main Account", "info@example.com", "example.com",
    "demo", "system", "ftp", "mysql", "forward", "standard", "NaN", "-1", "1e400", "<b>x</b>",
])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=16) | WORDS)
KEYS = st.sampled_from([
    "status", "errors", "warnings", "messages", "data", "metadata", "result", "reason", "output",
    "email", "login", "_diskquota", "_diskused", "suspended_login", "suspended_incoming",
    "suspended_outgoing", "domain", "uapi", "user", "app", "passwd", "statusmsg", "services",
    "results", "totalPages", "totalHits", "mail", "plan", "active", "type", "count_mails",
    "jsonrpc", "id", "error", "code", "message", "session",
]) | st.text(max_size=6)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
                    max_leaves=24)
# Mostly the values servers send, so that examples get past the envelope; then the odd.
FLAGS = st.sampled_from([1, 1, 1, 0, "1", "0", True, False]) | st.sampled_from([None, 2, "yes", 1.0, [], {}])
MESSAGES = st.none() | st.text(max_size=20) | st.lists(SCALARS, max_size=3)

POP_ENTRY = st.fixed_dictionaries({}, optional={
    "email": st.sampled_from(["info@example.com", "x@other.test", "demo", ""]) | st.text(max_size=10) | SCALARS,
    "login": st.sampled_from(["Main Account", "info@example.com"]) | SCALARS,
    "_diskquota": SCALARS, "_diskused": SCALARS,
    "suspended_login": FLAGS, "suspended_incoming": FLAGS, "suspended_outgoing": FLAGS,
})
UAPI = st.fixed_dictionaries({"status": FLAGS}, optional={
    "errors": MESSAGES, "warnings": MESSAGES, "messages": MESSAGES,
    "data": JSON | st.lists(POP_ENTRY, max_size=4) | st.lists(st.fixed_dictionaries({"domain": SCALARS}), max_size=3),
    "metadata": JSON,
})
WHM = st.fixed_dictionaries({}, optional={
    "metadata": st.fixed_dictionaries({"result": FLAGS}, optional={
        "reason": MESSAGES, "version": SCALARS,
        "output": JSON | st.fixed_dictionaries({}, optional={"warnings": MESSAGES}),
    }) | JSON,
    "data": JSON | st.fixed_dictionaries({}, optional={
        "uapi": UAPI, "user": SCALARS, "app": JSON | st.lists(WORDS, max_size=3)}),
    "passwd": st.lists(st.fixed_dictionaries({}, optional={
        "status": FLAGS, "statusmsg": MESSAGES, "services": JSON}), max_size=2) | JSON,
    "statusmsg": MESSAGES,
})
MAIL = st.fixed_dictionaries({}, optional={
    "mail": st.sampled_from(["info@example.com", "x@example.com", "noat"]) | SCALARS,
    "plan": SCALARS, "active": SCALARS, "type": st.sampled_from(["inbox", "forward"]) | SCALARS,
})
RPC_RESULT = (JSON | st.just(True) | st.fixed_dictionaries({"session": SCALARS}) | st.lists(MAIL, max_size=4)
              | st.fixed_dictionaries({"results": st.lists(MAIL, max_size=3) | JSON, "totalPages": SCALARS})
              | st.lists(st.fixed_dictionaries({}, optional={"domain": SCALARS, "count_mails": SCALARS}), max_size=3))
RPC_ERROR = st.fixed_dictionaries({}, optional={
    "code": st.sampled_from([2, 253, 1001, 1002, 1003, -32602, -32700]) | SCALARS,
    "message": SCALARS, "data": JSON,
}) | SCALARS
RPC_IDS = st.sampled_from(["1", "2", "3", 1, 2, None, None, None]) | SCALARS
RPC_ANSWER = st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "id": RPC_IDS, "result": RPC_RESULT})
JSON_RPC = st.one_of(
    RPC_ANSWER, RPC_ANSWER,
    st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "id": RPC_IDS, "error": RPC_ERROR}),
    JSON,
)
DA_FORM = st.lists(st.tuples(st.sampled_from(["error", "text", "details", "list[]", "info", "sales", "example.com"])
                             | st.text(max_size=6), st.text(max_size=12) | WORDS), max_size=5).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
DA_JSON = st.fixed_dictionaries({}, optional={"error": FLAGS, "success": SCALARS, "result": JSON, "text": SCALARS,
                                              "details": SCALARS, "list": JSON}) | JSON
VM_VALUES = st.dictionaries(
    st.sampled_from(["email_address", "home_byte_quota", "home_byte_quota_used", "disabled", "username", "password",
                     "mail_users", "user", "forward", "deliver_to_user", "extra_addresses", "to", "comment"])
    | st.text(max_size=6),
    st.lists(WORDS | SCALARS, max_size=2) | SCALARS, max_size=5)
VIRTUALMIN = st.fixed_dictionaries({"status": st.sampled_from(["success", "success", "failure", "error"]) | SCALARS},
                                   optional={"command": SCALARS, "error": MESSAGES, "full_error": MESSAGES,
                                             "output": SCALARS,
                                             "data": st.lists(st.fixed_dictionaries({"name": WORDS | SCALARS
                                                                                    | st.sampled_from(
                                                                                        ["info", "team@example.com",
                                                                                         "@example.com"])},
                                                                                    optional={"values": VM_VALUES}),
                                                              max_size=3) | st.lists(WORDS, max_size=3) | JSON})

XML_TEXT = st.sampled_from(["", "1", "-1", "12", "info", "ok", "error", "true", "example.com", "&amp;", "<b/>"]) | WORDS
XML_LEAF = st.builds(lambda tag, value: f"<{tag}>{value}</{tag}>",
                     st.sampled_from(["status", "errcode", "errtext", "id", "name", "quota", "enabled",
                                      "mailbox-usage", "alias"]), XML_TEXT)
XML_NODE = st.recursive(XML_LEAF, lambda inner: st.builds(
    lambda tag, children: f"<{tag}>{''.join(children)}</{tag}>",
    st.sampled_from(["result", "mailname", "mailbox", "data", "gen_info", "system", "mail", "site", "webspace",
                     "get", "get_info", "create", "update", "remove"]),
    st.lists(inner, max_size=4)), max_leaves=20)
PLESK_XML = st.builds(lambda head, nodes, tail: (head + "<packet>" + "".join(nodes) + "</packet>" + tail).encode(),
                      st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>', "", "<!DOCTYPE packet>",
                                       '<!DOCTYPE p [<!ENTITY e "x">]>']),
                      st.lists(XML_NODE, max_size=3), st.sampled_from(["", "", "junk", "<packet/>"]))

# Providers whose answers are not JSON: their own shapes, already encoded.
ENCODED_ENVELOPES = {"plesk": PLESK_XML}
MAIL_USER = st.fixed_dictionaries({}, optional={
    "mailuser_id": st.sampled_from(["1", "2", 3]) | SCALARS,
    "email": st.sampled_from(["info@example.com", "x@example.com", "noat"]) | SCALARS,
    "quota": st.sampled_from(["0", "524288000", 1, "-1"]) | SCALARS,
    "postfix": st.sampled_from(["y", "n"]) | SCALARS, "disableimap": st.sampled_from(["y", "n"]) | SCALARS,
})
ISP_DOMAIN = st.fixed_dictionaries({}, optional={
    "domain": st.sampled_from(["example.com", "other.test"]) | SCALARS,
    "sys_userid": st.sampled_from(["2", 2]) | SCALARS, "server_id": st.sampled_from(["1", 1]) | SCALARS,
})
ISP_FORWARD = st.fixed_dictionaries({}, optional={
    "forwarding_id": st.sampled_from(["4", 5]) | SCALARS,
    "source": st.sampled_from(["team@example.com", "info@example.com", "@example.com"]) | SCALARS,
    "destination": st.sampled_from(["info@example.com", "a@x.test, b@x.test", ""]) | SCALARS,
    "type": st.sampled_from(["forward", "alias", "catchall"]) | SCALARS, "active": SCALARS,
})
ISPCONFIG = st.fixed_dictionaries({"code": st.sampled_from(["ok", "ok", "remote_fault", "invalid_method"]) | SCALARS},
                                  optional={
    "message": st.sampled_from(["", "The Session is expired or does not exist.",
                                "The login failed. Username or password wrong."]) | SCALARS,
    "response": (JSON | st.lists(MAIL_USER, max_size=4) | st.lists(ISP_DOMAIN, max_size=3) | MAIL_USER
                 | st.lists(ISP_FORWARD, max_size=3)
                 | st.sampled_from([0, 1, 7, "1", False, "0123456789abcdef0123456789abcdef"])),
}) | JSON

MAILCOW_MSG = st.sampled_from(["mailbox_added", "mailbox_removed", "mailbox_modified", "object_exists",
                               "access_denied", "password_complexity"]) | SCALARS
MAILCOW_ENTRY = st.fixed_dictionaries({"type": st.sampled_from(["success", "danger", "error", "warning"]) | SCALARS},
                                      optional={"msg": MAILCOW_MSG | st.lists(MAILCOW_MSG, max_size=3),
                                                "log": JSON})
MAILCOW_ROW = st.fixed_dictionaries({}, optional={
    "username": st.sampled_from(["info@example.com", "new@example.com", "noat"]) | SCALARS,
    "domain_name": st.sampled_from(["example.com", ""]) | SCALARS, "domain": SCALARS, "local_part": SCALARS,
    "quota": SCALARS, "quota_used": SCALARS, "active": FLAGS, "active_int": FLAGS, "mboxes_in_domain": SCALARS,
    "version": SCALARS,
})
MAILCOW = st.one_of(st.lists(MAILCOW_ENTRY, max_size=3), MAILCOW_ENTRY, st.lists(MAILCOW_ROW, max_size=3),
                    MAILCOW_ROW, st.just({}), st.just([]), JSON)
ENVELOPES = {"cpanel": UAPI, "whm": WHM, "mailboxorg": JSON_RPC, "directadmin": DA_JSON, "ispconfig": ISPCONFIG,
             "mailcow": MAILCOW,
             "virtualmin": VIRTUALMIN}
STATUSES = st.sampled_from([200] * 14 + [100, 204, 301, 302, 401, 403, 404, 418, 429, 500, 502, 503, 599])
HEADERS = st.dictionaries(st.sampled_from(["Content-Type", "Location", "Retry-After", "X-DirectAdmin"]),
                          st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=24), max_size=3)


def response(status: int, body: bytes, headers: dict[str, str]) -> requests.Response:
    """An HTTP answer as requests hands it over, built from its parts."""
    answer = requests.Response()
    answer.status_code = status
    answer._content = body
    answer.headers.update(headers)
    answer.reason = "Reason"
    answer.url = "https://panel.example/"
    return answer


def bodies(provider: str):
    if provider in ENCODED_ENVELOPES:
        shaped = ENCODED_ENVELOPES[provider]
    else:
        shaped = ENVELOPES[provider].map(lambda value: json.dumps(value).encode())
    extra = [DA_FORM.map(str.encode)] if provider == "directadmin" else []
    # Weighted towards the provider's own shapes: junk is rejected at the first look.
    return st.one_of(shaped, shaped, shaped, shaped, *extra, JSON.map(lambda v: json.dumps(v).encode()),
                     st.binary(max_size=80), st.text(max_size=80).map(str.encode))


def answers(provider: str):
    return st.lists(st.builds(response, STATUSES, bodies(provider), HEADERS), min_size=1, max_size=6)


# -- feeding a whole backend ---------------------------------------------------------------


class CannedTransport(Transport):
    """Sends nothing: each request gets the next of a list of hand-built answers; when
    they run out, the failure a server that went away causes."""

    def __init__(self, provider: str, canned: list[requests.Response]):
        super().__init__(TransportSettings(base_url="https://panel.example", provider=provider))
        self.canned = list(canned)

    def request(self, method: str, path: str, **_: Any) -> requests.Response:
        if not self.canned:
            raise TransportError("https://panel.example closed the connection without an answer")
        return self.canned.pop(0)


def backend(provider: str, canned: list[requests.Response], cpanel_user: str | None = None):
    profile = Profile("x", provider, "https://panel.example", "root" if provider == "whm" else "demo")
    transport = CannedTransport(provider, canned)
    # A keyring per example: a session stored by one must not steer the next.
    keyring.set_keyring(MemoryKeyring())
    ctx = BackendContext(profile, Credentials(profile, {"MAILCTL_SECRET": "Pr0file-secret"}, Path(tempfile.gettempdir())),
                         lambda: transport, options={"cpanel_user": cpanel_user} if cpanel_user else {})
    return backend_class(provider)(ctx)


INFO = Address("info", "example.com")
OPERATIONS = {
    "login": lambda b: b.login("Pr0file-secret"),
    "status": lambda b: b.status(),
    "logout": lambda b: b.logout(),
    "domain list": lambda b: b.list_domains(),
    "pop list": lambda b: b.list_mailboxes("example.com"),
    "pop create": lambda b: b.create_mailbox(NewMailbox(Address("new", "example.com"), "N3w-pass-word")),
    "pop delete": lambda b: b.delete_mailbox(INFO),
    "passwd": lambda b: b.change_password(INFO, "N3w-pass-word"),
    "passwd --self": lambda b: b.change_password_self(INFO, "0ld-pass-word", "N3w-pass-word"),
    "account passwd": lambda b: b.change_account_password("demo", "N3w-pass-word"),
    "pop show": lambda b: b.get_mailbox(INFO),
    "pop set": lambda b: b.change_mailbox(INFO, MailboxChange(quota_mb=10, suspend_login=True, suspend_incoming=False)),
    "alias list": lambda b: b.list_aliases("example.com"),
    "alias add": lambda b: b.add_alias(Address("team", "example.com"), ["info@example.com"]),
    "alias remove": lambda b: b.remove_alias(Address("team", "example.com"), ["info@example.com"]),
}
ALWAYS = ("login", "status", "logout")


def must_only_raise_mailctl_errors(call) -> None:
    try:
        call()
    except MailctlError:
        pass


@pytest.mark.parametrize("provider", providers.NAMES)
def test_a_backend_answers_any_server_with_a_result_or_its_own_error(provider):
    spec = providers.spec(provider)
    operations = {name: call for name, call in OPERATIONS.items() if name in ALWAYS or spec.supports(name)}

    @FUZZ
    @given(canned=answers(provider), operation=st.sampled_from(sorted(operations)),
           cpanel_user=st.sampled_from([None, "demo"]))
    def check(canned, operation, cpanel_user):
        must_only_raise_mailctl_errors(lambda: operations[operation](backend(provider, canned, cpanel_user)))

    check()


# -- cPanel UAPI answers -------------------------------------------------------------------


def panel_http() -> uapi.PanelHttp:
    return backend("cpanel", []).http


@FUZZ
@given(UAPI | JSON)
def test_uapi_answer_objects(answer):
    try:
        data = uapi.uapi_data(answer, http=panel_http(), action="listing")
    except MailctlError:
        return
    assert isinstance(answer, dict) and uapi.flag(answer["status"], "status", "cpanel") is True
    assert data is answer.get("data")


@FUZZ
@given(POP_ENTRY | JSON)
def test_uapi_mailbox_entries(entry):
    try:
        mailbox = uapi.mailbox_from_entry(entry, "cpanel")
    except MailctlError:
        return
    if mailbox is not None:
        assert "@" in mailbox.address and mailbox.address == mailbox.address.lower()
        assert mailbox.quota_mb is None or (isinstance(mailbox.quota_mb, int) and mailbox.quota_mb >= 1)
        assert mailbox.usage_bytes is None or (isinstance(mailbox.usage_bytes, int) and mailbox.usage_bytes >= 0)
        assert isinstance(mailbox.suspended, bool)


@FUZZ
@given(st.lists(st.fixed_dictionaries({"domain": SCALARS}) | SCALARS, max_size=4) | JSON)
def test_uapi_mail_domain_lists(data):
    try:
        names = uapi.domain_names(data, "cpanel")
    except MailctlError:
        return
    assert all(isinstance(name, str) and name and name == name.strip().lower() for name in names)


# -- WHM answers ---------------------------------------------------------------------------


@FUZZ
@given(WHM | JSON)
def test_whm_api1_envelopes(answer):
    must_only_raise_mailctl_errors(lambda: backend("whm", [])._api1_data(answer, "listing"))


@FUZZ
@given(WHM | JSON, st.booleans())
def test_whm_account_password_answers_of_api0_and_api1(answer, asked_legacy):
    try:
        services = backend("whm", [])._changed_services(answer, "changing", asked_legacy=asked_legacy)
    except MailctlError:
        return
    assert isinstance(services, list) and all(isinstance(name, str) for name in services)


# -- the JSON-RPC client and mailbox.org's results ----------------------------------------


def rpc_client() -> JsonRpcClient:
    return JsonRpcClient(CannedTransport("mailboxorg", []), "/v1/", provider="mailboxorg", label="mailbox.org")


@FUZZ
@given(STATUSES, bodies("mailboxorg"), HEADERS)
def test_json_rpc_answers_over_http(status, body, headers):
    client = rpc_client()
    answer = response(status, body, headers)
    try:
        client.check_status(answer, "mail.list")
        client.unwrap(parse_json(answer, "mailbox.org"), "1", "mail.list")
    except (MailctlError, RpcFault):
        pass


@FUZZ
@given(RPC_ERROR)
def test_json_rpc_errors_become_the_backends_own(error):
    try:
        rpc_client().unwrap({"jsonrpc": "2.0", "id": "1", "error": error}, "1", "mail.add")
    except MailctlError:
        return
    except RpcFault as fault:
        assert all(isinstance(line, str) for line in fault.server_messages())
        refusal = backend("mailboxorg", [])._refused(fault)
        assert isinstance(refusal, MailctlError) and "\n" not in refusal.message.replace(fault.message, "")


@FUZZ
@given(RPC_RESULT, st.booleans())
def test_mailboxorg_result_shapes(result, keep_forward):
    for parse_one in (
        lambda: mailboxorg.parse_page(result),
        lambda: [mailboxorg.parse_domain(item) for item in mailboxorg.parse_items(result, "domain.list")],
        lambda: [mailboxorg.parse_mailbox(item, keep_forward=keep_forward)
                 for item in mailboxorg.parse_items(result, "mail.list")],
        lambda: mailboxorg.parse_mailbox(result, "mail.get", keep_forward=keep_forward),
        lambda: mailboxorg._expect_true(result, "mail.del"),
    ):
        must_only_raise_mailctl_errors(parse_one)


# -- bulk input files ------------------------------------------------------------------------

KNOWN_FIELDS = known_fields()
CELL = st.sampled_from(list(KNOWN_FIELDS) + ["a@example.com", "Str0ng-pass", "5", "unlimited", "²", "standard",
                                             '"', '""', " ", "x", "Address", " quota-mb "]) | st.text(max_size=12)
CSV = st.tuples(st.sampled_from([",", ";", "\t"]), st.lists(st.lists(CELL, max_size=5), max_size=6)).map(
    lambda parts: "\n".join(parts[0].join(cells) for cells in parts[1]))
JSON_LINE = st.dictionaries(st.sampled_from(list(KNOWN_FIELDS) + ["x", "Address"]),
                            SCALARS | st.sampled_from(["a@example.com", "b@example.com", "Str0ng-pass", "5"]) | JSON,
                            max_size=5).map(json.dumps)
JSON_LINES = st.lists(JSON_LINE | st.text(max_size=20), max_size=5).map("\n".join)
SPECS = st.builds(Spec, st.sampled_from(["create", "passwd", "delete"]), st.sampled_from(providers.specs()),
                  generate=st.booleans())


@FUZZ
@given(st.one_of(CSV, JSON_LINES, st.text(), st.binary().map(lambda raw: raw.decode("latin-1"))), SPECS)
def test_bulk_input_rows(text, spec):
    try:
        rows = parse(text, spec, "input.csv")
    except MailctlError as error:
        assert error.exit_code == 2
        return
    addresses = [row.address for row in rows]
    assert rows and len(set(addresses)) == len(addresses)
    for row in rows:
        assert validation.address(str(row.address)) == row.address
        if spec.wants_password and not spec.generate:
            assert isinstance(row.password, str) and row.password == row.password.strip()


# -- the config file ---------------------------------------------------------------------------

TOML_KEY = st.sampled_from(["provider", "url", "user", "ca_bundle", "insecure", "pin_sha256", "login_as",
                            "cpanel_user", "legacy_api", "secret_store", "default", "newer_key"])
TOML_VALUE = st.sampled_from([
    '"directadmin"', '"cpanel"', '"whm"', '"mailboxorg"', '"DirectAdmin"', '"nope"', '"https://panel.example:2222"',
    '"http://127.0.0.1:8080"', '"ftp://x"', '"https://u:p@x"', '"not a url"', '"demo"', '"a b"', '""', "5", "true",
    "false", '"no"', "[1]", "{a = 1}", "1979-05-27", "3.5", '"plaintext"', '"keyring"', '"cloud"', '"' + "ab" * 32 + '"',
])
TOML_LINE = st.one_of(
    st.builds("{} = {}".format, TOML_KEY, TOML_VALUE),
    st.sampled_from(["[profiles.x]", "[profiles.y]", "[profiles]", '[profiles."a b"]', "[[profiles]]", "[x]",
                     'default = "x"', 'default = "y"']),
    st.text(max_size=12),
)
VALID_PROFILE = 'provider = "cpanel"\nurl = "https://panel.example:2083"\nuser = "demo"\n'
# A profile table: mostly a valid one with odd keys added (duplicates make invalid TOML).
PROFILE_TABLE = st.builds(
    lambda name, base, extra: f"[profiles.{name}]\n{base}" + "\n".join(extra),
    st.sampled_from(["x", "y", '"a b"']), st.sampled_from([VALID_PROFILE, VALID_PROFILE, ""]),
    st.lists(st.builds("{} = {}".format, TOML_KEY, TOML_VALUE), max_size=3),
)
TOML = st.lists(PROFILE_TABLE | TOML_LINE, max_size=6).map("\n".join)


@FUZZ
@given(st.one_of(TOML, st.text(), st.binary()))
def test_config_files(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("config") / "config.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    try:
        config = Config.load(path)
        config.names()
        profiles = config.profiles()
    except MailctlError as error:
        assert error.exit_code == 2 and str(path) in error.message
        return
    for profile in profiles:
        # What a profile that loads holds is what the commands can use, unchecked.
        assert profile.provider in providers.NAMES
        assert profile.url.startswith(("https://", "http://")) and validation.url(profile.url, allow_http=True)
        assert isinstance(profile.user, str) and profile.user
        assert isinstance(profile.insecure, bool)
        assert profile.secret_store in (None, "keyring", "plaintext")
        for key in ("ca_bundle", "pin_sha256"):
            assert getattr(profile, key) is None or isinstance(getattr(profile, key), str)
        # The provider's own options: only the ones its spec declares, of their kind.
        declared = {option.name: option for option in profile.spec.profile_options}
        for name, value in profile.options.items():
            assert isinstance(value, bool if declared[name].kind == "flag" else str)
