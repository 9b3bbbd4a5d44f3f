"""cPanel UAPI: one cPanel account managing its own mail (`/execute/Email/...`)."""

from mailctl.providers.base import BASIC, LIFECYCLE, ProviderSpec

SPEC = ProviderSpec(
    name="cpanel",
    label="cPanel",
    backend="mailctl.backends.cpanel:Backend",
    secret="API token or password",
    url_hint="https://panel.example.com:2083",
    operations=BASIC | LIFECYCLE,
    suspend_kinds=("login", "incoming"),
    keep_data=True,
)
