"""`mailctl profile add NAME --replace ...` written out for an existing profile, the way a
hint tells the user to type it. `--replace` starts from nothing, so every setting the
profile has is given again, except what the hint changes. A pure function of a Profile
and its provider's declared options: the CLI's hints, the connection code and a backend
may all use it (it imports nothing of the CLI)."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Sequence

from mailctl.errors import MailctlError

if TYPE_CHECKING:
    from mailctl.config import Profile


def replace_command(profile: "Profile", *, trust: Sequence[str] | None = None, add: Sequence[str] = (),
                    **changes: str) -> str:
    """The quoted command that recreates `profile` with `changes` (flag name without the
    dashes -> value, e.g. user="USER"), `trust` in place of its TLS settings when given
    (e.g. ("--pin",)), and the options `add` appended (e.g. ("--legacy-api",))."""
    from mailctl import validation

    values = {"provider": profile.provider, "url": profile.url, "user": profile.user, **changes}
    parts = ["mailctl", "profile", "add", profile.name, "--replace"]
    for flag in ("provider", "url", "user"):
        parts += [f"--{flag}", values[flag]]
    if profile.url.startswith("http://"):
        try:
            validation.url(profile.url, allow_http=False)
        except MailctlError:
            parts.append("--allow-http")
    if trust is not None:
        parts += list(trust)
    else:
        if profile.ca_bundle:
            parts += ["--ca-bundle", profile.ca_bundle]
        if profile.insecure:
            parts.append("--insecure")
        if profile.pin_sha256:
            parts += ["--pin-sha256", profile.pin_sha256]
    for option in profile.spec.profile_options:
        value = profile.options.get(option.name)
        if option.kind == "flag":
            if value and option.flag not in add:
                parts.append(option.flag)
        elif value is not None:
            parts += [option.flag, str(value)]
    parts += list(add)
    return quoted(parts)


def quoted(words: Sequence[str]) -> str:
    """Words as one command in single quotes, as messages show a command to type."""
    return "'" + " ".join(_word(word) for word in words) + "'"


def _word(word: str) -> str:
    """A shell word that fits inside the single quotes around the whole command:
    double quotes where quoting is needed (placeholders such as USER stay bare)."""
    if shlex.quote(word) == word:
        return word
    escaped = "".join("\\" + ch if ch in '"$`\\' else ch for ch in word)
    return f'"{escaped}"'
