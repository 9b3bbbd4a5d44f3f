"""mailcow (mailcow-dockerized): the REST API at /api/v1 with an `X-API-Key` header."""

from mailctl.providers.base import BASIC, ProviderSpec

SPEC = ProviderSpec(
    name="mailcow",
    label="mailcow",
    backend="mailctl.backends.mailcow:Backend",
    secret="API key",
    url_hint="https://mail.example.com",
    operations=BASIC,
    # active 2: "disallow login (incoming mail is still accepted)"; active 0: everything off.
    suspend_kinds=("login", "incoming"),
    require_reset=True,  # passwd --require-reset: the mailbox's force_pw_update
    secret_fields=frozenset({"x-api-key"}),
    add_warning="a mailcow API key acts as admin for the whole server (there is no per-domain key): "
                "use a read-only key where reads are enough",
)
