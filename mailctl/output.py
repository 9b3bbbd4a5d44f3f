"""Rendering, in one place: an aligned table on a terminal, tab-separated lines in a pipe,
JSON for jq. Data goes to stdout; messages, warnings and errors go to stderr.

Everything a server sends or the audit log holds is untrusted text. It is made harmless
here, once, on its way out -- never at the call sites:

- nothing is ever parsed as markup (tables are laid out here, not by rich);
- characters that do something other than show a glyph -- control characters (C0, DEL,
  C1: ESC, BEL, CR, backspace, ...), format characters (bidi overrides and isolates,
  zero-width joiners and spaces, soft hyphen, BOM, tag characters), the Unicode line and
  paragraph separators and lone surrogates -- are shown as escapes (`\\x1b`, `\\u202e`,
  `\\udc80`), in tables, plain lines, messages, warnings and errors alike;
- `plain` writes a tab, newline, carriage return and backslash inside a field as `\\t`,
  `\\n`, `\\r` and `\\\\`, so a field never adds a field or a line and the escapes can be
  undone exactly (the "linear TSV" convention);
- JSON carries those characters as `\\uXXXX` escapes: the same string for a JSON parser,
  and the document stays valid UTF-8 whatever the server sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence

from mailctl.environment import Environment
from mailctl.errors import MailctlError

MODES = ("table", "plain", "json")

# Rows per write: few system calls, little memory, and `head` still sees output early.
_CHUNK = 1000
_GAP = "  "
_ELLIPSIS = "…"


# -- untrusted text made harmless ----------------------------------------------------------

# Unicode categories that do not show a glyph: control, format, surrogate, line and
# paragraph separators. Private-use and unassigned characters draw a glyph (or a box) and
# pass; so do combining marks and the other spaces.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
_PLAIN_SUSPECT = re.compile(r"[^\x20-\x5b\x5d-\x7e]")  # also the backslash
_JSON_SUSPECT = re.compile(r"[^\x00-\x7e]")  # C0 controls are escaped by the encoder


def _hidden(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _visible_char(match: re.Match) -> str:
    char = match.group()
    return _escape(char) if _hidden(char) else char


def _plain_char(match: re.Match) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    return _escape(char) if _hidden(char) else char


def _json_char(match: re.Match) -> str:
    char = match.group()
    if not _hidden(char):
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def visible(text: str) -> str:
    """Untrusted text for a person, on one line: every character that would not show a
    glyph (tab and newline included) is written as an escape."""
    if text.isprintable():
        return text
    return _NOT_PRINTABLE_ASCII.sub(_visible_char, text)


def visible_lines(text: str) -> str:
    """A message mailctl wrote, which may embed untrusted text: its line breaks stay,
    everything else that would not show a glyph (CR, ESC, ...) is escaped, and a line
    after the first starts with spaces -- so no server's words can pass for a line of
    mailctl's own ("mailctl: error: ...", "warning: ...") at the left margin."""
    if text.isprintable():
        return text
    first, *rest = text.split("\n")
    lines = [visible(first)]
    for line in rest:
        line = visible(line)
        lines.append(line if not line or line.startswith(" ") else "  " + line)
    return "\n".join(lines)


def plain_field(text: str) -> str:
    """One field of a `plain` line: tab, newline, CR and backslash as \\t \\n \\r \\\\, other
    invisible characters as \\xNN / \\uXXXX."""
    if text.isprintable() and "\\" not in text:
        return text
    return _PLAIN_SUSPECT.sub(_plain_char, text)


def json_safe(document: str) -> str:
    """Encoded JSON with every invisible character (DEL, C1, bidi, U+2028, lone
    surrogates, ...) as a \\uXXXX escape: equal for a parser, harmless on a terminal,
    and always encodable as UTF-8."""
    if document.isascii() and "\x7f" not in document:
        return document
    return _JSON_SUSPECT.sub(_json_char, document)


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: wide East Asian characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in an ellipsis when something was cut."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    if text.isascii():
        return text[: width - 1] + _ELLIPSIS
    kept, used = [], 0
    for char in text:
        need = cell_width(char)
        if used + need > width - 1:
            break
        kept.append(char)
        used += need
    return "".join(kept) + _ELLIPSIS


