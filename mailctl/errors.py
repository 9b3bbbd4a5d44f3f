"""mailctl's errors. Each class carries its exit code (docs/architecture.md, "Exit
codes"), so the mapping from failure to exit status lives here and nowhere else."""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_AUTH = 4
EXIT_TRANSPORT = 5
EXIT_PARTIAL = 6
# plan --detailed-exitcode: the live state differs from the estate file (not an error).
EXIT_CHANGES = 7
EXIT_INTERRUPTED = 130


class MailctlError(Exception):
    """Base of every error mailctl reports to the user as one line and an exit code."""

    exit_code = EXIT_REFUSED
    code = "error"

    def __init__(self, message: str, *, provider: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.provider = provider
        # Extra lines (e.g. every message a panel returned); shown after the main line.
        self.details = details or []

    def to_json(self) -> dict:
        body = {"code": self.code, "message": self.message, "provider": self.provider}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class ProviderRefused(MailctlError):
    """The server understood the request and said no (duplicate, weak password, ...)."""

    exit_code = EXIT_REFUSED
    code = "refused"


class AlreadyExists(ProviderRefused):
    """What a write would create is there already (a mailbox, an alias destination);
    nothing was changed. `--exists-ok` turns it into the outcome "exists"."""

    code = "exists"


class UsageError(MailctlError):
    """Bad input caught before anything was sent."""

    exit_code = EXIT_USAGE
    code = "usage"


class Unsupported(UsageError):
    """The provider has no such capability (e.g. `account passwd` on mailbox.org)."""

    code = "unsupported"

    def __init__(self, provider: str, command: str, hint: str | None = None):
        message = f"{provider} does not support '{command}'"
        if hint:
            message += f": {hint}"
        super().__init__(message, provider=provider)


class Declined(UsageError):
    code = "declined"


class ConfigError(UsageError):
    code = "config"


class LocalFileError(MailctlError):
    """A file of mailctl's own (config, secrets, report, state) could not be read or
    written: a read-only or full disk, a missing permission. Said in one line, exit 2,
    like the other problems on this side of the wire."""

    exit_code = EXIT_USAGE
    code = "local_file"


class NotFound(MailctlError):
    exit_code = EXIT_NOT_FOUND
    code = "not_found"


class AuthError(MailctlError):
    """Credentials rejected, permission missing, or none stored. Never retried.

    A backend says what the server refused; it does not name the command that fixes it:
    that depends on the profile, the command and where the secret came from, which the
    CLI knows (mailctl/cli/hints.py)."""

    exit_code = EXIT_AUTH
    code = "auth"
    # Whether a working secret would cure it (so the hint is how to give one).
    secret_refused = True


class PermissionDenied(AuthError):
    """The server accepted the login, which may not do this (a user-level account, a
    token or login key without the right): another secret of the same login would not
    help, so it is never reported as a wrong one."""

    code = "permission"
    secret_refused = False


class OldPasswordRefused(AuthError):
    """A mailbox's own old password was refused (`passwd --self`): an authentication
    failure, but of the mailbox, so storing another profile secret would not help."""

    secret_refused = False


class NoCredentials(AuthError):
    code = "no_credentials"


class KeyringUnavailable(AuthError):
    code = "keyring_unavailable"
    secret_refused = False


class NoKeyringBackend(KeyringUnavailable):
    """No OS keyring on this machine at all (unlike a locked one): nothing can be in it."""


class TransportError(MailctlError):
    """Could not talk to the server, or could not read what it answered."""

    exit_code = EXIT_TRANSPORT
    code = "transport"


class CertificateRejected(TransportError):
    """The server's TLS certificate is not one the profile trusts (it cannot be verified,
    or it is not the pinned one): nothing was sent. The CLI adds the `profile add` that
    changes what the profile trusts (mailctl/cli/hints.py)."""

    def __init__(self, message: str, *, pinned: bool, provider: str | None = None):
        super().__init__(message, provider=provider)
        self.pinned = pinned


class TransportTimeout(TransportError):
    """The request went out and no answer came in time: the server may still be working
    on it, so "nothing changed yet" is not "nothing will change"."""

    code = "timeout"


class BadResponse(TransportError):
    code = "bad_response"


class AmbiguousWrite(TransportError):
    """A write failed in transit and a follow-up read could not settle whether it happened."""

    code = "ambiguous_write"


class PartialFailure(MailctlError):
    exit_code = EXIT_PARTIAL
    code = "partial_failure"


class Interrupted(MailctlError):
    """Ctrl-C stopped a bulk run after it finished the requests already running."""

    exit_code = EXIT_INTERRUPTED
    code = "interrupted"


class StalePlan(MailctlError):
    """apply PLAN: the live state is no longer the one the saved plan was made from."""

    exit_code = EXIT_REFUSED
    code = "stale_plan"
