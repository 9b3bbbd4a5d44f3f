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

    # Start-up makes a few hundred thousand objects (the imports -- the CLI framework,
    # then requests when the command talks to a server -- and the command tree) that live
    # until the process ends, and the cyclic collector would walk them over and over while
    # they are made. It is off until the command has built its first transport; then what
    # exists is frozen out of every later collection and the collector is back on for the
    # requests and their results (about 15% of a `pop list`). A command that talks to no
    # server (profile, help, completion) is short and ends with it still off.
    gc.disable()
    from mailctl.cli import run

    sys.exit(run(on_first_transport=_resume_collection))


def _resume_collection() -> None:
    import gc

    gc.freeze()
    gc.enable()


if __name__ == "__main__":
    main()
