"""A server on 127.0.0.1 that answers whatever a test scripts, for any provider's wire
format: the other side of the wire when the emulator would never send such a thing (an
image instead of a form, `false` for a write, a refusal in another envelope)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(value, status: int = 200) -> Answer:
    return Answer(status, json.dumps(value).encode())


class ScriptedServer:
    """`script(seen)` returns the Answer to each request; every request is kept in `seen`."""

    def __init__(self, script: Callable[[Seen], Answer]):
        self.script = script
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                server.seen.append(request)
                answer = server.script(request)
                self.send_response(answer.status)
                if answer.content_type:
                    self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_POST = do_GET = _answer  # noqa: N815 (http.server's names)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "ScriptedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()


def jsonrpc(results: dict[str, object]) -> Callable[[Seen], Answer]:
    """A JSON-RPC server: method -> its result (an Exception-like dict {"error": ...}
    is sent as the error member)."""

    def script(seen: Seen) -> Answer:
        call = seen.json
        result = results.get(call["method"], True)
        if isinstance(result, dict) and set(result) == {"error"}:
            return json_answer({"jsonrpc": "2.0", "id": call["id"], "error": result["error"]})
        return json_answer({"jsonrpc": "2.0", "id": call["id"], "result": result})

    return script
