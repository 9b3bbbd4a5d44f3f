"""mailctl's Python API: the CLI's verbs as methods, for scripts and automation
(the Ansible collection is built on it). Documented in docs/api.md.

    from mailctl.api import Client

    with Client.from_profile("prod") as client:
        for mailbox in client.mailboxes("example.com"):
            print(mailbox.address, mailbox.quota_mb)

A Client talks to one panel. It returns mailctl.models objects and raises
mailctl.errors classes (each with `exit_code`, `code`, `provider` and `message`); it
never prints, prompts or exits. Input is checked (mailctl.validation and the provider's
own rules) before anything is sent, and an operation the provider lacks raises
Unsupported before any request. Writes are recorded in the audit log, as the CLI's are.

Importing this module is cheap: requests, keyring and the backends load on first use."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from mailctl import validation
from mailctl.credentials import Credentials
from mailctl.errors import MailctlError, NotFound, UsageError

if TYPE_CHECKING:
    from mailctl.audit import AuditedBackend, AuditLog
    from mailctl.estate.diff import Change, Plan
    from mailctl.estate.schema import Estate
    from mailctl.config import Profile
    from mailctl.models import AccountPasswordChange, Alias, Domain, Mailbox, SessionInfo
    from mailctl.providers.base import ProviderSpec
    from mailctl.transport import Transport

__all__ = ["Client", "EstateResult", "apply_estate", "load_estate", "plan_estate"]

# The panel's notices (and a warning when certificate checks are off) go to this logger
# at WARNING; nothing reaches stderr unless the program configures logging.
log = logging.getLogger("mailctl")
log.addHandler(logging.NullHandler())

_PIN = re.compile(r"[0-9a-f]{64}")


class _GivenCredentials(Credentials):
    """Credentials handed to the Client: the secret given (else MAILCTL_SECRET), and a
    provider session kept in memory for the Client's life, never in the keyring."""

    def __init__(self, profile: "Profile", environ: Mapping[str, str], secret: str | None):
        super().__init__(profile, dict(environ), Path(os.devnull))
        self._given = secret
        self._session_id: str | None = None

    @property
    def source(self) -> str | None:
        return "given" if self._given else ("environment" if self.environ.get("MAILCTL_SECRET") else None)

    def secret(self) -> str:
        if self._given:
            return self._given
        return super().secret()

    def _read(self, entry: str) -> str | None:
        return self._session_id if entry == ":session" else None

    def _write(self, entry: str, value: str) -> None:
        if entry == ":session":
            self._session_id = value

    def _delete(self, entry: str) -> None:
        if entry == ":session":
            self._session_id = None


class _ProfileCredentials(Credentials):
    """A profile's credentials as the CLI reads them (MAILCTL_SECRET, then the keyring or
    the plaintext store), unless the caller gave the secret."""

    def __init__(self, profile: "Profile", environ: Mapping[str, str], plaintext_dir: Path, secret: str | None,
                 default_store: str | None = None):
        super().__init__(profile, dict(environ), plaintext_dir, default_store=default_store)
        self._given = secret

    @property
    def source(self) -> str | None:
        return "given" if self._given else super().source

    def secret(self) -> str:
        if self._given:
            return self._given
        return super().secret()


def _password(value: Any, what: str = "password") -> str:
    if not isinstance(value, str) or not value:
        raise UsageError(f"the {what} is empty" if isinstance(value, str) else f"the {what} must be a string")
    if "\n" in value or "\r" in value:
        raise UsageError(f"the {what} contains a line break")
    return value


