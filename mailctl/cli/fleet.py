"""A read command over several profiles at once (-p twice, a glob, --all-profiles): one
worker per profile, at most `jobs` at a time, each record tagged with its profile. All
results are in before anything is printed, so a failing profile never leaves half a
table; each failure is one error line naming the profile, and the command ends with
exit 6 naming them when some failed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable, Sequence

from mailctl.errors import MailctlError, PartialFailure

if TYPE_CHECKING:
    from mailctl.cli.runtime import Runtime
    from mailctl.config import Profile

# Profiles are different servers, so reading them all at once loads no single panel.
DEFAULT_JOBS = 8
PROFILE_FIELD = "profile"


def across(runtime: "Runtime", profiles: "Sequence[Profile]", read: "Callable[[Profile], list[dict]]", *,
           jobs: int | None = None) -> tuple[list[dict], dict[str, MailctlError]]:
    """Every profile's records, in profile order, each with a leading "profile" field,
    and the profiles that failed (print the records, then finish())."""
    def one(profile: "Profile") -> list[dict]:
        return [{PROFILE_FIELD: profile.name, **row} for row in read(profile)]

    results: dict[str, list[dict]] = {}
    # A selected profile this version cannot use (runtime.selected_profiles) failed too.
    failures: dict[str, MailctlError] = dict(runtime.unusable_profiles)
    with ThreadPoolExecutor(max_workers=max(1, min(jobs or DEFAULT_JOBS, len(profiles))),
                            thread_name_prefix="mailctl-profile") as pool:
        futures = {profile.name: pool.submit(one, profile) for profile in profiles}
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except MailctlError as exc:
                from mailctl.cli import hints

                hints.add_to(exc, runtime, (), next(p for p in profiles if p.name == name))
                failures[name] = exc
    return [row for profile in profiles for row in results.get(profile.name, [])], failures


def finish(runtime: "Runtime", failures: dict[str, MailctlError], total: int) -> None:
    """The failed profiles' error lines, then exit 6 naming them (nothing when none failed).
    `total`: the profiles read; the unusable ones left out of them count as well."""
    if not failures:
        return
    total += len(runtime.unusable_profiles)
    for name, error in failures.items():
        line = MailctlError(f"{name}: {error.message}", provider=error.provider)
        line.code = error.code
        runtime.out.error(line)
    raise PartialFailure(f"{len(failures)} of {total} profiles failed: {', '.join(failures)}")
