"""DirectAdmin's legacy API (`/CMD_API_*`, usually on port 2222)."""

from mailctl import validation
from mailctl.providers.base import BASIC, LIFECYCLE, Option, ProviderSpec

SPEC = ProviderSpec(
    name="directadmin",
    label="DirectAdmin",
    backend="mailctl.backends.directadmin:Backend",
    secret="password or login key",
    url_hint="https://panel.example.com:2222",
    demo_admin="admin",
    operations=BASIC | {"passwd --self", "account passwd"} | LIFECYCLE,
    suspend_kinds=("login",),
    profile_options=(
        Option("login_as", "--login-as", "act as USER (admin|USER login).", metavar="USER",
               check=validation.account_user, label="Login as", per_command=True,
               command_help="act as USER for this run (admin|USER login; default: the profile's)."),
    ),
    create_options=(
        Option("send_limit", "--send-limit", "messages per day (server default if omitted).", metavar="N",
               kind="int"),
    ),
)
