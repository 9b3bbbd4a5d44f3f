"""Certificate pinning helpers: fetch a server's certificate fingerprint (trust on first
use) and read a fingerprint the user typed. Standard library only, so `profile add`
does not load requests."""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
from urllib.parse import urlsplit

from mailctl.errors import TransportError, UsageError

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def format_fingerprint(hex_digest: str) -> str:
    """AB:CD:... as browsers and `openssl x509 -fingerprint -sha256` show it."""
    clean = hex_digest.replace(":", "").upper()
    return ":".join(clean[i : i + 2] for i in range(0, len(clean), 2))


def parse_fingerprint(text: str) -> str:
    """A SHA-256 fingerprint with or without colons, in either case -> 64 lowercase hex."""
    clean = text.strip().replace(":", "").lower()
    if not _HEX64.match(clean):
        raise UsageError(f"invalid SHA-256 fingerprint {text!r}: expected 64 hex digits (colons allowed)")
    return clean


def fetch_fingerprint(url: str, timeout: float = 10.0) -> str:
    """The SHA-256 of the certificate the server at `url` presents, unverified: the user
    is shown it and decides; from then on only this certificate is accepted."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise UsageError("--pin needs an https:// URL")
    host, port = parts.hostname, parts.port or 443
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as exc:
        raise TransportError(f"could not fetch the certificate of {host}:{port} to pin it: {exc}") from None
    if not der:
        raise TransportError(f"{host}:{port} presented no certificate")
    return hashlib.sha256(der).hexdigest()
