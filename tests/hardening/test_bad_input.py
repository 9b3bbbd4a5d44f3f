"""Bad input, through the real CLI against a profile on a running emulator: each one a
clear one-line error (a bulk file's rows as indented detail lines), exit 2, and not a
single request received by the emulator."""

from __future__ import annotations

import pytest

from hardening_support import PROVIDERS, SECRET, assert_one_error_line, connect

PASSWORD = "N3w-Mailbox-pass\n"


def assert_refused_before_sending(result, emu) -> str:
    assert result.exit_code == 2, result.stderr
    assert emu.requests == []
    assert result.stdout == ""
    return assert_one_error_line(result.stderr)


# -- addresses and domains, on every provider ------------------------------------------------

BAD_ADDRESSES = [
    pytest.param("noat", id="no-at"),
    pytest.param("@example.com", id="no-local-part"),
    pytest.param("a@", id="no-domain"),
    pytest.param("a..b@example.com", id="double-dot"),
    pytest.param(".a@example.com", id="leading-dot"),
    pytest.param("a b@example.com", id="space"),
    pytest.param("a\n@example.com", id="newline-in-local-part"),
    pytest.param("aé@example.com", id="non-ascii-local-part"),
    pytest.param("x" * 65 + "@example.com", id="local-part-65-chars"),
    pytest.param("a@example.com@x.com", id="two-ats"),
    pytest.param("a@[192.0.2.1]", id="address-literal"),
    pytest.param("a@nodot", id="single-label-domain"),
    pytest.param("a@xn--zz.com", id="undecodable-idn"),
]
BAD_DOMAINS = [
    pytest.param("", id="empty"),
    pytest.param(".", id="dot"),
    pytest.param("nodot", id="single-label"),
    pytest.param("a-.com", id="label-ends-with-hyphen"),
    pytest.param("a..com", id="empty-label"),
    pytest.param("a.123", id="numeric-tld"),
    pytest.param("exa_mple.com", id="underscore"),
    pytest.param("a b.com", id="space"),
    pytest.param("a/b.com", id="slash"),
    pytest.param("\x00.com", id="nul"),
    pytest.param("a\n.example.com", id="newline-in-label"),
    pytest.param("x" * 64 + ".com", id="label-64-chars"),
    pytest.param(".".join(["a" * 63] * 4) + ".com", id="longer-than-253"),
    pytest.param("☃☃", id="idn-single-label"),
    pytest.param("exämple..com", id="idn-empty-label"),
    pytest.param("ä" * 70 + ".com", id="idn-label-too-long"),
    pytest.param("xn--zz.com", id="idn-undecodable-punycode"),
    pytest.param("xn--abc.com", id="idn-punycode-of-nothing-valid"),
    pytest.param("xn--example-.com", id="idn-ascii-in-disguise"),
]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_address_is_refused_by_every_command_that_takes_one(cli, emu, provider, address):
    connect(cli, emu, provider)
    for command in (("pop", "create", address, "--password-stdin"), ("passwd", address, "--password-stdin"),
                    ("--yes", "pop", "delete", address)):
        result = cli(*command, stdin=PASSWORD)
        assert_refused_before_sending(result, emu)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("domain", BAD_DOMAINS)
def test_a_bad_domain_is_refused(cli, emu, provider, domain):
    connect(cli, emu, provider)
    assert_refused_before_sending(cli("pop", "list", domain), emu)
    assert_refused_before_sending(cli("pop", "create", f"a@{domain}", "--password-stdin", stdin=PASSWORD), emu)


# -- quotas, passwords and options ----------------------------------------------------------

BAD_QUOTAS = ["-1", "1.5", "abc", "²", "١٢", "10MB", "1e3", "+5", "0x10", "", " ", "99999999999", "unlimitedd"]


