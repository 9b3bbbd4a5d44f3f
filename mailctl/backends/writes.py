"""Writes whose answer was lost. A write is sent once; when its answer does not arrive
or cannot be read, the server may or may not have applied it. Re-sending could apply it
twice (or lock a user out), so a read settles what actually happened instead.

Shared by every backend: each supplies the write and, where the change is visible in a
read, the read that shows it."""

from __future__ import annotations

from typing import Callable, TypeVar

from mailctl.errors import AmbiguousWrite, MailctlError, TransportError, TransportTimeout

T = TypeVar("T")


def settle_write(
    send: Callable[[], T],
    *,
    applied: Callable[[], bool] | None,
    action: str,
    provider: str,
    notice: Callable[[str], None],
) -> T | None:
    """Send a write once and return its result. If the answer is lost (TransportError:
    timeout, reset, 5xx, unreadable answer), call `applied()`, a read that tells whether
    the change is now visible on the server:
    - visible: warn through `notice` and return None (the caller reads what it needs);
    - not visible: TransportError saying it was NOT applied, so a retry is safe --
      unless the request timed out: the server may still be working on it and apply it
      after the check, so that is AmbiguousWrite too;
    - `applied` is None (the change cannot be seen, e.g. a password) or the read fails:
      AmbiguousWrite."""
    try:
        return send()
    except AmbiguousWrite:
        raise
    except TransportError as lost:
        if applied is None:
            raise AmbiguousWrite(
                f"{lost.message}; it cannot be told whether {action} was applied: "
                "check on the server before retrying",
                provider=provider,
            ) from None
        try:
            visible = applied()
        except MailctlError as check_failed:
            raise AmbiguousWrite(
                f"{lost.message}; checking whether {action} was applied failed too "
                f"({check_failed.message}): check on the server before retrying",
                provider=provider,
            ) from None
        if visible:
            notice(f"the answer to {action} was lost ({lost.message}), but the server shows the change was applied")
            return None
        if isinstance(lost, TransportTimeout):
            raise AmbiguousWrite(
                f"{lost.message}; {action} is not visible on the server yet, but the server may still "
                "apply it: check on the server before retrying",
                provider=provider,
            ) from None
        raise TransportError(
            f"{lost.message}; {action} was NOT applied (the server shows no change), so it is safe to retry",
            provider=provider,
        ) from None
