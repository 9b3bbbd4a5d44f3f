"""The guided tour behind `mailctl demo`: real mailctl command lines, run one after the
other against the built-in emulator, each shown as `$ mailctl ...` before its output.

Everything happens in a sandbox that is gone when the tour ends: the emulator listens on
a free 127.0.0.1 port inside this process, the config and state directories are a
temporary directory, and secrets go to an in-memory keyring installed for the duration
(the user's own keyring backend is put back afterwards). The user's environment
variables that would reach into their setup (MAILCTL_PROFILE, MAILCTL_SECRET, ...) are
not passed on. Imported only when the tour runs: it loads the emulator and keyring."""

from __future__ import annotations

import contextlib
import io
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

import keyring

from mailctl.environment import Environment
from mailctl.memory_keyring import MemoryKeyring

# The emulator's default world (mailctl.emulator): on every provider user `demo` owns
# example.com, and uses this password; so does the toured provider's administrator.
DEMO_SECRET = "demo-secret"


@dataclass(frozen=True)
class Step:
    explanation: str
    args: tuple[str, ...]


def toured():
    """The provider the tour shows: the first whose emulated world has an administrator."""
    from mailctl import providers

    return next(spec for spec in providers.specs() if spec.demo_admin)


def steps(url: str) -> list[Step]:
    spec = toured()
    return [
        Step("A profile is a named connection to a panel. The config file never holds a secret.",
             ("profile", "add", "shop", "--provider", spec.name, "--url", url, "--user", "demo")),
        Step("session login asks for the password without echoing it, checks it with the server, "
             "and only then stores it in the keyring (here: an in-memory one).",
             ("session", "login")),
        Step("session status checks the stored secret again.", ("session", "status")),
        Step("The domains this login may manage:", ("domain", "list")),
        Step("A new mailbox. Passwords never come from the command line: a hidden prompt, "
             "--password-stdin, --password-file, or --generate, which prints it once.",
             ("pop", "create", "hello@example.com", "--quota", "250", "--generate")),
        Step("The domain's mailboxes, with quota and usage.", ("pop", "list", "example.com")),
        Step("The same list for a script: JSON on stdout, sizes with the unit in the key.",
             ("pop", "list", "example.com", "--json")),
        Step("A new password for the mailbox.", ("passwd", "hello@example.com", "--generate")),
        Step("Deleting asks for confirmation at a terminal; --yes answers it in scripts.",
             ("pop", "delete", "hello@example.com", "--yes")),
        Step("A second profile: the server's administrator.",
             ("profile", "add", "server", "--provider", spec.name, "--url", url, "--user", spec.demo_admin)),
        Step("-p picks a profile for one command (MAILCTL_PROFILE does the same for a shell).",
             ("-p", "server", "session", "login")),
        Step("An administrator can change a hosting account's login password.",
             ("-p", "server", "account", "passwd", "demo", "--generate")),
        Step("All profiles; the first one added is the default.", ("profile", "list")),
    ]


@contextlib.contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        yield memory
    finally:
        keyring.set_keyring(previous)


def sandbox_environ(environ: Mapping[str, str], root: Path) -> dict[str, str]:
    """The user's environment without anything that points mailctl at their own setup,
    plus config and state directories inside the sandbox."""
    kept = {key: value for key, value in environ.items() if not key.startswith("MAILCTL_")}
    kept["MAILCTL_CONFIG_DIR"] = str(root / "config")
    kept["MAILCTL_STATE_DIR"] = str(root / "state")
    return kept


class Tour:
    def __init__(self, env: Environment, global_args: list[str], *, no_color: bool = False):
        self.env = env
        self.global_args = global_args
        self.no_color = no_color

    def say(self, text: str = "") -> None:
        self.env.stderr.write(text + "\n")
        self.env.stderr.flush()

    def _type_secret(self, prompt: str) -> str:
        # Stands in for the user at the hidden prompt, showing what they would see.
        self.env.stderr.write(f"{prompt}{'*' * len(DEMO_SECRET)}   (typed by the demo)\n")
        self.env.stderr.flush()
        return DEMO_SECRET

    def run(self) -> int:
        """Run every step; returns 0, or the exit code of the first step that failed."""
        from mailctl.cli import run as run_mailctl
        from mailctl.emulator import Emulator

        with tempfile.TemporaryDirectory(prefix="mailctl-demo-") as root, memory_keyring(), Emulator() as emulator:
            environ = sandbox_environ(self.env.environ, Path(root))
            if self.no_color:
                environ["NO_COLOR"] = "1"  # the same as --no-color, without repeating it on every line
            from mailctl import providers

            specs = providers.specs()
            self.say(f"mailctl demo: a built-in emulator of all {len(specs)} providers mailctl speaks "
                     f"({providers.labels(specs)}) is listening on {emulator.url}; the tour uses {toured().label}.")
            self.say("Every command below is a real mailctl run against it, with a throwaway config and "
                     "keyring; nothing of yours is read or changed.")
            tour = steps(emulator.url)
            for number, step in enumerate(tour, 1):
                args = [*self.global_args, *step.args]
                self.say()
                self.say(f"# {number}/{len(tour)}  {step.explanation}")
                self.say(f"$ mailctl {shlex.join(args)}")
                step_env = Environment(
                    stdin=io.StringIO(""), stdout=self.env.stdout, stderr=self.env.stderr,
                    stdin_isatty=True, stdout_isatty=self.env.stdout_isatty, stderr_isatty=self.env.stderr_isatty,
                    environ=environ, getpass=self._type_secret,
                )
                code = run_mailctl(args, step_env)
                self.env.stdout.flush()
                if code != 0:
                    self.say(f"mailctl demo: step {number} ended with exit status {code}; stopping here.")
                    return code
        self.say()
        self.say("That was the tour; the emulator has stopped and the sandbox is gone.")
        from mailctl import providers

        self.say(f"Your own server: mailctl profile add NAME --provider {'|'.join(providers.NAMES)} "
                 "--url URL --user USER, then mailctl session login. More: man mailctl.")
        return 0
