"""Where secrets come from and go to.

A profile's secret is resolved MAILCTL_SECRET > keyring (or the opt-in plaintext store).
A provider session id (mailbox.org) is a second keyring entry next to it. `keyring` is
imported only when a secret is actually needed, because it costs ~60 ms at start-up.

New passwords for mailboxes and accounts never come from argv: a hidden prompt (twice)
on a terminal, stdin, a file, or a generated one."""

from __future__ import annotations

import os
import secrets
import string
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from mailctl.errors import KeyringUnavailable, NoCredentials, NoKeyringBackend, UsageError

if TYPE_CHECKING:
    from mailctl.config import Profile
    from mailctl.environment import Environment

SERVICE = "mailctl"
SECRET_ENV = "MAILCTL_SECRET"
# Where secrets are kept, over the profile's own choice and the config's default
# (`secret_store` at the top of config.toml): flag > environment > profile > default.
STORE_ENV = "MAILCTL_SECRET_STORE"
# The command as the default profile would type it; the CLI adds -p NAME for another
# profile (mailctl/cli/hints.py).
PLAINTEXT_LOGIN = "'mailctl session login --store plaintext'"
REMEDY = (
    f"set {SECRET_ENV} for this run, or keep secrets in plaintext files (mode 0600): once for every profile with "
    f"{STORE_ENV}=plaintext or secret_store = \"plaintext\" at the top of config.toml, or for this profile with "
    f"{PLAINTEXT_LOGIN}"
)


def _keyring():
    """The keyring module, or KeyringUnavailable when no usable backend exists."""
    try:
        import keyring
        import keyring.errors
        from keyring.backends import fail
    except Exception as exc:  # pragma: no cover - broken installation
        raise KeyringUnavailable(f"cannot load the keyring library ({exc}); {REMEDY}") from None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        raise NoKeyringBackend(f"no usable OS keyring found; {REMEDY}")
    return keyring


def _keyring_call(action: Callable, *args):
    keyring = _keyring()
    try:
        return action(keyring, *args)
    except keyring.errors.PasswordDeleteError:
        return None
    except keyring.errors.KeyringLocked:
        raise KeyringUnavailable(f"the OS keyring is locked; unlock it, or {REMEDY}") from None
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring failed ({exc}); {REMEDY}") from None


class Credentials:
    """The secret (and provider session) of one profile."""

    def __init__(self, profile: "Profile", environ: dict[str, str], plaintext_dir: Path,
                 warn: Callable[[str], None] | None = None, default_store: str | None = None):
        self.profile = profile
        self.default_store = default_store  # the config's secret_store
        self.chosen_store: str | None = None  # --store of this run, over everything else
        self.environ = environ
        self.plaintext_dir = plaintext_dir
        self._warn = warn or (lambda text: None)
        self._warned: set[str] = set()
        self._secret: str | None = None
        # A provider session kept for this process only: the secret comes from
        # MAILCTL_SECRET and the machine has no OS keyring to keep the session in.
        self._process_session: str | None = None

    def warn(self, text: str) -> None:
        if text not in self._warned:  # the same file is read more than once a run
            self._warned.add(text)
            self._warn(text)

    # -- where the secret lives --------------------------------------------------------
    @property
    def store(self) -> str:
        """"keyring" or "plaintext": MAILCTL_SECRET_STORE, else the profile's own choice,
        else the config's default, else the keyring."""
        return self.chosen_store or store_for(self.profile, self.environ, self.default_store)

    @property
    def _plaintext(self) -> bool:
        return self.store == "plaintext"

    def keyring_missing(self) -> bool:
        """Whether the secret would go to an OS keyring this machine does not have."""
        if self._plaintext:
            return False
        try:
            _keyring()
        except NoKeyringBackend:
            return True
        return False

    def check_store(self) -> None:
        """KeyringUnavailable (naming the remedies) unless a secret could be kept where it
        would go; asked before anyone types a secret that could not be kept."""
        self._read("")

    def _file(self, suffix: str = "") -> Path:
        return self.plaintext_dir / f"{self.profile.name}{suffix}"

    def _read(self, entry: str) -> str | None:
        if self._plaintext:
            return _read_private(self._file(entry), self.warn)
        return _keyring_call(lambda k, name: k.get_password(SERVICE, name), self.profile.name + entry)

    def _write(self, entry: str, value: str) -> None:
        if self._plaintext:
            _write_private(self._file(entry), value)
        else:
            _keyring_call(lambda k, name, v: k.set_password(SERVICE, name, v), self.profile.name + entry, value)

    def _delete(self, entry: str) -> None:
        if self._plaintext:
            self._file(entry).unlink(missing_ok=True)
        else:
            _keyring_call(lambda k, name: k.delete_password(SERVICE, name), self.profile.name + entry)

    # -- the profile's secret ----------------------------------------------------------
    @property
    def source(self) -> str | None:
        """Where secret() would read from, without reading it from the keyring."""
        if self.environ.get(SECRET_ENV):
            return "environment"
        return "plaintext" if self._plaintext else "keyring"

    def secret(self) -> str:
        if self._secret is None:
            self._secret = self.environ.get(SECRET_ENV) or self._read("")
        if not self._secret:
            # The CLI adds how to give one (mailctl/cli/hints.py): `session login`, -p NAME and all.
            raise NoCredentials(f"no stored credentials for profile {self.profile.name!r}")
        return self._secret

    def has_stored_secret(self) -> bool:
        return self._read("") is not None

    def store_secret(self, value: str) -> None:
        self._write("", value)
        self._secret = value

    def forget(self) -> None:
        """Forget the secret and the session wherever they may be: a plaintext file is
        removed even when the profile now keeps its secret in the keyring (it may be
        left from before), and before the keyring is asked, which may not exist."""
        for entry in ("", ":session"):
            self._file(entry).unlink(missing_ok=True)
        self._secret = None
        self._process_session = None
        if not self._plaintext:
            self._delete("")
            self._delete(":session")

    # -- the provider session (mailbox.org) --------------------------------------------
    def _session_in_process(self) -> bool:
        """MAILCTL_SECRET on a machine without an OS keyring: the session lives in
        this process only (each run logs in once; nothing is written to disk)."""
        return bool(self.environ.get(SECRET_ENV)) and not self._plaintext

    def session(self) -> str | None:
        try:
            return self._read(":session")
        except NoKeyringBackend:
            if self._session_in_process():
                return self._process_session
            raise

    def store_session(self, value: str) -> None:
        try:
            self._write(":session", value)
        except NoKeyringBackend:
            if not self._session_in_process():
                raise
            self._process_session = value

    def forget_session(self) -> None:
        self._process_session = None
        try:
            self._delete(":session")
        except NoKeyringBackend:
            if not self._session_in_process():
                raise


