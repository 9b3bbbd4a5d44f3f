"""What each bulk command does to one row: the same Backend call its single command
makes, with the command-line options as defaults for what a row leaves out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from mailctl.bulk.rows import Row

if TYPE_CHECKING:
    from mailctl.backends.base import Backend


@dataclass(frozen=True)
class Operation:
    command: str  # as the user types it, e.g. "pop create"
    kind: str  # rows.COMMANDS: which columns the input file has
    verb: str  # what a dry run says it would do
    done: str  # the outcome of a row that worked
    method: str  # the Backend method it calls (for Backend.require)
    apply: "Callable[[Backend, Row, str | None], None]"  # (backend, row, password)
    describe: Callable[[Row, str], str]  # (row, where its password comes from) -> details
    # What a destructive run makes the user confirm once: (count, which mailboxes) -> question.
    question: Callable[[int, str], str] | None = None


@dataclass(frozen=True)
class CreateDefaults:
    quota_mb: int | None = None
    send_limit: int | None = None
    plan: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    def merged(self, row: Row) -> dict:
        return {
            "quota_mb": row.quota_mb if row.quota_mb is not None else self.quota_mb,
            "send_limit": row.send_limit if row.send_limit is not None else self.send_limit,
            "plan": row.plan or self.plan,
            "first_name": row.first_name or self.first_name,
            "last_name": row.last_name or self.last_name,
        }


def create(defaults: CreateDefaults) -> Operation:
    def apply(backend: "Backend", row: Row, password: str | None) -> None:
        from mailctl.models import NewMailbox

        backend.create_mailbox(NewMailbox(str(row.address), password or "", **defaults.merged(row)))

    def describe(row: Row, password_source: str) -> str:
        values = defaults.merged(row)
        parts = []
        if values["quota_mb"] is not None:
            parts.append("quota unlimited" if values["quota_mb"] == 0 else f"quota {values['quota_mb']} MB")
        if values["send_limit"] is not None:
            parts.append(f"send limit {values['send_limit']}/day")
        if values["plan"]:
            parts.append(f"plan {values['plan']}")
        names = " ".join(n for n in (values["first_name"], values["last_name"]) if n)
        if names:
            parts.append(f"name {names}")
        parts.append(f"password {password_source}")
        return ", ".join(parts)

    return Operation("pop create", "create", "create", "created", "create_mailbox", apply, describe)


def passwd(*, require_reset: bool) -> Operation:
    def apply(backend: "Backend", row: Row, password: str | None) -> None:
        backend.change_password(row.address, password or "", require_reset=require_reset)

    def describe(row: Row, password_source: str) -> str:
        return f"password {password_source}" + (", reset required at next login" if require_reset else "")

    return Operation("passwd", "passwd", "change password", "changed", "change_password", apply, describe)


def delete(*, keep_data: bool) -> Operation:
    def apply(backend: "Backend", row: Row, password: str | None) -> None:
        backend.delete_mailbox(row.address, keep_data=keep_data)

    def describe(row: Row, password_source: str) -> str:
        return "keeping its mail files on disk" if keep_data else "with all its mail"

    def question(count: int, which: str) -> str:
        noun, their, them = ("mailbox", "its", "it") if count == 1 else ("mailboxes", "their", "them")
        consequence = f"keeping {their} mail files on disk" if keep_data else f"and ALL MAIL in {them}"
        return f"Delete {count} {noun} {which} {consequence}?"

    return Operation("pop delete", "delete", "delete", "deleted", "delete_mailbox", apply, describe, question)
