"""Entry point of the command line: runs the Typer app and maps every failure to one
line on stderr and its exit code (docs/architecture.md). This is the only place that
exits."""

from __future__ import annotations

import re

import sys
from typing import Callable, Sequence

from mailctl.environment import Environment
from mailctl.errors import EXIT_INTERRUPTED, EXIT_USAGE, MailctlError


def _wants_json(argv: Sequence[str]) -> bool:
    # Errors from argument parsing happen before the global options are known; look
    # for the json switch directly so a script that asked for JSON gets JSON errors.
    args = list(argv)
    return "--json" in args or any(
        a in ("-o", "--output") and i + 1 < len(args) and args[i + 1] == "json" for i, a in enumerate(args)
    ) or "--output=json" in args or "-ojson" in args


# Global options a user may also write after the command (`mailctl pop list D --json`),
# as scripts and muscle memory do. No subcommand defines options of these names (a test
# keeps it so), which makes moving them to the front unambiguous.
GLOBAL_FLAGS = frozenset({"--json", "--yes", "-y", "--no-input", "--debug", "--no-color", "--all-profiles"})
GLOBAL_WITH_VALUE = frozenset({"--output", "-o", "--profile", "-p", "--timeout"})


def hoist_global_options(argv: Sequence[str]) -> list[str]:
    """Move global options found after the command to the front, keeping their order."""
    front: list[str] = []
    rest: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS:
            front.append(arg)
        elif name in GLOBAL_WITH_VALUE and "=" in arg and name.startswith("--"):
            front.append(arg)
        elif arg in GLOBAL_WITH_VALUE and i + 1 < len(args):
            front.extend(args[i : i + 2])
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def run(argv: Sequence[str] | None = None, env: Environment | None = None, *,
        on_first_transport: Callable[[], None] | None = None) -> int:
    """Run one mailctl command line; returns the exit code. `on_first_transport` is called
    once the command has built its first transport, before its first request (the entry
    point resumes garbage collection there)."""
    import click

    from mailctl.cli.runtime import Runtime
    from mailctl.output import Output

    env = env or Environment()
    argv = hoist_global_options(sys.argv[1:] if argv is None else argv)
    runtime = Runtime(env, on_first_transport=on_first_transport)
    command = _command(argv)
    try:
        # click writes help and usage to sys.stdout/stderr; point them at the
        # environment's streams so an injected environment captures everything.
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = env.stdout, env.stderr
        try:
            result = command.main(args=argv, prog_name="mailctl", standalone_mode=False, obj=runtime,
                                  terminal_width=_help_width(env))
        finally:
            sys.stdout, sys.stderr = saved
        # What is still buffered goes now, while a closed pipe can still be told apart
        # from a failure (at interpreter exit it would end in exit 120 and a warning).
        try:
            env.stdout.flush()
        except BrokenPipeError:
            return _closed_stdout(env)
        return result if isinstance(result, int) else 0
    except MailctlError as error:
        if _broken_pipe(error, env):
            return _closed_stdout(env)
        from mailctl.cli import hints

        hints.add_to(error, runtime, _named_command(argv))
        runtime.out.error(error)
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        return _interrupted(env, argv)
    except click.UsageError as error:
        from mailctl.errors import UsageError

        if type(error).__name__ == "NoArgsIsHelpError":
            # `mailctl` or `mailctl pop` alone asks for the help (as gh does): not a mistake.
            # typer's rich help is already printed; click's plain one is the message.
            text = error.format_message()
            if text.strip():
                env.stdout.write(text + "\n")
            return 0

        wrapped = UsageError(_usage_message(error))
        if _wants_json(argv):
            Output(env, "json").error(wrapped)
        else:
            Output(env, "plain").error(wrapped)
            if error.ctx:
                env.stderr.write(f"Try '{error.ctx.command_path} --help' for help.\n")
        return EXIT_USAGE
    except (KeyboardInterrupt, _CtrlC):
        return _interrupted(env, argv)
    except (Exception, SystemExit) as error:
        # The reader (head, jq -e ...) went away: that is their choice, not an error.
        # click turns EPIPE into exit 1, and other code may wrap it; look down the chain.
        if _broken_pipe(error, env):
            return _closed_stdout(env)
        if isinstance(error, OSError) and not runtime.options.debug:
            # A local file (config, secrets, report, state) that cannot be read or
            # written: one line, not a traceback. --debug keeps the traceback.
            from mailctl.errors import LocalFileError

            reason = error.strerror or str(error) or type(error).__name__
            if getattr(error, "filename", None):
                wrapped = LocalFileError(f"cannot use the file {error.filename}: {reason}")
            else:
                wrapped = LocalFileError(f"a local file operation failed: {reason}")
            runtime.out.error(wrapped)
            return wrapped.exit_code
        raise
    finally:
        runtime.close()


