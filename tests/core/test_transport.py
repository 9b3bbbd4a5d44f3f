"""The transport against a scripted local HTTP server: retries only for safe requests,
Retry-After honoured, redirects not followed, failures described, secrets redacted."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mailctl.errors import TransportError
from mailctl.transport import Transport, TransportSettings


class Script:
    """Answers to send, in order; the last one repeats. Records what arrived."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.seen = []


@pytest.fixture
def server():
    script = Script((200, {}, b"ok"))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            script.seen.append((self.command, self.path, dict(self.headers), body))
            status, headers, payload = script.answers.pop(0) if len(script.answers) > 1 else script.answers[0]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield script
    httpd.shutdown()
    httpd.server_close()


def transport(url, **settings):
    sleeps = []
    t = Transport(TransportSettings(base_url=url, backoff=0.01, **settings), sleep=sleeps.append)
    t.sleeps = sleeps
    return t


def test_safe_request_retries_5xx_until_success(server):
    server.answers = [(503, {}, b"busy"), (500, {}, b"oops"), (200, {}, b"fine")]
    t = transport(server.url)
    response = t.request("POST", "/x", data={"a": "1"}, safe=True)
    assert (response.status_code, response.text, len(server.seen)) == (200, "fine", 3)
    assert t.sleeps == [0.01, 0.02]


def test_write_is_sent_once_whatever_happens(server):
    server.answers = [(503, {}, b"busy"), (200, {}, b"fine")]
    response = transport(server.url).request("POST", "/x", data={"a": "1"})
    assert response.status_code == 503 and len(server.seen) == 1


def test_retry_after_is_honoured_and_capped(server):
    server.answers = [(429, {"Retry-After": "7"}, b""), (429, {"Retry-After": "999"}, b""), (200, {}, b"ok")]
    t = transport(server.url)
    assert t.request("GET", "/x", safe=True).status_code == 200
    assert t.sleeps == [7.0, 30.0]


def test_retries_are_bounded(server):
    server.answers = [(500, {}, b"down")]
    response = transport(server.url, retries=2).request("GET", "/x", safe=True)
    assert response.status_code == 500 and len(server.seen) == 3


def test_redirects_are_not_followed(server):
    server.answers = [(302, {"Location": "/CMD_LOGIN"}, b"")]
    response = transport(server.url).request("POST", "/CMD_API_POP", data={})
    assert response.status_code == 302 and [s[1] for s in server.seen] == ["/CMD_API_POP"]


def test_connection_refused_is_a_transport_error(server):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(TransportError, match="connection refused") as err:
        transport(f"http://127.0.0.1:{port}", retries=1).request("GET", "/x", safe=True)
    assert err.value.exit_code == 5


def test_read_timeout_is_a_transport_error():
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(TransportError, match="did not answer within 0.2s"):
            transport(url, timeout=0.2).request("GET", "/x")
    finally:
        listener.close()


def test_debug_trace_redacts_every_secret(server):
    server.answers = [(200, {"Content-Type": "application/json"},
                       b'{"session": "sid-TOPSECRET", "echo": "hunter2-NEW"}')]
    trace = io.StringIO()
    # HPLS-AUTH is mailbox.org's session header: its spec declares it a secret field.
    t = transport(server.url, debug=trace, secret_fields=frozenset({"HPLS-AUTH"}))
    t.add_secret("hunter2-NEW")
    t.request(
        "POST", "/api",
        data={"user": "bob", "passwd": "hunter2-NEW", "passwd2": "hunter2-NEW", "note": "x hunter2-NEW y"},
        headers={"Authorization": "cpanel bob:TOKEN123", "HPLS-AUTH": "sid-TOPSECRET"},
    )
    t.request("POST", "/api", json_body={"method": "auth", "params": {"user": "bob", "pass": "pw-OLD-1"}},
              auth=("bob", "pw-OLD-1"))
    text = trace.getvalue()
    for secret in ("hunter2-NEW", "TOKEN123", "sid-TOPSECRET", "pw-OLD-1"):
        assert secret not in text
    assert "> POST " + server.url + "/api" in text and "user=bob" in text and "< HTTP 200" in text
    # ...while the server did receive them, in bodies and headers, never in the URL.
    assert server.seen[0][3] == b"user=bob&passwd=hunter2-NEW&passwd2=hunter2-NEW&note=x+hunter2-NEW+y"
    assert all("hunter2" not in path for _, path, _, _ in server.seen)


def test_secret_named_key_holding_a_structure_is_searched_not_blanked():
    from mailctl.transport import redact_structure

    answer = {"passwd": [{"status": 1, "statusmsg": "Password changed", "pass": "x"}], "token": "t"}
    assert redact_structure(answer) == {
        "passwd": [{"status": 1, "statusmsg": "Password changed", "pass": "***"}], "token": "***"
    }
