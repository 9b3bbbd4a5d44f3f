"""Fault specifications: what goes wrong, on which requests, and when.

A fault is matched against every request (provider, path prefix, JSON-RPC method, one
form field or JSON-RPC param). Matching requests are numbered 1, 2, 3... per fault; the
fault fires on number `nth` (default 1) and the ones after it, `count` times in all
(default: once when `nth` is given, else without limit).

SPEC syntax (`--fault SPEC`, `emu.add_fault("SPEC")`): comma-separated `key=value` pairs;
a first item without "=" is the kind.

    kind=503,path=/execute/,nth=2,count=1
    reset,provider=directadmin,field=action:create,when=after
    429,method=mail.add,retry_after=7
    stall,provider=mailboxorg,seconds=2
    latency,ms=250

keys: kind, provider, path, method, field (NAME:VALUE), nth, count, when (before|after),
ms (latency), seconds (stall), retry_after (429/503 and other statuses).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING

from .registry import NAMES as PROVIDERS

if TYPE_CHECKING:
    from .wire import Request

ACTION_KINDS = ("latency", "reset", "stall", "truncate", "nonjson", "login_page")
WHEN = ("before", "after")
DEFAULT_STALL_SECONDS = 60.0
DEFAULT_RETRY_AFTER = 1


@dataclass
class Fault:
    """One fault. `kind` is an HTTP status ("500", "503", "429", any 4xx/5xx) or one of
    ACTION_KINDS. `matched`/`fired` count what happened so far (read them in tests)."""

    kind: str
    provider: str | None = None
    path: str | None = None
    method: str | None = None
    field: tuple[str, str] | None = None
    nth: int | None = None
    count: int | None = None
    when: str = "before"
    ms: int = 100
    seconds: float = DEFAULT_STALL_SECONDS
    retry_after: int | None = None
    matched: int = dataclass_field(default=0, compare=False)
    fired: int = dataclass_field(default=0, compare=False)

    def __post_init__(self) -> None:
        self.kind = str(self.kind).lower()
        if isinstance(self.field, str):
            self.field = _split_field(self.field)
        if self.kind == "429" and self.retry_after is None:
            self.retry_after = DEFAULT_RETRY_AFTER
        self._validate()

    def _validate(self) -> None:
        if self.status is None and self.kind not in ACTION_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}: use an HTTP status (400-599) "
                             f"or one of {', '.join(ACTION_KINDS)}")
        if self.provider is not None and self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider {self.provider!r}: one of {', '.join(PROVIDERS)}")
        if self.when not in WHEN:
            raise ValueError("when must be 'before' or 'after'")
        for name in ("nth", "count"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be >= 1")
        if self.ms < 0 or self.seconds < 0:
            raise ValueError("ms and seconds must be >= 0")

    @property
    def status(self) -> int | None:
        """The HTTP status for a status fault, else None."""
        return int(self.kind) if self.kind.isdigit() and 400 <= int(self.kind) <= 599 else None

    def matches(self, provider: str | None, request: Request) -> bool:
        if self.provider is not None and provider != self.provider:
            return False
        if self.path is not None and not request.path.startswith(self.path):
            return False
        if self.method is not None and request.rpc_method != self.method:
            return False
        if self.field is not None:
            name, value = self.field
            return request.fields().get(name) == value
        return True

    def take(self, provider: str | None, request: Request) -> bool:
        """Count the request if it matches; True when the fault fires on it.
        Not thread-safe on its own: FaultSet.select serialises the calls."""
        if not self.matches(provider, request):
            return False
        self.matched += 1
        first = self.nth or 1
        limit = self.count if self.count is not None else (1 if self.nth else None)
        if self.matched < first or (limit is not None and self.fired >= limit):
            return False
        self.fired += 1
        return True


def _split_field(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name:
        raise ValueError(f"field must be NAME:VALUE, got {text!r}")
    return name, value


_INT_KEYS = {"nth", "count", "ms", "retry_after"}
_KEYS = {f.name for f in fields(Fault)} - {"matched", "fired"}


def parse_fault(spec: str) -> Fault:
    """Parse a SPEC string (see the module docstring) into a Fault; ValueError if bad."""
    values: dict[str, object] = {}
    for position, item in enumerate(part.strip() for part in spec.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            if position != 0:
                raise ValueError(f"fault spec item {item!r} needs key=value")
            key, value = "kind", item
        key = key.strip().lower()
        if key not in _KEYS:
            raise ValueError(f"unknown fault spec key {key!r}: one of {', '.join(sorted(_KEYS))}")
        values[key] = _convert(key, value.strip())
    if "kind" not in values:
        raise ValueError(f"fault spec {spec!r} has no kind")
    return Fault(**values)  # type: ignore[arg-type]


def _convert(key: str, value: str) -> object:
    try:
        if key in _INT_KEYS:
            return int(value)
        if key == "seconds":
            return float(value)
    except ValueError:
        raise ValueError(f"fault spec key {key!r} needs a number, got {value!r}") from None
    return value


class FaultSet:
    """The active faults, consulted once per request under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def __iter__(self):
        with self._lock:
            return iter(list(self._faults))

    def select(self, provider: str | None, request: Request) -> list[Fault]:
        """The faults that fire on this request (every fault counts it if it matches)."""
        with self._lock:
            return [f for f in self._faults if f.take(provider, request)]
