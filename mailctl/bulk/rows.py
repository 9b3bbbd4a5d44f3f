"""Reading and validating a bulk input file, all of it, before the first request.

Two formats, told apart by the first character of the first non-blank line:
- CSV with a header row (`,` or, when the header has no comma, `;` or a tab);
- JSON lines: one object per line, the same names as the CSV columns (so the output of
  `mailctl pop list --json | jq -c '.[]'` is valid input for `pop create`).

Every bad row is collected and reported in one UsageError (exit 2) that names its line,
so a file is fixed in one pass and nothing is sent from a file with a mistake in it.
That includes what the provider would refuse: the caller hands in the backend's own
check for a row (Spec.check), so no provider's rules are written down here.
Passwords from the file never appear in a message."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from mailctl import providers, validation
from mailctl.backends.base import RefusedOption
from mailctl.errors import UsageError
from mailctl.validation import Address

if TYPE_CHECKING:
    from mailctl.providers.base import ProviderSpec

COMMANDS = ("create", "passwd", "delete", "set", "alias")

# Fields of mailctl's own `pop list --json` / `alias list --json` records that say
# nothing about what to do.
_INFORMATIONAL = ("domain", "usage_bytes", "suspended", "restrictions", "aliases", "kind")
# `alias add|remove`: the destinations, as `to` (separated by spaces or commas) or as
# `alias list --json` prints them (`destinations`, a list).
_DESTINATION_FIELDS = ("to", "destinations")


def known_fields() -> tuple[str, ...]:
    """The columns a file may have: every provider's create options are known, so that a
    column for another provider is refused by name ("PROVIDER takes no OPTION")."""
    return ("address", "password", "quota", "quota_mb", "suspend", *_DESTINATION_FIELDS,
            *providers.create_options(), *_INFORMATIONAL)


@dataclass(frozen=True)
class Row:
    """One validated input row. `line` is where it starts in the file (1-based)."""

    line: int
    address: Address
    password: str | None = field(default=None, repr=False)  # from the file; never shown
    quota_mb: int | None = None  # None: the provider's default; 0: unlimited
    # Create options (any provider's, by name), as read; the provider's check decides.
    options: Mapping[str, Any] = field(default_factory=dict)
    # pop set: suspend (True), lift it (False) or leave it (None).
    suspend: bool | None = None
    # alias add / alias remove: the destinations (addresses, or special targets).
    destinations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    """What the rows of one run must look like."""

    command: str  # one of COMMANDS
    provider: "ProviderSpec"
    generate: bool = False  # passwords will be generated: the file must not carry any
    # The provider's rules for one row that passed the generic checks: a UsageError
    # (RefusedOption naming the column) when it would refuse the row.
    check: Callable[[Row], None] | None = None

    @property
    def wants_password(self) -> bool:
        return self.command in ("create", "passwd")


class _BadRows:
    """Every problem found, by line, in file order."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        # Cells that are, or may be, passwords: never echoed in a problem's text. A row
        # with fewer cells than the header is misaligned, and any of its cells may be the
        # password that slid into another column.
        self.hidden: set[str] = set()

    def add(self, line: int, text: str) -> None:
        self.problems.append((line, text))

    def hide(self, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            self.hidden.add(value)
            self.hidden.add(value.strip())

    def raise_if_any(self, source: str, rows: int | None = None) -> None:
        """One UsageError for every problem found. The same problem on several lines is
        said once with its lines ("lines 2-4, 9: ..."); when it is the only problem it is
        the error itself -- a mistake of the whole file (a column the provider has no use
        for, an unknown field) is one error, not one per row. `rows`: how many rows the
        file has, so such a mistake can say it is on every one."""
        if not self.problems:
            return
        from mailctl.redaction import redact

        hidden = list(self.hidden)
        by_text: dict[str, list[int]] = {}
        for line, text in sorted(self.problems, key=lambda p: p[0]):
            by_text.setdefault(redact(text, hidden), []).append(line)
        if len(by_text) == 1 and len(next(iter(by_text.values()))) > 1:
            (text, lines), = by_text.items()
            where = "every row" if rows is not None and len(set(lines)) >= rows else _lines_text(lines)
            raise UsageError(f"{source} ({where}): {text}; nothing was sent")
        count = len({line for line, _ in self.problems})
        noun = "row" if count == 1 else "rows"
        raise UsageError(f"{source}: {count} bad {noun}; nothing was sent",
                         details=[f"{_lines_text(lines)}: {text}" for text, lines in by_text.items()])


def _lines_text(lines: list[int]) -> str:
    """[2, 3, 4, 9] -> "lines 2-4, 9"; [5] -> "line 5"."""
    lines = sorted(set(lines))
    if len(lines) == 1:
        return f"line {lines[0]}"
    spans: list[list[int]] = []
    for line in lines:
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return "lines " + ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def parse(text: str, spec: Spec, source: str) -> list[Row]:
    """The rows of an input file's text; UsageError listing every bad row."""
    if text.startswith("\ufeff"):  # spreadsheet programs write a byte-order mark
        text = text[1:]
    bad = _BadRows()
    records = list(_json_lines(text, bad) if _is_json_lines(text) else _csv_records(text, bad))
    bad.raise_if_any(source, _row_count(text) if _is_json_lines(text) else None)
    if not records:
        raise UsageError(f"{source}: no rows to process")
    rows: list[Row] = []
    first_line: dict[Address, int] = {}
    for line, values in records:
        row = _row(line, values, spec, bad)
        if row is None:
            continue
        if row.address in first_line:
            bad.add(line, f"{row.address} is already on line {first_line[row.address]}")
            continue
        first_line[row.address] = line
        if _refused(row, spec, bad):
            continue
        rows.append(row)
    bad.raise_if_any(source, len(records))
    return rows


def _refused(row: Row, spec: Spec, bad: _BadRows) -> bool:
    if spec.check is None:
        return False
    try:
        spec.check(row)
    except RefusedOption as exc:
        bad.add(row.line, exc.row_message)
    except UsageError as exc:
        bad.add(row.line, exc.message)
    else:
        return False
    return True


# -- the two formats: (line, {field: value}) records ----------------------------------------

def _row_count(text: str) -> int:
    """The rows of a JSON-lines file: its lines that are not blank."""
    return sum(1 for line in text.splitlines() if line.strip())


def _is_json_lines(text: str) -> bool:
    return text.lstrip()[:1] == "{"


def _json_lines(text: str, bad: _BadRows) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, object_pairs_hook=_pairs)
        except ValueError as exc:
            # The decoder's message names the position, never the text around it.
            bad.add(number, f"not a JSON object ({exc.msg} at column {exc.colno})")
            continue
        if isinstance(value, _Duplicated):
            bad.hide(value.get("password"))
            bad.add(number, f"the field {value.repeated!r} appears twice: which one is meant?")
            continue
        if not isinstance(value, dict):
            bad.add(number, "not a JSON object")
            continue
        bad.hide(value.get("password"))
        names = [_field_name(k) for k in value]
        twice = next((name for name in names if names.count(name) > 1), None)
        if twice is not None:
            bad.add(number, f"the field {twice!r} appears twice: which one is meant?")
            continue
        fields = {_field_name(k): v for k, v in value.items()}
        known = known_fields()
        unknown = [k for k in value if _field_name(k) not in known]
        if unknown:
            bad.add(number, f"unknown field {unknown[0]!r} (known: {', '.join(known)})")
            continue
        yield number, fields


