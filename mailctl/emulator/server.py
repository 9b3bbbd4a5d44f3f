"""The HTTP(S) server: routing by path, access log, request recording, fault application.

All providers share one port; their paths do not collide. Which provider serves which
path prefix is the registry's business (registry.APPS).
"""

from __future__ import annotations

import socket
import ssl
import struct
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, TextIO

from . import directadmin_wire, registry
from .faults import Fault, FaultSet
from .settings import Settings
from .statefile import StateSaver
from .world import World
from .wire import HTML_TYPE, JSON_TYPE, TEXT_TYPE, Request, Response

Handler = Callable[[Request, World, Settings], Response]

_NON_JSON_BODY = b"Internal error; this answer is not JSON\n"
# Sent (cut short) by a "before" truncate fault, when no real answer exists yet.
_STAND_IN_ANSWER = b'{"status":1,"errors":null,"data":[{"email":"info@example.com"}]}'


route = registry.route


@dataclass
class RecordedRequest:
    """One request as it arrived. `status` is the HTTP status sent, or the fault that
    replaced the answer ("reset", "stall", "truncate"), or None while in progress."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # keys in lower case
    body: bytes
    provider: str | None
    status: int | str | None = None

    @property
    def url(self) -> str:
        """Path and query string: everything a proxy or access log would see."""
        return f"{self.path}?{self.query}" if self.query else self.path


class Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    def add(self, request: Request, provider: str | None) -> RecordedRequest:
        record = RecordedRequest(request.method, request.path, request.query,
                                 dict(request.headers), request.body, provider)
        with self._lock:
            self._requests.append(record)
        return record

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()


@dataclass
class Core:
    """What the request handlers share: the world, switches, faults, log and recorder."""

    world: World
    settings: Settings
    faults: FaultSet = field(default_factory=FaultSet)
    recorder: Recorder = field(default_factory=Recorder)
    log: TextIO | None = None
    saver: StateSaver | None = None  # set when a --state file is kept
    stopping: threading.Event = field(default_factory=threading.Event)
    _log_lock: threading.Lock = field(default_factory=threading.Lock)

    def dispatch(self, handler: Handler, request: Request) -> Response:
        """Run a provider handler under the world lock; tell the saver if it changed."""
        with self.world.lock:
            revision = self.world.revision
            response = handler(request, self.world, self.settings)
            changed = self.world.revision != revision
        if changed and self.saver is not None:
            self.saver.changed()
        return response

    def log_access(self, client: str, request: Request, outcome: int | str) -> None:
        if self.log is None:
            return
        target = f"{request.path}?{request.query}" if request.query else request.path
        stamp = time.strftime("%d/%b/%Y %H:%M:%S")
        with self._log_lock:
            self.log.write(f'{client} - [{stamp}] "{request.method} {target}" {outcome}\n')
            self.log.flush()


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 drops SYNs when a bulk run opens 16 connections at once,
    # and each dropped SYN costs the client a 1 s retransmission.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], core: Core,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.core = core
        self.ssl_context = ssl_context
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, RequestHandler)

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        sock, address = super().get_request()
        if self.ssl_context is not None:
            # The handshake runs in the handler thread, so a slow client cannot stall accept().
            sock = self.ssl_context.wrap_socket(sock, server_side=True,
                                                do_handshake_on_connect=False)
        return sock, address

    def track(self, sock: socket.socket, active: bool) -> None:
        with self._connections_lock:
            (self._connections.add if active else self._connections.discard)(sock)

    def close_connections(self) -> None:
        """Hang up on kept-alive clients so nothing is served after stop()."""
        with self._connections_lock:
            connections = list(self._connections)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that hang up, or speak plain HTTP to the TLS port, are not server bugs.
        if not isinstance(sys.exc_info()[1], (OSError, ssl.SSLError)):
            super().handle_error(request, client_address)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real panels and client pools expect
    server_version = "mailctl-emulator"
    server: EmulatorServer
    timeout = 300  # an idle kept-alive connection gives its thread back eventually
    # Headers and body go out in two writes; with Nagle on, the second waits for the
    # client's delayed ACK (~40 ms per request).
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()  # under the handler's timeout
        self.server.track(self.connection, True)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        """Silenced: the emulator writes its own access log (see Core.log_access)."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_request(self) -> Request:
        length = self.headers.get("Content-Length", "0").strip()
        body = self.rfile.read(int(length)) if length.isdigit() and int(length) > 0 else b""
        path, _, query = self.path.partition("?")
        headers = {name.lower(): value for name, value in self.headers.items()}
        return Request(self.command, path, query, headers, body)

    def _serve(self) -> None:
        core = self.server.core
        request = self._read_request()
        provider, handler = route(request.path)
        record = core.recorder.add(request, provider)
        if core.settings.latency_ms:
            time.sleep(core.settings.latency_ms / 1000)
        fired = core.faults.select(provider, request)
        fault = _delay_then_pick([f for f in fired if f.when == "before"])
        response = None
        if fault is None:
            response = self._answer(core, handler, request)
            fault = _delay_then_pick([f for f in fired if f.when == "after"])
        # Recorded before the client can see anything, so a test never races the record.
        record.status = response.status if fault is None else _outcome(fault)
        core.log_access(self.client_address[0], request, record.status)
        if fault is None:
            self._send(response)
        else:
            self._play(fault, response)

    def _answer(self, core: Core, handler: Handler | None, request: Request) -> Response:
        if handler is None:
            return Response(404, b"Not Found\n", TEXT_TYPE)
        try:
            return core.dispatch(handler, request)
        except Exception:  # an emulator bug: answer like a crashed server, and say why
            traceback.print_exc(file=sys.stderr)
            return Response(500, b"Internal Server Error\n", TEXT_TYPE)

    # ----------------------------------------------------------------- sending

    def _send(self, response: Response, declared_length: int | None = None,
              body: bytes | None = None) -> None:
        body = response.body if body is None else body
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        length = len(body) if declared_length is None else declared_length
        self.send_header("Content-Length", str(length))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    # ----------------------------------------------------------------- faults

    def _play(self, fault: Fault, response: Response | None) -> None:
        """Answer as the fault says; `response` is the real answer for an "after" fault."""
        if fault.status is not None:
            self._send(_status_response(fault))
        elif fault.kind == "reset":
            self._reset()
        elif fault.kind == "stall":
            self._stall(fault, response)
        elif fault.kind == "truncate":
            self._truncate(response)
        elif fault.kind == "nonjson":
            kind = response.content_type if response is not None else JSON_TYPE
            self._send(Response(200, _NON_JSON_BODY, kind))
        else:  # login_page
            # The bare page, without X-DirectAdmin: what a client that reads only the body sees.
            self._send(directadmin_wire.login_page(self.server.core.settings, header=False))

    def _reset(self) -> None:
        """Close with an RST and no answer (SO_LINGER 0), like a crashed proxy."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.rfile.close()  # the reader holds a reference that would keep the socket open
        self.connection.close()
        self.close_connection = True

    def _stall(self, fault: Fault, response: Response | None) -> None:
        """Wait (bounded, cut short by stop()); then a late answer, or none at all if the
        request was never handled."""
        self.server.core.stopping.wait(fault.seconds)
        if response is not None and not self.server.core.stopping.is_set():
            try:
                self._send(response)
            except OSError:
                pass  # the client gave up long ago
        self.close_connection = True

    def _truncate(self, response: Response | None) -> None:
        """Promise more bytes than are sent, then hang up."""
        if response is None:
            response = Response(200, _STAND_IN_ANSWER, JSON_TYPE)
        sent = response.body[: len(response.body) // 2]
        self._send(response, declared_length=len(response.body) + 64, body=sent)
        self.close_connection = True


def _delay_then_pick(faults: list[Fault]) -> Fault | None:
    """Sleep for the latency faults (they add up); the first other fault decides what the
    client gets instead of the answer."""
    for fault in faults:
        if fault.kind == "latency":
            time.sleep(fault.ms / 1000)
    return next((f for f in faults if f.kind != "latency"), None)


def _outcome(fault: Fault) -> int | str:
    """What the record and the access log show for an answer a fault replaced."""
    if fault.status is not None:
        return fault.status
    return 200 if fault.kind in ("nonjson", "login_page") else fault.kind


def _status_response(fault: Fault) -> Response:
    status = fault.status or 500
    reason = BaseHTTPRequestHandler.responses.get(status, ("Error",))[0]
    html = f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>\n"
    headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
    return Response(status, html.encode(), HTML_TYPE, headers)
