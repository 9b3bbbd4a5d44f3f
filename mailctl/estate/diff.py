"""An estate against the live state: the changes that would make the live state what
the file declares, in the order they must be made (mailboxes before the aliases that
may point at them, deletions last)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from mailctl.estate.schema import SUSPENSION_KINDS, DeclaredDomain, DeclaredMailbox, Estate

if TYPE_CHECKING:
    from mailctl.estate.live import LiveDomain
    from mailctl.models import Mailbox
    from mailctl.providers.base import ProviderSpec

# The order changes are made in (and listed in).
ORDER = [("create", "mailbox"), ("change", "mailbox"), ("create", "alias"), ("change", "alias"),
         ("delete", "alias"), ("delete", "mailbox")]
SIGNS = {"create": "+", "change": "~", "delete": "-"}


@dataclass(frozen=True)
class Change:
    profile: str
    domain: str
    action: str  # create, change, delete
    kind: str  # mailbox, alias
    address: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    @property
    def phase(self) -> int:
        """Changes of one phase may run concurrently; a phase starts when the one before
        ended. Alias deletions end before mailbox deletions start: a panel may delete a
        mailbox's aliases with it, and the alias's own deletion would then find nothing."""
        if self.action == "delete":
            return 2 if self.kind == "alias" else 3
        return {"mailbox": 0, "alias": 1}[self.kind]

    def to_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "domain": self.domain, "action": self.action, "kind": self.kind,
                "address": self.address, "before": self.before, "after": self.after}

    def describe(self) -> str:
        return f"{SIGNS[self.action]} {self.action} {self.kind} {self.address}{self.details()}"

    def details(self) -> str:
        if self.action == "change":
            parts = [f"{_LABELS[name]} {_shown(name, (self.before or {}).get(name))} -> {_shown(name, value)}"
                     for name, value in (self.after or {}).items()]
            return ": " + ", ".join(parts)
        if self.action == "create" and self.after:
            return " (" + ", ".join(f"{_LABELS[name]} {_shown(name, value)}" for name, value in self.after.items()) + ")"
        return ""


_LABELS = {"quota_mb": "quota", "suspended": "suspended", "destinations": "to"}


def _shown(name: str, value: Any) -> str:
    if name == "quota_mb":
        return "unlimited" if not value else f"{value} MB"
    if isinstance(value, (list, tuple)):
        return ", ".join(value) if value else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def mailbox_deletes(self) -> list[Change]:
        return [c for c in self.changes if c.action == "delete" and c.kind == "mailbox"]

    @property
    def mailbox_creates(self) -> list[Change]:
        return [c for c in self.changes if c.action == "create" and c.kind == "mailbox"]

    def counts(self) -> dict[str, int]:
        counts = {action: 0 for action in SIGNS}
        for change in self.changes:
            counts[change.action] += 1
        return {**counts, "unchanged": self.unchanged}

    def to_json(self) -> dict[str, Any]:
        return {"in_sync": not self.changes, "counts": self.counts(), "changes": [c.to_json() for c in self.changes],
                "warnings": list(self.warnings), "fingerprint": self.fingerprint}


def plan(estate: Estate, live: "Mapping[tuple[str, str], LiveDomain]", specs: "Mapping[str, ProviderSpec]", *,
         prune: bool = False) -> Plan:
    """`specs`: each profile's provider declaration (what it can express)."""
    from mailctl.estate.live import fingerprint

    result = Plan(fingerprint=fingerprint(live))
    for declared in estate.domains:
        _domain(declared, live[declared.key], specs[declared.profile], prune or declared.prune, result)
    rank = {key: number for number, key in enumerate(ORDER)}
    keys = {d.key: number for number, d in enumerate(estate.domains)}
    result.changes.sort(key=lambda c: (keys[(c.profile, c.domain)], rank[(c.action, c.kind)], c.address))
    return result


