"""An https:// profile that points at a plain-http port says so in words, not as the
exception OpenSSL raised -- through the real CLI against the (plain-http) emulator."""

from __future__ import annotations

from mailctl.emulator import Emulator


def test_https_to_a_plain_http_port_says_what_it_probably_is(cli):
    with Emulator() as emu:
        url = emu.url.replace("http://", "https://")
        assert cli("profile", "add", "da", "--provider", "directadmin", "--url", url, "--user", "demo").exit_code == 0
        result = cli("domain", "list", environ={"MAILCTL_SECRET": "demo-secret"})
        as_json = cli("--json", "domain", "list", environ={"MAILCTL_SECRET": "demo-secret"})
    assert result.exit_code == 5
    assert result.stderr == f"mailctl: error: {url} did not answer TLS: is it a plain http port?\n"
    assert as_json.exit_code == 5
    assert as_json.error_json == {"error": {"code": "transport", "provider": "directadmin",
                                            "message": f"{url} did not answer TLS: is it a plain http port?"}}
    assert "SSLError" not in result.stderr + as_json.stderr
