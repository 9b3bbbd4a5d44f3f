"""HTTP for every backend: one requests.Session per run, TLS verified, explicit timeouts,
no redirects followed, retries only for requests the caller marks safe, and a --debug
trace with every secret redacted.

`requests` is imported here and only here; nothing imports this module until a command
actually talks to a server."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO
from urllib.parse import parse_qsl, urlencode

import requests
import requests.adapters

from mailctl import __version__
from mailctl.errors import CertificateRejected, TransportError, TransportTimeout

# Field and header names whose values are secrets in any wire format; a provider adds
# its own (spec.secret_fields) through TransportSettings.
SECRET_FIELDS = frozenset(
    {
        "pass", "passwd", "passwd2", "password", "password1", "password2", "oldpassword",
        "password_hash", "secret", "token", "session", "authorization",
        "proxy-authorization", "cookie", "set-cookie",
    }
)
REDACTED = "***"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A request that carries a secret to log in is sent at most this often, whatever
# `retries` says: every attempt the server saw counts on its failed-login counter.
LOGIN_ATTEMPTS = 2
# Seconds before the first retry, doubling after that. A module value so the test suite
# can shorten every wait at once.
DEFAULT_BACKOFF = 0.5


class _Adapter(requests.adapters.HTTPAdapter):
    def __init__(self, pin_sha256: str | None, **kwargs):
        self._pin = pin_sha256.replace(":", "").lower() if pin_sha256 else None
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        if self._pin:
            kwargs["assert_fingerprint"] = self._pin
        return super().init_poolmanager(*args, **kwargs)


@dataclass(eq=False)  # settings of one run, never compared: one generated method fewer at start-up
class TransportSettings:
    base_url: str
    verify: bool | str = True  # False (--insecure), True, or a CA bundle path
    pin_sha256: str | None = None
    timeout: float = 30.0
    connect_timeout: float = 10.0
    retries: int = 3
    backoff: float | None = None  # None: DEFAULT_BACKOFF
    max_retry_after: float = 30.0
    pool_size: int = 16
    provider: str | None = None  # named in the errors, as every other error of a backend does
    debug: TextIO | None = None
    secret_fields: frozenset[str] = frozenset()  # the provider's own, beside SECRET_FIELDS


@dataclass(eq=False)  # a connection: compared by identity
class Transport:
    settings: TransportSettings
    secrets: set[str] = field(default_factory=set)
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self._secret_fields = SECRET_FIELDS | {name.lower() for name in self.settings.secret_fields}
        session = requests.Session()
        session.trust_env = False  # proxies and .netrc from the environment must not grab credentials
        adapter = _Adapter(self.settings.pin_sha256, pool_connections=1, pool_maxsize=self.settings.pool_size, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers["User-Agent"] = f"mailctl/{__version__}"
        # A pinned certificate replaces the CA check: self-signed panel certificates are
        # the reason pins exist, and urllib3 compares the fingerprint on every connection.
        session.verify = False if self.settings.pin_sha256 else self.settings.verify
        if self.settings.pin_sha256 or self.settings.verify is False:
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.session = session
        if self.settings.backoff is None:
            self.settings.backoff = DEFAULT_BACKOFF

    def add_secret(self, value: str | None) -> None:
        """Register a value that must never show in a trace, whatever field carries it."""
        if value:
            self.secrets.add(value)

    def url(self, path: str) -> str:
        return self.settings.base_url.rstrip("/") + path

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | list[tuple[str, Any]] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        safe: bool = False,
        login: bool = False,
    ) -> requests.Response:
        """Send one request. `safe` marks a read that may be repeated after a connection
        error, a 5xx or a 429; a write is sent once, whatever happens. `login` marks a
        request that carries a secret to log in (or to check a login): it is sent at most
        LOGIN_ATTEMPTS times, since a panel counts each one against its lock-out limit."""
        url = self.url(path)
        timeout = (min(self.settings.connect_timeout, self.settings.timeout), self.settings.timeout)
        attempts = self.settings.retries + 1 if safe else 1
        if login:
            attempts = min(attempts, LOGIN_ATTEMPTS)
        for attempt in range(1, attempts + 1):
            self._trace_request(method, url, headers, data, json_body, auth)
            try:
                response = self.session.request(
                    method, url, data=data, json=json_body, headers=headers, auth=_utf8(auth),
                    timeout=timeout, allow_redirects=False,
                )
            except requests.exceptions.RequestException as exc:
                error = self._describe(exc)
                error.provider = error.provider or self.settings.provider
                if attempt < attempts and not isinstance(exc, requests.exceptions.SSLError):
                    self._trace_note(f"{error}; retrying ({attempt}/{attempts - 1})")
                    self.sleep(self.settings.backoff * 2 ** (attempt - 1))
                    continue
                raise error from None
            self._trace_response(response)
            if attempt < attempts and response.status_code in RETRY_STATUSES:
                delay = self._retry_delay(response, attempt)
                self._trace_note(f"HTTP {response.status_code}; retrying in {delay:.1f}s ({attempt}/{attempts - 1})")
                self.sleep(delay)
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.session.close()

    # -- failure descriptions ------------------------------------------------------------
    def _describe(self, exc: Exception) -> TransportError:
        host = self.settings.base_url
        if isinstance(exc, requests.exceptions.SSLError):
            detail = _short(exc)
            # The command that changes what the profile trusts is the CLI's to add.
            if "Fingerprints did not match" in detail:
                return CertificateRejected(
                    f"the TLS certificate of {host} is not the pinned one: refusing to send anything", pinned=True)
            if "CERTIFICATE_VERIFY_FAILED" in detail or "certificate verify failed" in detail:
                return CertificateRejected(
                    f"TLS certificate of {host} could not be verified: give the profile a CA bundle or pin its "
                    "certificate; --insecure skips the check", pinned=False)
            if _PLAIN_HTTP_ANSWER.search(detail):
                # The first bytes back were not a TLS record: an HTTP server spoke plain text.
                return TransportError(f"{host} did not answer TLS: is it a plain http port?")
            return TransportError(f"TLS handshake with {host} failed: {_tls_reason(detail)}")
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return TransportError(f"timed out connecting to {host} after {self.settings.connect_timeout:g}s")
        if isinstance(exc, (requests.exceptions.ReadTimeout, requests.exceptions.Timeout)):
            return TransportTimeout(f"{host} did not answer within {self.settings.timeout:g}s (--timeout)")
        if isinstance(exc, requests.exceptions.ChunkedEncodingError) or "IncompleteRead" in repr(exc):
            return TransportError(f"the answer from {host} was cut off")
        if isinstance(exc, requests.exceptions.ConnectionError):
            text = repr(exc)
            if "Connection refused" in text:
                return TransportError(f"could not connect to {host}: connection refused")
            if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
                return TransportError(f"could not resolve the host of {host}")
            if "reset" in text.lower() or "aborted" in text.lower() or "RemoteDisconnected" in text:
                return TransportError(f"{host} closed the connection without an answer")
            return TransportError(f"could not connect to {host}: {_short(exc)}")
        return TransportError(f"request to {host} failed: {_short(exc)}")

    def _retry_delay(self, response: requests.Response, attempt: int) -> float:
        header = response.headers.get("Retry-After", "")
        if header.strip().isdigit():
            return min(float(header.strip()), self.settings.max_retry_after)
        return self.settings.backoff * 2 ** (attempt - 1)

    # -- the --debug trace ----------------------------------------------------------------
    def redact(self, text: str) -> str:
        from mailctl.redaction import redact

        return redact(text, list(self.secrets))

    def _trace(self, line: str) -> None:
        if self.settings.debug is not None:
            self.settings.debug.write(self.redact(line) + "\n")
            self.settings.debug.flush()

    def _trace_note(self, text: str) -> None:
        self._trace(f"* {text}")

    def _trace_request(self, method, url, headers, data, json_body, auth) -> None:
        if self.settings.debug is None:
            return
        self._trace(f"> {method} {url}")
        for name, value in {**self.session.headers, **(headers or {})}.items():
            self._trace(f"> {name}: {_redact_header(name, value, self._secret_fields)}")
        if auth:
            self._trace(f"> Authorization: Basic {REDACTED} (user {auth[0]})")
        if data is not None:
            pairs = data.items() if isinstance(data, dict) else data
            self._trace("> " + urlencode([(k, REDACTED if k.lower() in self._secret_fields else v) for k, v in pairs]))
        if json_body is not None:
            self._trace("> " + json.dumps(redact_structure(json_body, self._secret_fields)))

    def _trace_response(self, response: requests.Response) -> None:
        if self.settings.debug is None:
            return
        self._trace(f"< HTTP {response.status_code} {response.reason}")
        for name, value in response.headers.items():
            self._trace(f"< {name}: {_redact_header(name, value, self._secret_fields)}")
        body = response.text
        content_type = response.headers.get("Content-Type", "")
        if "json" in content_type or body[:1] in ("{", "["):
            try:
                body = json.dumps(redact_structure(json.loads(body), self._secret_fields))
            except ValueError:
                pass
        elif "=" in body and "<" not in body[:1]:
            body = urlencode([(k, REDACTED if k.lower() in self._secret_fields else v)
                              for k, v in parse_qsl(body, keep_blank_values=True)])
        # Redacted before it is cut: a secret that straddles the cut would otherwise
        # show its first half.
        body = self.redact(body)
        if len(body) > 2000:
            body = body[:2000] + f"... ({len(response.content)} bytes)"
        self._trace("< " + body)


def redact_structure(value: Any, fields: frozenset[str] = SECRET_FIELDS) -> Any:
    """Blank the scalar values of secret-named keys. A secret-named key holding a
    structure (WHM API 0 answers {"passwd": [{"status": 1, ...}]}) is searched, not
    blanked, so the trace still shows what happened."""
    if isinstance(value, dict):
        return {
            k: REDACTED if str(k).lower() in fields and not isinstance(v, (dict, list)) else redact_structure(v, fields)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_structure(v, fields) for v in value]
    return value


def _utf8(auth: tuple[str, str] | None) -> tuple[bytes, bytes] | None:
    """Basic credentials as UTF-8 (RFC 7617), what the panels decode. requests encodes
    text as Latin-1: a secret with 'ä' arrived garbled and one with '€' raised."""
    if auth is None:
        return None
    return auth[0].encode("utf-8"), auth[1].encode("utf-8")


def _redact_header(name: str, value: str, fields: frozenset[str]) -> str:
    if name.lower() in fields:
        scheme = value.split(" ", 1)[0] if " " in value else ""
        return f"{scheme} {REDACTED}".strip()
    return value


# OpenSSL's words for a first answer that is no TLS record (by version: 1.1/3.0, 3.2+).
_PLAIN_HTTP_ANSWER = re.compile(r"WRONG_VERSION_NUMBER|wrong version number|RECORD_LAYER_FAILURE|record layer failure"
                                r"|PACKET_LENGTH_TOO_LONG|packet length too long")
_OPENSSL_REASON = re.compile(r"\[SSL(?:: [A-Z0-9_]+)?\] ([^(\]']+?)\s*(?:\(_ssl\.c:\d+\))")


def _tls_reason(detail: str) -> str:
    """OpenSSL's own reason ("tlsv1 alert internal error") out of the exception repr
    requests wraps it in (`SSLError(1, '[SSL: ...] ... (_ssl.c:1006)')`)."""
    match = _OPENSSL_REASON.search(detail)
    return match.group(1) if match else detail


def _short(exc: Exception) -> str:
    text = str(exc)
    match = re.search(r"\(Caused by \w+\((.*)\)\)", text)
    return (match.group(1) if match else text)[:200]


def parse_json(response: requests.Response, provider: str) -> Any:
    """The JSON body of an answer, or BadResponse (exit 5) naming what came instead."""
    from mailctl.errors import BadResponse

    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        snippet = response.content[:60].decode("utf-8", "replace").strip().replace("\n", " ")
        raise BadResponse(
            f"{provider} answered HTTP {response.status_code} with something that is not JSON: {snippet!r}",
            provider=provider,
        ) from None
