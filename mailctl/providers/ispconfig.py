"""ISPConfig 3: the remote JSON API (`/remote/json.php?<function>`), a session id from
`login` in the body of every later call. Writes are accepted into the panel's job
queue; the server's cron applies them within a minute."""

from mailctl.providers.base import BASIC, LIFECYCLE, ProviderSpec

SPEC = ProviderSpec(
    name="ispconfig",
    label="ISPConfig",
    backend="mailctl.backends.ispconfig:Backend",
    secret="remote user password",
    url_hint="https://panel.example.com:8080",
    operations=BASIC | LIFECYCLE,
    # login: disableimap/disablepop3/disablesmtp "y"; incoming: postfix "n" (mail refused).
    suspend_kinds=("login", "incoming"),
    secret_fields=frozenset({"session_id", "password"}),
    # `ok` means the panel's database changed and a job was queued for the server's cron.
    applies_later=True,
)
