"""Secret canaries: every command, on every provider, with --debug, run with a unique
value for the profile's secret and for each new password (the emulator's state is set
to the canaries where a command checks an existing one). Afterwards no canary, in any
encoding a wire format or a log could give it, is found in a URL the emulator received,
on stdout or stderr, in any file under the config and state directories (the audit log
among them), or in a bulk report -- except the passwords --generate made, in the report
of that run, the one place they are meant to be.

mailbox.org's session ids are credentials too: every one the emulator issued is a
canary as well."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from hardening_support import LOGIN, TABLE, mail_state

# (provider, kind of profile secret), from the provider table. cPanel and WHM send an API
# token in a header of their own and a password as Basic auth, so both are run; an API
# key (mailcow) is a token.
VARIANTS = [(name, kind) for name, entry in TABLE.items() for kind in entry.secret_kinds]

def password_canary() -> str:
    """A password the emulator accepts, unique, holding characters every encoding treats
    differently (form, query string, JSON, Basic auth), and a literal %2F that a layer
    decoding twice would turn into '/'. 'é' and '€' go as UTF-8 in Basic auth, where
    requests on its own would send Latin-1 (garbled) or fail ('€' has no Latin-1 byte)."""
    return f"Cn{secrets.token_hex(6)}&+%2F\"\\é€ x;"


def token_canary() -> str:
    """An API token as cPanel and WHM issue them: 32 upper-case letters and digits."""
    return "CNRY" + secrets.token_hex(14).upper()


def forms(secret: str) -> set[str]:
    """The ways a secret can appear in text: as typed, percent-encoded (form bodies and
    query strings), JSON-escaped, and its random core, which every form contains and
    which also gives away a cut-off piece of it."""
    core = secret[2:14] if secret.startswith("Cn") else secret
    return {
        secret, quote(secret, safe=""), quote_plus(secret),
        json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], core,
    }


@dataclass
class Run:
    """One provider's canary run: the canaries, and what every command left behind."""

    emu: object
    work: Path
    secrets: set[str] = field(default_factory=set)
    generated: set[str] = field(default_factory=set)
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (command, stdout + stderr)
    reports: dict[str, Path] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)

    def canary(self, value: str) -> str:
        self.secrets.add(value)
        return value

    def record(self, label: str, result, expected_exit: int = 0) -> None:
        assert result.exit_code == expected_exit, (label, result.stderr)
        assert "Traceback" not in result.stderr, label
        self.outputs.append((label, result.stdout + result.stderr))
        self.sessions.update(self.emu.state.mailboxorg.sessions)

    def rows(self, name: str, rows: list[dict]) -> str:
        path = self.work / name
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        return str(path)

    def report(self, name: str) -> str:
        self.reports[name] = self.work / name
        return str(self.reports[name])


def set_profile_secret(emu, provider: str, kind: str, value: str) -> None:
    TABLE[provider].set_secret(emu, kind, value)


