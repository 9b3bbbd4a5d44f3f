"""The mailbox.org Business API: JSON-RPC on /v1/ with a session header."""

from mailctl.providers.base import BASIC, LIFECYCLE, Option, ProviderSpec

PLANS = ("light", "standard", "premium")
MAX_NAME_LENGTH = 128


def _plan(value: str) -> str:
    from mailctl.errors import UsageError

    value = value.strip().lower()
    if value not in PLANS:
        raise UsageError(f"must be one of {', '.join(PLANS)}")
    return value


def _name(value: str) -> str:
    """A first or last name as mail.add takes it (surrounding spaces are dropped)."""
    import unicodedata

    from mailctl.errors import UsageError

    name = value.strip()
    if not name:
        raise UsageError("the name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"the name is longer than {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise UsageError("the name contains control characters")
    return value


SPEC = ProviderSpec(
    name="mailboxorg",
    label="mailbox.org",
    backend="mailctl.backends.mailboxorg:Backend",
    secret="account password",
    default_url="https://api.mailbox.org",
    url_hint="https://api.mailbox.org",
    operations=BASIC | LIFECYCLE,
    suspend_kinds=("login",),
    require_reset=True,
    takes_quota=False,
    refusals={"quota_mb": "mailbox.org has no quota per mailbox, the plan decides it (--plan light|standard|premium)",
              "send_limit": "mailbox.org has no send limit per mailbox"},
    create_options=(
        Option("plan", "--plan", "the mailbox plan (default: standard).", metavar="|".join(PLANS), check=_plan),
        Option("first_name", "--first-name", "owner's first name (default: the local part).", check=_name,
               echo_value=False),
        Option("last_name", "--last-name", "owner's last name (default: the domain).", check=_name,
               echo_value=False),
    ),
    secret_fields=frozenset({"hpls-auth"}),
    mailbox_fields=("plan",),
)
