"""Bulk runs: one command that creates, re-passwords or deletes hundreds of mailboxes from
a CSV or JSON-lines file, concurrently, with a report that lets a stopped run resume.

- `rows`: read and validate the whole input file before anything is sent.
- `operations`: what each command does to one row (the same Backend methods the single
  commands call).
- `report`: the JSON-lines report, written as each row finishes, and what --resume reads.
- `runner`: the concurrent engine (bounded workers, early stop, Ctrl-C).
- `progress`: the progress bar on a terminal.
- `command`: the glue the CLI commands call with their options.
- `listing`: `pop list --all-domains`.

Nothing here is imported until a command is given --from-file or --all-domains."""
