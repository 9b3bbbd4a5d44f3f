"""mailctl(1), written from the click command tree the CLI runs on, so every command,
argument and option in the page is the one the program accepts, with its own help text.
The parts the tree cannot know (environment, files, exit status, examples) are here, built
from the constants the code uses. Output is deterministic -- no date, no terminal
width -- so a test can tell when the committed page is stale.

Plain man(7) macros only (TH SH SS TP PP RS RE IP EX EE), escaped for groff, so
`groff -man -ww` and mandoc render it without a warning."""

from __future__ import annotations

import inspect
import re
from typing import Iterable, Iterator

import click

from mailctl import __version__, providers
from mailctl.errors import (
    EXIT_AUTH, EXIT_CHANGES, EXIT_INTERRUPTED, EXIT_NOT_FOUND, EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, EXIT_TRANSPORT, EXIT_USAGE,
)

PROG = "mailctl"

# -- roff text ------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text safe on a roff text line: backslashes shown as such, '-' as a real minus (a
    plain '-' may render as a hyphen, which breaks copying an option), and an invisible
    break point after '/' and '|', so a long path or list of choices can wrap on a
    narrow terminal instead of overflowing it."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"([/|])(?=\S)", r"\1\\:", text)


def bold(text: str) -> str:
    return f"\\fB{escape(text)}\\fR"


def italic(text: str) -> str:
    return f"\\fI{escape(text)}\\fR"


def text_line(text: str) -> str:
    # A line starting with '.' or "'" would be read as a request.
    return "\\&" + text if text[:1] in (".", "'") else text


def paragraphs(help_text: str | None) -> list[str]:
    """Help text as paragraphs of one line each (groff fills them)."""
    if not help_text:
        return []
    cleaned = inspect.cleandoc(help_text)
    # click's help marks: \b (keep this paragraph unwrapped) and \f (cut off the rest).
    cleaned = cleaned.split("\f", 1)[0].replace("\b\n", "")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", cleaned) if p.strip()]


def _prose(help_text: str | None) -> Iterator[str]:
    for number, paragraph in enumerate(paragraphs(help_text)):
        if number:
            yield ".PP"
        yield text_line(escape(paragraph))


# -- the command tree -----------------------------------------------------------------


def leaf_commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """(path, command) for every runnable command: the top level in the order of
    `mailctl --help`, a group's commands by name."""
    for name in _names(group, path):
        command = group.commands[name]
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from leaf_commands(command, path + (name,))
        else:
            yield path + (name,), command


def _visible(params: Iterable[click.Parameter]) -> list[click.Parameter]:
    return [p for p in params if not getattr(p, "hidden", False)]


def option_metavar(option: click.Option) -> str | None:
    """The placeholder shown after an option that takes a value; None for a flag.
    Derived here rather than by click, whose wording changes between versions."""
    if option.is_flag or option.count:
        return None
    if option.metavar:
        return option.metavar
    if isinstance(option.type, click.Choice):
        return "|".join(str(c) for c in option.type.choices)
    kind = option.type.name
    if kind.startswith("integer"):
        return "N"
    if kind.startswith("float"):
        return "NUMBER"
    if kind in ("path", "file"):
        return "PATH"
    longest = max(option.opts, key=len)
    return longest.lstrip("-").replace("-", "_").upper()


def argument_metavar(argument: click.Argument) -> str:
    name = argument.metavar or argument.name.upper()
    if argument.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name


def _option_names(option: click.Option) -> str:
    names = sorted(option.opts, key=lambda n: (len(n), n)) + list(option.secondary_opts)
    return ", ".join(bold(n) for n in names)


def _option_tag(option: click.Option) -> str:
    metavar = option_metavar(option)
    return _option_names(option) + (f" {italic(metavar)}" if metavar else "")


