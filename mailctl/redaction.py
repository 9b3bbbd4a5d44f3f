"""The one redactor of a run: every secret it knows (the profile's secret, session ids,
each password typed, read or generated) blanked in any text before it is shown or
written -- error lines and --json errors on stderr, warnings, bulk reports, the audit
log and the --debug trace alike. A panel that repeats what it was sent (DirectAdmin and
mailbox.org refusals do) must not print a password back.

Each secret is looked for as written and in the encodings a server may echo it in:
percent-encoded (form bodies, URLs), `+` for spaces, JSON string escapes and HTML
entities. Stdlib only: it is used long before anything talks to a server."""

from __future__ import annotations

import json
from typing import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "***"


def forms(secret: str) -> set[str]:
    """The ways `secret` may appear in a server's text."""
    import html  # here: its entity table is a start-up cost of every run, and few runs redact

    found = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
             json.dumps(secret, ensure_ascii=False)[1:-1], html.escape(secret), html.escape(secret, quote=False)}
    return {form for form in found if form}


def candidates(secrets: Iterable[str]) -> list[str]:
    """Every form of every secret, longest first (so a secret that contains another is
    blanked whole)."""
    return sorted({form for secret in secrets if secret for form in forms(secret)}, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of every secret replaced by ***."""
    return blank(text, candidates(secrets))


def blank(text: str, forms_longest_first: list[str]) -> str:
    if not text:
        return text
    for form in forms_longest_first:
        if form in text:
            text = text.replace(form, REDACTED)
    return text


# What stderr messages are redacted of, at the least: a shorter secret is also a word of
# the panel's own text ("The password is too weak" for the password "weak") and would
# blank it. Panels refuse passwords this short, and the --debug trace, the reports and
# the audit log still redact them whatever their length.
MESSAGE_MIN_LENGTH = 6


class Redactor:
    """redact() over a set of secrets that only grows during a run, with the forms
    worked out again only when a secret was added. `min_length`: shorter secrets are
    left alone (see MESSAGE_MIN_LENGTH)."""

    def __init__(self, secrets: set[str], min_length: int = 1):
        self.secrets = secrets
        self.min_length = min_length
        self._known: tuple[int, list[str]] = (-1, [])

    def __call__(self, text: str) -> str:
        size = len(self.secrets)
        if self._known[0] != size:
            chosen = [secret for secret in list(self.secrets) if len(secret) >= self.min_length]
            self._known = (size, candidates(chosen))
        return blank(text, self._known[1])
