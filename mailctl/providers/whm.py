"""WHM API 1: a root or reseller token; mail through the cPanel accounts' UAPI."""

from mailctl import validation
from mailctl.providers.base import BASIC, LIFECYCLE, Option, ProviderSpec

SPEC = ProviderSpec(
    name="whm",
    label="WHM",
    backend="mailctl.backends.whm:Backend",
    secret="API token or password",
    url_hint="https://panel.example.com:2087",
    operations=BASIC | {"account passwd"} | LIFECYCLE,
    suspend_kinds=("login", "incoming"),
    keep_data=True,
    profile_options=(
        Option("cpanel_user", "--cpanel-user", "the default cPanel account for mailbox commands.", metavar="USER",
               check=validation.account_user, per_command=True, label="cPanel user",
               command_help="the cPanel account to act on (default: the domain's owner)."),
        Option("legacy_api", "--legacy-api", "the server only speaks the API 0 form of passwd.", kind="flag",
               label="Legacy API"),
    ),
)
