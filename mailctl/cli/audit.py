"""`mailctl audit`: the log of changes made through mailctl."""

from typing import Annotated

import typer


def audit(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Show the last N entries (0: all).")] = 50,
) -> None:
    """Show the audit log: every create, delete and password change, newest last."""
    from mailctl.audit import AuditLog
    from mailctl.output import AUDIT_COLUMNS

    runtime = ctx.obj
    entries = list(AuditLog(runtime.audit_path).entries())
    if limit:
        entries = entries[-limit:]
    runtime.out.records(entries, AUDIT_COLUMNS,
                        empty="Nothing in the audit log yet: mailctl logs every create, change, delete and "
                              "password change it makes here (pop create, pop set, pop delete, passwd, ...)")