class _Duplicated(dict):
    """A JSON object that named a key twice (json.loads keeps the last one silently)."""

    repeated: str = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads' object hook: a _Duplicated for an object (or one inside it) that
    names a key twice, so the row is refused rather than read with the last value."""
    seen: set[str] = set()
    repeated = None
    for key, item in pairs:
        if key in seen and repeated is None:
            repeated = key
        seen.add(key)
        if repeated is None and isinstance(item, _Duplicated):
            repeated = item.repeated
    if repeated is None:
        return dict(pairs)
    duplicated = _Duplicated(pairs)
    duplicated.repeated = repeated
    return duplicated


def _csv_records(text: str, bad: _BadRows) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    header: list[str] | None = None
    end_of_previous = 0
    try:
        for cells in reader:
            line, end_of_previous = end_of_previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [_field_name(cell) for cell in cells]
                if not _good_header(header, cells, line, bad):
                    return
                continue
            if "password" in header and header.index("password") < len(cells):
                bad.hide(cells[header.index("password")])
            if len(cells) < len(header):
                for i, cell in enumerate(cells):
                    if header[i] != "address":
                        bad.hide(cell)
            if len(cells) > len(header):
                for cell in cells:
                    bad.hide(cell)
                bad.add(line, f"{len(cells)} fields, but the header has {len(header)}")
                continue
            yield line, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
    except csv.Error as exc:
        bad.add(reader.line_num, f"unreadable CSV ({exc})")


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    if ";" in first:
        return ";"
    return "\t" if "\t" in first else ","


def _good_header(header: list[str], cells: list[str], line: int, bad: _BadRows) -> bool:
    known = known_fields()
    unknown = [cell for cell, name in zip(cells, header) if name not in known]
    if unknown:
        bad.add(line, f"unknown column {unknown[0].strip()!r} in the header (known: {', '.join(known)})")
        return False
    if "address" not in header:
        bad.add(line, "the header row has no 'address' column (the first row must name the columns)")
        return False
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        bad.add(line, f"column {repeated[0]!r} appears twice in the header")
        return False
    return True


def _field_name(name: Any) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


# -- one record -> one Row ----------------------------------------------------------------

def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip() == "")


def _row(line: int, values: dict[str, Any], spec: Spec, bad: _BadRows) -> Row | None:
    problems_before = len(bad.problems)
    address = _address(values.get("address"), line, bad)
    password = _password(values, spec, line, bad)
    extra: dict[str, Any] = {}
    if spec.command == "create":
        extra = _create_fields(values, spec.provider, line, bad)
    elif spec.command == "set":
        extra = _set_fields(values, line, bad)
    elif spec.command == "alias":
        extra = {"destinations": _destinations(values, line, bad)}
    if len(bad.problems) != problems_before or address is None:
        return None
    return Row(line, address, password, **extra)


def _address(value: Any, line: int, bad: _BadRows) -> Address | None:
    if not _present(value):
        bad.add(line, "no address")
        return None
    if not isinstance(value, str):
        bad.add(line, "the address must be text")
        return None
    try:
        return validation.address(value)
    except UsageError as exc:
        bad.add(line, exc.message)
        return None


def _password(values: dict[str, Any], spec: Spec, line: int, bad: _BadRows) -> str | None:
    if not spec.wants_password:
        return None  # a delete ignores a password column, so a create's file can be reused
    value = values.get("password")
    if spec.generate:
        if "password" in values:
            bad.add(line, "the file has a password field and --generate was given: choose one")
        return None
    if not _present(value):
        bad.add(line, "no password (add a 'password' column, or use --generate and --report FILE)")
        return None
    if not isinstance(value, str):
        bad.add(line, "the password must be text")
        return None
    if value != value.strip():
        bad.add(line, "the password starts or ends with a space (a stray space after a comma?)")
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        bad.add(line, "the password contains a control character or line break")
        return None
    return value


def _create_fields(values: dict[str, Any], provider: "ProviderSpec", line: int, bad: _BadRows) -> dict[str, Any]:
    """The create fields a row gives, read as values; an option the provider does not
    take is its own check's business (Spec.check), a value it refuses is said here."""
    if "quota" in values and "quota_mb" in values:
        bad.add(line, "give the quota as 'quota' or as 'quota_mb', not both")
    fields: dict[str, Any] = {}
    # A listing's quota_mb null says "unlimited" to a provider with quotas, and nothing
    # at all to one without (a mailbox.org listing has null on every row).
    if provider.takes_quota or _present(values.get("quota")) or _present(values.get("quota_mb")):
        fields["quota_mb"] = _quota(values, line, bad)
    options: dict[str, Any] = {}
    for name, (option, _) in providers.create_options().items():
        if not _present(values.get(name)):
            continue
        value = _count(values[name], name, line, bad) if option.kind == "int" else _text(values[name], name, line, bad)
        own = provider.create_option(name)
        if value is not None and own is not None:
            try:
                value = own.value(value)
            except UsageError as exc:
                shown = f" {value!r}" if own.echo_value else ""
                bad.add(line, f"{own.column}{shown}: {exc.message}")
                continue
        options[name] = value
    fields["options"] = options
    return fields


