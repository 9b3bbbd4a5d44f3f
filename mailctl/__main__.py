"""`mailctl` and `python -m mailctl`.

`mailctl --version` is answered before the CLI framework is imported: scripts call it to
probe for the tool, and it should cost little more than starting Python."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from mailctl import __version__

        sys.stdout.write(f"mailctl {__version__}\n")
        sys.exit(0)
    import gc

    # Start-up makes a few hundred thousand objects (the imports, the command tree) that
    # live until the process ends, and the cyclic collector would walk them over and over
    # while they are made: it is off until the command is built, and what exists then is
    # frozen out of every later collection (about 5% of a `pop list`). The command itself
    # runs with the collector on, as always.
    gc.disable()
    from mailctl.cli import run

    sys.exit(run(on_built=_resume_collection))


def _resume_collection() -> None:
    import gc

    gc.freeze()
    gc.enable()


if __name__ == "__main__":
    main()