# -- JSON, encoded by the C encoder piece by piece, in the layout of json.dumps(indent=2) --

_encode_string = json.encoder.encode_basestring  # the C version, without ensure_ascii


def _json_text(value: Any, level: int = 0) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False), without its pure-Python encoder."""
    scalar = _JSON_SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    try:
        if type(value) is dict:
            if not value:
                return "{}"
            # The rows of a list share their keys: one template per key set and depth,
            # filled with the values' encodings (a nested value takes the long way).
            template = _JSON_TEMPLATES.get((tuple(value), level))
            if template is None and len(_JSON_TEMPLATES) < 64 and all(type(key) is str for key in value):
                template = _json_template(tuple(value), level)
            if template is not None:
                try:
                    return template % tuple([_JSON_SCALARS[type(item)](item) for item in value.values()])
                except KeyError:
                    pass
            inner = _INDENTS[level + 1] if level + 1 < len(_INDENTS) else "\n" + "  " * (level + 1)
            parts = []
            append = parts.append
            for key, item in value.items():
                scalar = _JSON_SCALARS.get(type(item))
                # encode_basestring refuses a key that is not a string: the fallback below
                # converts such keys the way json does.
                append(_encode_string(key) + ": " + (scalar(item) if scalar is not None else _json_text(item, level + 1)))
            return "{" + inner + ("," + inner).join(parts) + inner[:-2] + "}"
        if type(value) in (list, tuple):
            if not value:
                return "[]"
            inner = _INDENTS[level + 1] if level + 1 < len(_INDENTS) else "\n" + "  " * (level + 1)
            return "[" + inner + ("," + inner).join([_json_text(item, level + 1) for item in value]) + inner[:-2] + "]"
    except TypeError:
        pass
    return _json_fallback(value, level)


_JSON_TEMPLATES: dict = {}


def _json_template(keys: tuple, level: int) -> str:
    inner = "\n" + "  " * (level + 1)
    fields = ("," + inner).join(_encode_string(key).replace("%", "%%") + ": %s" for key in keys)
    template = _JSON_TEMPLATES[(keys, level)] = "{" + inner + fields + inner[:-2] + "}"
    return template


_INDENTS = tuple("\n" + "  " * n for n in range(8))
_JSON_SCALARS: dict = {
    str: _encode_string,
    int: int.__repr__,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): {None: "null"}.__getitem__,
}


_VALUE_ENCODER = (json.encoder.c_make_encoder(None, str, _encode_string, None, ": ", "\x00", False, False, True)
                  if json.encoder.c_make_encoder is not None else None)
_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


def _json_flat_rows(rows: Sequence[Any]) -> str | None:
    """The elements of a JSON array in the indent=2 layout, when they are flat objects
    with the same keys in the same order (any list of records): every value of the chunk
    goes through the C encoder in one call, and the keys are laid in between. None when
    the rows are of another shape (then each takes the general way)."""
    if _VALUE_ENCODER is None or not rows or type(rows[0]) is not dict or not rows[0]:
        return None
    keys = tuple(rows[0])
    if set(map(type, rows)) != {dict} or not all(map(keys.__eq__, map(tuple, rows))):
        return None
    if not all(type(key) is str for key in keys):
        return None
    values = list(chain.from_iterable(map(itemgetter(*keys), rows))) if len(keys) > 1 else \
        [row[keys[0]] for row in rows]
    if not set(map(type, values)) <= _SCALAR_TYPES:
        return None
    # Strings never hold a raw NUL once encoded, so NUL splits the values apart.
    pieces = "".join(_VALUE_ENCODER(values, 0))[1:-1].split("\x00")
    names = [_encode_string(key) + ": " for key in keys]
    joints = ["\n  },\n  {\n    " + names[0]] + [",\n    " + name for name in names[1:]]
    out = [""] * (2 * len(pieces))
    out[0::2] = joints * len(rows)
    out[1::2] = pieces
    out[0] = "{\n    " + names[0]
    out.append("\n  }")
    return "".join(out)


def _json_fallback(value: Any, level: int) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return text.replace("\n", "\n" + "  " * level) if level else text


# -- columns ----------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if type(value) is str:
        return value
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
    # Free text (an error message, details) may be cut to fit a narrow terminal; other
    # columns (addresses, sizes, times, passwords) are atomic and always shown whole.
    free_text: bool = False


def human_bytes(value: int | None) -> str:
    if value is None:
        return "-"
    # Straight comparisons: dividing by powers of two is exact, so this reads the same as
    # dividing by 1024 step by step, at a third of the cost (it runs once per row).
    if value < 1024:
        return f"{value} B" if type(value) is int else f"{float(value):.0f} B"
    if value < 1048576:
        return f"{value / 1024:.1f} KB"
    if value < 1073741824:
        return f"{value / 1048576:.1f} MB"
    return f"{value / 1073741824:.1f} GB"


def short_list(names: Sequence[str], shown: int = 3) -> str:
    """'a, b, c and 4 more': enough names for a question to say what it is about."""
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


class _Unknown:
    """A value the provider does not report, where None would read as something else
    (a null quota is "unlimited"); rows of several providers carry it in table and plain."""

    def __str__(self) -> str:
        return "-"


UNKNOWN = _Unknown()


def quota_text(value: int | None) -> str:
    if value is UNKNOWN:
        return "-"
    return "unlimited" if value is None else f"{value} MB"


def quota_plain(value: int | None) -> str:
    if value is UNKNOWN:
        return "-"
    return "unlimited" if value is None else str(value)


def _fit(widths: list[int], free: list[bool], limit: int) -> list[int]:
    """Column widths that fit `limit` cells by narrowing free-text columns only, each to
    no less than 4 cells (or its own width); atomic columns may overflow the line."""
    total = sum(widths) + len(_GAP) * (len(widths) - 1)
    if total <= limit or not any(free):
        return widths
    fixed = sum(w for w, f in zip(widths, free) if not f) + len(_GAP) * (len(widths) - 1)
    room = limit - fixed
    # Water-filling: columns narrower than a fair share keep their width.
    flexible = sorted((w, i) for i, (w, f) in enumerate(zip(widths, free)) if f)
    fitted = list(widths)
    while flexible:
        share = room // len(flexible)
        width, index = flexible[0]
        if width <= share:
            room -= width
            flexible.pop(0)
            continue
        for _, index in flexible:
            fitted[index] = max(min(4, widths[index]), share)
        break
    return fitted


class StdoutClosed(Exception):
    """stdout's reader went away (EPIPE: `| head`, `| jq -e`): their choice, not an
    error; the command line ends quietly with exit 0."""


class Output:
    def __init__(self, env: Environment, mode: str | None = None, *, color: bool = True,
                 redact: Callable[[str], str] | None = None):
        self.env = env
        self.mode = mode or ("table" if env.stdout_isatty else "plain")
        self.color = color and env.color
        # The run's redactor (mailctl.redaction): every message, warning and error on
        # stderr passes through it, whatever the server put in it.
        self.redact = redact or (lambda text: text)

    @property
    def json(self) -> bool:
        return self.mode == "json"

    @property
    def table(self) -> bool:
        return self.mode == "table"

    # -- data -> stdout -------------------------------------------------------------------
    def records(self, rows: Sequence[dict], columns: Sequence[Column], *, title: str | None = None,
                empty: str | None = None) -> None:
        """A list: a JSON array, one plain line per row, or a table. `empty` is what a
        terminal shows instead of a lone header when there are no rows."""
        if self.mode == "json":
            self._json_array(rows)
        elif self.mode == "plain":
            self._plain(rows, columns)
        elif not rows and empty is not None:
            self.message(empty)
        else:
            self._table(rows, columns, title=title)

    def record(self, row: dict, columns: Sequence[Column]) -> None:
        """One object: a JSON object, one plain line, or a two-column table."""
        if self.mode == "json":
            self._write(json_safe(_json_text(row)) + "\n")
        elif self.mode == "plain":
            self._plain([row], columns)
        else:
            self._table([{"field": c.header, "value": c.table(row.get(c.key))} for c in columns],
                        [Column("field", "Field"), Column("value", "Value")], show_header=False)

    def text(self, text: str) -> None:
        """A document that is itself the data (a shell script), written as it is."""
        self._write(text)

    def lines(self, lines: Iterable[str]) -> None:
        """Text for a person on stdout, a line each; server text in them is shown harmlessly."""
        self._write_chunks(visible(line) + "\n" for line in lines)

    def _write(self, text: str) -> None:
        self._write_chunks((text,))

    def _write_chunks(self, chunks: Iterable[str]) -> None:
        stream = self.env.stdout
        try:
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
        except OSError as exc:
            import errno

            if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
                raise StdoutClosed() from exc
            raise

    def _json_array(self, rows: Sequence[Any]) -> None:
        def chunks():
            if not rows:
                yield "[]\n"
                return
            separator = "[\n  "
            for start in range(0, len(rows), _CHUNK):
                part = rows[start:start + _CHUNK]
                text = _json_flat_rows(part)
                if text is None:
                    text = ",\n  ".join([_json_text(row, 1) for row in part])
                yield json_safe(separator + text)
                separator = ",\n  "
            yield "\n]\n"

        self._write_chunks(chunks())

    def _plain(self, rows: Sequence[dict], columns: Sequence[Column]) -> None:
        fields = [(c.key, c.plain) for c in columns]
        tabs = len(fields) - 1

        def chunks():
            for start in range(0, len(rows), _CHUNK):
                part = rows[start:start + _CHUNK]
                lines = ["\t".join([render(row.get(key)) for key, render in fields]) for row in part]
                lines.append("")
                chunk = "\n".join(lines)
                # One look at the whole chunk: when no field holds a tab, newline,
                # backslash or other invisible character, nothing needs escaping.
                if (chunk.count("\t") != tabs * len(part) or chunk.count("\n") != len(part) or "\\" in chunk
                        or not chunk.replace("\t", "").replace("\n", "").isprintable()):
                    lines = ["\t".join([plain_field(render(row.get(key))) for key, render in fields]) for row in part]
                    lines.append("")
                    chunk = "\n".join(lines)
                yield chunk

        self._write_chunks(chunks())

    def _table(self, rows: Sequence[dict], columns: Sequence[Column], *, title: str | None = None,
               show_header: bool = True) -> None:
        # Column by column: every cell rendered once and kept (most are the row's own
        # strings), so widths come from exactly what is printed.
        cells = []
        widths = []
        headers = [visible(c.header) for c in columns]
        for column, header in zip(columns, headers):
            key, render = column.key, column.table
            column_cells = [render(row.get(key)) for row in rows]
            joined = "".join(column_cells)
            if not joined.isprintable():
                column_cells = [visible(s) for s in column_cells]
                joined = "".join(column_cells)
            width = cell_width(header) if show_header else 0
            if column_cells:
                width = max(width, max(map(len if joined.isascii() else cell_width, column_cells)))
            del joined
            cells.append(column_cells)
            widths.append(width)

        free = [c.free_text for c in columns]
        if self.env.stdout_isatty and show_header and len(columns) > 2:
            # Wider than the terminal even with free text cut: the terminal would wrap
            # the lines and break addresses and times at its edge. One block per record.
            limit = self.env.terminal_width()
            fitted = _fit(widths, free, limit)
            if sum(fitted) + len(_GAP) * (len(fitted) - 1) > limit:
                styled = self.color and self.env.stdout_styles
                self._write_chunks(_stacked(cells, headers, free, limit, title and visible(title), styled))
                return
        if self.env.stdout_isatty and any(free):
            fitted = _fit(widths, free, self.env.terminal_width())
            for i, (wanted, width) in enumerate(zip(widths, fitted)):
                if width < wanted:
                    cells[i] = [_cut(s, width) for s in cells[i]]
                    headers[i] = _cut(headers[i], width)
            widths = fitted

        styled = self.color and self.env.stdout_styles
        total = sum(widths) + len(_GAP) * (len(widths) - 1)
        out = []
        if title:
            title = visible(title)
            pad = max(0, (total - cell_width(title)) // 2)
            out.append(" " * pad + (f"\x1b[3m{title}\x1b[0m" if styled else title) + "\n")
        if show_header:
            header = _GAP.join(_pad(h, w, c.justify) for h, w, c in zip(headers, widths, columns)).rstrip(" ")
            out.append((f"\x1b[1m{header}\x1b[0m" if styled else header) + "\n")
        last = len(columns) - 1

        def chunks():
            if out:
                yield "".join(out)
            for start in range(0, len(rows), _CHUNK):
                stop = start + _CHUNK
                padded = []
                for i, (column_cells, width, column) in enumerate(zip(cells, widths, columns)):
                    part = column_cells[start:stop]
                    if i == last and column.justify != "right":
                        padded.append(part)
                    else:
                        padded.append(_pad_all(part, width, column.justify))
                lines = [line.rstrip(" ") for line in map(_GAP.join, zip(*padded))]
                lines.append("")
                yield "\n".join(lines)

        self._write_chunks(chunks())

    # -- messages -> stderr ----------------------------------------------------------------
    def message(self, text: str) -> None:
        """Human confirmation of what happened; stays on stderr so pipes see only data.
        Its line breaks stay; any other invisible character in it is escaped. In json
        mode it is a JSON line, {"message": ...}: stderr then carries JSON lines only."""
        if self.mode == "json":
            self._json_line({"message": self.redact(text)})
            return
        self.env.stderr.write(visible_lines(self.redact(text)) + "\n")
        self.env.stderr.flush()

    def warn(self, text: str) -> None:
        if self.mode == "json":
            self._json_line({"warning": self.redact(text)})
            return
        self.message(f"warning: {text}")

    def done(self, spec, text: str) -> None:
        """What a successful write says on stderr ("Created a@d"), worded as accepted
        where the provider (providers.base.ProviderSpec) applies writes later."""
        self.message(done_text(spec, text))

    def _json_line(self, body: dict) -> None:
        self.env.stderr.write(json_safe(json.dumps(body, ensure_ascii=False, default=str)) + "\n")
        self.env.stderr.flush()

    def error(self, error: MailctlError) -> None:
        """The error printer: one line (and indented details), or a JSON object in json
        mode. Its text is untrusted (it often holds the panel's own words)."""
        message = self.redact(error.message)
        details = [self.redact(str(line)) for line in error.details]
        if self.mode == "json":
            body = error.to_json()
            body["error"]["message"] = message
            if "details" in body["error"]:
                body["error"]["details"] = details
            text = json_safe(json.dumps(body, ensure_ascii=False, default=str)) + "\n"
        else:
            text = f"mailctl: error: {visible(message)}\n"
            text += "".join(f"  {visible(line)}\n" for line in details)
        try:
            self.env.stderr.write(text)
            self.env.stderr.flush()
        except (BrokenPipeError, ValueError):
            pass  # nobody is reading stderr; the exit code still tells


def done_text(spec, text: str) -> str:
    """`text` ("Created a@d"), or where `spec.applies_later` that the panel accepted it and
    applies it later: "Accepted: created a@d (LABEL applies queued changes shortly)"."""
    if not spec.applies_later:
        return text
    return f"Accepted: {text[:1].lower()}{text[1:]} ({spec.label} applies queued changes shortly)"


def with_applied(spec, row: dict) -> dict:
    """A successful write's JSON record; where `spec.applies_later`, with "applied": false
    (accepted, not yet applied). Other providers' records stay as they are."""
    return {**row, "applied": False} if spec.applies_later else row


def _stacked(cells: list[list[str]], headers: list[str], free: list[bool], limit: int, title: str | None,
             styled: bool):
    """A table too wide for the terminal as one block per record, a line per field
    ("Target   info@example.com"), blocks apart by a blank line. Only free text wraps,
    at spaces; an empty field is left out."""
    import textwrap

    label = max(map(cell_width, headers))
    room = max(limit - label - len(_GAP), 20)
    indent = " " * (label + len(_GAP))
    names = [(f"\x1b[1m{h}\x1b[0m" if styled else h) + " " * (label - cell_width(h)) for h in headers]
    if title:
        yield (f"\x1b[3m{title}\x1b[0m" if styled else title) + "\n\n"
    for i in range(len(cells[0]) if cells else 0):
        lines = []
        for name, column_cells, is_free in zip(names, cells, free):
            value = column_cells[i]
            if not value:
                continue
            parts = textwrap.wrap(value, room, break_long_words=False, break_on_hyphens=False) if is_free else [value]
            lines.append(name + _GAP + (parts[0] if parts else ""))
            lines.extend(indent + part for part in parts[1:])
        yield ("\n" if i else "") + "\n".join(line.rstrip(" ") for line in lines) + "\n"


def _pad(text: str, width: int, justify: str) -> str:
    space = " " * (width - cell_width(text))
    return space + text if justify == "right" else text + space


def _pad_all(cells: list[str], width: int, justify: str) -> list[str]:
    if "".join(cells).isascii() or all(len(s) == cell_width(s) for s in cells):
        return [s.rjust(width) for s in cells] if justify == "right" else [s.ljust(width) for s in cells]
    return [_pad(s, width, justify) for s in cells]


def _audit_error(value: Any) -> str:
    """The Error column of the audit table; the log is a file anyone could have edited."""
    if isinstance(value, dict):
        return str(value.get("message") or "")
    return "" if value is None else str(value)


def _audit_code(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("code") or "-")
    return "-" if value is None else str(value)


# -- the column sets of each kind of record, so every command renders them alike ---------

MAILBOX_COLUMNS = (
    Column("address", "Address"),
    Column("quota_mb", "Quota", table=quota_text, plain=quota_plain, justify="right"),
    Column("usage_bytes", "Used", table=human_bytes, justify="right"),
    Column("suspended", "Suspended"),
)
_UNKNOWN_QUOTA = Column("quota_mb", "Quota", table=_text, plain=_text, justify="right")


def _list_text(value: Any) -> str:
    """A list field: "-" when the panel does not say (null), "none" when it says there is
    nothing (an empty list, which a tab-separated line would otherwise lose)."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value) or "none"
    return _text(value)


# The fields only some providers fill (spec.mailbox_fields), after the common ones, in
# this order whatever the provider: `plain` always carries every one ("-" where the
# provider has no such field), so a script reads the same field from the same place on
# every provider; a table shows the ones the provider has.
OPTIONAL_MAILBOX_COLUMNS = (
    Column("plan", "Plan"),
    Column("restrictions", "Restrictions", table=_list_text, plain=_list_text),
)


def mailbox_columns(spec, *, table: bool = True) -> tuple:
    """pop list for a provider (providers.base.ProviderSpec): address, quota, used,
    suspended, then the optional fields in their fixed order. Where the provider keeps no
    quota per mailbox, a null quota is unknown, not unlimited."""
    columns = MAILBOX_COLUMNS if spec.takes_quota else (MAILBOX_COLUMNS[0], _UNKNOWN_QUOTA) + MAILBOX_COLUMNS[2:]
    return columns + _optional_columns(spec.mailbox_fields, table=table)


def _optional_columns(fields: Sequence[str], *, table: bool, always: Sequence[str] = ()) -> tuple:
    return tuple(c for c in OPTIONAL_MAILBOX_COLUMNS if not table or c.key in fields or c.key in always)


def mailbox_detail_columns(spec, *, table: bool = True) -> tuple:
    """pop show: pop list's columns (a table also says what is restricted where the
    provider does not list it), then the linked aliases."""
    columns = MAILBOX_COLUMNS if spec.takes_quota else (MAILBOX_COLUMNS[0], _UNKNOWN_QUOTA) + MAILBOX_COLUMNS[2:]
    return columns + _optional_columns(spec.mailbox_fields, table=table, always=("restrictions",)) + (
        Column("aliases", "Aliases", table=_list_text, plain=_list_text),)


def _changed_value(name: str, value: Any) -> str:
    if name == "quota_mb":
        return quota_text(value)
    if value is None:
        return "unknown"
    if isinstance(value, list):
        return ",".join(value) or "none"
    return _text(value)


def changes_text(changes: dict) -> str:
    """pop set's {field: [previous, new]}: "quota 500 MB -> 1024 MB; suspended no -> yes"."""
    return "; ".join(f"{name.removesuffix('_mb')} {_changed_value(name, old)} -> {_changed_value(name, new)}"
                     for name, (old, new) in changes.items())


