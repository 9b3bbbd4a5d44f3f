"""Plan an estate against the panels and make the difference: the one code path behind
`mailctl plan` / `apply`, `mailctl.api.plan_estate` / `apply_estate` and the Ansible
`estate` module. Nothing here prints, prompts or exits; callers show the plan, ask,
and keep the report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping

from mailctl import validation
from mailctl.errors import MailctlError, NotFound, PartialFailure, UsageError

if TYPE_CHECKING:
    from mailctl.backends.base import Backend
    from mailctl.bulk.runner import Result
    from mailctl.estate.diff import Change, Plan
    from mailctl.estate.schema import Estate

# Reads of many domains at once: panels answer lists from a few workers each, and these
# are spread over several profiles (servers).
READ_JOBS = 8
# apply deletes at most this many mailboxes (and their mail) unless told a larger number.
DEFAULT_MAX_DELETES = 5


def open_backends(estate: "Estate", open_backend: "Callable[[str], Backend]",
                  known: "Callable[[], list[str]]") -> "dict[str, Backend]":
    """One backend per profile the estate names; every profile must exist and list
    mailboxes, checked before anything is read. open_backend(name) raises NotFound
    for a profile that does not exist; known() names the ones that do."""
    backends, problems = {}, []
    for name in estate.profiles():
        try:
            backend = open_backend(name)
        except NotFound:
            problems.append(f"{name}: no such profile (profiles: {', '.join(known()) or 'none'})")
            continue
        backend.require("pop list")
        backends[name] = backend
    if problems:
        raise UsageError(f"{estate.source}: {len(problems)} unknown profile(s); nothing was read from a server",
                         details=problems)
    return backends


def plan(estate: "Estate", backends: "Mapping[str, Backend]", *, prune: bool, jobs: int | None = None) -> "Plan":
    """What would make the live state what `estate` declares, from a fresh read of every
    domain it names. Nothing is planned from a partial read: one domain that could not
    be read raises its own error, several a PartialFailure naming each."""
    from mailctl.estate import diff
    from mailctl.estate.live import read

    keys = [declared.key for declared in estate.domains]
    live, failed = read(backends, keys, jobs=jobs or READ_JOBS)
    if failed:
        raise read_failure(failed, "; nothing was planned")
    return diff.plan(estate, live, {name: backend.spec for name, backend in backends.items()}, prune=prune)


def read_failure(failed: "Mapping[tuple[str, str], MailctlError]", consequence: str = "") -> MailctlError:
    """What a read of several domains that some could not be read raises: one domain's
    own error, or for several one PartialFailure (exit 6) naming each, then `consequence`."""
    if len(failed) == 1:
        return next(iter(failed.values()))
    return PartialFailure(f"{len(failed)} domains could not be read{consequence}",
                          details=[f"{p}/{d}: {error.message}" for (p, d), error in failed.items()])


def check_deletes(result: "Plan", max_deletes: int) -> None:
    """Refuse a plan that deletes more mailboxes (and their mail) than allowed."""
    deletes = result.mailbox_deletes
    if len(deletes) > max_deletes:
        raise UsageError(f"the plan deletes {len(deletes)} mailboxes and all their mail, more than "
                         f"--max-deletes {max_deletes}: check the plan, then pass --max-deletes {len(deletes)}")


def missing_passwords(result: "Plan", passwords: Mapping[str, str]) -> list[str]:
    """The new mailboxes of the plan that `passwords` (address -> password) does not cover."""
    return [change.address for change in result.mailbox_creates if change.address not in passwords]


def refuse_missing_passwords(missing: list[str], sources: str) -> None:
    if missing:
        raise UsageError(f"{len(missing)} new mailbox(es) have no password: {sources}", details=missing)


def execute(backends: "Mapping[str, Backend]", result: "Plan", passwords: Mapping[str, str], *, jobs: int,
            on_result: "Callable[[Result[Change]], None]" = lambda outcome: None,
            note: Callable[[str], None] = lambda text: None) -> int:
    """Make the plan's changes phase by phase (mailboxes, then the aliases that may point
    at them, then alias deletions, then mailbox deletions), each through the backend's
    own write (settled, never doubled, audited); returns how many failed. An auth failure or a dead server stops
    the run, as in bulk runs; Ctrl-C finishes the requests running, then raises."""
    from mailctl.bulk.runner import FAILED, Runner

    failed = 0

    def counted(outcome: "Result[Change]") -> None:
        nonlocal failed
        if outcome.outcome == FAILED:
            failed += 1
        on_result(outcome)

    for phase in sorted({change.phase for change in result.changes}):
        todo = [change for change in result.changes if change.phase == phase]
        runner = Runner(lambda change: make_change(backends[change.profile], change, passwords),
                        jobs=jobs, done="done", on_result=counted, note=note)
        runner.run(todo).raise_if_cut_short("interrupted; run mailctl apply again to finish (it re-plans)")
    return failed


def make_change(backend: "Backend", change: "Change", passwords: Mapping[str, str]) -> None:
    """One change of a plan, made with the backend's own writes."""
    from mailctl.models import MailboxChange, NewMailbox

    address = validation.address(change.address)
    after = change.after or {}
    if change.kind == "mailbox":
        if change.action == "create":
            backend.create_mailbox(NewMailbox(address, passwords[change.address], after.get("quota_mb")))
            if after.get("suspended"):
                backend.change_mailbox(address, suspension(backend.spec, after["suspended"]))
        elif change.action == "change":
            wanted = suspension(backend.spec, after["suspended"]) if "suspended" in after else MailboxChange()
            backend.change_mailbox(address, MailboxChange(after.get("quota_mb"), wanted.suspend_login,
                                                          wanted.suspend_incoming))
        else:
            backend.delete_mailbox(address)
        return
    if change.action == "delete":
        backend.remove_alias(address, None)
        return
    before = set((change.before or {}).get("destinations", ()))
    wanted_destinations = list(after.get("destinations", ()))
    added = [d for d in wanted_destinations if d not in before]
    removed = [d for d in before if d not in wanted_destinations]
    if added:
        backend.add_alias(address, added)
    if removed:
        backend.remove_alias(address, sorted(removed))


def suspension(spec, kinds: "list[str] | tuple[str, ...]"):
    """The MailboxChange that suspends exactly `kinds`, of what the provider can suspend."""
    from mailctl.models import MailboxChange

    return MailboxChange(
        suspend_login=("login" in kinds) if "login" in spec.suspend_kinds else None,
        suspend_incoming=("incoming" in kinds) if "incoming" in spec.suspend_kinds else None,
    )

