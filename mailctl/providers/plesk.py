"""Plesk's XML API (`/enterprise/control/agent.php`, usually on port 8443)."""

from mailctl.providers.base import BASIC, Option, ProviderSpec

SPEC = ProviderSpec(
    name="plesk",
    label="Plesk",
    backend="mailctl.backends.plesk:Backend",
    secret="password or secret key",
    url_hint="https://panel.example.com:8443",
    operations=BASIC,
    profile_options=(
        Option("secret_key", "--secret-key", "the secret is a Plesk secret key (sent as KEY), not a password.",
               kind="flag", label="Secret key"),
    ),
    secret_fields=frozenset({"http_auth_passwd", "key"}),
)
