"""A bulk run from start to end, as `pop create|set|delete`, `alias add|remove` and
`passwd` run it with
--from-file (the engine is mailctl.bulk; this is the command's side of it): read and validate every row, skip what a resumed report marks done, show
the plan (--dry-run) or confirm, run the rows concurrently, report, summarise, exit."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from mailctl import validation
from mailctl.bulk.operations import Operation
from mailctl.bulk.rows import Row, Spec, parse
from mailctl.bulk.runner import DEFAULT_JOBS
from mailctl.errors import Interrupted, PartialFailure, TransportError, UsageError

if TYPE_CHECKING:
    from mailctl.backends.base import Backend
    from mailctl.bulk.operations import CreateDefaults
    from mailctl.bulk.runner import Result, Summary
    from mailctl.cli.runtime import Runtime

# Panels run a handful of API workers per server; more concurrent writes than this queue
# up there (or trip rate limits) instead of going faster, and the transport keeps 16
# keep-alive connections, so a 17th request would open a throwaway one.
MAX_JOBS = 16
STDIN = "-"


@dataclass(frozen=True)
class BulkOptions:
    file: str
    jobs: int | None = None
    dry_run: bool = False
    report: Path | None = None
    resume: Path | None = None
    generate: bool = False
    # Provider options given on the command line for this run (provider_options.run_options).
    overrides: dict | None = None


def execute(runtime: "Runtime", operation: Operation, options: BulkOptions,
            check_options: "Callable[[Backend], None]",
            check_row: "Callable[[Backend, Row], None] | None" = None) -> None:
    """Run `operation` on every row of options.file. Before anything is asked or sent,
    `check_options(backend)` checks the command-line options against the provider and
    `check_row(backend, row)` every row (both the backend's own rules)."""
    jobs = options.jobs if options.jobs is not None else DEFAULT_JOBS
    if not 1 <= jobs <= MAX_JOBS:
        raise UsageError(f"--jobs must be between 1 and {MAX_JOBS}")
    report_path = _report_path(options)
    if report_path is not None and options.resume is None:
        from mailctl.bulk.report import refuse_to_overwrite

        refuse_to_overwrite(report_path)  # before a confirmation is asked for nothing
    backend = runtime.backend(overrides=options.overrides)
    backend.require(operation.command)
    check_options(backend)
    text, source = _read_input(options.file, runtime)
    spec = Spec(operation.kind, backend.spec, generate=options.generate,
                check=None if check_row is None else lambda row: check_row(backend, row))
    rows = parse(text, spec, source)
    job = {"profile": runtime.profile().name, "input": _input_name(options.file)}
    done_before = _done_before(runtime, options.resume, operation.command, job)
    todo = [row for row in rows if str(row.address) not in done_before]
    skipped = [row for row in rows if str(row.address) in done_before]

    if options.dry_run:
        _show_plan(runtime, operation, options, todo, skipped)
        return
    if operation.question is not None and todo:
        runtime.confirm(operation.question(len(todo), _which(todo, source)))

    passwords = _passwords(runtime, todo, options.generate)
    report = None
    if report_path is not None:
        from mailctl.bulk.report import Report

        report = Report(report_path, resuming=options.resume is not None, job=job)
    try:
        summary, seconds = _run(runtime, backend, operation, todo, passwords, report, jobs)
    finally:
        if report is not None:
            report.close()
    rescued = _rescued_passwords(runtime, report)
    _finish(runtime, operation, summary, skipped, seconds, report_path, rescued, spec=backend.spec)


def _rescued_passwords(runtime: "Runtime", report) -> dict[int, str]:
    """A report that could not be written to the end (disk full): the generated
    passwords of the rows it missed, by line. They go into the results on stdout, their
    only copy: a password that may be set is never lost."""
    if report is None:
        return {}
    rescued = {e["row"]: e["password"] for e in report.unwritten if e.get("password")}
    if rescued:
        runtime.out.warn(f"the report {report.path} could not be written ({report.error.strerror or report.error}): "
                         f"the generated passwords of {len(rescued)} row(s) are in the results on stdout, "
                         "their only copy")
    return rescued


# -- before anything is sent ---------------------------------------------------------------

def _report_path(options: BulkOptions) -> Path | None:
    if options.resume is not None and options.report is not None and options.report != options.resume:
        raise UsageError("--resume FILE appends to FILE, which stays the report of the whole job: drop --report")
    path = options.resume or options.report
    if path is not None and str(path) == STDIN:
        raise UsageError("the report must be a file (stdout carries the results); it may hold passwords")
    if options.generate and path is None:
        raise UsageError("--generate with --from-file needs --report FILE: the report is the only place the "
                         "generated passwords are written")
    return path


def _read_input(name: str, runtime: "Runtime") -> tuple[str, str]:
    if name == STDIN:
        return runtime.env.stdin.read(), "stdin"
    return validation.read_text_file(name, f"--from-file {name}", encoding_hint=" (save the CSV as UTF-8)"), name


def _input_name(name: str) -> str:
    """How the report names the input of a job: the file's absolute path, or "-"."""
    if name == STDIN:
        return STDIN
    import os

    return os.path.abspath(name)


def _done_before(runtime: "Runtime", resume: Path | None, command: str, job: dict) -> set[str]:
    if resume is None:
        return set()
    from mailctl.bulk.report import done_addresses

    done, unreadable = done_addresses(resume, command, job)
    if unreadable:
        runtime.out.warn(f"{unreadable} line(s) of {resume} could not be read; their rows will run again")
    return done


def _which(todo: list[Row], source: str) -> str:
    from mailctl.output import short_list

    return f"listed in {source} ({short_list([str(row.address) for row in todo])})"


def _passwords(runtime: "Runtime", rows: list[Row], generate: bool) -> dict[int, str]:
    """Each row's new password, by line. Generated ones are made here, before any worker
    starts, and every one is registered so no trace or message can show it."""
    from mailctl.credentials import generate_password

    passwords: dict[int, str] = {}
    for row in rows:
        password = generate_password() if generate else row.password
        if password is not None:
            passwords[row.line] = password
            runtime.register_secret(password)
    return passwords


def _show_plan(runtime: "Runtime", operation: Operation, options: BulkOptions,
               todo: list[Row], skipped: list[Row]) -> None:
    from mailctl.output import BULK_PLAN_COLUMNS

    source = "generated, written to the report" if options.generate else "from the file"
    plan = [{"row": row.line, "address": str(row.address), "action": operation.verb,
             "details": operation.describe(row, source)} for row in todo]
    plan += [{"row": row.line, "address": str(row.address), "action": "skip",
              "details": f"done in {options.resume}"} for row in skipped]
    plan.sort(key=lambda entry: entry["row"])
    runtime.out.records(plan, BULK_PLAN_COLUMNS)
    done_note = f" ({len(skipped)} already done)" if skipped else ""
    runtime.out.message(f"Dry run: would {operation.verb} {len(todo)} of {len(todo) + len(skipped)} "
                        f"rows{done_note}; nothing was sent")


# -- the run ---------------------------------------------------------------------------------

def _run(runtime: "Runtime", backend: "Backend", operation: Operation, todo: list[Row],
         passwords: dict[int, str], report, jobs: int) -> "tuple[Summary[Row], float]":
    from mailctl.bulk.progress import Progress
    from mailctl.bulk.runner import Runner

    redact = _redactor(runtime)

    def task(row: Row) -> str | None:
        return operation.apply(backend, row, passwords.get(row.line))

    runners: list = []

    with Progress(runtime.env, total=len(todo), label=operation.command,
                  color=not runtime.options.no_color, out=runtime.out) as progress:
        def on_result(result: "Result[Row]") -> None:
            ok = result.outcome in operation.good
            if report is not None:
                report.write(_report_entry(operation, result, passwords, redact))
                if report.error is not None and runners:
                    from mailctl.errors import LocalFileError

                    runners[0].stop(LocalFileError(
                        f"cannot write the report {report.path}: {report.error.strerror or report.error}; "
                        "stopped so that no more rows are done without a record"))
            # Each failure is said once: here as it happens, or in json mode only in the
            # results on stdout (stderr then carries JSON lines only).
            if result.outcome == "failed" and not runtime.out.json:
                progress.note(f"line {result.item.line}: {result.item.address}: {redact(result.error.message)}")
            progress.advance(ok)

        runner = Runner(task, jobs=jobs, done=operation.done, on_result=on_result, note=progress.note)
        runners.append(runner)
        started = time.perf_counter()
        summary = runner.run(todo)
    return summary, time.perf_counter() - started


def _redactor(runtime: "Runtime") -> Callable[[str], str]:
    """The run's one redactor (mailctl.redaction): every password and secret, in every
    form a panel may echo it in."""
    return runtime.redact


def _report_entry(operation: Operation, result: "Result[Row]", passwords: dict[int, str],
                  redact: Callable[[str], str]) -> dict:
    row = result.item
    entry = {
        "command": operation.command,
        "row": row.line,
        "address": str(row.address),
        "outcome": result.outcome,
        "error": redact(result.error.message) if result.error else None,
        "error_code": result.error.code if result.error else None,
    }
    if row.password is None and row.line in passwords and _password_may_be_set(operation, result):
        entry["password"] = passwords[row.line]
    return entry


def _password_may_be_set(operation: Operation, result: "Result[Row]") -> bool:
    """A generated password goes into the report when the mailbox has it now, or might:
    done, lost in transit, or interrupted mid-request. Never for a refused row."""
    from mailctl.bulk.runner import INTERRUPTED

    return (result.outcome == operation.done or result.outcome == INTERRUPTED
            or isinstance(result.error, TransportError))


# -- after the run ---------------------------------------------------------------------------

def _finish(runtime: "Runtime", operation: Operation, summary: "Summary[Row]", skipped: list[Row],
            seconds: float, report_path: Path | None, rescued: dict[int, str] | None = None, *,
            spec) -> None:
    """`spec`: the provider's declaration, for how a done row is worded (accepted or done)."""
    from mailctl.bulk.runner import INTERRUPTED
    from mailctl.output import BULK_RESULT_COLUMNS, Column, done_text, with_applied

    rescued = rescued or {}

    redact = _redactor(runtime)
    records = [{"row": r.item.line, "address": str(r.item.address), "outcome": r.outcome,
                "error": redact(r.error.message) if r.error else None,
                "error_code": r.error.code if r.error else None} for r in summary.results]
    records += [{"row": row.line, "address": str(row.address), "outcome": "skipped", "error": None,
                 "error_code": None} for row in skipped]
    records.sort(key=lambda record: record["row"])
    records = [with_applied(spec, r) if r["outcome"] == operation.done else r for r in records]
    columns = BULK_RESULT_COLUMNS
    if rescued:
        for record in records:
            record["password"] = rescued.get(record["row"])
        columns = BULK_RESULT_COLUMNS + (Column("password", "Password"),)
    unfinished = [r for r in records if r["outcome"] not in (*operation.good, "skipped")]
    if runtime.out.table:
        # A terminal gets what needs attention and was not said yet: failures were noted
        # as they happened, rows never started are counted below; the full list is in the
        # report. Left: rows cut off mid-request (outcome unknown) and rescued passwords.
        shown = [r for r in records if r["outcome"] == INTERRUPTED or r.get("password")]
        if shown:
            title = "Rows not in the report" if rescued else "Cut off mid-request (outcome unknown)"
            runtime.out.records(shown, columns, title=title)
    else:
        runtime.out.records(records, columns)

    counts = summary.counts()
    parts = [f"{counts.get(operation.done, 0)} {operation.done}{operation.done_note}"]
    parts += [f"{counts[name]} {name}" for name in operation.also_done if counts.get(name)]
    parts += [f"{counts[name]} {name.replace('_', ' ')}" for name in ("failed", "interrupted", "not_attempted")
              if counts.get(name)]
    if skipped:
        parts.append(f"{len(skipped)} skipped (done before)")
    where = f"; report: {report_path}" if report_path is not None else ""
    line = f"{operation.command}: {', '.join(parts)} in {seconds:.1f}s{where}"
    runtime.out.message(done_text(spec, line) if counts.get(operation.done) else line)

    again = (f"rerun the same command with --resume {report_path}" if report_path is not None
             else "rerun with a file of the rows not done (add --report FILE to keep track)")
    if summary.crash is not None:
        raise summary.crash
    if summary.interrupted:
        raise _interrupted(summary.signal, f"{len(unfinished)} row(s) not done: {again}")
    if summary.stopped_by is not None:
        runtime.out.message(f"Stopped early, {len(unfinished)} row(s) not done ({again}) because:")
        raise summary.stopped_by
    if unfinished:
        raise PartialFailure(f"{len(unfinished)} of {len(records)} rows failed: {again}")


def _interrupted(signum: int | None, rest: str) -> Interrupted:
    """Ctrl-C is exit 130; SIGTERM 143 and SIGHUP 129 (128 + the signal, as a shell
    reports a process the signal ended), so a supervisor sees which it sent."""
    import signal

    error = Interrupted(f"interrupted; {rest}")
    if signum is not None and signum != signal.SIGINT:
        name = signal.Signals(signum).name
        error = Interrupted(f"interrupted by {name}; {rest}")
        error.exit_code = 128 + signum
    return error


# -- the three commands ----------------------------------------------------------------------

def create_from_file(runtime: "Runtime", options: BulkOptions, defaults: "CreateDefaults", *,
                     exists_ok: bool = False) -> None:
    """`pop create --from-file`: the command-line values are defaults for what a row leaves out."""
    from mailctl.backends.base import checked_create_options
    from mailctl.bulk import operations

    def check_options(backend: "Backend") -> None:
        # Once, naming the option: a default the provider refuses is not every row's fault.
        checked_create_options(backend.spec, defaults.quota_mb, defaults.options)

    def check_row(backend: "Backend", row: Row) -> None:
        # The password is not part of the check (it may not exist yet: --generate).
        backend.check_new_mailbox(defaults.for_row(row))

    execute(runtime, operations.create(defaults, exists_ok=exists_ok), options, check_options, check_row)


def passwd_from_file(runtime: "Runtime", options: BulkOptions, *, require_reset: bool) -> None:
    from mailctl.bulk import operations

    execute(runtime, operations.passwd(require_reset=require_reset), options,
            lambda backend: backend.check_password_change(require_reset=require_reset))


def delete_from_file(runtime: "Runtime", options: BulkOptions, *, keep_data: bool, missing_ok: bool = False) -> None:
    from mailctl.bulk import operations

    execute(runtime, operations.delete(keep_data=keep_data, missing_ok=missing_ok), options,
            lambda backend: backend.check_delete(keep_data=keep_data))


def set_from_file(runtime: "Runtime", options: BulkOptions, *, quota_mb: int | None, suspend: bool | None,
                  kinds: list[str]) -> None:
    """`pop set --from-file`: columns address, quota, suspend; the options give defaults.
    Every row's change is checked against the provider (Backend.check_change) first."""
    from mailctl.bulk import operations

    defaults = operations.SetDefaults(quota_mb, suspend, tuple(kinds))
    provider_kinds = runtime.profile().spec.suspend_kinds

    def cannot_suspend(what: str) -> UsageError:
        # Without a kind to suspend, MailboxChange.of would drop the suspension silently.
        spec = runtime.profile().spec
        return UsageError(f"{what}: {spec.label} cannot suspend mailboxes", provider=spec.name)

    def check_options(backend: "Backend") -> None:
        from mailctl.models import MailboxChange

        if suspend is not None and not provider_kinds:
            raise cannot_suspend("--suspend" if suspend else "--unsuspend")
        backend.check_change(MailboxChange.of(quota_mb=quota_mb, suspend=suspend, kinds=kinds,
                                              provider_kinds=provider_kinds))

    def check_row(backend: "Backend", row: Row) -> None:
        if row.suspend is not None and not provider_kinds:
            raise cannot_suspend(f"suspend {'yes' if row.suspend else 'no'}")
        change = defaults.change_for(row, provider_kinds)
        if change.is_empty():
            raise UsageError("nothing to change (no quota, no suspend, and no --quota/--suspend/--unsuspend)")
        backend.check_change(change)

    execute(runtime, operations.change(defaults, provider_kinds), options, check_options, check_row)


def alias_from_file(runtime: "Runtime", options: BulkOptions, command: str, *, to: list[str],
                    tolerant: bool) -> None:
    """`alias add|remove --from-file`: columns address, to (or destinations); --to adds
    destinations to every row. `tolerant` is --exists-ok (add) or --missing-ok (remove)."""
    from mailctl.bulk import operations
    from mailctl.cli.alias import destinations

    adding = command == "alias add"
    backend = runtime.backend(overrides=options.overrides)  # sends nothing
    backend.require(command)
    fixed = tuple(destinations(backend, to, required=False))

    def check_row(backend: "Backend", row: Row) -> None:
        for destination in row.destinations:
            backend.check_alias_destination(destination)
        if adding and not row.destinations and not fixed:
            raise UsageError("no destination (a 'to' column, or --to DEST for every row)")

    if adding:
        operation = operations.alias_add(destinations=fixed, exists_ok=tolerant)
    else:
        operation = operations.alias_remove(destinations=fixed, missing_ok=tolerant)
    execute(runtime, operation, options, lambda backend: None, check_row)
