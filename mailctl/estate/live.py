"""What the panels hold now for the domains an estate names, read concurrently across
profiles and domains (a bounded pool; one backend per profile, shared by its reads)."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from mailctl.errors import MailctlError

if TYPE_CHECKING:
    from mailctl.backends.base import Backend
    from mailctl.models import Mailbox


@dataclass(frozen=True)
class LiveDomain:
    profile: str
    domain: str
    mailboxes: "dict[str, Mailbox]"  # local part -> mailbox
    # local part -> destinations; None where the provider has no aliases to list.
    aliases: "dict[str, tuple[str, ...]] | None"

    def to_data(self) -> dict:
        """The state as plain data, in a stable order (for the fingerprint)."""
        return {
            "mailboxes": {local: [box.quota_mb, box.suspended, list(box.restrictions or ())]
                          for local, box in sorted(self.mailboxes.items())},
            "aliases": None if self.aliases is None else {k: sorted(v) for k, v in sorted(self.aliases.items())},
        }


def read_domain(backend: "Backend", profile: str, domain: str) -> LiveDomain:
    mailboxes = {box.address.rpartition("@")[0]: box for box in backend.list_mailboxes(domain)}
    aliases = None
    if backend.spec.supports("alias list"):
        aliases = {}
        for alias in backend.list_aliases(domain):
            local = alias.address.rpartition("@")[0]
            aliases[local] = tuple(dict.fromkeys(aliases.get(local, ()) + tuple(alias.destinations)))
    return LiveDomain(profile, domain, mailboxes, aliases)


def read(backends: "Mapping[str, Backend]", keys: list[tuple[str, str]], *, jobs: int
         ) -> tuple[dict[tuple[str, str], LiveDomain], dict[tuple[str, str], MailctlError]]:
    """The live state of every (profile, domain), and the ones that could not be read."""
    found: dict[tuple[str, str], LiveDomain] = {}
    failed: dict[tuple[str, str], MailctlError] = {}
    if not keys:
        return found, failed
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(keys))), thread_name_prefix="mailctl-read") as pool:
        futures = {key: pool.submit(read_domain, backends[key[0]], *key) for key in keys}
        for key, future in futures.items():
            try:
                found[key] = future.result()
            except MailctlError as exc:
                failed[key] = exc
    return found, failed


def fingerprint(live: "Mapping[tuple[str, str], LiveDomain]") -> str:
    """A digest of what was read: a saved plan is applied only to the state it was made from."""
    data = {f"{profile}/{domain}": state.to_data() for (profile, domain), state in sorted(live.items())}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
