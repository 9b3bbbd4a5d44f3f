"""The World: every provider's state (composed from the registry), one lock, and a
revision counter bumped by every change.

Every request handler runs under `World.lock` (a re-entrant lock), so tests that change
state while requests are in flight should take it too (`with emu.state.lock: ...`);
plain reads need no lock. Each provider's state is an attribute named after it
(`world.directadmin`, `world.cpanel`, ...).
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from . import registry


class World:
    def __init__(self, **states: Any) -> None:
        unknown = set(states) - set(registry.NAMES)
        if unknown:
            raise TypeError(f"unknown provider state(s): {', '.join(sorted(unknown))}")
        self.lock = threading.RLock()
        self.revision = 0
        # A provider left out starts empty (its state class with no arguments).
        self._states: dict[str, Any] = {
            app.name: states[app.name] if app.name in states else registry.state_class(app)()
            for app in registry.APPS}

    def __getattr__(self, name: str) -> Any:
        states = self.__dict__.get("_states")
        if states is not None and name in states:
            return states[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        states = self.__dict__.get("_states")
        if states is not None and name in states:
            states[name] = value
        else:
            super().__setattr__(name, value)

    @property
    def providers(self) -> dict[str, Any]:
        """Provider name -> its state (a copy of the mapping)."""
        return dict(self._states)

    def mailbox_count(self) -> int:
        return sum(len(boxes) for state in self._states.values()
                   for boxes in getattr(state, "mailboxes", {}).values())

    def touch(self) -> None:
        """Record that a request changed the world (so a state file gets saved, and
        cached list orders are rebuilt). Call it after editing state by hand."""
        self.revision += 1

    def replace_with(self, other: World) -> None:
        """Take over another world's contents, keeping this object and its lock."""
        with self.lock:
            self._states.update(other._states)
            self.touch()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot, taken under the lock (serialise it after releasing)."""
        with self.lock:
            return {name: state.to_dict() for name, state in self._states.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> World:
        """Missing providers and keys load as empty, so older state files still load."""
        return cls(**{app.name: registry.state_class(app).from_dict(data.get(app.name, {}))
                      for app in registry.APPS})

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the world as JSON atomically (see statefile.write_atomically)."""
        from .statefile import PRETTY_UP_TO, write_atomically

        write_atomically(path, self.to_dict(), pretty=self.mailbox_count() <= PRETTY_UP_TO)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> World:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: the state file must hold a JSON object")
        return cls.from_dict(data)


def default_world() -> World:
    """A fresh copy of the documented default state: each provider's default_state()."""
    return World(**{app.name: registry.default_state(app) for app in registry.APPS})
