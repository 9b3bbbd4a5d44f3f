"""Plesk's XML API (`/enterprise/control/agent.php`, usually on port 8443)."""

from mailctl.providers.base import BASIC, LIFECYCLE, Option, ProviderSpec

SPEC = ProviderSpec(
    name="plesk",
    label="Plesk",
    backend="mailctl.backends.plesk:Backend",
    secret="password or secret key",
    url_hint="https://panel.example.com:8443",
    # account passwd is <customer><set>: the backend refuses it (exit 2, nothing sent) unless
    # the profile logs in as the administrator or is marked --reseller.
    operations=BASIC | LIFECYCLE | {"account passwd"},
    # No per-mailbox suspension in the XML API (<mailbox><enabled> switches the mailbox off,
    # which is not a suspension): pop set --suspend is refused before any request.
    suspend_kinds=(),
    profile_options=(
        Option("secret_key", "--secret-key", "the secret is a Plesk secret key (sent as KEY), not a password.",
               kind="flag", label="Secret key"),
        Option("reseller", "--reseller", "the login is a Plesk reseller: account passwd may change the passwords "
               "of its customers.", kind="flag", label="Reseller"),
    ),
    secret_fields=frozenset({"http_auth_passwd", "key"}),
)