@pytest.mark.parametrize("quota", BAD_QUOTAS)
def test_a_bad_quota_is_refused(cli, emu, quota):
    connect(cli, emu, "directadmin")
    result = cli("pop", "create", "new@example.com", "--quota", quota, "--password-stdin", stdin=PASSWORD)
    assert "quota" in assert_refused_before_sending(result, emu)


BAD_OPTIONS = [
    pytest.param(("--timeout", "nan", "pop", "list", "example.com"), "", id="timeout-nan"),
    pytest.param(("--timeout", "inf", "pop", "list", "example.com"), "", id="timeout-inf"),
    pytest.param(("--timeout", "0", "pop", "list", "example.com"), "", id="timeout-zero"),
    pytest.param(("--timeout", "-1", "pop", "list", "example.com"), "", id="timeout-negative"),
    pytest.param(("--timeout", "soon", "pop", "list", "example.com"), "", id="timeout-not-a-number"),
    pytest.param(("--output", "yaml", "pop", "list", "example.com"), "", id="output-unknown"),
    pytest.param(("pop", "create", "new@example.com", "--password-stdin"), "", id="password-stdin-empty"),
    pytest.param(("pop", "create", "new@example.com", "--password-stdin"), "\n", id="password-stdin-blank-line"),
    pytest.param(("pop", "create", "new@example.com", "--password-file", "missing.txt"), "", id="password-file-missing"),
    pytest.param(("pop", "create", "new@example.com", "--password-stdin", "--generate"), PASSWORD,
                 id="two-password-sources"),
    pytest.param(("pop", "create", "new@example.com"), "", id="password-prompt-without-terminal"),
    pytest.param(("pop", "create", "new@example.com", "--send-limit", "-1", "--password-stdin"), PASSWORD,
                 id="send-limit-negative"),
    pytest.param(("pop", "create", "new@example.com", "--plan", "gold", "--password-stdin"), PASSWORD,
                 id="plan-on-directadmin"),
    pytest.param(("pop", "delete", "info@example.com"), "", id="delete-unconfirmed-without-terminal"),
    pytest.param(("pop", "delete", "info@example.com", "--keep-data", "--yes"), "", id="keep-data-on-directadmin"),
    pytest.param(("passwd", "info@example.com", "--require-reset", "--password-stdin"), PASSWORD,
                 id="require-reset-on-directadmin"),
    pytest.param(("account", "passwd", "demo\n", "--password-stdin"), PASSWORD, id="account-user-newline"),
    pytest.param(("account", "passwd", "a b", "--password-stdin"), PASSWORD, id="account-user-space"),
    pytest.param(("pop", "list", "--all-domains", "example.com"), "", id="domain-and-all-domains"),
]


@pytest.mark.parametrize("args, stdin", BAD_OPTIONS)
def test_a_bad_option_or_password_source_is_refused(cli, emu, args, stdin):
    connect(cli, emu, "directadmin")
    assert_refused_before_sending(cli(*args, stdin=stdin), emu)


# -- profile names, users, URLs -------------------------------------------------------------------

BAD_PROFILE_NAMES = [
    pytest.param("", id="empty"),
    pytest.param("a b", id="space"),
    pytest.param("a/b", id="slash"),
    pytest.param("../x", id="path"),
    pytest.param(".x", id="leading-dot"),
    pytest.param("x\n", id="trailing-newline"),
    pytest.param("a:b", id="colon"),
    pytest.param("é", id="non-ascii"),
    pytest.param("x" * 65, id="65-chars"),
]


@pytest.mark.parametrize("name", BAD_PROFILE_NAMES)
def test_a_bad_profile_name_is_refused_wherever_it_is_given(cli, emu, name):
    connect(cli, emu, "directadmin")  # the default profile: a bad name must not fall back to it
    assert_refused_before_sending(cli("-p", name, "pop", "list", "example.com"), emu)
    assert_refused_before_sending(cli("pop", "list", "example.com", environ={"MAILCTL_PROFILE": name})
                                  if name else cli("-p", name, "domain", "list"), emu)
    added = cli("profile", "add", name, "--provider", "directadmin", "--url", emu.url, "--user", "demo")
    assert_refused_before_sending(added, emu)
    assert cli("profile", "list").stdout.split("\t")[0] == "directadmin"