def _flag(name: str, value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise UsageError(f"{name} must be True, False or None, not {value!r}")
    return value


def _config_path(config: "str | os.PathLike | None", environ: Mapping[str, str]) -> Path:
    """The config.toml given, else MAILCTL_CONFIG_DIR's, else the user's (as the CLI)."""
    from mailctl.config import config_dir

    return Path(config) if config is not None else config_dir(environ) / "config.toml"


class Client:
    """One panel, reached with one set of credentials.

    Open it from a profile of config.toml (`Client.from_profile`) or from explicit
    settings (the constructor). Close it (or use it as a context manager) to close its
    connections."""

    def __init__(
        self,
        provider: str,
        url: str | None = None,
        user: str | None = None,
        secret: str | None = None,
        *,
        ca_bundle: str | os.PathLike | None = None,
        pin_sha256: str | None = None,
        verify: bool = True,
        options: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        allow_http: bool = False,
        name: str = "api",
        audit: bool | str | os.PathLike = True,
        environ: Mapping[str, str] | None = None,
    ):
        """Explicit settings, as `mailctl profile add` takes them.

        provider: a provider name (one of mailctl.providers.NAMES).
        url: the panel's base URL (https; plain http only for loopback or with
            allow_http); may be left out for a provider with a default URL.
        user: the login. secret: its password, token or API key; None reads
            MAILCTL_SECRET (NoCredentials on the first request if that is unset too).
        ca_bundle, pin_sha256, verify: TLS as with --ca-bundle, --pin-sha256 and
            --insecure (verify=False).
        options: the provider's own profile options by name (e.g. {"login_as": "bob"}).
        timeout: seconds per request. name: the profile name written to the audit log.
        audit: True for the user's audit log, False for none, or a path to a log file.
        environ: the environment to read MAILCTL_SECRET and the state dir from
            (default: os.environ)."""
        from mailctl.config import Profile
        from mailctl.providers import checked_options, spec

        environ = os.environ if environ is None else environ
        provider = validation.provider(provider)
        provider_spec = spec(provider)
        if url is None:
            if provider_spec.default_url is None:
                raise UsageError(f"{provider_spec.label} needs a URL, like {provider_spec.url_hint}",
                                 provider=provider)
            url = provider_spec.default_url
        if user is None:
            raise UsageError("a user (the login) is needed", provider=provider)
        if not isinstance(verify, bool):
            raise UsageError(f"verify must be True or False, not {verify!r}")
        pin = None
        if pin_sha256 is not None:
            pin = str(pin_sha256).replace(":", "").lower()
            if not _PIN.fullmatch(pin):
                raise UsageError(f"pin_sha256 {pin_sha256!r} is not a SHA-256 fingerprint (64 hex digits)")
        if secret is not None:
            secret = _password(secret, "secret")
        profile = Profile(
            name=validation.profile_name(name),
            provider=provider,
            url=validation.url(url, allow_http=allow_http),
            user=validation.login_user(user),
            ca_bundle=None if ca_bundle is None else os.fspath(ca_bundle),
            insecure=not verify,
            pin_sha256=pin,
            options=checked_options(provider_spec, dict(options or {})),
        )
        self._setup(profile, _GivenCredentials(profile, environ, secret), environ, timeout, audit)

    @classmethod
    def from_profile(
        cls,
        name: str | None = None,
        *,
        secret: str | None = None,
        options: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        config: str | os.PathLike | None = None,
        audit: bool | str | os.PathLike = True,
        environ: Mapping[str, str] | None = None,
    ) -> "Client":
        """A profile of config.toml, as `mailctl -p NAME` uses it.

        name: the profile; None picks it as the CLI does (MAILCTL_PROFILE, else the
            default profile). secret: use this secret instead of MAILCTL_SECRET or the
            keyring. options: the provider's per-command options for this client (e.g.
            WHM's {"cpanel_user": "bob"}), over the profile's.
        config: another config.toml (default: MAILCTL_CONFIG_DIR's, else the user's).
        NotFound for an unknown profile, ConfigError for a broken file."""
        from mailctl.config import Config, resolve_profile
        from mailctl.providers import checked_options

        environ = os.environ if environ is None else environ
        path = _config_path(config, environ)
        if name is not None:
            name = validation.profile_name(name)
        else:
            name = environ.get("MAILCTL_PROFILE") or None
        loaded = Config.load(path)
        profile = resolve_profile(loaded, name)
        if options:
            profile.options = {**profile.options, **checked_options(profile.spec, dict(options))}
        if secret is not None:
            secret = _password(secret, "secret")
        client = cls.__new__(cls)
        credentials = _ProfileCredentials(profile, environ, path.parent / "secrets", secret,
                                          default_store=loaded.secret_store)
        client._setup(profile, credentials, environ, timeout, audit)
        return client

    def _setup(self, profile: "Profile", credentials: Credentials, environ: Mapping[str, str],
               timeout: float | None, audit: bool | str | os.PathLike) -> None:
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or timeout <= 0):
            raise UsageError(f"timeout must be a number of seconds above 0, not {timeout!r}")
        self._profile = profile
        self._credentials = credentials
        self._environ = environ
        self._timeout = timeout
        self._audit = audit
        self._secrets: set[str] = set()
        self._transports: list[Transport] = []
        self._backend: AuditedBackend | None = None
        self.closed = False

    # -- what it is connected to ---------------------------------------------------------
    @property
    def profile(self) -> "Profile":
        return self._profile

    @property
    def provider(self) -> str:
        return self._profile.provider

    @property
    def spec(self) -> "ProviderSpec":
        return self._profile.spec

    def supports(self, operation: str) -> bool:
        """Whether the provider has `operation`, a command of
        mailctl.providers.base.OPERATIONS ("pop set", "alias add", ...)."""
        return self.spec.supports(operation)

    def require(self, operation: str) -> None:
        """Unsupported (exit 2) when the provider lacks `operation`; sends nothing."""
        self.spec.require(operation)

    def __repr__(self) -> str:
        p = self._profile
        return f"<mailctl Client {p.name!r}: {p.provider} {p.user}@{p.url}>"

    # -- life cycle ------------------------------------------------------------------------
    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections. The client may be used again (it reconnects)."""
        for transport in self._transports:
            transport.close()
        self._transports.clear()
        self._backend = None

    def _audit_log(self) -> "AuditLog":
        from mailctl.audit import AuditLog

        if self._audit is True:
            from mailctl.connect import audit_path

            return AuditLog(audit_path(self._environ))
        if self._audit is False or self._audit is None:
            return _NoAuditLog()
        from mailctl.redaction import Redactor

        # Every password of this client's calls is blanked in what the log records, as the CLI's is.
        return AuditLog(Path(self._audit), redact=Redactor(self._secrets), warn=log.warning)

    def _transport(self) -> "Transport":
        from mailctl.connect import new_transport

        transport = new_transport(self._profile, secrets=self._secrets, timeout=self._timeout, notice=log.warning)
        self._transports.append(transport)
        return transport

    @property
    def backend(self):
        """The provider backend (mailctl.backends.base.Backend, audited) this client
        drives; for what the methods here do not cover."""
        if self._backend is None:
            from mailctl.connect import open_backend

            self._backend = open_backend(self._profile, self._credentials, transport_factory=self._transport,
                                         audit_log=self._audit_log(), notice=log.warning)
        return self._backend

    def _secret(self, value: str) -> None:
        """A password this client sends: hidden from every trace and error message."""
        self._secrets.add(value)
        for transport in self._transports:
            transport.add_secret(value)

    def _ready(self, operation: str):
        self.require(operation)
        return self.backend

    # -- credentials -------------------------------------------------------------------------
    def login(self) -> "SessionInfo":
        """Check the secret with the server (AuthError if refused); a provider with
        sessions opens one. Unlike `mailctl session login`, nothing is stored."""
        from mailctl.models import SessionInfo

        backend = self._ready("session login")
        secret = self._credentials.secret()
        self._secret(secret)
        backend.login(secret)
        return self._info("active" if self._credentials.session() else None)

    def check(self) -> "SessionInfo":
        """Check that the credentials work (AuthError if not), as `mailctl session status`."""
        state = self._ready("session status").status()
        return self._info(state)

    def _info(self, session: str | None) -> "SessionInfo":
        from mailctl.models import SessionInfo

        p = self._profile
        return SessionInfo(p.name, p.provider, p.user, p.url, self._credentials.source, True, session)

    # -- domains and mailboxes ------------------------------------------------------------
    def domains(self) -> "list[Domain]":
        return self._ready("domain list").list_domains()

    def mailboxes(self, domain: str) -> "list[Mailbox]":
        name = validation.domain(domain)
        return self._ready("pop list").list_mailboxes(name)

    def mailbox(self, address: str) -> "Mailbox":
        """One mailbox (pop show), with its aliases where the panel links them;
        NotFound if there is none."""
        target = validation.address(address)
        return self._ready("pop show").get_mailbox(target)

    def find_mailbox(self, address: str) -> "Mailbox | None":
        """The mailbox, or None if there is none: by pop show where the provider has
        it, else from the domain's listing (pop list)."""
        target = validation.address(address)
        if self.supports("pop show"):
            try:
                return self.backend.get_mailbox(target)
            except NotFound:
                return None
        wanted = str(target)
        return next((m for m in self._ready("pop list").list_mailboxes(target.domain)
                     if m.address.lower() == wanted), None)

    def create_mailbox(self, address: str, password: str, quota_mb: int | str | None = None,
                       **provider_options: Any) -> "Mailbox":
        """Create a mailbox. quota_mb: MB, 0 or "unlimited" for none, None for the
        provider's default. provider_options: the provider's create options by name
        (e.g. send_limit=100, plan="premium"); one it does not take is refused."""
        from dataclasses import replace

        password = _password(password)
        new = self._new_mailbox(address, quota_mb, provider_options)
        self._secret(password)
        return self.backend.create_mailbox(replace(new, password=password))

    def check_create_mailbox(self, address: str, quota_mb: int | str | None = None, **provider_options: Any) -> None:
        """Everything create_mailbox would refuse before sending (UsageError,
        Unsupported), without the password and without sending anything."""
        self._new_mailbox(address, quota_mb, provider_options)

    def _new_mailbox(self, address: str, quota_mb: int | str | None, provider_options: Mapping[str, Any]):
        from mailctl.models import NewMailbox

        target = validation.address(address)
        backend = self._ready("pop create")
        new = NewMailbox(target, "", validation.quota_mb(quota_mb), dict(provider_options))
        backend.check_new_mailbox(new)
        return new

    def change_mailbox(self, address: str, *, quota_mb: int | str | None = None, suspend_login: bool | None = None,
                       suspend_incoming: bool | None = None) -> "Mailbox":
        """Change what is given (pop set) and nothing else: the quota (MB, 0 or
        "unlimited" for none), suspending (True) or lifting (False) login or incoming
        mail. Returns the mailbox as it is now; NotFound if there is none."""
        target, change = self._change(address, quota_mb, suspend_login, suspend_incoming)
        # Read first, as `pop set` does: the audit log then records each changed field's
        # previous value, and a missing mailbox is NotFound before any write.
        before = self.backend.get_mailbox(target)
        return change.known_after(before, self.backend.change_mailbox(target, change))

    def check_change_mailbox(self, address: str, *, quota_mb: int | str | None = None,
                             suspend_login: bool | None = None, suspend_incoming: bool | None = None) -> None:
        """Everything change_mailbox would refuse before sending, without sending."""
        self._change(address, quota_mb, suspend_login, suspend_incoming)

    def _change(self, address, quota_mb, suspend_login, suspend_incoming):
        from mailctl.models import MailboxChange

        target = validation.address(address)
        change = MailboxChange(validation.quota_mb(quota_mb), _flag("suspend_login", suspend_login),
                               _flag("suspend_incoming", suspend_incoming))
        if change.is_empty():
            raise UsageError("nothing to change: give quota_mb, suspend_login or suspend_incoming",
                             provider=self.provider)
        self._ready("pop set").check_change(change)
        return target, change

    def delete_mailbox(self, address: str, keep_data: bool = False) -> None:
        """Delete a mailbox and its mail (keep_data: leave the mail files, where the
        provider can)."""
        target = validation.address(address)
        backend = self._ready("pop delete")
        backend.check_delete(keep_data=bool(_flag("keep_data", keep_data)))
        backend.delete_mailbox(target, keep_data=bool(keep_data))

    def set_password(self, address: str, password: str, require_reset: bool = False) -> None:
        """Change a mailbox's password (require_reset: the user must change it at next
        login, where the provider can)."""
        target = validation.address(address)
        password = _password(password)
        backend = self._ready("passwd")
        backend.check_password_change(require_reset=bool(_flag("require_reset", require_reset)))
        self._secret(password)
        backend.change_password(target, password, require_reset=bool(require_reset))

    # -- aliases -----------------------------------------------------------------------------
    def aliases(self, domain: str) -> "list[Alias]":
        name = validation.domain(domain)
        return self._ready("alias list").list_aliases(name)

    def _destinations(self, backend, destinations: Iterable[str]) -> list[str]:
        if isinstance(destinations, str):
            destinations = [destinations]
        checked: list[str] = []
        for destination in destinations:
            if not isinstance(destination, str):
                raise UsageError(f"a destination must be a string, not {destination!r}")
            text = destination.strip()
            if text.startswith(":"):
                backend.check_alias_destination(text)
            else:
                text = str(validation.address(text))
            if text not in checked:
                checked.append(text)
        return checked

    def find_alias(self, address: str) -> "Alias | None":
        """The alias (or forwarder) `address` from its domain's listing, or None."""
        target = validation.address(address)
        wanted = str(target)
        return next((a for a in self.aliases(target.domain) if a.address.lower() == wanted), None)

    def check_destinations(self, destinations: Iterable[str]) -> list[str]:
        """Destinations as add_alias sends them (addresses normalised, duplicates
        dropped); UsageError for one the provider cannot forward to. Sends nothing."""
        return self._destinations(self._ready("alias add"), destinations)

    def add_alias(self, address: str, destinations: Iterable[str]) -> "Alias":
        """Add destinations to the alias `address` (created if missing), keeping the ones
        it has. Returns the alias as it is now."""
        target = validation.address(address)
        backend = self._ready("alias add")
        checked = self._destinations(backend, destinations)
        if not checked:
            raise UsageError(f"no destination given for {target}", provider=self.provider)
        return backend.add_alias(target, checked)

    def remove_alias(self, address: str, destinations: Iterable[str] | None = None) -> "Alias | None":
        """Remove the given destinations of the alias (the whole alias when None).
        Returns what is left, or None once the alias is gone; NotFound if missing."""
        target = validation.address(address)
        backend = self._ready("alias remove")
        checked = None if destinations is None else self._destinations(backend, destinations)
        if checked == []:
            raise UsageError(f"no destination given for {target} (None removes the whole alias)",
                             provider=self.provider)
        return backend.remove_alias(target, checked)

    # -- hosting accounts ---------------------------------------------------------------------
    def change_account_password(self, user: str, password: str, update_db: bool = True) -> "AccountPasswordChange":
        """A hosting account's login password (update_db: its database password too,
        where the panel has one)."""
        name = validation.account_user(user)
        password = _password(password)
        backend = self._ready("account passwd")
        self._secret(password)
        return backend.change_account_password(name, password, update_db=bool(_flag("update_db", update_db)))


