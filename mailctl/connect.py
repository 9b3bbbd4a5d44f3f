"""Building a profile's backend: the one code path that the CLI (cli/runtime.py) and the
Python API (mailctl.api) share, so both talk to a server with the same transport
settings, the same provider options and the same audit log.

Nothing heavy is imported here at module level: the transport (requests) and the backend
load when a backend is built."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from mailctl.errors import ConfigError

if TYPE_CHECKING:
    from mailctl.audit import AuditedBackend, AuditLog
    from mailctl.config import Profile
    from mailctl.credentials import Credentials
    from mailctl.transport import Transport


def _ignore(text: str) -> None:
    pass


def new_transport(profile: "Profile", *, secrets: "set[str]", timeout: float | None = None, debug=None,
                  notice: Callable[[str], None] = _ignore) -> "Transport":
    """A transport to the profile's server. `secrets` is the run's set of values to redact
    (shared by every transport of the run); `debug` a stream for the request trace;
    `notice` is told when certificate verification is off."""
    from mailctl.transport import Transport, TransportSettings

    if profile.ca_bundle and not profile.insecure and not Path(profile.ca_bundle).is_file():
        from mailctl.profile_command import replace_command

        raise ConfigError(f"the CA bundle {profile.ca_bundle} of profile {profile.name!r} does not exist or is "
                          f"not a file: restore it, or give the profile another one with "
                          f"{replace_command(profile, trust=('--ca-bundle', 'PATH'))}", provider=profile.provider)
    if profile.insecure and not profile.pin_sha256:
        notice(f"TLS certificate verification is OFF for profile {profile.name!r} (--insecure)")
    settings = TransportSettings(
        base_url=profile.url,
        verify=False if profile.insecure else (profile.ca_bundle or True),
        pin_sha256=profile.pin_sha256,
        provider=profile.provider,
        debug=debug,
        secret_fields=profile.spec.secret_fields,
    )
    if timeout is not None:
        settings.timeout = timeout
        settings.connect_timeout = min(settings.connect_timeout, timeout)
    return Transport(settings, secrets=secrets)


def open_backend(profile: "Profile", credentials: "Credentials", *, transport_factory: "Callable[[], Transport]",
                 audit_log: "AuditLog", notice: Callable[[str], None] = _ignore,
                 overrides: "dict | None" = None) -> "AuditedBackend":
    """The profile's backend, its writes recorded in `audit_log`. `overrides`: provider
    options for this run only (the profile's per-command options), checked against the
    provider (UsageError for one it does not take). The transport is made on the first
    request, by `transport_factory`."""
    from mailctl.audit import AuditedBackend
    from mailctl.backends.base import BackendContext
    from mailctl.providers import checked_options

    spec = profile.spec
    options = {**profile.options, **checked_options(spec, overrides or {})}
    ctx = BackendContext(
        profile=profile,
        credentials=credentials,
        transport_factory=transport_factory,
        notice=notice,
        options=options,
    )
    return AuditedBackend(spec.backend_class()(ctx), audit_log, profile.name)


def audit_path(environ) -> Path:
    """The audit log of the user state dir (MAILCTL_STATE_DIR, else the platform's)."""
    from mailctl.audit import state_dir

    return state_dir(environ) / "audit.jsonl"

