"""The --from-file options of `pop create`, `pop delete` and `passwd`, declared once, and
the check that a command line is either a single change or a bulk run, not both."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import click
import typer

from mailctl.errors import UsageError

FromFile = Annotated[
    Optional[str],
    # A path type (the value stays a str, "-" included) so TAB offers file names, as for --report.
    typer.Option("--from-file", metavar="FILE", click_type=click.Path(allow_dash=True),
                 help="Bulk run: one row per mailbox from a CSV (header row) or JSON-lines FILE; - reads stdin. "
                      "Every row is checked before the first request."),
]
Jobs = Annotated[
    Optional[int],
    typer.Option("--jobs", "-j", metavar="N", min=1, max=16,
                 help="With --from-file: requests at once (default 4, at most 16: a panel has few API "
                      "workers, and more at once only queue there or trip its flood protection)."),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="With --from-file: check the file and show what would be done; send nothing.")
]
ReportFile = Annotated[
    Optional[Path],
    typer.Option("--report", metavar="FILE",
                 help="With --from-file: write one JSON line per row as it finishes (mode 0600; holds "
                      "generated passwords). Must not exist yet."),
]
ResumeFile = Annotated[
    Optional[Path],
    typer.Option("--resume", metavar="FILE",
                 help="With --from-file: skip the rows the report FILE marks done, and append to it."),
]


def is_bulk(single: object, from_file: str | None, *, jobs: int | None = None, dry_run: bool = False,
            report: Path | None = None, resume: Path | None = None) -> bool:
    """True for a --from-file run. Exactly one of the address argument(s) and --from-file
    must be given, and the bulk options need --from-file."""
    if from_file is not None:
        if single:
            raise UsageError("give either ADDRESS or --from-file FILE, not both")
        return True
    if not single:
        raise UsageError("missing ADDRESS (or --from-file FILE for many)")
    given = [name for name, value in (("--jobs", jobs is not None), ("--dry-run", dry_run),
                                      ("--report", report is not None), ("--resume", resume is not None)) if value]
    if given:
        raise UsageError(f"{given[0]} goes with --from-file")
    return False


AllDomains = Annotated[
    bool, typer.Option("--all-domains", help="List the mailboxes of every domain the profile manages, concurrently.")
]
ListJobs = Annotated[
    Optional[int],
    typer.Option("--jobs", "-j", metavar="N", min=1, max=16,
                 help="With --all-domains: domains listed at once (default 12, at most 16)."),
]


def no_password_options(password_stdin: bool, password_file) -> None:
    """A bulk run's passwords come from its file or --generate, never from these."""
    if password_stdin or password_file is not None:
        raise UsageError("with --from-file, passwords come from the file's password column or --generate, "
                         "not --password-stdin/--password-file")
