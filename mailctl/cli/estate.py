"""`mailctl export`, `plan` and `apply`: the mail estate kept in a declared state
(docs/estate.md). The file is read and checked whole before a server is asked anything;
live state is read concurrently; apply makes only the difference, through the bulk
engine, then reads again to say whether the estate is in sync."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, List, Optional

import typer

from mailctl import validation
from mailctl.cli.bulk_options import ReportFile, ResumeFile
from mailctl.errors import EXIT_CHANGES, PartialFailure, UsageError
from mailctl.estate.converge import DEFAULT_MAX_DELETES, READ_JOBS

if TYPE_CHECKING:
    from mailctl.cli.runtime import Runtime
    from mailctl.estate.diff import Change, Plan
    from mailctl.estate.schema import Estate

MAX_JOBS = 16
PLAN_FORMAT = 1

Jobs = Annotated[Optional[int], typer.Option("--jobs", metavar="N", min=1, max=MAX_JOBS,
                                             help=f"Requests at once (reads default {READ_JOBS}, writes as bulk runs).")]
Prune = Annotated[bool, typer.Option("--prune", help="Delete what the file does not declare, in every domain "
                                                     "(or set prune = true for one domain).")]
MapProfile = Annotated[
    Optional[List[str]],
    typer.Option("--map-profile", metavar="OLD=NEW",
                 help="Apply what the file declares for profile OLD to profile NEW (moving a domain)."),
]


# -- export -------------------------------------------------------------------------------------

def export(
    ctx: typer.Context,
    domains: Annotated[Optional[List[str]], typer.Argument(help="Domains to export (default: all).",
                                                           metavar="[DOMAIN]...")] = None,
    all_domains: Annotated[bool, typer.Option("--all-domains", help="Every domain of the profile.")] = False,
    file: Annotated[Optional[Path], typer.Option("--file", metavar="FILE",
                                                 help="Write the estate file here instead of stdout.")] = None,
    jobs: Jobs = None,
) -> None:
    """Write the live state of the profile's domains as an estate file, which `plan` then
    reports as in sync: mailboxes with quota and suspension, and aliases. Several profiles
    (-p twice, a glob, --all-profiles) go into one file."""
    from mailctl.estate.live import read
    from mailctl.estate.render import estate_text

    runtime = ctx.obj
    if domains and all_domains:
        raise UsageError("give either DOMAIN... or --all-domains, not both")
    names = list(dict.fromkeys(validation.domain(d) for d in domains or []))
    backends = {}
    for profile in runtime.selected_profiles():
        backends[profile.name] = runtime.backend(profile)
        backends[profile.name].require("pop list")
    for error in runtime.unusable_profiles.values():
        raise error  # an export that silently left a profile out would be read as complete
    keys = [(profile, name) for profile, backend in backends.items()
            for name in (names or [domain.name for domain in backend.list_domains()])]
    live, failed = read(backends, keys, jobs=jobs or READ_JOBS)
    if failed:
        from mailctl.estate.converge import read_failure

        raise read_failure(failed)
    text = estate_text([live[key] for key in keys], {name: backend.spec for name, backend in backends.items()})
    if file is None:
        runtime.out.text(text)
        return
    _write_file(file, text)
    runtime.out.message(f"Wrote {len(keys)} domain(s) of {len(backends)} profile(s) to {file}")


# -- plan ---------------------------------------------------------------------------------------

def plan(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="The estate file (TOML or JSON; - for stdin).", metavar="FILE")],
    prune: Prune = False,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help=f"Exit {EXIT_CHANGES} when changes are pending, 0 in sync.")
    ] = False,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="PLAN",
                                                help="Save the plan; `apply PLAN` applies it only to the same "
                                                     "live state.")] = None,
    map_profile: MapProfile = None,
    jobs: Jobs = None,
) -> int:
    """Show what differs between the estate file and the live state: + create, ~ change
    (old -> new), - delete, and how much is unchanged. Reads every domain concurrently."""
    runtime = ctx.obj
    estate = _mapped(_read_estate(runtime, file), map_profile)
    result, _ = _plan(runtime, estate, prune=prune, jobs=jobs)
    _show(runtime, result, to_stdout=True)
    if out is not None:
        _write_file(out, json.dumps({"mailctl_plan": PLAN_FORMAT, "prune": prune, "estate": estate.to_data(),
                                     **result.to_json()}, indent=2, ensure_ascii=False) + "\n")
        runtime.out.message(f"Saved the plan to {out}; apply it with: mailctl apply {out}")
    return EXIT_CHANGES if detailed_exitcode and result.changes else 0


# -- apply --------------------------------------------------------------------------------------

def apply(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="The estate file, or a plan saved with plan --out.", metavar="FILE|PLAN")],
    prune: Prune = False,
    max_deletes: Annotated[
        int, typer.Option("--max-deletes", metavar="N", min=0,
                          help=f"Delete at most N mailboxes (default {DEFAULT_MAX_DELETES}); more are refused "
                               "whatever --yes says.")
    ] = DEFAULT_MAX_DELETES,
    generate: Annotated[bool, typer.Option("--generate", help="Generate the new mailboxes' passwords into the "
                                                              "report (needs --report).")] = False,
    password_file: Annotated[
        Optional[Path], typer.Option("--password-file", metavar="CSV",
                                     help="The new mailboxes' passwords: a CSV with columns address,password.")
    ] = None,
    report: ReportFile = None,
    resume: ResumeFile = None,
    map_profile: MapProfile = None,
    jobs: Jobs = None,
) -> None:
    """Make the live state what the estate file declares: re-plan, show the plan, confirm
    (or --yes), make only the changes, then read again and say whether it is in sync."""
    runtime = ctx.obj
    estate, saved = _read_estate_or_plan(runtime, file)
    estate = _mapped(estate, map_profile)
    if saved is not None:
        prune = prune or bool(saved.get("prune"))
    report_path = _report_path(resume, report, generate)
    passwords_from_file = _password_file(password_file) if password_file is not None else None
    if generate and passwords_from_file is not None:
        raise UsageError("choose one of --generate and --password-file")

    from mailctl.estate import converge

    result, backends = _plan(runtime, estate, prune=prune, jobs=jobs)
    if saved is not None and saved.get("fingerprint") != result.fingerprint:
        from mailctl.errors import StalePlan

        raise StalePlan(f"the live state changed since the plan in {file} was made; nothing was changed: "
                        f"run mailctl plan again")
    _show(runtime, result, to_stdout=False)
    if not result.changes:
        runtime.out.message("In sync: nothing to do.")
        return
    converge.check_deletes(result, max_deletes)
    deletes = result.mailbox_deletes
    passwords = _passwords(runtime, result.mailbox_creates, generate, passwords_from_file, report_path)
    question = f"Apply {len(result.changes)} change(s)"
    if deletes:
        question += f", deleting {len(deletes)} mailbox(es) and ALL MAIL in them"
    runtime.confirm(question + "?")
    from mailctl.bulk.runner import DEFAULT_JOBS

    failed, done = _execute(runtime, backends, result, passwords, report_path, resume is not None,
                            jobs=jobs or DEFAULT_JOBS)
    after, _ = _plan(runtime, estate, prune=prune, jobs=jobs, backends=backends)
    if after.changes:
        runtime.out.message(f"Not in sync: {len(after.changes)} change(s) still pending "
                            "(run mailctl plan to see them).")
    else:
        runtime.out.message("In sync: the live state is what the file declares.")
    for name, count in sorted(done.items()):
        if backends[name].spec.applies_later:
            runtime.out.done(backends[name].spec, f"{count} change(s) of profile {name}")
    if failed:
        where = f"; report: {report_path}" if report_path else ""
        raise PartialFailure(f"{failed} of {len(result.changes)} change(s) failed{where}")


# -- the steps ----------------------------------------------------------------------------------

def _read_text(runtime: "Runtime", name: str) -> str:
    if name == "-":
        return runtime.env.stdin.read()
    return validation.read_text_file(name, name)


def _read_estate(runtime: "Runtime", name: str) -> "Estate":
    from mailctl.estate.schema import parse

    return parse(_read_text(runtime, name), "stdin" if name == "-" else name)


def _read_estate_or_plan(runtime: "Runtime", name: str) -> "tuple[Estate, dict | None]":
    """An estate file, or a plan saved by plan --out (with the estate it was made from)."""
    from mailctl.estate.schema import parse, parse_data

    text = _read_text(runtime, name)
    source = "stdin" if name == "-" else name
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and "mailctl_plan" in data:
            if data.get("mailctl_plan") != PLAN_FORMAT or not isinstance(data.get("estate"), dict):
                raise UsageError(f"{source}: not a plan this mailctl can read (format {data.get('mailctl_plan')!r})")
            return parse_data(data["estate"], source), data
    return parse(text, source), None


def _mapped(estate: "Estate", pairs: "list[str] | None") -> "Estate":
    if not pairs:
        return estate
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise UsageError(f"--map-profile {pair!r}: expected OLD=NEW")
        mapping[validation.profile_name(old)] = validation.profile_name(new)
    unknown = [old for old in mapping if old not in estate.profiles()]
    if unknown:
        raise UsageError(f"--map-profile {unknown[0]}=...: {estate.source} declares no profile {unknown[0]!r}")
    return estate.with_profiles_mapped(mapping)


def _plan(runtime: "Runtime", estate: "Estate", *, prune: bool, jobs: int | None, backends=None):
    """The plan for `estate` against what the panels hold now, and the backends it used."""
    from mailctl.estate import converge

    if backends is None:
        backends = converge.open_backends(estate, lambda name: runtime.backend(runtime.config.get(name)),
                                          runtime.config.names)
    return converge.plan(estate, backends, prune=prune, jobs=jobs), backends


def _show(runtime: "Runtime", result: "Plan", *, to_stdout: bool) -> None:
    """The plan: JSON, one tab-separated line per change, or grouped lines for people.
    apply shows it on stderr (its stdout is the results)."""
    from mailctl.output import PLAN_CHANGE_COLUMNS

    out = runtime.out
    for warning in result.warnings:
        out.warn(warning)
    counts = result.counts()
    summary = (f"Plan: {counts['create']} to create, {counts['change']} to change, {counts['delete']} to delete, "
               f"{counts['unchanged']} unchanged" + ("" if result.changes else " (in sync)"))
    if not to_stdout:
        for line in _grouped(result.changes):
            out.message(line)
        out.message(summary)
        return
    if out.json:
        out.record(result.to_json(), ())
        return
    if out.mode == "plain":
        out.records([{**c.to_json(), "details": c.details().removeprefix(": ").strip(" ()")}
                     for c in result.changes], PLAN_CHANGE_COLUMNS)
    else:
        out.lines(_grouped(result.changes))
    out.message(summary)


def _grouped(changes: "list[Change]") -> list[str]:
    lines, current = [], None
    for change in changes:
        if (change.profile, change.domain) != current:
            current = (change.profile, change.domain)
            lines.append(f"{change.profile} / {change.domain}")
        lines.append(f"  {change.describe()}")
    return lines


def _report_path(resume: Path | None, report: Path | None, generate: bool) -> Path | None:
    if resume is not None and report is not None and resume != report:
        raise UsageError("--resume FILE appends to FILE, which stays the report: drop --report")
    path = resume or report
    if path is not None and str(path) == "-":
        raise UsageError("the report must be a file (it may hold passwords)")
    if generate and path is None:
        raise UsageError("--generate needs --report FILE: the report is the only place the generated passwords "
                         "are written")
    if path is not None and resume is None:
        from mailctl.bulk.report import refuse_to_overwrite

        refuse_to_overwrite(path)
    return path


def _password_file(path: Path) -> dict[str, str]:
    """address -> password from a CSV with a header naming address and password."""
    import csv
    import io

    text = validation.read_text_file(path, f"--password-file {path}")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or not {"address", "password"} <= set(rows[0]):
        raise UsageError(f"--password-file {path}: expected a CSV with the columns address,password")
    passwords = {}
    for number, row in enumerate(rows, start=2):
        try:
            address = str(validation.address(row.get("address") or ""))
        except UsageError as exc:
            raise UsageError(f"--password-file {path}: line {number}: {exc.message}") from None
        password = row.get("password") or ""
        if not password or password != password.strip():
            raise UsageError(f"--password-file {path}: line {number}: the password is empty or has spaces around it")
        passwords[address] = password
    return passwords


def _passwords(runtime: "Runtime", creates: "list[Change]", generate: bool, from_file: dict | None,
               report_path: Path | None) -> dict[str, str]:
    """Each new mailbox's password, before anything is sent; exit 2 listing the new
    mailboxes no source covers."""
    from mailctl.credentials import generate_password, prompt_hidden
    from mailctl.estate import converge

    passwords: dict[str, str] = {}
    missing = []
    for change in creates:
        if generate:
            passwords[change.address] = generate_password()
        elif from_file is not None and change.address in from_file:
            passwords[change.address] = from_file[change.address]
        elif from_file is None and runtime.env.can_prompt:
            passwords[change.address] = prompt_hidden(runtime.env, f"Password for {change.address}", confirm=True)
        else:
            missing.append(change.address)
    converge.refuse_missing_passwords(missing, "give --generate --report FILE, --password-file CSV, "
                                                "or run on a terminal to be asked")
    for password in passwords.values():
        runtime.register_secret(password)
    return passwords


def _execute(runtime: "Runtime", backends: dict, result: "Plan", passwords: dict[str, str],
             report_path: Path | None, resuming: bool, *, jobs: int) -> "tuple[int, dict[str, int]]":
    """Make the changes with a progress bar and the report; returns how many failed and
    how many were done per profile."""
    from mailctl.bulk.progress import Progress
    from mailctl.bulk.runner import FAILED
    from mailctl.estate import converge
    from mailctl.output import with_applied

    report = None
    if report_path is not None:
        from mailctl.bulk.report import Report

        report = Report(report_path, resuming=resuming)
    done: dict[str, int] = {}
    try:
        with Progress(runtime.env, total=len(result.changes), label="apply",
                      color=not runtime.options.no_color, out=runtime.out) as progress:
            def on_result(outcome) -> None:
                change = outcome.item
                if report is not None:
                    entry = {"command": "apply", "profile": change.profile, "action": change.action,
                             "kind": change.kind, "address": change.address, "outcome": outcome.outcome,
                             "error": outcome.error.message if outcome.error else None}
                    if change.address in passwords and change.kind == "mailbox" and outcome.outcome != FAILED:
                        entry["password"] = passwords[change.address]
                    if outcome.outcome == "done":
                        entry = with_applied(backends[change.profile].spec, entry)
                    report.write(entry)
                if outcome.outcome == FAILED:
                    progress.note(f"{change.address}: {outcome.error.message}")
                elif outcome.outcome == "done":
                    done[change.profile] = done.get(change.profile, 0) + 1
                progress.advance(outcome.outcome == "done")

            failed = converge.execute(backends, result, passwords, jobs=jobs, on_result=on_result,
                                      note=progress.note)
    finally:
        if report is not None:
            report.close()
    return failed, done


def _write_file(path: Path, text: str) -> None:
    import os
    import tempfile

    try:
        directory = path.resolve().parent
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None

