"""Progress of a bulk run on stderr: a live bar when stderr is a terminal, nothing when it
is not (a log file wants the summary, not 500 redraws). Notes (a failed row, "stopping")
are printed above the bar, or as plain lines without one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailctl.environment import Environment


class Progress:
    """`out` (mailctl.output.Output), when given, prints the notes without a bar; in json
    mode there is no bar, and the notes are its JSON lines."""

    def __init__(self, env: "Environment", *, total: int, label: str, color: bool = True, out=None):
        self.env = env
        self.out = out
        self.total = total
        self.label = label
        self.color = color
        self._bar = None
        self._task = None
        self.failed = 0

    def __enter__(self) -> "Progress":
        if self.env.stderr_isatty and self.total and not (self.out is not None and self.out.json):
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn
            from rich.progress import TimeElapsedColumn, TimeRemainingColumn

            console = Console(file=self.env.stderr, force_terminal=True, no_color=not self.color, highlight=False)
            self._bar = Bar(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(), TextColumn("eta"),
                TimeRemainingColumn(), console=console, transient=True,
                redirect_stdout=False, redirect_stderr=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, failed=0)
        return self

    def advance(self, ok: bool) -> None:
        if not ok:
            self.failed += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, failed=self.failed)

    def note(self, text: str) -> None:
        from mailctl.output import visible_lines

        if self._bar is None and self.out is not None:
            self.out.message(text)
            return
        text = visible_lines(text)  # notes carry servers' words: no escape sequences
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            self.env.stderr.write(text + "\n")
            self.env.stderr.flush()

    def __exit__(self, *exc_info) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