def _change_text(value: Any) -> str:
    return changes_text(value) if value else "-"


# pop set: the mailbox as it is now, and each changed field as (previous, new).
MAILBOX_CHANGE_COLUMNS = (
    Column("address", "Address"),
    Column("outcome", "Outcome"),
    Column("changes", "Changes", table=_change_text, plain=_change_text, free_text=True),
)
# alias list: one row per alias (table, JSON); one line per alias-destination pair (plain).
ALIAS_COLUMNS = (
    Column("address", "Address"),
    Column("destinations", "Destinations", table=lambda v: ", ".join(v), free_text=True),
    Column("kind", "Kind"),
)
ALIAS_PLAIN_COLUMNS = (
    Column("address", "Address"),
    Column("destination", "Destination"),
)
PROFILE_COLUMN = Column("profile", "Profile")


def alias_columns(*, plain: bool, with_profile: bool) -> tuple:
    """alias list: the plain or the table columns, led by the profile over several."""
    columns = ALIAS_PLAIN_COLUMNS if plain else ALIAS_COLUMNS
    return ((PROFILE_COLUMN,) if with_profile else ()) + columns


# alias add / alias remove: the alias as it is afterwards.
ALIAS_RESULT_COLUMNS = (
    Column("address", "Address"),
    Column("outcome", "Outcome"),
    Column("destinations", "Destinations", table=lambda v: ", ".join(v or []), free_text=True),
)


