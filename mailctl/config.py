"""Profiles: named connections stored in `config.toml` under the user's config dir.

The file never holds a secret. It is rewritten atomically (temp file + rename, mode 0600)
under an advisory lock, and keys this version does not know are written back untouched,
so a config shared with a newer mailctl survives."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from mailctl import validation
from mailctl.errors import ConfigError, NotFound, UsageError

if TYPE_CHECKING:
    from mailctl.providers.base import ProviderSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Keys every profile may carry beyond provider, url and user. A provider's own options
# (its spec's profile_options) are keys of the same table; anything else found in the
# file is preserved but ignored.
OPTIONAL_KEYS = ("ca_bundle", "insecure", "pin_sha256", "secret_store")
_BOOLEAN_KEYS = ("insecure",)
_TEXT_KEYS = ("ca_bundle", "pin_sha256", "secret_store")


CONFIG_DIR_ENV = "MAILCTL_CONFIG_DIR"
_PIN = re.compile(r"[0-9a-f]{64}")


def user_dir(kind: str, override: str, environ: Mapping[str, str] | None = None) -> Path:
    """The directory named by the variable `override` if set, else the platform's user
    `kind` ("config", "state") dir for mailctl (on Linux $XDG_CONFIG_HOME/mailctl, ...)."""
    environ = os.environ if environ is None else environ
    if environ.get(override):
        return Path(environ[override])
    if sys.platform.startswith("linux") and not hasattr(sys, "getandroidapilevel"):
        return _xdg_dir(kind)
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")("mailctl", appauthor=False))


# The XDG base directories, as platformdirs answers them on Linux: read here because
# importing platformdirs costs every command more than the rest of this module.
_XDG = {"config": ("XDG_CONFIG_HOME", (".config",)), "state": ("XDG_STATE_HOME", (".local", "state"))}


def _xdg_dir(kind: str) -> Path:
    variable, default = _XDG[kind]
    base = os.environ.get(variable, "")
    # The XDG spec ignores a relative path (platformdirs too).
    return (Path(base) if os.path.isabs(base) else Path.home().joinpath(*default)) / "mailctl"


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    return user_dir("config", CONFIG_DIR_ENV, environ)


@dataclass
class Profile:
    name: str
    provider: str
    url: str
    user: str
    ca_bundle: str | None = None
    insecure: bool = False
    pin_sha256: str | None = None
    # "plaintext" or "keyring" when this profile chose; None: the config's default
    # (`secret_store` at the top of config.toml), else the keyring.
    secret_store: str | None = None
    # The provider's own options (spec.profile_options), by name; only those given.
    options: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> "ProviderSpec":
        from mailctl.providers import spec

        return spec(self.provider)

    @classmethod
    def from_table(cls, name: str, table: dict[str, Any], path: Path) -> "Profile":
        missing = [key for key in ("provider", "url", "user") if not isinstance(table.get(key), str)]
        if missing:
            raise _broken(f"{path}: profile {name!r} lacks {', '.join(missing)}", f"lacks {', '.join(missing)}")
        try:
            checked = _checked_values(table)
            own = {option.name: option for option in _provider_spec(checked["provider"]).profile_options}
            options = {key: own[key].value(table[key]) for key in own if key in table}
        except UsageError as exc:
            raise _broken(f"{path}: profile {name!r}: {exc.message}", exc.message) from None
        reserved = ("provider", "url", "user", *OPTIONAL_KEYS, *options)
        extra = {key: value for key, value in table.items() if key not in reserved}
        return cls(name=name, options=options, extra=extra, **checked)

    def to_table(self) -> dict[str, Any]:
        table: dict[str, Any] = {"provider": self.provider, "url": self.url, "user": self.user}
        for key in OPTIONAL_KEYS:
            value = getattr(self, key)
            if value not in (None, False):
                table[key] = value
        table.update({key: value for key, value in self.options.items() if value not in (None, False)})
        table.update(self.extra)
        return table

    def to_json(self, *, default: bool = False) -> dict[str, Any]:
        data = {"name": self.name, "provider": self.provider, "url": self.url, "user": self.user, "default": default}
        for key in OPTIONAL_KEYS:
            data[key] = getattr(self, key)
        for option in self.spec.profile_options:
            data[option.name] = self.options.get(option.name, False if option.kind == "flag" else None)
        return data


def _broken(message: str, reason: str) -> ConfigError:
    """A profile table this version cannot use; `reason` is what is wrong, without the
    file and the profile (profile list shows it in the profile's row)."""
    error = ConfigError(message)
    error.reason = reason
    return error


def _provider_spec(name: str) -> "ProviderSpec":
    from mailctl.providers import spec

    return spec(name)


def _checked_values(table: dict[str, Any]) -> dict[str, Any]:
    """A profile's values, held to what `profile add` writes. A hand-edited file can hold
    anything, and a wrong value would otherwise fail later as a traceback or, worse,
    silently: `insecure = "no"` is a true value."""
    known = {key: table[key] for key in OPTIONAL_KEYS if key in table}
    for key in _BOOLEAN_KEYS:
        if key in known and not isinstance(known[key], bool):
            raise UsageError(f"{key} must be true or false, not {known[key]!r}")
    for key in _TEXT_KEYS:
        if key in known and not isinstance(known[key], str):
            raise UsageError(f"{key} must be a string, not {known[key]!r}")
    values = dict(known)
    values["provider"] = validation.provider(table["provider"])
    # allow_http: the URL was checked when the profile was added, where --allow-http may
    # have permitted plain http to another host; only its shape is checked here.
    values["url"] = validation.url(table["url"], allow_http=True)
    values["user"] = validation.login_user(table["user"])
    if "pin_sha256" in values:
        pin = values["pin_sha256"].replace(":", "").lower()
        if not _PIN.fullmatch(pin):
            raise UsageError(f"pin_sha256 {values['pin_sha256']!r} is not a SHA-256 fingerprint (64 hex digits)")
        values["pin_sha256"] = pin
    values["secret_store"] = checked_store(values.get("secret_store"), "secret_store")
    return values


SECRET_STORES = ("keyring", "plaintext")


def checked_store(value: Any, where: str) -> str | None:
    if value is not None and value not in SECRET_STORES:
        raise UsageError(f"{where} must be 'keyring' or 'plaintext', not {value!r}")
    return value


class Config:
    """The parsed config file; `raw` keeps everything, including keys we don't know."""

    def __init__(self, path: Path, raw: dict[str, Any]):
        self.path = path
        self.raw = raw

    @classmethod
    def load(cls, path: Path | None = None) -> "Config":
        path = path or config_dir() / "config.toml"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, {})
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not UTF-8 text") from None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            # tomllib's message ends with "(at line N, column M)".
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        profiles = raw.get("profiles", {})
        if not isinstance(profiles, dict) or not all(isinstance(v, dict) for v in profiles.values()):
            raise ConfigError(f"{path}: [profiles] must hold one table per profile, like [profiles.NAME]")
        if "default" in raw and not isinstance(raw["default"], str):
            raise ConfigError(f"{path}: 'default' must be a profile name")
        try:
            checked_store(raw.get("secret_store"), "secret_store")
        except UsageError as exc:
            raise ConfigError(f"{path}: {exc.message} (the default of every profile, at the top)") from None
        return cls(path, raw)

    @property
    def default_name(self) -> str | None:
        return self.raw.get("default")

    @property
    def secret_store(self) -> str | None:
        """Where the secrets of profiles that did not choose are kept (`secret_store` at
        the top of the file: "plaintext" on a machine without a keyring)."""
        return self.raw.get("secret_store")

    def set_secret_store(self, store: str) -> None:
        # At the top of the file, before the tables, where a person looks for it.
        self.raw = {"secret_store": checked_store(store, "secret_store"),
                    **{key: value for key, value in self.raw.items() if key != "secret_store"}}

    def names(self) -> list[str]:
        return sorted(self.raw.get("profiles", {}))

    def profiles(self) -> list[Profile]:
        return [self.get(name) for name in self.names()]

    def get(self, name: str) -> Profile:
        self.check_known(name)
        return Profile.from_table(name, self.raw["profiles"][name], self.path)

    def problem(self, name: str) -> str | None:
        """What makes the profile NAME unusable (an unknown provider a newer version
        wrote, a bad value), or None when it loads. One broken profile leaves the
        others usable: only commands that use it fail."""
        try:
            self.get(name)
        except ConfigError as exc:
            return getattr(exc, "reason", exc.message)
        return None

    def table(self, name: str) -> dict[str, Any]:
        """The profile's table as the file holds it, checked or not."""
        self.check_known(name)
        return self.raw["profiles"][name]

    def check_known(self, name: str) -> None:
        """NotFound naming the profiles there are, unless NAME is one of them."""
        if name not in self.raw.get("profiles", {}):
            known = ", ".join(self.names()) or "none yet; add one with 'mailctl profile add'"
            raise NotFound(f"no profile named {name!r} (profiles: {known})")

    def put(self, profile: Profile) -> None:
        self.raw.setdefault("profiles", {})[profile.name] = profile.to_table()

    def remove(self, name: str) -> None:
        self.check_known(name)  # a profile this version cannot use can still be removed
        del self.raw["profiles"][name]
        if self.raw.get("default") == name:
            del self.raw["default"]

    def set_default(self, name: str) -> None:
        self.get(name)
        self.raw["default"] = name

    def save(self) -> None:
        import tomli_w

        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = tomli_w.dumps(self.raw).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


@contextlib.contextmanager
def editing(path: Path | None = None) -> Iterator[Config]:
    """Load, let the caller change, and save the config while holding an exclusive lock,
    so two concurrent `profile add` runs both land instead of one overwriting the other."""
    path = path or config_dir() / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_path = path.with_name(path.name + ".lock")
    with os.fdopen(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600), "r+") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - not on POSIX
            pass
        config = Config.load(path)
        yield config
        config.save()


def resolve_profile(config: Config, requested: str | None) -> Profile:
    """Flag/environment value first (the caller merged those), then the config's default,
    then the only profile if there is exactly one."""
    if requested:
        return config.get(validation.profile_name(requested))
    if config.default_name:
        return config.get(config.default_name)
    names = config.names()
    if len(names) == 1:
        return config.get(names[0])
    if not names:
        raise NotFound("no profile configured: add one with 'mailctl profile add NAME --provider ... --url ... --user ...'")
    raise NotFound(f"several profiles and no default: choose one with --profile or 'mailctl profile use NAME' ({', '.join(names)})")