def _domain(declared: DeclaredDomain, live: "LiveDomain", spec: "ProviderSpec", prune: bool, result: Plan) -> None:
    where = f"{declared.profile}/{declared.domain}"

    def change(action: str, kind: str, local: str, before=None, after=None) -> None:
        result.changes.append(Change(declared.profile, declared.domain, action, kind, f"{local}@{declared.domain}",
                                     before, after))

    for local, wanted in declared.mailboxes.items():
        box = live.mailboxes.get(local)
        if box is None:
            after = _settable(wanted, spec, f"{local}@{declared.domain}", result.warnings)
            change("create", "mailbox", local, None, after)
            continue
        before, after = _difference(wanted, box, spec, result.warnings)
        if after:
            change("change", "mailbox", local, before, after)
        else:
            result.unchanged += 1
    if prune:
        for local in sorted(set(live.mailboxes) - set(declared.mailboxes)):
            box = live.mailboxes[local]
            change("delete", "mailbox", local, {"quota_mb": box.quota_mb, "usage_bytes": box.usage_bytes}, None)

    if live.aliases is None:
        if declared.aliases:
            result.warnings.append(f"{where}: {spec.label} has no aliases mailctl can manage; "
                                   f"{len(declared.aliases)} declared alias(es) left out")
        return
    for local, destinations in declared.aliases.items():
        have = live.aliases.get(local)
        if have is None and not spec.mailbox_forwarders and (local in declared.mailboxes or local in live.mailboxes):
            result.warnings.append(f"{local}@{declared.domain}: {spec.label} cannot forward a mailbox's own address; "
                                   "the declared alias is left out")
            continue
        if have is None:
            change("create", "alias", local, None, {"destinations": list(destinations)})
        elif set(have) != set(destinations):
            change("change", "alias", local, {"destinations": list(have)}, {"destinations": list(destinations)})
        else:
            result.unchanged += 1
    if prune:
        for local in sorted(set(live.aliases) - set(declared.aliases)):
            change("delete", "alias", local, {"destinations": list(live.aliases[local])}, None)


def _settable(wanted: DeclaredMailbox, spec: "ProviderSpec", address: str, warnings: list[str]) -> dict[str, Any]:
    """What a new mailbox is created with, of what the file declares for it."""
    after: dict[str, Any] = {}
    if wanted.quota_mb is not None:
        if spec.takes_quota:
            after["quota_mb"] = wanted.quota_mb
        else:
            warnings.append(f"{address}: {spec.label} keeps no quota per mailbox; the declared quota is left out")
    if wanted.suspended and _expressible(wanted.suspended, spec, address, warnings):
        kinds = _kinds(wanted.suspended, spec)
        if kinds:
            after["suspended"] = list(kinds)
    return after


def _difference(wanted: DeclaredMailbox, box: "Mailbox", spec: "ProviderSpec",
                warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if wanted.quota_mb is not None:
        if not spec.takes_quota:
            warnings.append(f"{box.address}: {spec.label} keeps no quota per mailbox; the declared quota is left out")
        elif (wanted.quota_mb or None) != box.quota_mb:
            if spec.supports("pop set"):
                before["quota_mb"], after["quota_mb"] = box.quota_mb, wanted.quota_mb
            else:
                warnings.append(f"{box.address}: mailctl cannot change a quota on {spec.label}; "
                                f"it stays {_shown('quota_mb', box.quota_mb)}")
    if wanted.suspended is not None and _expressible(wanted.suspended, spec, box.address, warnings):
        have = _live_kinds(box, spec)
        if have is None:
            warnings.append(f"{box.address}: {spec.label} does not say whether it is suspended; left as it is")
        else:
            wanted_kinds = _kinds(wanted.suspended, spec)
            if set(have) != set(wanted_kinds):
                before["suspended"], after["suspended"] = list(have), list(wanted_kinds)
    return before, after


def _kinds(suspended: bool | tuple[str, ...] | None, spec: "ProviderSpec") -> tuple[str, ...]:
    """The suspension kinds a declaration asks for, of those the provider has."""
    if suspended is None or suspended is False:
        return ()
    if suspended is True:
        return tuple(spec.suspend_kinds)
    return tuple(kind for kind in suspended if kind in spec.suspend_kinds)


def _live_kinds(box: "Mailbox", spec: "ProviderSpec") -> tuple[str, ...] | None:
    if box.restrictions is not None:
        return tuple(kind for kind in SUSPENSION_KINDS if kind in box.restrictions and kind in spec.suspend_kinds)
    if box.suspended is None:
        return None
    # The panel says only "suspended": it is, in every way it can be.
    return tuple(spec.suspend_kinds) if box.suspended else ()


def _expressible(suspended: bool | tuple[str, ...], spec: "ProviderSpec", address: str, warnings: list[str]) -> bool:
    if not spec.suspend_kinds or not spec.supports("pop set"):
        if suspended:
            warnings.append(f"{address}: {spec.label} cannot suspend a mailbox through mailctl; left as it is")
        return False
    if isinstance(suspended, tuple):
        missing = [kind for kind in suspended if kind not in spec.suspend_kinds]
        if missing:
            warnings.append(f"{address}: {spec.label} cannot suspend {', '.join(missing)} on its own")
        for kind, needed in spec.suspend_needs.items():
            if kind in suspended and needed not in suspended:
                warnings.append(f"{address}: {spec.label} suspends {kind} only together with {needed}; "
                                "left as it is")
                return False
    return True
