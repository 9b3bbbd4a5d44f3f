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
    apply: "Callable[[Backend, Row, str | None], str | None]"  # (backend, row, password) -> outcome
    describe: Callable[[Row, str], str]  # (row, where its password comes from) -> details
    # What a destructive run makes the user confirm once: (count, which mailboxes) -> question.
    question: Callable[[int, str], str] | None = None
    # Outcomes besides `done` that are success too ("exists" with --exists-ok); `apply`
    # returns one of them, or None for `done`.
    also_done: tuple[str, ...] = ()
    # Said after the count of rows done, in the summary ("mail files kept on disk").
    done_note: str = ""

    @property
    def good(self) -> tuple[str, ...]:
        return (self.done, *self.also_done)


def _ensured(call: Callable[[], Any], error: type, outcome: str, tolerated: bool) -> str | None:
    """Run `call`; with the ensure flag (`tolerated`) an `error` is the row's `outcome`
    ("exists", "absent") instead of a failure."""
    try:
        call()
    except error:
        if tolerated:
            return outcome
        raise
    return None


def _destinations(row: Row, fixed: tuple[str, ...]) -> list[str]:
    """The row's destinations, then the command line's --to ones."""
    return list(dict.fromkeys((*row.destinations, *fixed)))


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


def create(defaults: CreateDefaults, *, exists_ok: bool = False) -> Operation:
    from mailctl.errors import ProviderRefused

    def apply(backend: "Backend", row: Row, password: str | None) -> str | None:
        # --exists-ok: an existing mailbox is left exactly as it is (not even its password).
        if exists_ok and backend.find_mailbox(row.address) is not None:
            return "exists"
        try:
            backend.create_mailbox(defaults.for_row(row, password or ""))
        except ProviderRefused:
            if exists_ok and backend.find_mailbox(row.address) is not None:
                return "exists"
            raise
        return None

    def describe(row: Row, password_source: str) -> str:
        new = defaults.for_row(row)
        parts = []
        if new.quota_mb is not None:
            parts.append("quota unlimited" if new.quota_mb == 0 else f"quota {new.quota_mb} MB")
        parts += [f"{name.replace('_', ' ')} {value}" for name, value in new.options.items()]
        parts.append(f"password {password_source}")
        if exists_ok:
            parts.append("left as it is if it exists")
        return ", ".join(parts)

    return Operation("pop create", "create", "create", "created", apply, describe,
                     also_done=("exists",) if exists_ok else ())


def passwd(*, require_reset: bool) -> Operation:
    def apply(backend: "Backend", row: Row, password: str | None) -> None:
        backend.change_password(row.address, password or "", require_reset=require_reset)

    def describe(row: Row, password_source: str) -> str:
        return f"password {password_source}" + (", reset required at next login" if require_reset else "")

    return Operation("passwd", "passwd", "change password", "changed", apply, describe)


def delete(*, keep_data: bool, missing_ok: bool = False) -> Operation:
    from mailctl.errors import NotFound

    def apply(backend: "Backend", row: Row, password: str | None) -> str | None:
        return _ensured(lambda: backend.delete_mailbox(row.address, keep_data=keep_data), NotFound, "absent",
                        missing_ok)

    def describe(row: Row, password_source: str) -> str:
        return "keeping its mail files on disk" if keep_data else "with all its mail"

    def question(count: int, which: str) -> str:
        noun, their, them = ("mailbox", "its", "it") if count == 1 else ("mailboxes", "their", "them")
        consequence = f"keeping {their} mail files on disk" if keep_data else f"and ALL MAIL in {them}"
        return f"Delete {count} {noun} {which} {consequence}?"

    return Operation("pop delete", "delete", "delete", "deleted", apply, describe, question,
                     also_done=("absent",) if missing_ok else (),
                     done_note=" (their mail files kept on disk)" if keep_data else "")


@dataclass(frozen=True)
class SetDefaults:
    """pop set --from-file: the command line's values for what a row leaves out."""

    quota_mb: int | None = None
    suspend: bool | None = None
    kinds: tuple[str, ...] = ()  # --login / --incoming: what suspend means for every row

    def change_for(self, row: Row, suspend_kinds: tuple[str, ...]):
        from mailctl.models import MailboxChange

        return MailboxChange.of(quota_mb=row.quota_mb if row.quota_mb is not None else self.quota_mb,
                                suspend=row.suspend if row.suspend is not None else self.suspend,
                                kinds=self.kinds, provider_kinds=suspend_kinds)


def change(defaults: SetDefaults, suspend_kinds: tuple[str, ...]) -> Operation:
    """pop set: `suspend_kinds` is what the provider can suspend (its spec)."""

    def apply(backend: "Backend", row: Row, password: str | None) -> str | None:
        from mailctl.models import changed_fields

        wanted = defaults.change_for(row, suspend_kinds)
        before = backend.get_mailbox(row.address)
        after = wanted.known_after(before, backend.change_mailbox(row.address, wanted))
        return None if changed_fields(before, after) else "unchanged"

    def describe(row: Row, password_source: str) -> str:
        return defaults.change_for(row, suspend_kinds).describe() or "nothing"

    return Operation("pop set", "set", "change", "changed", apply, describe, also_done=("unchanged",))


def alias_add(*, destinations: tuple[str, ...], exists_ok: bool) -> Operation:
    from mailctl.errors import AlreadyExists

    def apply(backend: "Backend", row: Row, password: str | None) -> str | None:
        return _ensured(lambda: backend.add_alias(row.address, _destinations(row, destinations)), AlreadyExists,
                        "exists", exists_ok)

    def describe(row: Row, password_source: str) -> str:
        return "to " + ", ".join(_destinations(row, destinations))

    return Operation("alias add", "alias", "add", "added", apply, describe,
                     also_done=("exists",) if exists_ok else ())


def alias_remove(*, destinations: tuple[str, ...], missing_ok: bool) -> Operation:
    from mailctl.errors import NotFound

    def apply(backend: "Backend", row: Row, password: str | None) -> str | None:
        return _ensured(lambda: backend.remove_alias(row.address, _destinations(row, destinations) or None),
                        NotFound, "absent", missing_ok)

    def describe(row: Row, password_source: str) -> str:
        gone = _destinations(row, destinations)
        return ("destinations " + ", ".join(gone)) if gone else "the whole alias"

    def question(count: int, which: str) -> str:
        return f"Remove {count} alias{'es' if count != 1 else ''} (or their listed destinations) {which}?"

    return Operation("alias remove", "alias", "remove", "removed", apply, describe, question,
                     also_done=("absent",) if missing_ok else ())
