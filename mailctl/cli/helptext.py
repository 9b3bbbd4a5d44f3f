"""How --help reads, beyond the declarations: the examples at the end of each command's
help, the line that says the global options work there too, a one-sentence summary for
the command lists of group help (a docstring's hard line breaks would show there), the
order and sections of `mailctl --help`, and the width help is laid out to. One place,
applied to the click tree when it is built, so no declaration repeats it."""

from __future__ import annotations

from typing import Sequence

EXAMPLES: dict[str, tuple[str, ...]] = {
    "profile add": ("mailctl profile add shop --provider {provider} --url {url} --user admin",),
    "profile list": ("mailctl profile list", "mailctl --json profile list | jq -r '.[].name'"),
    "profile show": ("mailctl profile show shop",),
    "profile remove": ("mailctl profile remove old-shop",),
    "profile use": ("mailctl profile use shop",),
    "session login": ("mailctl -p shop session login", "pass show panels/shop | mailctl -p shop session login --secret-stdin"),
    "session status": ("mailctl session status", "mailctl --all-profiles session status"),
    "session logout": ("mailctl -p shop session logout",),
    "domain list": ("mailctl domain list", "mailctl -p 'shop-*' domain list"),
    "pop list": ("mailctl pop list example.com", "mailctl --json pop list --all-domains | jq -r '.[].address'"),
    "pop show": ("mailctl pop show info@example.com", "mailctl --json pop show info@example.com | jq .usage_bytes"),
    "pop create": ("mailctl pop create info@example.com --quota 500 --generate",
                   "mailctl pop create --from-file new.csv --generate --report new.jsonl"),
    "pop set": ("mailctl pop set info@example.com --quota 2G", "mailctl pop set old@example.com --suspend"),
    "pop delete": ("mailctl pop delete old@example.com", "mailctl pop delete --from-file leavers.csv --yes"),
    "alias list": ("mailctl alias list example.com", "mailctl --json alias list --all-domains > aliases.json"),
    "alias add": ("mailctl alias add sales@example.com --to ann@example.com --to bob@example.com",),
    "alias remove": ("mailctl alias remove sales@example.com --to bob@example.com",
                     "mailctl alias remove old@example.com --yes"),
    "passwd": ("mailctl passwd info@example.com --generate",
               "pass show mail/info | mailctl passwd info@example.com --password-stdin"),
    "account passwd": ("mailctl account passwd customer1 --generate",),
    "export": ("mailctl -p shop export > estate.toml",),
    "plan": ("mailctl plan estate.toml", "mailctl plan estate.toml --detailed-exitcode || echo changes pending"),
    "apply": ("mailctl apply estate.toml --generate --report new.jsonl",),
    "audit": ("mailctl audit -n 20",),
    "completion": ('eval "$(mailctl completion bash)"',
                   "mailctl completion bash > ~/.local/share/bash-completion/completions/mailctl"),
    "demo": ("mailctl demo",),
}
INHERITED = ("Inherited options: the global options (-p NAME, -o table|plain|json, --json, -y, --no-input, "
             "--timeout, --debug, --no-color) work here too, before or after the command; see mailctl --help.")

# `mailctl --help`: the commands in the order of a user's first hour -- set up, look
# around, change -- then desired state, then the tools around it.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Commands", ("profile", "session", "domain", "pop", "alias", "passwd", "account")),
    ("Desired state (an estate file)", ("export", "plan", "apply")),
    ("More", ("audit", "completion", "demo")),
)
FIRST_HOUR = tuple(name for _, names in SECTIONS for name in names)

# Help is laid out to the terminal's width, up to this many columns (longer lines of
# prose are hard to read); never narrower than click's 50.
MAX_WIDTH = 100


def width(columns: int) -> int:
    """The width of help text on a terminal `columns` wide (click's margin of 2 kept)."""
    return max(min(columns, MAX_WIDTH) - 2, 50)


def summary(text: str) -> str:
    """The first sentence of a help text, on one line."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def examples(path: Sequence[str]) -> list[str]:
    """The example command lines of the command at `path` ("pop", "list")."""
    from mailctl import providers

    first = providers.spec(providers.NAMES[0])
    return [line.format(provider=first.name, url=first.url_hint) for line in EXAMPLES.get(" ".join(path), ())]


def ordered(names: Sequence[str]) -> list[str]:
    """Command names in first-hour order; any other after them, by name."""
    rank = {name: number for number, name in enumerate(FIRST_HOUR)}
    return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))


def format_sections(group, ctx, formatter) -> None:
    """The root's command list, in SECTIONS (a command in none goes under the first)."""
    commands = [(name, group.get_command(ctx, name)) for name in group.list_commands(ctx)]
    commands = [(name, command) for name, command in commands if command is not None and not command.hidden]
    if not commands:
        return
    longest = max(len(name) for name, _ in commands)
    limit = formatter.width - 6 - longest
    placed = {name for _, names in SECTIONS[1:] for name in names}
    for number, (title, names) in enumerate(SECTIONS):
        # Names padded to the longest: the sections' descriptions start in one column.
        rows = [(name.ljust(longest), command.get_short_help_str(limit)) for name, command in commands
                if (name in names if number else name not in placed)]
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


def add_to(root) -> None:
    """Give every command of the click tree its examples, the inherited options line and
    a one-line summary."""
    def walk(command, path: tuple[str, ...]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, path + (name,))
        if not path:
            return
        if command.help and not command.short_help:
            command.short_help = summary(command.help)
        lines = examples(path)
        # click rewraps each paragraph; one marked \b keeps its lines as they are, so the
        # examples stay one block of command lines, each whole.
        block = ["\b\nExamples:\n" + "\n".join(f"  $ {line}" for line in lines)] if lines else []
        command.epilog = "\n\n".join(block + [INHERITED])

    walk(root, ())
