"""WHM `listaccts`: the cPanel accounts a root or reseller login owns, so that `domain
list` without `--cpanel-user` covers all of them.

API 1 answers `data.acct`, one object per account (`user`, its main `domain`, `owner`,
`suspended`, ...). The main domain alone would miss addon and parked domains, so each
account's mail domains are then read through `uapi_cpanel` (`Email::list_mail_domains`),
a few accounts at a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from mailctl.errors import BadResponse
from mailctl.models import Domain

# Accounts read at once: enough to hide the round trips of a few hundred accounts,
# few enough not to look like a flood to the server's rate limits.
CONCURRENT_ACCOUNTS = 6


def account_names(data: Any, provider: str) -> list[str]:
    """The `user` of every entry of `listaccts`' `data.acct`, sorted."""
    entries = data.get("acct") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BadResponse("WHM answered listaccts without a list of accounts (data.acct)", provider=provider)
    names = []
    for entry in entries:
        user = entry.get("user") if isinstance(entry, dict) else None
        if not isinstance(user, str) or not user.strip():
            raise BadResponse(f"WHM listed an account without a user name: {str(entry)[:60]!r}", provider=provider)
        names.append(user.strip())
    return sorted(set(names))


def domains_of_accounts(accounts: list[str], domains_of: Callable[[str], list[Domain]]) -> list[Domain]:
    """Every account's domains (`domains_of(account)`), by domain name; the first error
    of any account is raised (a partial list would read as the whole)."""
    if not accounts:
        return []
    with ThreadPoolExecutor(max_workers=min(CONCURRENT_ACCOUNTS, len(accounts))) as pool:
        lists = list(pool.map(domains_of, accounts))
    return sorted((domain for listed in lists for domain in listed), key=lambda d: (d.name, d.owner or ""))
