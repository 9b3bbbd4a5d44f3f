"""JSON-RPC 2.0 over HTTP POST, on top of mailctl's transport.

Knows the envelope and nothing about any provider's methods: a call returns the
`result`, raises RpcFault for an `error` object, and turns everything else (not JSON,
a malformed envelope, a redirect, a server failure) into a TransportError/BadResponse,
so no answer can end in a traceback."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from mailctl.errors import BadResponse, TransportError
from mailctl.transport import parse_json

if TYPE_CHECKING:
    from mailctl.transport import Transport


class RpcFault(Exception):
    """The server answered with a JSON-RPC error object: it understood the call and
    said no. Not a MailctlError on purpose: the backend decides what a code means."""

    def __init__(self, method: str, code: int, message: str, data: Any = None):
        super().__init__(f"{method}: error {code}: {message}")
        self.method = method
        self.code = code
        self.message = message
        self.data = data

    def server_messages(self) -> list[str]:
        """Every line of text the server gave beyond the main message (the `data`
        member may carry details: a string, a list of strings, or an object)."""
        data = self.data
        if data is None:
            return []
        if isinstance(data, str):
            return [data] if data.strip() else []
        if isinstance(data, list):
            return [str(item) for item in data if item not in (None, "")]
        if isinstance(data, dict):
            return [f"{key}: {value}" for key, value in data.items()]
        return [str(data)]


class JsonRpcClient:
    def __init__(self, transport: "Transport", path: str, *, provider: str, label: str):
        self.transport = transport
        self.path = path
        self.provider = provider  # the error's provider field
        self.label = label  # how messages name the service
        self._ids = itertools.count(1)

    def call(self, method: str, params: dict[str, Any], *, headers: dict[str, str] | None = None,
             safe: bool = False, login: bool = False) -> Any:
        """Send one call and return its result. `safe` marks a call that may be repeated
        after a connection failure or a 5xx (reads, logins); writes are sent once."""
        request_id = str(next(self._ids))
        body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        response = self.transport.request("POST", self.path, json_body=body, headers=headers, safe=safe,
                                          login=login)
        self.check_status(response, method)
        try:
            payload = parse_json(response, self.label)
        except BadResponse as unreadable:
            unreadable.provider = self.provider  # the message names the service, the field the provider
            raise
        return self.unwrap(payload, request_id, method)

    def check_status(self, response, method: str) -> None:
        status = response.status_code
        if 300 <= status < 400:
            target = response.headers.get("Location", "?")
            raise BadResponse(
                f"{self.label} answered {method} with a redirect (HTTP {status}) to {target}; "
                "redirects are not followed on API calls: check the profile's URL",
                provider=self.provider,
            )
        if status == 429:
            # Rate limited: the server turned the call away before handling it. Its body
            # is no JSON-RPC answer, and "not JSON" would hide what actually happened.
            raise TransportError(
                f"{self.label} turned {method} away: too many requests (HTTP 429)", provider=self.provider
            )
        if status >= 500:
            # The server failed while handling the call: for a write this is the
            # ambiguous case, whatever the body says, so it is never read as a refusal.
            raise TransportError(
                f"{self.label} failed while handling {method} (HTTP {status})", provider=self.provider
            )

    def unwrap(self, payload: Any, request_id: str, method: str) -> Any:
        if not isinstance(payload, dict):
            raise self._malformed(method, "the answer is not a JSON object")
        answered_id = payload.get("id")
        if answered_id is not None and str(answered_id) != request_id:
            raise self._malformed(method, f"it answers request id {answered_id!r}, not {request_id!r}")
        # mailbox.org sends `"result": null` beside the error of a refusal; an error with
        # a real result beside it is still nonsense.
        has_error = payload.get("error") is not None
        has_result = "result" in payload and not (has_error and payload["result"] is None)
        if has_result == has_error:
            raise self._malformed(method, "it must hold exactly one of 'result' and 'error'")
        if has_result:
            return payload["result"]
        return self._fault(payload["error"], method)

    def _fault(self, error: Any, method: str):
        if not isinstance(error, dict):
            raise self._malformed(method, "its 'error' is not an object")
        code = error.get("code")
        if not isinstance(code, int) or isinstance(code, bool):
            raise self._malformed(method, "its error has no numeric 'code'")
        message = error.get("message")
        message = message.strip() if isinstance(message, str) else ""
        raise RpcFault(method, code, message or "(no message)", error.get("data"))

    def _malformed(self, method: str, why: str) -> BadResponse:
        return BadResponse(f"{self.label} sent a malformed JSON-RPC answer to {method}: {why}",
                           provider=self.provider)
