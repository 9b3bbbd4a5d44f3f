"""`Emulator`: the server's lifecycle and the handles tests use (state, settings, faults,
recorded requests). The CLI in `__main__` is a thin wrapper around it."""

from __future__ import annotations

import os
import ssl
import sys
import threading
from typing import Any, Iterable, TextIO

from .faults import Fault, parse_fault
from .server import Core, EmulatorServer, RecordedRequest
from .settings import Settings
from .statefile import StateSaver
from .world import World, default_world

# stop() waits up to this long for the accept loop to notice; tests start and stop an
# emulator per test, and a select() on one socket this often costs next to nothing.
_POLL_SECONDS = 0.01


class Emulator:
    """Every provider app on one 127.0.0.1 port, served from a background thread.

    Use it as a context manager (or call start()/stop()). See the package docstring for
    the state API, settings and fault syntax.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 tls: tuple[str, str] | None = None, state: World | None = None,
                 state_file: str | os.PathLike[str] | None = None, latency_ms: int = 0,
                 faults: Iterable[Fault | str] = (), log: bool | TextIO = False,
                 **settings: Any) -> None:
        self.settings = Settings(latency_ms=latency_ms, **settings)
        self._state_file = os.fspath(state_file) if state_file is not None else None
        self.state = state if state is not None else _initial_world(self._state_file)
        stream = sys.stderr if log is True else (log or None)
        self._saver = StateSaver(self.state, self._state_file) if self._state_file else None
        self._core = Core(self.state, self.settings, log=stream, saver=self._saver)
        self._address = (host, port)
        self._tls = tls
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None
        for fault in faults:
            self.add_fault(fault)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Emulator:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        context = _tls_context(*self._tls) if self._tls else None
        self._core.stopping.clear()
        self._server = EmulatorServer(self._address, self._core, context)
        if self._state_file and not os.path.exists(self._state_file):
            self.state.save(self._state_file)  # so the user has a rehearsal world to edit
        if self._saver is not None:
            self._saver.start()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": _POLL_SECONDS},
                                        name="mailctl-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._core.stopping.set()  # wakes stalled answers
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()
        self._server = self._thread = None
        if self._saver is not None:
            self._saver.stop()  # the last changes reach the file before stop() returns

    def save_state(self) -> None:
        """Write pending changes to the state file now (no-op without one)."""
        if self._saver is not None:
            self._saver.flush()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- where

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{self._address[0]}:{self.port}"

    # ----------------------------------------------------------------- what happened

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        return self._core.recorder.snapshot()

    def clear_requests(self) -> None:
        self._core.recorder.clear()

    # ----------------------------------------------------------------- faults

    def add_fault(self, spec: Fault | str | None = None, /, **fields: Any) -> Fault:
        """Add a fault from a Fault, a SPEC string, or keyword fields (kind=..., ...)."""
        if isinstance(spec, Fault):
            fault = spec
        elif isinstance(spec, str):
            fault = parse_fault(spec)
        else:
            fault = Fault(**fields)
        return self._core.faults.add(fault)

    def clear_faults(self) -> None:
        self._core.faults.clear()

    @property
    def faults(self) -> list[Fault]:
        return list(self._core.faults)

    # ----------------------------------------------------------------- state

    def reset_state(self) -> None:
        """Back to the default world (same World object, so references stay valid)."""
        self.state.replace_with(default_world())
        self.save_state()


def _initial_world(state_file: str | None) -> World:
    if state_file and os.path.exists(state_file):
        return World.load(state_file)
    return default_world()


def _tls_context(certfile: str, keyfile: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    return context