def run_every_command(cli, emu, run: Run, provider: str, kind: str) -> str:
    """Every command, each with --debug. Returns the profile's user (for the Basic form)."""
    profile_secret = run.canary(token_canary() if kind == "token" else password_canary())
    set_profile_secret(emu, provider, kind, profile_secret)

    def mailctl(label, *args, stdin="", expected_exit=0, environ=None):
        result = cli("--debug", "-p", "canary", *args, stdin=stdin, environ=environ)
        run.record(label, result, expected_exit)
        return result

    def new_password() -> str:
        return run.canary(password_canary())

    # DirectAdmin: the admin acting for demo covers login_as and the admin-only command.
    user = "admin" if provider == "directadmin" else LOGIN[provider]
    extra = ("--login-as", "demo") if provider == "directadmin" else ()
    quota = ("--quota", "50") if TABLE[provider].spec.takes_quota else ()
    mailctl("profile add", "profile", "add", "canary", "--provider", provider, "--url", emu.url,
            "--user", user, *extra)
    mailctl("session login", "session", "login", "--secret-stdin", stdin=profile_secret + "\n")
    mailctl("session status", "session", "status")
    # WHM lists the domains of one cPanel account; mailbox commands find the owner.
    account = ("--cpanel-user", "demo") if provider == "whm" else ()
    mailctl("domain list", "domain", "list", *account)
    mailctl("domain list, secret from the environment", "domain", "list", *account,
            environ={"MAILCTL_SECRET": profile_secret})
    mailctl("pop list", "pop", "list", "example.com")

    first = new_password()
    mailctl("pop create", "pop", "create", "c1@example.com", *quota, "--password-stdin", stdin=first + "\n")
    mailctl("pop create, refused (exists)", "pop", "create", "c1@example.com", *quota, "--password-stdin",
            stdin=new_password() + "\n", expected_exit=1)
    second = new_password()
    mailctl("passwd", "passwd", "c1@example.com", "--password-stdin", stdin=second + "\n")
    assert mail_state(emu, provider).mailbox("c1@example.com").password == second
    if provider == "directadmin":
        third = new_password()
        mailctl("passwd --self", "passwd", "--self", "c1@example.com", "--password-stdin",
                stdin=f"{second}\n{third}\n")
        assert emu.state.directadmin.mailbox("c1@example.com").password == third
    if provider in ("directadmin", "whm"):
        mailctl("account passwd", "account", "passwd", "demo", "--password-stdin", stdin=new_password() + "\n")
    # The lifecycle verbs read mailboxes back (some panels show their passwords in the
    # answer: the trace must blank them, though this run never typed them).
    spec = TABLE[provider].spec
    if spec.supports("pop show"):
        mailctl("pop show", "pop", "show", "c1@example.com")
    if spec.supports("pop set"):
        mailctl("pop set", "pop", "set", "c1@example.com", *(("--quota", "60") if spec.takes_quota else ()),
                *(("--suspend",) if spec.suspend_kinds else ()))
    if spec.supports("alias add"):
        mailctl("alias add", "alias", "add", "fw1@example.com", "--to", "c1@example.com")
        mailctl("alias list", "alias", "list", "example.com")
        mailctl("alias remove", "--yes", "alias", "remove", "fw1@example.com")
    lost = emu.add_fault(kind="reset", when="after", **_write_of(provider))
    mailctl("pop create, answer lost", "pop", "create", "c2@example.com", *quota, "--password-stdin",
            stdin=new_password() + "\n")
    assert lost.fired == 1
    emu.clear_faults()
    mailctl("pop delete", "--yes", "pop", "delete", "c1@example.com")

    bulk = ["b1@example.com", "b2@example.com"]
    created = run.rows("create.jsonl", [{"address": a, "password": new_password()} for a in bulk])
    mailctl("bulk pop create", "pop", "create", "--from-file", created, "--report", run.report("create.report"))
    changed = run.rows("passwd.jsonl", [{"address": a, "password": new_password()} for a in bulk])
    mailctl("bulk passwd", "passwd", "--from-file", changed, "--report", run.report("passwd.report"))
    addresses = run.rows("addresses.jsonl", [{"address": a} for a in bulk])
    mailctl("bulk passwd --generate", "passwd", "--from-file", addresses, "--generate",
            "--report", run.report("generated.report"))
    mailctl("bulk pop delete", "--yes", "pop", "delete", "--from-file", addresses,
            "--report", run.report("delete.report"))
    mailctl("audit", "audit")
    mailctl("session logout", "session", "logout")

    generated = [json.loads(line) for line in run.reports["generated.report"].read_text().splitlines()]
    run.generated = {entry["password"] for entry in generated}
    assert len(run.generated) == 2  # the report is where they are: they must be found there
    return user


def _write_of(provider: str) -> dict:
    return TABLE[provider].write_request


def leaks(text: str, values: set[str]) -> list[str]:
    return sorted(form for value in values for form in forms(value) if form in text)


def files_under(*roots: Path) -> list[Path]:
    return sorted(path for root in roots if root.exists() for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize("provider, kind", VARIANTS, ids=[f"{p}-{k}" for p, k in VARIANTS])
def test_no_secret_leaves_the_keyring_and_the_request_bodies(cli, emu, tmp_path, provider, kind):
    work = tmp_path / "work"
    work.mkdir()
    run = Run(emu, work)

    user = run_every_command(cli, emu, run, provider, kind)

    if provider == "mailboxorg":
        assert run.sessions, "no session was issued: the session canaries were not exercised"
    profile_secret = next(s for s in run.secrets if s not in run.generated)
    basic = base64.b64encode(f"{user}:{profile_secret}".encode()).decode()
    hidden = run.secrets | run.sessions | run.generated
    # The traces ran: redaction was exercised, not skipped.
    assert any("> POST " in output for _, output in run.outputs)

    for request in emu.requests:
        assert leaks(request.url, hidden) == [], request.url
    for label, output in run.outputs:
        assert leaks(output, hidden) == [] and basic not in output, label
    state_files = files_under(tmp_path / "config", tmp_path / "state")
    assert tmp_path / "state" / "mailctl" / "audit.jsonl" in state_files
    for path in state_files:
        text = path.read_bytes().decode("utf-8", "replace")
        assert leaks(text, hidden) == [] and basic not in text, path
        assert leaks(path.name, hidden) == [], path
    for name, path in run.reports.items():
        allowed = run.generated if name == "generated.report" else set()
        assert leaks(path.read_text(encoding="utf-8"), hidden - allowed) == [], name


@pytest.mark.parametrize("provider", ["directadmin", "cpanel", "whm"])
def test_a_secret_beyond_latin_1_logs_in_over_basic_auth(cli, emu, provider):
    secret = "Pässwörd-€-1"
    set_profile_secret(emu, provider, "password", secret)
    user = "admin" if provider == "directadmin" else LOGIN[provider]  # whose secret set_profile_secret sets
    added = cli("profile", "add", "p", "--provider", provider, "--url", emu.url, "--user", user)
    assert added.exit_code == 0, added.stderr

    result = cli("session", "login", "--secret-stdin", stdin=secret + "\n")

    assert result.exit_code == 0, result.stderr
    assert len(emu.requests) == 1 and emu.requests[0].status == 200