def store_for(profile: "Profile", environ, default_store: str | None = None) -> str:
    from mailctl.config import checked_store

    from_environment = environ.get(STORE_ENV) or None
    checked_store(from_environment, STORE_ENV)
    return from_environment or profile.secret_store or default_store or "keyring"


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _symlink_refused(path: Path) -> KeyringUnavailable:
    return KeyringUnavailable(
        f"the plaintext secrets file {path} is a symbolic link: refusing to use it (a link could read or "
        f"write a secret somewhere else); remove it and run {PLAINTEXT_LOGIN} again"
    )


def _read_private(path: Path, warn: Callable[[str], None]) -> str | None:
    """A plaintext secret, never through a symlink; a file others may read is used with a
    warning naming its mode."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if path.is_symlink():
            raise _symlink_refused(path) from None
        raise KeyringUnavailable(f"cannot read the plaintext secrets file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "r", encoding="utf-8") as handle:
        warn_if_readable_by_others(os.fstat(fd).st_mode, path, "the plaintext secrets file", warn)
        return handle.read() or None


def warn_if_readable_by_others(mode: int, path: Path, what: str, warn: Callable[[str], None]) -> None:
    if mode & 0o044:
        who = "every user" if mode & 0o004 else "its group"
        warn(f"{what} {path} is readable by {who} (mode {mode & 0o777:04o}); make it private: chmod 600 {path}")


def _write_private(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.is_symlink():
        raise _symlink_refused(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o600)
    except OSError:
        if path.is_symlink():
            raise _symlink_refused(path) from None
        raise
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(value)


# -- reading secrets the user types ----------------------------------------------------

# Symbols that need no quoting in a CSV cell, a JSON string or a shell word,
# so a generated password can be pasted wherever a sysadmin needs it.
_SYMBOLS = "-_.+=@"


def generate_password(length: int = 20) -> str:
    """A random password with every character class, which every panel's strength check
    accepts (they reject passwords without digits or symbols)."""
    alphabet = string.ascii_letters + string.digits + _SYMBOLS
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(c in _SYMBOLS for c in candidate)
        ):
            return candidate


def _first_line(text: str, what: str) -> str:
    line = text.split("\n", 1)[0].rstrip("\r")
    if not line:
        raise UsageError(f"{what} is empty")
    return line


def read_password_file(path: Path, what: str = "password", warn: Callable[[str], None] | None = None) -> str:
    try:
        if warn is not None:
            warn_if_readable_by_others(os.stat(path).st_mode, Path(path), f"the {what} file", warn)
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {what} file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{what} file {path} is not UTF-8 text") from None
    return _first_line(text, f"{what} in {path}")


NEW_PASSWORD_REMEDY = "use --password-stdin, --password-file PATH or --generate"


def prompt_hidden(env: "Environment", prompt: str, *, confirm: bool, remedy: str = NEW_PASSWORD_REMEDY) -> str:
    """A secret typed at a hidden prompt (twice when `confirm`), asked again after an
    empty answer or a mismatch; without a terminal (or with --no-input) a UsageError
    naming `remedy`, the way to give it instead."""
    from mailctl import prompts

    if not env.can_prompt:
        raise UsageError(f"{prompt[0].lower()}{prompt[1:]} needed but {prompts.why_not_asking(env)}: {remedy}")
    return prompts.secret(env, prompt, confirm=confirm, what=f"{prompt[0].lower()}{prompt[1:]}")


class PasswordSource:
    """How the user asked to supply a new password, as parsed from the options."""

    def __init__(self, *, stdin: bool = False, file: Path | None = None, generate: bool = False):
        chosen = sum([bool(stdin), file is not None, bool(generate)])
        if chosen > 1:
            raise UsageError("choose one of --password-stdin, --password-file and --generate")
        self.stdin = stdin
        self.file = file
        self.generate = generate

    def read(self, env: "Environment", prompt: str = "New password",
             warn: Callable[[str], None] | None = None) -> tuple[str, bool]:
        """The new password and whether mailctl generated it (then it must be shown once)."""
        if self.generate:
            return generate_password(), True
        if self.file is not None:
            return read_password_file(self.file, warn=warn), False
        if self.stdin:
            return _first_line(env.read_stdin_line(), "password on stdin"), False
        return prompt_hidden(env, prompt, confirm=True), False
