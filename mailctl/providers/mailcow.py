"""mailcow (mailcow-dockerized): the REST API at /api/v1 with an `X-API-Key` header."""

from mailctl.providers.base import BASIC, LIFECYCLE, ProviderSpec

SPEC = ProviderSpec(
    name="mailcow",
    label="mailcow",
    backend="mailctl.backends.mailcow:Backend",
    secret="API key",
    url_hint="https://mail.example.com",
    operations=BASIC | LIFECYCLE,
    # One `active` field for both: 2 = "disallow login (incoming mail is still accepted)",
    # 0 = everything off. So incoming mail is refused only with login off too.
    suspend_kinds=("login", "incoming"),
    suspend_needs={"incoming": "login"},
    # A mailbox's address is taken by its own alias row (`a@d -> a@d`), which the API
    # neither shows nor edits: forwarding a mailbox's mail needs a Sieve filter.
    mailbox_forwarders=False,
    require_reset=True,  # passwd --require-reset: the mailbox's force_pw_update
    secret_fields=frozenset({"x-api-key"}),
    add_warning="a mailcow API key acts as admin for the whole server (there is no per-domain key): "
                "use a read-only key where reads are enough",
)