class _CtrlC(Exception):
    """Ctrl-C in a command, carried past typer, which would turn it into a silent exit 130."""


def _interruptible(invoke):
    def invoke_command(ctx):
        try:
            return invoke(ctx)
        except KeyboardInterrupt:
            raise _CtrlC() from None

    return invoke_command


def _interrupted(env: Environment, argv: Sequence[str]) -> int:
    """Ctrl-C: the terminal echoed ^C where the cursor was (often after a prompt), so the
    message starts a new line, and the shell's prompt gets a line of its own. In json mode
    the message is a JSON error line like every other (the line is ended on a terminal only)."""
    from mailctl.errors import Interrupted
    from mailctl.output import Output

    try:
        if _wants_json(argv):
            if env.stderr_isatty:
                env.stderr.write("\n")
            Output(env, "json").error(Interrupted("interrupted"))
        else:
            env.stderr.write("\nmailctl: interrupted\n")
        env.stderr.flush()
    except (OSError, ValueError):
        pass
    return EXIT_INTERRUPTED


def _help_width(env: Environment) -> int:
    from mailctl.cli import helptext

    return helptext.width(env.terminal_width())


def _broken_pipe(error: BaseException | None, env: Environment) -> bool:
    """Whether `error` is, or was caused by, stdout's reader going away: mailctl's own
    writes say so (StdoutClosed); an EPIPE from elsewhere (click printing help) counts
    only when stdout really is a pipe nobody reads, never a server's closed socket."""
    import errno

    from mailctl.output import StdoutClosed

    seen = set()
    epipe = False
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, StdoutClosed):
            return True
        epipe = epipe or isinstance(error, OSError) and error.errno == errno.EPIPE
        error = error.__cause__ or error.__context__
    return epipe and _reader_gone(env.stdout)


def _reader_gone(stream) -> bool:
    import select

    try:
        poller = select.poll()
        poller.register(stream.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def _closed_stdout(env: Environment) -> int:
    _silence(env.stdout)
    return 0


def _usage_message(error) -> str:
    message = error.format_message()
    # typer and click each append the same "Did you mean ...?" to an unknown command.
    parts = message.split(" Did you mean ")
    message = " Did you mean ".join(dict.fromkeys(parts))
    # With several candidates click words it "(Did you mean one of: ...)" after typer's.
    if message.count("Did you mean") > 1:
        message = re.sub(r"\s*\(Did you mean one of: [^)]*\)", "", message)
    return message[0].lower() + message[1:] if message else "invalid usage"


def _silence(stream) -> None:
    """Point a closed stdout at /dev/null, so what is still buffered in it is dropped
    quietly instead of failing again when Python flushes it at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


_COMMANDS: dict = {}


def _command(argv: Sequence[str]):
    """The click command for this command line. typer builds a command by evaluating
    every option's annotation (~0.5 ms a command), and the command modules build their
    provider options when imported, so a command line that names one command gets a
    tree holding only that command, with only its module imported; help, a typo and
    shell completion get the whole tree."""
    import typer.main

    from mailctl.cli import app

    path = _named_command(argv)
    if path not in _COMMANDS:
        from mailctl.cli import helptext

        command = typer.main.get_command(app.for_command(path) if path else app.app)
        helptext.add_to(command)
        command.invoke = _interruptible(command.invoke)
        _COMMANDS[path] = command
    return _COMMANDS[path]


def _named_command(argv: Sequence[str]) -> tuple[str, ...]:
    """("pop", "list") or ("passwd",) when argv names a command the app has; else ()."""
    import os

    from mailctl.cli import app
    from mailctl.cli.completion import COMPLETE_VAR

    if os.environ.get(COMPLETE_VAR) or "--help" in argv or "-h" in argv:
        return ()
    i = 0
    while i < len(argv) and argv[i].startswith("-"):  # the global options, hoisted to the front
        i += 2 if argv[i] in GLOBAL_WITH_VALUE else 1
    words = list(argv[i : i + 2])
    if words and words[0] in app.COMMANDS:
        return (words[0],)
    if len(words) == 2 and words[0] in app.GROUPS and words[1] in {
            c.name for c in app.group_app(words[0]).registered_commands}:
        return (words[0], words[1])
    return ()


def main() -> None:
    sys.exit(run())