# -- desired state: an estate over many profiles -----------------------------------------------

def load_estate(source: "Estate | Mapping[str, Any] | str | os.PathLike") -> "Estate":
    """An estate: a file's path (TOML or JSON, as `mailctl plan FILE` reads it), its data
    already parsed (a mapping shaped like the file), or an Estate. Every mistake of the
    file raises one UsageError listing each (file, key and line where known)."""
    from mailctl.estate.schema import Estate, parse, parse_data

    if isinstance(source, Estate):
        return source
    if isinstance(source, Mapping):
        return parse_data(dict(source), "estate")
    if not isinstance(source, (str, os.PathLike)):
        raise UsageError(f"an estate is a file path or its data, not {type(source).__name__}")
    name = os.fspath(source)
    return parse(validation.read_text_file(name, name), name)


class _EstateClients:
    """The clients of an estate's profiles: the caller's, and the ones opened from
    config.toml for the rest (closed when done)."""

    def __init__(self, given: "Mapping[str, Client] | None", config, environ):
        self.given = dict(given or {})
        self.opened: dict[str, Client] = {}
        self.config = config
        self.environ = environ

    def backend(self, name: str):
        client = self.given.get(name) or self.opened.get(name)
        if client is None:
            client = self.opened[name] = Client.from_profile(name, config=self.config, environ=self.environ)
        return client.backend

    def client(self, name: str) -> Client:
        return self.given.get(name) or self.opened[name]

    def known(self) -> list[str]:
        from mailctl.config import Config

        environ = os.environ if self.environ is None else self.environ
        return sorted(set(Config.load(_config_path(self.config, environ)).names()) | set(self.given))

    def close(self) -> None:
        for client in self.opened.values():
            client.close()


