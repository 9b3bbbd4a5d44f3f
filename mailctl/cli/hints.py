"""The hints that follow an error: the command that fixes it, written exactly as the user
would type it, for the profile at hand.

A backend says what the server refused (mailctl.errors.AuthError and its kinds); what
to type next depends on things only the command line knows: which profile it was and
whether `-p NAME` is needed to reach it again, which command ran (a rejected `session
login` is not cured by running it once more), and where the secret came from (a wrong
MAILCTL_SECRET is not cured by storing another secret). Those hints are built here,
and only here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from mailctl.credentials import PLAINTEXT_LOGIN, SECRET_ENV
from mailctl.errors import AuthError, CertificateRejected, KeyringUnavailable, MailctlError, NoCredentials
from mailctl.profile_command import quoted, replace_command

if TYPE_CHECKING:
    from mailctl.cli.runtime import Runtime
    from mailctl.config import Profile

LOGIN = ("session", "login")


def command(runtime: "Runtime", profile: "Profile | None", *words: str) -> str:
    """`mailctl [-p NAME] WORDS...` quoted for a message: `-p NAME` only when the profile
    is not the one mailctl picks without it (the default, or the only profile)."""
    parts = ["mailctl"]
    if profile is not None and not _reached_without_flag(runtime, profile.name):
        parts += ["-p", profile.name]
    parts += list(words)
    return quoted(parts)


def rerun(runtime: "Runtime", words: Sequence[str], suggestion) -> str:
    """A backend's suggestion (mailctl.backends.base.Suggestion) to run the same command
    with other options, as one line."""
    try:
        profile = runtime.profile()
    except MailctlError:
        profile = None
    return f"{suggestion.why}: {command(runtime, profile, *words, *suggestion.options)}"


def add_to(error: MailctlError, runtime: "Runtime", words: Sequence[str],
           profile: "Profile | None" = None) -> None:
    """Append to `error` the command that fixes it, when that is something the CLI knows
    better than the backend (see the module docstring). `words`: the command that ran;
    `profile`: the one that failed (default: the command line's one profile)."""
    names_plaintext_login = PLAINTEXT_LOGIN in error.message
    if not isinstance(error, (AuthError, CertificateRejected)) and not names_plaintext_login:
        return
    if profile is None:
        try:
            profile = runtime.profile()
        except MailctlError:  # several profiles, none configured: the hint would guess
            return
    if names_plaintext_login:
        # The keyring's remedies name the plaintext login as the default profile types it.
        error.message = error.message.replace(PLAINTEXT_LOGIN, command(runtime, profile, *LOGIN, "--store",
                                                                       "plaintext"))
    if isinstance(error, CertificateRejected):
        hint = _trust_hint(error, profile)
    elif isinstance(error, AuthError) and not isinstance(error, KeyringUnavailable):
        hint = _auth_hint(error, runtime, profile, tuple(words))
    else:
        return
    # An error met twice (a profile's, raised again at the end) gets the hint once.
    if hint and not error.message.endswith(hint):
        error.message = f"{error.message}; {hint}"


def _auth_hint(error: AuthError, runtime: "Runtime", profile: "Profile", words: tuple) -> str | None:
    from_env = bool(runtime.env.environ.get(SECRET_ENV))
    if isinstance(error, NoCredentials):
        return f"run {command(runtime, profile, *LOGIN)} or set {SECRET_ENV}"
    if not error.secret_refused:
        return None
    if words == LOGIN:
        # The secret was typed (or piped) just now: nothing was stored, and running the
        # same login again only helps with another secret -- or another user name.
        return (f"nothing was stored; if {profile.user} is not the right user name, change it with "
                f"{replace_command(profile, user='USER')}")
    if from_env:
        return (f"the secret came from {SECRET_ENV}: correct it, or run 'unset {SECRET_ENV}' to use the one "
                f"stored for profile {profile.name!r}")
    return f"store the right secret with {command(runtime, profile, *LOGIN)}"


def _trust_hint(error: "CertificateRejected", profile: "Profile") -> str:
    pin = replace_command(profile, trust=("--pin",))
    if error.pinned:
        return f"if the server's certificate was replaced on purpose, pin it again with {pin}"
    return (f"pin it with {pin} (compare the fingerprint it shows with the panel's), or give a CA bundle: "
            "the same with --ca-bundle PATH in place of --pin")


def _reached_without_flag(runtime: "Runtime", name: str) -> bool:
    from mailctl.config import resolve_profile

    # What the config picks by itself (its default, or its only profile), not what
    # MAILCTL_PROFILE says: a hint may well be typed in another shell.
    try:
        return resolve_profile(runtime.config, None).name == name
    except MailctlError:
        return False
