"""A cPanel UAPI server that says whatever a test tells it to: the other side of the
wire when the emulator would never send such a thing (a refusal holding escape
sequences, a lone surrogate, markup)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK_EMPTY = b'{"status": 1, "data": [], "errors": null, "warnings": null}'


class HostileUapi:
    """`answers` maps an Email function name (`list_pops_with_disk`) to the raw JSON
    bytes it answers; anything else gets a successful empty answer."""

    def __init__(self, answers: dict[str, bytes] | None = None):
        self.answers = dict(answers or {})
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                function = self.path.rpartition("/")[2].partition("?")[0]
                body = hostile.answers.get(function, OK_EMPTY)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "HostileUapi":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