def _option_help(option: click.Option) -> str:
    sentences = paragraphs(option.help)
    if option.required:
        sentences.append("Required.")
    default = option.default
    if option.show_default and not option.is_flag and default not in (None, "", (), []) and not callable(default):
        sentences.append(f"Default: {default}.")
    return " ".join(sentences)


def synopsis(path: tuple[str, ...], command: click.Command) -> str:
    """`mailctl pop create [OPTIONS] ADDRESS`, with the options that are required."""
    parts = [bold(" ".join((PROG,) + path))]
    params = _visible(command.params)
    options = [p for p in params if isinstance(p, click.Option)]
    if any(not o.required for o in options):
        parts.append(f"[{italic('OPTIONS')}]")
    for option in options:
        if option.required:
            metavar = option_metavar(option)
            parts.append(bold(max(option.opts, key=len)) + (f" {italic(metavar)}" if metavar else ""))
    for argument in (p for p in params if isinstance(p, click.Argument)):
        name = italic(argument_metavar(argument))
        parts.append(name if argument.required else f"[{name}]")
    return " ".join(parts)


def _options(params: Iterable[click.Parameter]) -> Iterator[str]:
    for option in (p for p in _visible(params) if isinstance(p, click.Option)):
        yield ".TP"
        yield _option_tag(option)
        help_text = _option_help(option)
        if help_text:
            yield text_line(escape(help_text))


def _arguments(params: Iterable[click.Parameter]) -> Iterator[str]:
    for argument in (p for p in _visible(params) if isinstance(p, click.Argument)):
        help_text = " ".join(paragraphs(getattr(argument, "help", None)))
        if help_text:
            yield ".TP"
            yield italic(argument_metavar(argument))
            yield text_line(escape(help_text))


def _command_section(path: tuple[str, ...], command: click.Command) -> Iterator[str]:
    yield ".PP"
    yield synopsis(path, command)
    yield ".RS 4"
    yield from _prose(command.help)
    yield from _arguments(command.params)
    yield from _options(command.params)
    yield from _command_examples(path)
    yield ".RE"


def _command_examples(path: tuple[str, ...]) -> Iterator[str]:
    from mailctl.cli import helptext

    lines = helptext.examples(path)
    if lines:
        yield ".PP"
        yield "Examples:"
        yield ".EX"
        yield from (text_line(escape(line)) for line in lines)
        yield ".EE"


def _names(group: click.Group, path: tuple[str, ...]) -> list[str]:
    from mailctl.cli import helptext

    return helptext.ordered(list(group.commands)) if not path else sorted(group.commands)


def _commands(root: click.Group) -> Iterator[str]:
    for name in _names(root, ()):
        command = root.commands[name]
        if command.hidden:
            continue
        yield f".SS {name}"
        if isinstance(command, click.Group):
            yield from _prose(command.help)
            for path, leaf in leaf_commands(command, (name,)):
                yield from _command_section(path, leaf)
        else:
            yield from _command_section((name,), command)


# -- what the tree cannot tell --------------------------------------------------------

DESCRIPTION = [
    "mailctl is one command line for the mailboxes a system administrator runs on other "
    f"people's hosting panels: {providers.labels(providers.specs())}. "
    "A profile names one server or account; the same commands work for all of them.",
    "Data goes to standard output, everything else (messages, prompts, errors) to standard error. "
    "On a terminal the data is a table; in a pipe it is plain text, one record per line with "
    "tab-separated fields, no header and no colour; with --json it is JSON, sizes carrying the unit "
    "in the key (quota_mb, usage_bytes) and null for unlimited or unknown. In JSON mode an error is "
    'also JSON, on standard error: {"error": {"code", "message", "provider"}}.',
    "A profile's secret (password, login key or API token) is checked with the server by "
    "'mailctl session login' and only then stored in the OS keyring. New mailbox and account "
    "passwords never come from the command line, where ps(1) and shell history would keep them: "
    "they are read from a hidden prompt (asked twice), --password-stdin, --password-file PATH, "
    "or made by --generate and printed once.",
    "Reads are retried on connection errors, 5xx and 429 answers; a change is sent once, and "
    "after an ambiguous failure mailctl asks the server what actually happened. Failed logins "
    "are never retried, since panels lock out users and addresses after a few.",
    "Every command accepts -h and --help. The global options may be written before or after "
    "the command; precedence is option, then environment, then profile, then default.",
]


