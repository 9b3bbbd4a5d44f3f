"""`pop list --all-domains`: the mailboxes of every domain the profile manages, the
domains listed concurrently through the bulk runner (so Ctrl-C, an auth failure and a
dead server end it the same way as a bulk run)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailctl.backends.base import Backend
    from mailctl.cli.runtime import Runtime
    from mailctl.models import Mailbox

LISTED = "listed"
# Domains listed at once when --jobs is not given (bulk writes keep 4). Measured with
# benchmarks/scale.py (500 domains, 20 ms per request): --jobs 4 takes about 1.7x the time
# of --jobs 16, 8 about 1.2x, 12 about 1.0-1.1x; past 12 the client's own parsing, not the
# round trips, is the limit. These are reads, which panels answer from cheap lookups, and
# 12 stays below the 16 keep-alive connections of the transport and the handful of API
# workers a panel runs per CPU. (mailbox.org fetches the pages of a large domain up to 8
# at a time on top of this; requests past 16 at once use throwaway connections.)
DEFAULT_JOBS = 12


def list_all(runtime: "Runtime", backend: "Backend", *, jobs: int, list_one=None,
             label: str = "pop list") -> "tuple[list[Mailbox], list[str]]":
    """Every mailbox (or what `list_one(domain)` lists: alias list), domain by domain in the order the server lists the domains, and
    the domains that could not be listed (each reported on stderr as it fails). An auth
    failure, a dead server or Ctrl-C ends it with that error instead."""
    from mailctl.bulk.progress import Progress
    from mailctl.bulk.runner import FAILED, Runner

    domains = [domain.name for domain in backend.list_domains()]
    found: dict[str, list] = {}
    list_one = list_one or backend.list_mailboxes

    def task(domain: str) -> None:
        found[domain] = list_one(domain)

    with Progress(runtime.env, total=len(domains), label=label,
                  color=not runtime.options.no_color, out=runtime.out) as progress:
        def on_result(result) -> None:
            if result.outcome == FAILED:
                progress.note(f"{result.item}: {result.error.message}")
            progress.advance(result.outcome == LISTED)

        # list_domains just proved the server and credentials: no need to start with one.
        runner = Runner(task, jobs=jobs, done=LISTED, on_result=on_result, note=progress.note, first_alone=False)
        summary = runner.run(domains)
    summary.raise_if_cut_short("interrupted before every domain was listed")
    mailboxes = [mailbox for domain in domains for mailbox in found.get(domain, [])]
    return mailboxes, [result.item for result in summary.results if result.outcome != LISTED]
