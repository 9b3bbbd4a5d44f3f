"""Virtualmin's remote API: `/virtual-server/remote.cgi` under Webmin (port 10000),
HTTP Basic auth, every request a POST with `json=1`."""

from mailctl.providers.base import BASIC, LIFECYCLE, ProviderSpec

SPEC = ProviderSpec(
    name="virtualmin",
    label="Virtualmin",
    backend="mailctl.backends.virtualmin:Backend",
    secret="Webmin password",
    url_hint="https://panel.example.com:10000",
    operations=BASIC | LIFECYCLE,
    # `disable`: "prevent FTP, IMAP and other logins", mail still arrives. `no-local` only
    # stops local delivery (mail still goes to the user's forwards): it is no refusal of
    # incoming mail, so --incoming is refused rather than faked with it.
    suspend_kinds=("login",),
    # The remote API's own names for secrets: the new password (pass, encpass) in requests,
    # and the plain and hashed passwords list-users shows.
    secret_fields=frozenset({"pass", "encpass", "password", "encrypted_password"}),
    add_warning=(
        "Virtualmin's remote API runs only for a master administrator: this login can do anything on the "
        "server, as root can. Give mailctl a Webmin user of its own that has only the Virtualmin module "
        "(docs/providers/virtualmin.md says how), pin the server's certificate (--pin) and keep the "
        "password in the keyring."
    ),
)