def _environment() -> list[tuple[str, str]]:
    from mailctl.audit import STATE_DIR_ENV
    from mailctl.config import CONFIG_DIR_ENV
    from mailctl.credentials import SECRET_ENV, STORE_ENV

    return [
        ("MAILCTL_PROFILE", "The profile to use when --profile is not given."),
        (SECRET_ENV, "The profile's secret (password, login key or API token) for this run, used instead of "
                     "the stored one; for scripts and CI. Never put it on a command line."),
        (STORE_ENV, "Where secrets are kept: 'keyring' or 'plaintext' (mode-0600 files, for hosts without a "
                    "keyring). Over a profile's own choice and secret_store at the top of config.toml; "
                    "'session login --store' is over it."),
        (CONFIG_DIR_ENV, "The directory holding config.toml (and the opt-in plaintext secrets), instead of "
                         "the platform's user configuration directory."),
        (STATE_DIR_ENV, "The directory holding the audit log, instead of the platform's user state directory."),
        ("NO_COLOR", "When set (to anything), no colour in the output; the same as --no-color."),
        ("XDG_CONFIG_HOME", f"On Linux, the user configuration directory is $XDG_CONFIG_HOME/{PROG} "
                            f"(default ~/.config/{PROG})."),
        ("XDG_STATE_HOME", f"On Linux, the user state directory is $XDG_STATE_HOME/{PROG} "
                           f"(default ~/.local/state/{PROG})."),
    ]


def _files() -> list[tuple[str, str]]:
    from mailctl.credentials import SERVICE

    return [
        (f"~/.config/{PROG}/config.toml",
         "The profiles (on Linux; $MAILCTL_CONFIG_DIR/config.toml when that is set). Written atomically, "
         "mode 0600; it never holds a secret. Keys a newer mailctl wrote are kept."),
        (f"~/.config/{PROG}/secrets/",
         "Secrets of profiles whose owner opted in to plaintext storage (for hosts without a keyring): "
         "secret_store = \"plaintext\" at the top of config.toml for every profile, $MAILCTL_SECRET_STORE, "
         "or 'mailctl session login --store plaintext' for one. One file per profile, mode 0600."),
        (f"~/.local/state/{PROG}/audit.jsonl",
         "The audit log: one JSON line per create, delete or password change, never a secret. "
         "'mailctl audit' shows it."),
        (f"keyring service \"{SERVICE}\"",
         "The OS keyring entries: one per profile, named after it, and PROFILE:session for a "
         "provider session (providers that have sessions)."),
    ]


EXIT_STATUS = [
    (EXIT_OK, "Success."),
    (EXIT_REFUSED, "The provider refused the operation (its message is shown)."),
    (EXIT_USAGE, "Usage error or invalid input; nothing was sent. Also a declined confirmation, or "
                 "no answer (Ctrl-D) at a prompt."),
    (EXIT_NOT_FOUND, "Not found: profile, domain or mailbox."),
    (EXIT_AUTH, "Authentication or permission failure, or no stored credentials."),
    (EXIT_TRANSPORT, "Could not talk to the server: connection, TLS, timeout, or an answer it could not read."),
    (EXIT_PARTIAL, "A bulk run finished and some items failed (the report says which)."),
    (EXIT_CHANGES, "plan --detailed-exitcode: the live state differs from the estate file."),
    (EXIT_INTERRUPTED, "Interrupted."),
]