DOMAIN_COLUMNS = (
    Column("name", "Domain"),
    Column("mailbox_count", "Mailboxes", justify="right"),
    # The account it belongs to (a server-wide login lists every account's domains).
    Column("owner", "Owner"),
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


def fleet_mailbox_columns(specs: Sequence, *, table: bool = True) -> tuple:
    """pop list over several profiles: the profile, then pop list's columns; a table shows
    the optional fields any of these providers has. A provider without quotas gives
    UNKNOWN quotas."""
    fields = {name for spec in specs for name in spec.mailbox_fields}
    return (PROFILE_COLUMN,) + MAILBOX_COLUMNS + _optional_columns(fields, table=table)


def profile_detail_columns(provider_options: Sequence) -> tuple:
    """profile show: the common settings with the provider's own options (spec.Option)
    after the default flag."""
    own = tuple(Column(option.name, option.header) for option in provider_options)
    return PROFILE_COLUMNS[:4] + (Column("default", "Default"),) + own + _PROFILE_DETAIL_COLUMNS
# The same order as PROFILE_COLUMNS: name, provider, url, user.
SESSION_COLUMNS = (
    Column("profile", "Profile"),
    Column("provider", "Provider"),
    Column("url", "URL"),
    Column("user", "User"),
    Column("secret_source", "Secret from"),
    Column("authenticated", "Authenticated"),
    Column("session", "Session"),
)
SESSION_ERROR_COLUMN = Column("error", "Error", free_text=True)
# profile list: what makes a profile unusable (one a newer version wrote), when one is.
PROFILE_ERROR_COLUMN = Column("error", "Error", free_text=True, table=lambda v: v or "")
RESULT_COLUMNS = (
    Column("address", "Address"),
    Column("outcome", "Outcome"),
    Column("error", "Error", free_text=True),
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
    Column("error", "Error", table=_audit_error, plain=_audit_code, free_text=True),
)
# Bulk runs (--from-file): one record per input row; `row` is its line in the file.
BULK_RESULT_COLUMNS = (
    Column("row", "Line", justify="right"),
    Column("address", "Address"),
    Column("outcome", "Outcome"),
    Column("error", "Error", free_text=True),
)
BULK_PLAN_COLUMNS = (
    Column("row", "Line", justify="right"),
    Column("address", "Address"),
    Column("action", "Action"),
    Column("details", "Details", free_text=True),
)
# plan in a pipe: one line per change.
PLAN_CHANGE_COLUMNS = (
    Column("profile", "Profile"),
    Column("domain", "Domain"),
    Column("action", "Action"),
    Column("kind", "Kind"),
    Column("address", "Address"),
    Column("details", "Details", free_text=True),
)

