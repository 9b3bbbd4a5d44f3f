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
    from mailctl.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