_YES = ("yes", "y", "true", "1", "on")
_NO = ("no", "n", "false", "0", "off")


def _set_fields(values: dict[str, Any], line: int, bad: _BadRows) -> dict[str, Any]:
    """pop set: `quota` (or `quota_mb`) and `suspend` (yes/no); blank leaves it as it is."""
    if "quota" in values and "quota_mb" in values:
        bad.add(line, "give the quota as 'quota' or as 'quota_mb', not both")
    fields: dict[str, Any] = {}
    if _present(values.get("quota")) or _present(values.get("quota_mb")):
        fields["quota_mb"] = _quota(values, line, bad)
    suspend = values.get("suspend")
    if _present(suspend):
        if isinstance(suspend, bool):
            fields["suspend"] = suspend
        elif isinstance(suspend, str) and suspend.strip().lower() in _YES + _NO:
            fields["suspend"] = suspend.strip().lower() in _YES
        else:
            bad.add(line, f"invalid suspend {suspend!r}: expected yes or no (blank leaves it as it is)")
    return fields


def _destinations(values: dict[str, Any], line: int, bad: _BadRows) -> tuple[str, ...]:
    """alias add|remove: `to` ("a@x b@y" or "a@x,b@y") or `destinations` (a list)."""
    given = [name for name in _DESTINATION_FIELDS if _present(values.get(name))]
    if len(given) > 1:
        bad.add(line, "give the destinations as 'to' or as 'destinations', not both")
        return ()
    if not given:
        return ()
    raw = values[given[0]]
    if isinstance(raw, str):
        items = raw.replace(",", " ").split()
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        items = [item.strip() for item in raw if item.strip()]
    else:
        bad.add(line, f"{given[0]} must be text or a list of addresses")
        return ()
    found = []
    for item in items:
        if item.startswith(":"):
            found.append(item)  # a special target: the provider's check decides
            continue
        try:
            found.append(str(validation.address(item)))
        except UsageError as exc:
            bad.add(line, f"{given[0]}: {exc.message}")
            return ()
    return tuple(dict.fromkeys(found))


def _quota(values: dict[str, Any], line: int, bad: _BadRows) -> int | None:
    if "quota_mb" in values:
        # The name `pop list --json` prints, where null means unlimited: a listing from
        # one server recreates the same quotas on another.
        value = values["quota_mb"]
        if not _present(value):
            return 0
    else:
        value = values.get("quota")
        if not _present(value):
            return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        bad.add(line, f"invalid quota {value!r}: expected a whole number of MB (0 or 'unlimited' for no limit)")
        return None
    try:
        return validation.quota_mb(value)
    except UsageError as exc:
        bad.add(line, exc.message)
    except ValueError:  # digits isdigit() accepts but int() does not, like '²'
        bad.add(line, f"invalid quota {value!r}: expected a whole number of MB (0 or 'unlimited' for no limit)")
    return None


def _count(value: Any, name: str, line: int, bad: _BadRows) -> int | None:
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()):
        bad.add(line, f"invalid {name} {value!r}: expected a whole number, 0 or more")
        return None
    return int(text)


def _text(value: Any, name: str, line: int, bad: _BadRows) -> str | None:
    if not isinstance(value, str):
        bad.add(line, f"{name} must be text")
        return None
    return value.strip()
