"""The files shipped beside the package -- the man page and the completion scripts --
as the CLI generates them, keyed by their path in the source tree. scripts/generate_docs.py
writes them; a test compares them with the committed ones; pyproject.toml installs them."""

from __future__ import annotations

MAN_PAGE = "man/mailctl.1"
COMPLETION_FILES = {
    "bash": "completions/bash/mailctl",
    "zsh": "completions/zsh/_mailctl",
    "fish": "completions/fish/mailctl.fish",
}
REGENERATE = "python scripts/generate_docs.py"


def generated_files() -> dict[str, str]:
    """Path in the source tree -> the content the current CLI gives it."""
    import typer.main

    from mailctl.cli import completion, manpage
    from mailctl.cli.app import app

    root = typer.main.get_command(app)
    files = {MAN_PAGE: manpage.render(root)}
    for shell, path in COMPLETION_FILES.items():
        files[path] = completion.script(root, shell)
    return files
