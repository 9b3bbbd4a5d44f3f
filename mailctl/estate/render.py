"""The live state as an estate file a person reads and edits: one table per profile and
domain, a line per mailbox and per alias, every quota and suspension as it is now (so
`plan` of an exported file is in sync)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

from mailctl.estate.schema import SUSPENSION_KINDS

if TYPE_CHECKING:
    from mailctl.estate.live import LiveDomain
    from mailctl.providers.base import ProviderSpec

HEADER = """\
# A mail estate for mailctl (docs/estate.md): `mailctl plan FILE` shows what differs from
# the panels, `mailctl apply FILE` makes it so. An omitted setting is left as it is;
# prune = true deletes the mailboxes and aliases this file does not list.
"""


def key(name: str) -> str:
    """A TOML key: bare where TOML allows, else quoted (JSON's escapes are TOML's)."""
    bare = name and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in name)
    return name if bare else json.dumps(name, ensure_ascii=False)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _mailbox_settings(box, spec: "ProviderSpec") -> str:
    settings = []
    if spec.takes_quota:
        settings.append(f"quota = {_value('unlimited' if box.quota_mb is None else box.quota_mb)}")
    if box.restrictions is not None:
        kinds = [kind for kind in SUSPENSION_KINDS if kind in box.restrictions and kind in spec.suspend_kinds]
        if kinds and len(kinds) < len(spec.suspend_kinds):
            settings.append(f"suspended = {_value(kinds)}")
        elif kinds:
            settings.append("suspended = true")
    elif box.suspended and spec.suspend_kinds:
        settings.append("suspended = true")
    return "{ " + ", ".join(settings) + " }" if settings else "{}"


def estate_text(domains: "Iterable[LiveDomain]", specs: "dict[str, ProviderSpec]") -> str:
    lines = [HEADER]
    for live in domains:
        spec = specs[live.profile]
        lines.append(f"[{key(live.profile)}.{key(live.domain)}]")
        lines.append("prune = false")
        for local, box in sorted(live.mailboxes.items()):
            lines.append(f"mailboxes.{key(local)} = {_mailbox_settings(box, spec)}")
        for local, destinations in sorted((live.aliases or {}).items()):
            lines.append(f"aliases.{key(local)} = {_value(sorted(destinations))}")
        lines.append("")
    return "\n".join(lines)