def plan_estate(estate: "Estate | Mapping[str, Any] | str | os.PathLike", *, prune: bool = False,
                clients: "Mapping[str, Client] | None" = None, jobs: int | None = None,
                config: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> "Plan":
    """What would make the live state what `estate` declares, as `mailctl plan` shows it.

    clients: a Client for some (or all) of the estate's profile names; the others are
    opened from config.toml (`config`, as Client.from_profile). prune: also delete what
    the estate does not declare. jobs: domains read at once. Sends only reads."""
    declared = load_estate(estate)
    pool = _EstateClients(clients, config, environ)
    try:
        return _plan_with(declared, pool, prune, jobs)[0]
    finally:
        pool.close()


def _plan_with(declared: "Estate", pool: _EstateClients, prune: bool, jobs: int | None):
    from mailctl.estate import converge

    backends = converge.open_backends(declared, pool.backend, pool.known)
    return converge.plan(declared, backends, prune=_flag("prune", prune) or False, jobs=jobs), backends


class EstateResult:
    """What apply_estate did: the plan it made (`plan`), the changes that failed with
    their errors (`failures`), the plan of a fresh read afterwards (`after`; empty
    changes when in sync) and the passwords it generated for new mailboxes
    (`generated`, address -> password: store them, they are shown nowhere else)."""

    def __init__(self, plan: "Plan", failures: "list[tuple[Change, MailctlError]]", after: "Plan",
                 generated: dict[str, str]):
        self.plan = plan
        self.failures = failures
        self.after = after
        self.generated = generated

    @property
    def changed(self) -> bool:
        return bool(self.done)

    @property
    def done(self) -> "list[Change]":
        failed = {id(change) for change, _ in self.failures}
        return [change for change in self.plan.changes if id(change) not in failed]

    @property
    def in_sync(self) -> bool:
        return not self.after.changes

    def __repr__(self) -> str:
        return (f"<EstateResult {len(self.done)} done, {len(self.failures)} failed, "
                f"{'in sync' if self.in_sync else f'{len(self.after.changes)} pending'}>")


def apply_estate(estate: "Estate | Mapping[str, Any] | str | os.PathLike",
                 passwords: Mapping[str, str] | None = None, *, generate_passwords: bool = False,
                 prune: bool = False, max_deletes: int | None = None,
                 clients: "Mapping[str, Client] | None" = None, jobs: int | None = None,
                 config: str | os.PathLike | None = None,
                 environ: Mapping[str, str] | None = None) -> EstateResult:
    """Make the live state what `estate` declares, as `mailctl apply --yes` does: plan,
    make only the changes (concurrently, settled, never doubled, audited), read again.

    passwords: address -> password of the new mailboxes; generate_passwords: make the
    missing ones (returned in `generated`). A new mailbox with neither raises UsageError
    listing them, before anything is sent. max_deletes: how many mailboxes (and their
    mail) the plan may delete (default 5); more raise UsageError. A change that fails is
    in `failures`; an auth failure or a dead server raises. Other arguments as
    plan_estate."""
    from mailctl.bulk.runner import DEFAULT_JOBS, FAILED
    from mailctl.credentials import generate_password
    from mailctl.estate import converge

    declared = load_estate(estate)
    limit = converge.DEFAULT_MAX_DELETES if max_deletes is None else max_deletes
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise UsageError(f"max_deletes must be a whole number, 0 or more, not {max_deletes!r}")
    given = {str(validation.address(a)): _password(p) for a, p in dict(passwords or {}).items()}
    generate = bool(_flag("generate_passwords", generate_passwords))
    pool = _EstateClients(clients, config, environ)
    try:
        result, backends = _plan_with(declared, pool, prune, jobs)
        converge.check_deletes(result, limit)
        generated = {}
        if generate:
            generated = {a: generate_password() for a in converge.missing_passwords(result, given)}
        chosen = {**given, **generated}
        converge.refuse_missing_passwords(converge.missing_passwords(result, chosen),
                                          "give them in passwords, or generate_passwords=True")
        for change in result.mailbox_creates:
            pool.client(change.profile)._secret(chosen[change.address])
        failures: list = []

        def on_result(outcome) -> None:
            if outcome.outcome == FAILED:
                failures.append((outcome.item, outcome.error))

        if result.changes:
            converge.execute(backends, result, chosen, jobs=jobs or DEFAULT_JOBS, on_result=on_result)
            after = converge.plan(declared, backends, prune=bool(prune), jobs=jobs)
        else:
            after = result
        failed_creates = {change.address for change, _ in failures if change.kind == "mailbox"}
        return EstateResult(result, failures, after,
                            {a: p for a, p in generated.items() if a not in failed_creates})
    finally:
        pool.close()


class _NoAuditLog:
    """audit=False: writes are not recorded."""

    def record(self, entry: dict) -> None:
        pass

    append = record

    def redact(self, text: str) -> str:
        return text