BAD_URLS = [
    pytest.param("ftp://127.0.0.1:2222", id="scheme"),
    pytest.param("127.0.0.1:2222", id="no-scheme"),
    pytest.param("https://", id="no-host"),
    pytest.param("https://user:pw@panel.example", id="credentials"),
    pytest.param("https://user:pw@panel.example:abc", id="credentials-and-bad-port"),
    pytest.param("https://user:pw@pan el.example", id="credentials-and-space"),
    pytest.param("https://panel.example/?token=x", id="query"),
    pytest.param("https://panel.example/#x", id="fragment"),
    pytest.param("https://panel.example:0", id="port-zero"),
    pytest.param("https://panel.example:99999", id="port-too-big"),
    pytest.param("https://panel.example:abc", id="port-not-a-number"),
    pytest.param("https://[::1", id="broken-ipv6"),
    pytest.param("https://pan el.example", id="space-in-host"),
    pytest.param("https://panel.example/a b", id="space-in-path"),
    pytest.param("https://-panel.example", id="host-label-hyphen"),
    pytest.param("https://panel..example", id="host-empty-label"),
    pytest.param("https://panel.example\t:2222", id="tab"),
    pytest.param("http://panel.example", id="plain-http-to-a-remote-host"),
    pytest.param("javascript:alert(1)", id="javascript"),
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_is_refused_and_nothing_is_saved(cli, emu, url):
    connect(cli, emu, "directadmin")
    result = cli("profile", "add", "bad", "--provider", "cpanel", "--url", url, "--user", "demo")
    assert_refused_before_sending(result, emu)
    assert "pw@" not in result.stderr  # a URL's password is not repeated back
    assert cli("-p", "bad", "profile", "show").exit_code == 3


BAD_PROFILE_OPTIONS = [
    pytest.param(("--user", ""), id="user-empty"),
    pytest.param(("--user", "a b"), id="user-space"),
    pytest.param(("--user", "demo:x"), id="user-colon"),
    pytest.param(("--user", "demo\n"), id="user-newline"),
    pytest.param(("--user", "demo", "--login-as", "a b"), id="login-as-space"),
    pytest.param(("--user", "demo", "--login-as", "demo\n"), id="login-as-newline"),
    pytest.param(("--user", "demo", "--cpanel-user", "x"), id="cpanel-user-on-directadmin"),
    pytest.param(("--user", "demo", "--ca-bundle", "missing.pem"), id="ca-bundle-missing"),
    pytest.param(("--user", "demo", "--pin-sha256", "abc"), id="pin-not-a-fingerprint"),
    pytest.param(("--user", "demo", "--pin"), id="pin-over-http"),
    pytest.param(("--user", "demo", "--insecure", "--ca-bundle", "missing.pem"), id="insecure-and-ca-bundle"),
]


@pytest.mark.parametrize("options", BAD_PROFILE_OPTIONS)
def test_a_bad_profile_option_is_refused_and_nothing_is_saved(cli, emu, options):
    connect(cli, emu, "directadmin")
    result = cli("profile", "add", "bad", "--provider", "directadmin", "--url", emu.url, *options)
    assert_refused_before_sending(result, emu)
    assert cli("-p", "bad", "profile", "show").exit_code == 3


@pytest.mark.parametrize("provider", ["directadmin", "cpanel", "whm", "mailboxorg"])
def test_an_unknown_provider_name_is_refused(cli, emu, provider):
    result = cli("profile", "add", "p", "--provider", provider + "x", "--url", emu.url, "--user", "demo")
    assert_refused_before_sending(result, emu)


# -- config files ------------------------------------------------------------------------------

GOOD = 'provider = "directadmin"\nurl = "{url}"\nuser = "demo"\n'
GOOD_WHM = 'provider = "whm"\nurl = "{url}"\nuser = "root"\n'
BAD_CONFIGS = [
    pytest.param("this is = = not toml", "invalid TOML", id="not-toml"),
    pytest.param(b"\xff\xfe\x00[profiles", "not UTF-8", id="not-utf-8"),
    pytest.param("profiles = 5", "[profiles]", id="profiles-not-a-table"),
    pytest.param("[profiles]\nx = 5", "[profiles]", id="profile-not-a-table"),
    pytest.param("default = 5\n[profiles.x]\n" + GOOD, "'default'", id="default-not-a-name"),
    pytest.param('[profiles.x]\nprovider = "directadmin"\nuser = "demo"', "lacks url", id="no-url"),
    pytest.param('[profiles.x]\nprovider = "directadmin"\nurl = 5\nuser = "demo"', "lacks url", id="url-not-text"),
    pytest.param('[profiles.x]\nprovider = "nosuchpanel"\nurl = "{url}"\nuser = "demo"', "provider", id="unknown-provider"),
    pytest.param('[profiles.x]\nprovider = "directadmin"\nurl = "ftp://127.0.0.1:1"\nuser = "demo"', "URL",
                 id="url-scheme"),
    pytest.param('[profiles.x]\nprovider = "directadmin"\nurl = "https://u:pw@127.0.0.1:1"\nuser = "demo"',
                 "credentials", id="url-with-credentials"),
    pytest.param('[profiles.x]\nprovider = "directadmin"\nurl = "not a url"\nuser = "demo"', "URL", id="url-garbage"),
    pytest.param('[profiles.x]\nprovider = "directadmin"\nurl = "{url}"\nuser = "de mo"', "user", id="user-space"),
    pytest.param("[profiles.x]\n" + GOOD + 'insecure = "no"', "insecure", id="insecure-as-text"),
    pytest.param("[profiles.x]\n" + GOOD_WHM + "legacy_api = 1", "legacy_api", id="legacy-api-as-number"),
    pytest.param("[profiles.x]\n" + GOOD + "ca_bundle = 5", "ca_bundle", id="ca-bundle-not-text"),
    pytest.param("[profiles.x]\n" + GOOD + 'ca_bundle = "missing.pem"', "CA bundle", id="ca-bundle-missing"),
    pytest.param("[profiles.x]\n" + GOOD + 'pin_sha256 = "zz"', "pin_sha256", id="pin-junk"),
    pytest.param("[profiles.x]\n" + GOOD + "pin_sha256 = 5", "pin_sha256", id="pin-not-text"),
    pytest.param("[profiles.x]\n" + GOOD + 'login_as = ["demo"]', "login_as", id="login-as-list"),
    pytest.param("[profiles.x]\n" + GOOD + 'login_as = "a b"', "a b", id="login-as-space"),
    pytest.param("[profiles.x]\n" + GOOD_WHM + "cpanel_user = 7", "cpanel_user", id="cpanel-user-number"),
    pytest.param("[profiles.x]\n" + GOOD + 'secret_store = "cloud"', "secret_store", id="secret-store-unknown"),
]


@pytest.mark.parametrize("content, says", BAD_CONFIGS)
def test_a_broken_config_file_is_refused(cli, emu, tmp_path, content, says):
    path = tmp_path / "config" / "mailctl" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_bytes(content if isinstance(content, bytes) else content.replace("{url}", emu.url).encode())

    result = cli("pop", "list", "example.com", environ={"MAILCTL_SECRET": SECRET})

    assert says in assert_refused_before_sending(result, emu)
    assert ":pw@" not in result.stderr


# -- bulk input files -----------------------------------------------------------------------------

BAD_FILES = [
    pytest.param("directadmin", "", "no rows", id="empty"),
    pytest.param("directadmin", "address,password\n", "no rows", id="header-only"),
    pytest.param("directadmin", "mail,password\na@example.com,N3w-pass-1\n", "unknown column", id="unknown-column"),
    pytest.param("directadmin", "password\nN3w-pass-1\n", "'address' column", id="no-address-column"),
    pytest.param("directadmin", "address,address\na@example.com,b@example.com\n", "twice", id="repeated-column"),
    pytest.param("directadmin", "address,password\na..b@example.com,N3w-pass-1\n", "invalid address",
                 id="bad-address"),
    pytest.param("directadmin", "address,password\na\n@example.com,N3w-pass-1\n", "line 2", id="newline-address"),
    pytest.param("directadmin", "address,password\na@example.com,\n", "no password", id="no-password"),
    pytest.param("directadmin", "address,password\na@example.com, N3w-pass-1\n", "space", id="password-space"),
    pytest.param("directadmin", "address,password\na@example.com,N3w-pass-1,x\n", "fields", id="too-many-fields"),
    pytest.param("directadmin", "address,password\na@example.com,N3w-pass-1\na@example.com,N3w-pass-2\n",
                 "already on line 2", id="duplicate-address"),
    pytest.param("directadmin", 'address,password\n"a@example.com,N3w-pass-1\n', "line", id="unclosed-quote"),
    pytest.param("directadmin", "address,password,quota\na@example.com,N3w-pass-1,lots\n", "quota", id="bad-quota"),
    pytest.param("directadmin", "address,password,quota,quota_mb\na@example.com,N3w-pass-1,1,1\n", "not both",
                 id="quota-twice"),
    pytest.param("directadmin", "address,password,send_limit\na@example.com,N3w-pass-1,-3\n", "send_limit",
                 id="bad-send-limit"),
    pytest.param("directadmin", '{"address": "a@example.com", "password": "N3w-pass-1"}\n[1]\n', "not a JSON object",
                 id="json-line-not-an-object"),
    pytest.param("directadmin", '{"address": "a@example.com", "pass": "N3w-pass-1"}\n', "unknown field",
                 id="json-unknown-field"),
    pytest.param("directadmin", '{"address": 5, "password": "N3w-pass-1"}\n', "text", id="json-address-number"),
    pytest.param("directadmin", '{"address": "a@example.com", "password": "N3w\\u0007pass-1"}\n', "control",
                 id="json-password-control-character"),
    pytest.param("directadmin", '{"address": "a@example.com", "password": "N3w-pass-1"\n', "not a JSON object",
                 id="json-cut-off"),
    pytest.param("cpanel", "address,password,send_limit\na@example.com,N3w-pass-1,5\n", "send", id="cpanel-send-limit"),
    pytest.param("cpanel", "address,password\ncpanel@example.com,N3w-pass-1\n", "cpanel", id="cpanel-reserved-name"),
    pytest.param("mailboxorg", "address,password,quota\na@example.com,N3w-pass-1,5\n", "quota", id="mailboxorg-quota"),
    pytest.param("mailboxorg", "address,password,plan\na@example.com,N3w-pass-1,gold\n", "plan",
                 id="mailboxorg-unknown-plan"),
    pytest.param("directadmin", "address,password,plan\na@example.com,N3w-pass-1,light\n", "plan",
                 id="directadmin-plan"),
    pytest.param("directadmin", "address,password\na+b@example.com,N3w-pass-1\n", "+", id="directadmin-plus"),
]


@pytest.mark.parametrize("provider, content, says", BAD_FILES)
def test_a_bad_bulk_file_is_refused_whole(cli, emu, tmp_path, provider, content, says):
    connect(cli, emu, provider)
    path = tmp_path / "rows.csv"
    path.write_text(content, encoding="utf-8")

    result = cli("pop", "create", "--from-file", str(path))

    assert_refused_before_sending(result, emu)
    assert says in result.stderr
    assert "N3w-pass" not in result.stderr  # a row's password is never quoted back
