"""Regenerate the man page and the shell completion scripts from the CLI definition.

    python scripts/generate_docs.py           # rewrite man/ and completions/
    python scripts/generate_docs.py --check   # exit 1 and name the stale files

Run it after changing a command, an option or a help text; commit what it writes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's mailctl, installed or not

from mailctl.cli.shipped import REGENERATE, generated_files  # noqa: E402


def stale_files(root: Path | None = None) -> list[str]:
    root = root or ROOT
    stale = []
    for relative, content in generated_files().items():
        path = root / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(relative)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for relative in stale:
            print(f"stale: {relative}", file=sys.stderr)
        if stale:
            print(f"run: {REGENERATE}", file=sys.stderr)
        return 1 if stale else 0
    for relative, content in generated_files().items():
        path = ROOT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            # newline="\n": the same bytes on every platform.
            path.write_text(content, encoding="utf-8", newline="\n")
            print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