_FIRST = providers.spec(providers.NAMES[0])
EXAMPLES = [
    (f"Add a {_FIRST.label} server, check and store its {_FIRST.secret}, look around:",
     [f"mailctl profile add prod --provider {_FIRST.name} \\",
      f"    --url {_FIRST.url_hint} --user admin",
      "mailctl session login",
      "mailctl domain list",
      "mailctl pop list example.com"]),
    ("Create a mailbox with a 500 MB quota and a generated password (printed once):",
     ["mailctl pop create info@example.com --quota 500 --generate"]),
    ("Change a password from a password manager, without it touching the command line:",
     ["pass show mail/info | mailctl passwd info@example.com --password-stdin"]),
    ("Delete two mailboxes without being asked (scripts):",
     ["mailctl pop delete old@example.com older@example.com --yes"]),
    ("The mailboxes without a quota, for a script:",
     ["mailctl --json pop list example.com | jq -r '.[] | select(.quota_mb == null) | .address'"]),
    ("Use another profile for one command, or a secret from the environment in CI:",
     ["mailctl -p staging domain list",
      "MAILCTL_SECRET=\"$TOKEN\" mailctl -p mbo pop list example.com"]),
    ("Shell completion in the current bash, and a tour against the built-in emulator:",
     ["eval \"$(mailctl completion bash)\"",
      "mailctl demo"]),
]


def _tagged(items: Iterable[tuple[object, str]], tag=bold) -> Iterator[str]:
    for name, description in items:
        yield ".TP"
        yield tag(str(name))
        yield text_line(escape(description))


def _examples() -> Iterator[str]:
    for number, (explanation, lines) in enumerate(EXAMPLES):
        if number:
            yield ".PP"
        yield text_line(escape(explanation))
        yield ".PP"
        yield ".RS 4"
        yield ".EX"
        yield from (text_line(escape(line)) for line in lines)
        yield ".EE"
        yield ".RE"


# -- the page ---------------------------------------------------------------------------


def render(root: click.Group) -> str:
    """The whole mailctl(1) page for the command tree ROOT."""
    summary = paragraphs(root.help)[0].rstrip(".")
    summary = summary[0].lower() + summary[1:]
    lines = [
        f'.TH {PROG.upper()} 1 "" "{PROG} {__version__}" "User Commands"',
        # Ragged right and no hyphenation: option names, paths and URLs stay whole. groff's
        # man macros turn hyphenation back on to the HY register's value after examples.
        ".ad l",
        ".nr HY 0",
        ".nh",
        ".SH NAME",
        f"{PROG} \\- {escape(summary)}",
        ".SH SYNOPSIS",
        f"{bold(PROG)} [{italic('GLOBAL OPTIONS')}] {italic('COMMAND')} [{italic('OPTIONS')}] [{italic('ARGUMENTS')}]",
    ]
    for path, command in leaf_commands(root):
        lines += [".br", synopsis(path, command)]
    lines += [".SH DESCRIPTION"]
    for number, paragraph in enumerate(DESCRIPTION):
        if number:
            lines.append(".PP")
        lines.append(text_line(escape(paragraph)))
    lines += [".SH GLOBAL OPTIONS"]
    lines += _options(root.params)
    lines += [".TP", f"{bold('-h')}, {bold('--help')}", "Show the help of mailctl or of a command, and exit."]
    lines += [".SH COMMANDS"]
    lines += _commands(root)
    lines += [".SH ENVIRONMENT"]
    lines += _tagged(_environment())
    lines += [".SH FILES"]
    lines += _tagged(_files(), tag=italic)
    lines += [".SH EXIT STATUS"]
    lines += _tagged(EXIT_STATUS)
    lines += [".SH EXAMPLES"]
    lines += _examples()
    lines += [".SH SEE ALSO", f"{bold('jq')}(1), {bold('pass')}(1)",
              ".PP", text_line(escape("The README of the source distribution: provider setup, scripting "
                                      "recipes and the emulator used by the tests and 'mailctl demo'."))]
    return "\n".join(lines) + "\n"
