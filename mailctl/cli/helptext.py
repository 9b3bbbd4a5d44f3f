"""What --help shows beyond the declarations: the examples at the end of each command's
help, the line that says the global options work there too, and a one-sentence summary
for the command lists of group help (a docstring's hard line breaks would show there).
One table, applied to the click tree when it is built, so no declaration repeats it."""

from __future__ import annotations

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
    "pop create": ("mailctl pop create info@example.com --quota 500 --generate",
                   "mailctl pop create --from-file new.csv --generate --report new.jsonl"),
    "pop delete": ("mailctl pop delete old@example.com", "mailctl pop delete --from-file leavers.csv --yes"),
    "passwd": ("mailctl passwd info@example.com --generate",
               "pass show mail/info | mailctl passwd info@example.com --password-stdin"),
    "account passwd": ("mailctl account passwd customer1 --generate",),
    "export": ("mailctl -p shop export > estate.toml",),
    "plan": ("mailctl plan estate.toml", "mailctl plan estate.toml --detailed-exitcode || echo changes pending"),
    "apply": ("mailctl apply estate.toml --generate --report new.jsonl",),
    "audit": ("mailctl audit -n 20",),
    "completion": ('eval "$(mailctl completion bash)"',),
    "demo": ("mailctl demo",),
}
INHERITED = ("Global options (-p NAME, -o table|plain|json, --json, -y, --no-input, --timeout, --debug, "
             "--no-color) work here too, before or after the command; see mailctl --help.")


def summary(text: str) -> str:
    """The first sentence of a help text, on one line."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def add_to(root) -> None:
    """Give every command of the click tree its examples, the global options line and a
    one-line summary."""
    from mailctl import providers

    first = providers.spec(providers.NAMES[0])

    def walk(command, path: tuple[str, ...]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, path + (name,))
        if not path:
            return
        if command.help and not command.short_help:
            command.short_help = summary(command.help)
        examples = [line.format(provider=first.name, url=first.url_hint) for line in EXAMPLES.get(" ".join(path), ())]
        lines = (["Examples:"] + [f"$ {line}" for line in examples]) if examples else []
        # Paragraphs: typer's help joins the lines of one and keeps the breaks between them.
        command.epilog = "\n\n".join(lines + [INHERITED])

    walk(root, ())
