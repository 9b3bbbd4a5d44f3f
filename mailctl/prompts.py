"""Asking the user on the terminal: a line of text, yes or no, a hidden secret.

Prompts and their answers go through the injected Environment (prompts on stderr, so
stdout keeps only data). What a person types wrong is asked again, up to ATTEMPTS times.
Ctrl-D at a prompt is "no input given" (exit 2); Ctrl-C is left to propagate, and
`mailctl.cli.run` ends the line the prompt was on and reports the interruption (130).
getpass, and a terminal given Ctrl-D, echo no newline, so the cursor would stay on the
prompt's line: these helpers end it themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from mailctl.errors import Declined, UsageError

if TYPE_CHECKING:
    from mailctl.environment import Environment

ATTEMPTS = 3
T = TypeVar("T")


class NoInput(UsageError):
    """The input ended (Ctrl-D) at a prompt: nothing was answered, nothing was done."""

    code = "no_input"


def why_not_asking(env: "Environment") -> str:
    """Why a prompt cannot be shown: the user said so, or there is no terminal."""
    return "--no-input was given" if env.no_input else "there is no terminal to ask on"


def _end_line(env: "Environment") -> None:
    env.stderr.write("\n")
    env.stderr.flush()


def _say(env: "Environment", text: str) -> None:
    env.stderr.write(text + "\n")
    env.stderr.flush()


def hidden(env: "Environment", prompt: str) -> str:
    """One hidden answer (not echoed)."""
    try:
        return env.getpass(prompt)
    except EOFError:
        _end_line(env)
        raise NoInput("no input given at the prompt; nothing was changed") from None


def line(env: "Environment", prompt: str) -> str:
    """One visible answer, without its line ending."""
    env.stderr.write(prompt)
    env.stderr.flush()
    text = env.stdin.readline()
    if not text:  # end of input: Ctrl-D on a terminal
        _end_line(env)
        raise NoInput("no input given at the prompt; nothing was changed")
    return text.rstrip("\r\n")


def yes_no(env: "Environment", question: str, *, default: bool = False) -> bool:
    """A yes/no answer; Enter alone gives `default`. Anything but yes or no is asked again."""
    suffix = "[Y/n]" if default else "[y/N]"
    for _ in range(ATTEMPTS):
        answer = line(env, f"{question} {suffix} ").strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        _say(env, "Please answer y or n.")
    return False


def confirm(env: "Environment", question: str) -> None:
    """Declined (exit 2) unless the user answers yes."""
    try:
        agreed = yes_no(env, question)
    except NoInput:
        raise Declined("no answer given; nothing was changed") from None
    if not agreed:
        raise Declined("not confirmed; nothing was changed")


def secret(env: "Environment", prompt: str, *, confirm: bool, what: str) -> str:
    """A hidden secret, typed twice when `confirm`; an empty one or two that differ are
    asked again, up to ATTEMPTS times, then UsageError (exit 2)."""
    for attempt in range(1, ATTEMPTS + 1):
        first = hidden(env, f"{prompt}: ")
        if not first:
            problem = f"{what} is empty"
        elif confirm and hidden(env, f"{prompt} (again): ") != first:
            problem = "the two passwords do not match"
        else:
            return first
        if attempt < ATTEMPTS:
            _say(env, f"{problem[0].upper()}{problem[1:]}; try again.")
    raise UsageError(f"{problem} ({ATTEMPTS} attempts); nothing was changed")


def ask(env: "Environment", prompt: str, check: Callable[[str], T], *, default: str | None = None) -> T:
    """A visible answer turned into a value by `check` (which raises UsageError for a
    bad one); asked again with the reason, up to ATTEMPTS times. Enter alone gives
    `default` when there is one."""
    shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
    for attempt in range(1, ATTEMPTS + 1):
        answer = line(env, shown).strip()
        if not answer and default:
            answer = default
        try:
            return check(answer)
        except UsageError as error:
            if attempt == ATTEMPTS:
                raise
            _say(env, f"{error.message}; try again.")
    raise AssertionError("unreachable")  # pragma: no cover
