"""What a command gets: the environment, the global options, and lazy access to the
config, the selected profile, its credentials and its backend. Nothing heavy is built
until a command asks for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from mailctl import validation
from mailctl.environment import Environment
from mailctl.errors import UsageError
from mailctl.output import Output

if TYPE_CHECKING:
    from mailctl.backends.base import Backend
    from mailctl.config import Config, Profile
    from mailctl.credentials import Credentials
    from mailctl.transport import Transport


@dataclass(eq=False)  # never compared: one generated method fewer at start-up
class GlobalOptions:
    profile: str | None = None  # the first -p
    profiles: list = field(default_factory=list)  # every -p, in order (names or globs)
    all_profiles: bool = False
    output: str | None = None
    yes: bool = False
    no_input: bool = False
    timeout: float | None = None
    debug: bool = False
    no_color: bool = False


@dataclass(eq=False)  # a run: compared by identity
class Runtime:
    env: Environment
    options: GlobalOptions = field(default_factory=GlobalOptions)
    _out: Output | None = None
    _config: "Config | None" = None
    _transports: list = field(default_factory=list)
    # Passwords typed or generated in this run; every transport redacts them.
    secrets: set = field(default_factory=set)
    _audit_log: object = None
    _redactor: object = None
    # Profiles selected with others (-p several, a glob, --all-profiles) that this version
    # cannot use (ConfigError by name): left out, and reported as failed, so one profile a
    # newer mailctl wrote does not stop the read of all the others.
    unusable_profiles: dict = field(default_factory=dict)
    # Called once, when the run's first transport (requests) has been built: the entry
    # point resumes garbage collection there (mailctl/__main__.py).
    on_first_transport: "Callable[[], None] | None" = None

    @property
    def out(self) -> Output:
        if self._out is None:
            from mailctl.redaction import MESSAGE_MIN_LENGTH, Redactor

            self._out = Output(self.env, self.options.output, color=not self.options.no_color,
                               redact=Redactor(self.secrets, MESSAGE_MIN_LENGTH))
        return self._out

    # -- configuration -------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        from mailctl.config import config_dir

        return config_dir(self.env.environ) / "config.toml"

    @property
    def config(self) -> "Config":
        if self._config is None:
            from mailctl.config import Config

            self._config = Config.load(self.config_path)
        return self._config

    @property
    def audit_path(self) -> Path:
        from mailctl.connect import audit_path

        return audit_path(self.env.environ)

    def editing_config(self):
        """The config, locked for a read-modify-write; saved when the block ends."""
        from mailctl.config import editing

        return editing(self.config_path)

    @property
    def several_profiles(self) -> bool:
        """Whether the command line selects more than one profile (-p twice, a glob,
        --all-profiles): only read commands take that."""
        return (self.options.all_profiles or len(self.options.profiles) > 1
                or any(_is_glob(name) for name in self.options.profiles))

    def selected_profiles(self) -> "list[Profile]":
        """The profiles -p (names and globs, in order) or --all-profiles select; the one
        profile profile() resolves when the command line names at most one."""
        import fnmatch

        from mailctl.errors import NotFound

        if not self.several_profiles:
            return [self.profile()]
        config = self.config
        names = config.names()
        if self.options.all_profiles:
            if self.options.profiles:
                raise UsageError("give -p NAME or --all-profiles, not both")
            if not names:
                raise NotFound("no profile configured: add one with 'mailctl profile add NAME --provider ... "
                               "--url ... --user ...'")
            return self._usable(names)
        chosen: list[str] = []
        for pattern in self.options.profiles:
            if _is_glob(pattern):
                matched = fnmatch.filter(names, pattern)
                if not matched:
                    raise NotFound(f"no profile matches {pattern!r} (profiles: {', '.join(names) or 'none'})")
            else:
                matched = [validation.profile_name(pattern)]
            chosen += [name for name in matched if name not in chosen]
        return self._usable(chosen)

    def _usable(self, names: "list[str]") -> "list[Profile]":
        from mailctl.errors import ConfigError

        profiles = []
        for name in names:
            try:
                profiles.append(self.config.get(name))
            except ConfigError as error:
                self.unusable_profiles[name] = error
        return profiles

    def profile(self) -> "Profile":
        from mailctl.config import resolve_profile

        if self.several_profiles:
            raise UsageError("this command works on one profile; -p several or --all-profiles is for the read "
                             "commands (domain list, pop list, session status, export)")
        if self.options.profile is not None:
            # An empty --profile is a mistake (`-p "$UNSET"`), not a request for the
            # default: falling back would act on another server than the script meant.
            requested = validation.profile_name(self.options.profile)
        else:
            requested = self.env.environ.get("MAILCTL_PROFILE") or None
        return resolve_profile(self.config, requested)

    def credentials(self, profile: "Profile") -> "Credentials":
        from mailctl.credentials import Credentials

        return Credentials(profile, dict(self.env.environ), self.config_path.parent / "secrets", warn=self.out.warn,
                           default_store=self.config.secret_store)

    # -- talking to a server -------------------------------------------------------------
    def transport(self, profile: "Profile") -> "Transport":
        from mailctl.connect import new_transport

        transport = new_transport(profile, secrets=self.secrets, timeout=self.options.timeout,
                                  debug=self.env.stderr if self.options.debug else None, notice=self.out.warn)
        self._transports.append(transport)
        hook, self.on_first_transport = self.on_first_transport, None
        if hook is not None:
            hook()
        return transport

    def backend(self, profile: "Profile | None" = None, *, overrides: "dict | None" = None) -> "Backend":
        """The profile's backend. `overrides`: provider options given on this command line
        for this run (cli.provider_options.run_options), checked against the provider.
        Built by mailctl.connect, the code path the Python API (mailctl.api) uses too."""
        from mailctl.connect import open_backend

        profile = profile or self.profile()
        if self._audit_log is None:
            from mailctl.audit import AuditLog

            self._audit_log = AuditLog(self.audit_path, redact=self.redact, warn=self.out.warn)
        return open_backend(profile, self.credentials(profile), transport_factory=lambda: self.transport(profile),
                            audit_log=self._audit_log, notice=self.out.warn, overrides=overrides)

    def redact(self, text: str) -> str:
        """`text` with every secret of this run blanked (the one redactor, see
        mailctl.redaction): the profile's secret, session ids and every password."""
        if self._redactor is None:
            from mailctl.redaction import Redactor

            self._redactor = Redactor(self.secrets)
        return self._redactor(text)

    def register_secret(self, value: str) -> None:
        """A password typed or generated in this run: hide it from every trace (the
        transports share this set)."""
        self.secrets.add(value)

    def close(self) -> None:
        for transport in self._transports:
            transport.close()

    # -- asking the user -----------------------------------------------------------------
    def confirm(self, question: str) -> None:
        """Ask yes/no on the terminal; --yes answers for the user. Without a terminal (or
        with --no-input) the answer cannot be given, so the run stops (exit 2) instead of
        guessing."""
        from mailctl import prompts

        if self.options.yes:
            return
        if not self.env.can_prompt:
            raise UsageError(f"{question} -- not asking: {prompts.why_not_asking(self.env)}; pass --yes to confirm")
        prompts.confirm(self.env, question)

    @property
    def will_ask(self) -> bool:
        """Whether confirm() will put a question to the user (no --yes, a terminal)."""
        return not self.options.yes and self.env.can_prompt


def _is_glob(name: str) -> bool:
    return any(ch in name for ch in "*?[")
