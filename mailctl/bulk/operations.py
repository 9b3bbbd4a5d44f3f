"""What each bulk command does to one row: the same Backend call its single command
makes, with the command-line options as defaults for what a row leaves out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from mailctl.bulk.rows import Row

if TYPE_CHECKING:
    from mailctl.backends.base import Backend
    from mailctl.models import NewMailbox
    from mailctl.validation import Address


@dataclass(frozen=True)
class Operation:
    command: str  # as the user types it, e.g. "pop create" (a providers.base.OPERATIONS key)
    kind: str  # rows.COMMANDS: which columns the input file has
    verb: str  # what a dry run says it would do
    done: str  # the outcome of a row that worked
    apply: "Callable[[Backend, Row, str | None], None]"  # (backend, row, password)
    describe: Callable[[Row, str], str]  # (row, where its password comes from) -> details
    # What a destructive run makes the user confirm once: (count, which mailboxes) -> question.
    question: Callable[[int, str], str] | None = None


@dataclass(frozen=True)
class CreateDefaults:
    """The command line's values for what a row leaves out."""

    quota_mb: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # the provider's create options

    def new_mailbox(self, address: "Address", password: str = "") -> "NewMailbox":
        from mailctl.models import NewMailbox

        return NewMailbox(address, password, self.quota_mb, dict(self.options))

    def for_row(self, row: Row, password: str = "") -> "NewMailbox":
        from mailctl.models import NewMailbox

        options = {**self.options, **{k: v for k, v in row.options.items() if v is not None}}
        return NewMailbox(row.address, password, row.quota_mb if row.quota_mb is not None else self.quota_mb,
                          options)


def create(defaults: CreateDefaults) -> Operation:
    def apply(backend: "Backend", row: Row, password: str | None) -> None:
        backend.create_mailbox(defaults.for_row(row, password or ""))

    def describe(row: Row, password_source: str) -> str:
        new = defaults.for_row(row)
        parts = []
        if new.quota_mb is not None:
            parts.append("quota unlimited" if new.quota_mb == 0 else f"quota {new.quota_mb} MB")
        parts += [f"{name.replace('_', ' ')} {value}" for name, value in new.options.items()]
        parts.append(f"password {password_source}")
        return ", ".join(parts)

    return Operation("pop create", "create", "create", "created", apply, describe)


def passwd(*, require_reset: bool) -> Operation:
    def apply(backend: "Backend", row: Row, password: str | None) -> None:
        backend.change_password(row.address, password or "", require_reset=require_reset)

    def describe(row: Row, password_source: str) -> str:
        return f"password {password_source}" + (", reset required at next login" if require_reset else "")

    return Operation("passwd", "passwd", "change password", "changed", apply, describe)


def delete(*, keep_data: bool) -> Operation:
    def apply(backend: "Backend", row: Row, password: str | None) -> None:
        backend.delete_mailbox(row.address, keep_data=keep_data)

    def describe(row: Row, password_source: str) -> str:
        return "keeping its mail files on disk" if keep_data else "with all its mail"

    def question(count: int, which: str) -> str:
        noun, their, them = ("mailbox", "its", "it") if count == 1 else ("mailboxes", "their", "them")
        consequence = f"keeping {their} mail files on disk" if keep_data else f"and ALL MAIL in {them}"
        return f"Delete {count} {noun} {which} {consequence}?"

    return Operation("pop delete", "delete", "delete", "deleted", apply, describe, question)
