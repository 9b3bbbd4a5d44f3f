"""Rendering, in one place: a rich table on a terminal, tab-separated lines in a pipe,
JSON for jq. Data goes to stdout; messages, warnings and errors go to stderr."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from mailctl.environment import Environment
from mailctl.errors import MailctlError

MODES = ("table", "plain", "json")


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    table: Callable[[Any], str] = _text
    plain: Callable[[Any], str] = _text
    justify: str = "left"


def human_bytes(value: int | None) -> str:
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"  # pragma: no cover


def short_list(names: Sequence[str], shown: int = 3) -> str:
    """'a, b, c and 4 more': enough names for a question to say what it is about."""
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def quota_text(value: int | None) -> str:
    return "unlimited" if value is None else f"{value} MB"


def quota_plain(value: int | None) -> str:
    return "unlimited" if value is None else str(value)


class Output:
    def __init__(self, env: Environment, mode: str | None = None, *, color: bool = True):
        self.env = env
        self.mode = mode or ("table" if env.stdout_isatty else "plain")
        self.color = color and env.color

    @property
    def json(self) -> bool:
        return self.mode == "json"

    # -- data -> stdout -------------------------------------------------------------------
    def records(self, rows: Sequence[dict], columns: Sequence[Column], *, title: str | None = None) -> None:
        if self.mode == "json":
            self._json(list(rows))
        elif self.mode == "plain":
            for row in rows:
                self._plain_line(row, columns)
        else:
            self._table(rows, columns, title=title)

    def record(self, row: dict, columns: Sequence[Column]) -> None:
        """One object: a JSON object, one plain line, or a two-column table."""
        if self.mode == "json":
            self._json(row)
        elif self.mode == "plain":
            self._plain_line(row, columns)
        else:
            self._table([{"field": c.header, "value": c.table(row.get(c.key))} for c in columns],
                        [Column("field", "Field"), Column("value", "Value")], show_header=False)

    def text(self, text: str) -> None:
        """A document that is itself the data (a shell script), written as it is."""
        self.env.stdout.write(text)
        self.env.stdout.flush()

    def _json(self, value: Any) -> None:
        self.env.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
        self.env.stdout.flush()

    def _plain_line(self, row: dict, columns: Sequence[Column]) -> None:
        # Tabs and newlines inside a field would break the one-record-per-line promise.
        fields = [c.plain(row.get(c.key)).replace("\t", " ").replace("\n", " ") for c in columns]
        self.env.stdout.write("\t".join(fields) + "\n")

    def _table(self, rows: Sequence[dict], columns: Sequence[Column], *, title: str | None = None,
               show_header: bool = True) -> None:
        from rich.table import Table

        table = Table(title=title, show_header=show_header, header_style="bold", box=None if not show_header else None,
                      pad_edge=False)
        for column in columns:
            table.add_column(column.header, justify=column.justify, overflow="fold")
        for row in rows:
            table.add_row(*(column.table(row.get(column.key)) for column in columns))
        self._console(self.env.stdout).print(table)

    def _console(self, stream):
        from rich.console import Console

        return Console(file=stream, no_color=not self.color, highlight=False, soft_wrap=False,
                       force_terminal=None if stream is not None else False)

    # -- messages -> stderr ----------------------------------------------------------------
    def message(self, text: str) -> None:
        """Human confirmation of what happened; stays on stderr so pipes see only data."""
        self.env.stderr.write(text + "\n")
        self.env.stderr.flush()

    def warn(self, text: str) -> None:
        self.message(f"warning: {text}")

    def error(self, error: MailctlError) -> None:
        if self.mode == "json":
            self.env.stderr.write(json.dumps(error.to_json(), ensure_ascii=False) + "\n")
        else:
            self.env.stderr.write(f"mailctl: error: {error.message}\n")
            for line in error.details:
                self.env.stderr.write(f"  {line}\n")
        self.env.stderr.flush()


# -- the column sets of each kind of record, so every command renders them alike ---------

MAILBOX_COLUMNS = (
    Column("address", "Address"),
    Column("quota_mb", "Quota", table=quota_text, plain=quota_plain, justify="right"),
    Column("usage_bytes", "Used", table=human_bytes, justify="right"),
    Column("suspended", "Suspended"),
)
_UNKNOWN_QUOTA = Column("quota_mb", "Quota", table=_text, plain=_text, justify="right")


def mailbox_columns(spec) -> tuple:
    """pop list / pop show for a provider (providers.base.ProviderSpec): the same columns
    in the same order for every provider, then the fields only this one has. Where the
    provider keeps no quota per mailbox, a null quota is unknown, not unlimited."""
    columns = MAILBOX_COLUMNS if spec.takes_quota else (MAILBOX_COLUMNS[0], _UNKNOWN_QUOTA) + MAILBOX_COLUMNS[2:]
    return columns + tuple(Column(name, name.replace("_", " ").capitalize()) for name in spec.mailbox_fields)
DOMAIN_COLUMNS = (
    Column("name", "Domain"),
    Column("mailbox_count", "Mailboxes", justify="right"),
)
PROFILE_COLUMNS = (
    Column("name", "Name"),
    Column("provider", "Provider"),
    Column("url", "URL"),
    Column("user", "User"),
    Column("default", "Default", table=lambda v: "*" if v else "", plain=lambda v: "default" if v else "-"),
)
_PROFILE_DETAIL_COLUMNS = (
    Column("ca_bundle", "CA bundle"),
    Column("insecure", "Insecure"),
    Column("pin_sha256", "Pinned SHA-256"),
    Column("secret_store", "Secret store", table=lambda v: v or "keyring", plain=lambda v: v or "keyring"),
)


def profile_detail_columns(provider_options: Sequence) -> tuple:
    """profile show: the common settings with the provider's own options (spec.Option)
    after the default flag."""
    own = tuple(Column(option.name, option.header) for option in provider_options)
    return PROFILE_COLUMNS[:4] + (Column("default", "Default"),) + own + _PROFILE_DETAIL_COLUMNS
SESSION_COLUMNS = (
    Column("profile", "Profile"),
    Column("provider", "Provider"),
    Column("user", "User"),
    Column("url", "URL"),
    Column("secret_source", "Secret from"),
    Column("authenticated", "Authenticated"),
    Column("session", "Session"),
)
RESULT_COLUMNS = (
    Column("address", "Address"),
    Column("outcome", "Outcome"),
    Column("error", "Error"),
)
CREATED_COLUMNS = (
    Column("address", "Address"),
    Column("quota_mb", "Quota", table=quota_text, plain=quota_plain),
    Column("password", "Password"),
)
PASSWORD_COLUMNS = (
    Column("address", "Address"),
    Column("password", "Password"),
)
ACCOUNT_PASSWORD_COLUMNS = (
    Column("user", "User"),
    Column("services", "Services changed"),
    Column("password", "Password"),
)
AUDIT_COLUMNS = (
    Column("time", "Time"),
    Column("profile", "Profile"),
    Column("command", "Command"),
    Column("target", "Target"),
    Column("outcome", "Outcome"),
    Column("error", "Error", table=lambda v: (v or {}).get("message") or "", plain=lambda v: (v or {}).get("code") or "-"),
)
# Bulk runs (--from-file): one record per input row; `row` is its line in the file.
BULK_RESULT_COLUMNS = (
    Column("row", "Line", justify="right"),
    Column("address", "Address"),
    Column("outcome", "Outcome"),
    Column("error", "Error"),
)
BULK_PLAN_COLUMNS = (
    Column("row", "Line", justify="right"),
    Column("address", "Address"),
    Column("action", "Action"),
    Column("details", "Details"),
)
