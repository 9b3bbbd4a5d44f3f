"""`mailctl profile ...`: named connections in config.toml (never a secret)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from mailctl import providers, validation
from mailctl.cli import completers, provider_options
from mailctl.errors import UsageError

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # plain help: see app.py


@app.command("add")
@provider_options.profile_options
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Profile name (letters, digits, . _ -).")],
    provider: Annotated[
        Optional[str], typer.Option("--provider", metavar="|".join(providers.NAMES),
                                    help="The panel or API (asked for on a terminal when left out).",
                                    autocompletion=completers.providers)
    ] = None,
    user: Annotated[
        Optional[str], typer.Option("--user", help="Login name on the panel / API account name (asked for on a "
                                                   "terminal when left out).")
    ] = None,
    url: Annotated[
        Optional[str],
        typer.Option("--url", help="Base URL, e.g. https://panel.example.com:2222 (optional where the provider "
                                   "has a fixed one)."),
    ] = None,
    ca_bundle: Annotated[
        Optional[Path], typer.Option("--ca-bundle", metavar="PATH", help="CA certificates to trust for this server.")
    ] = None,
    insecure: Annotated[bool, typer.Option("--insecure", help="Do not verify TLS certificates (warns every run).")] = False,
    allow_http: Annotated[bool, typer.Option("--allow-http", help="Permit plain http:// to a non-loopback host.")] = False,
    pin: Annotated[
        bool, typer.Option("--pin", help="Fetch the server's certificate now and accept only that one from then on.")
    ] = False,
    pin_sha256: Annotated[
        Optional[str],
        typer.Option("--pin-sha256", metavar="FINGERPRINT", help="Accept only the certificate with this SHA-256."),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite an existing profile of that name.")] = False,
    default: Annotated[bool, typer.Option("--default", help="Make it the default profile.")] = False,
    provider_options: dict = None,
) -> None:
    """Add a profile. The first profile becomes the default. On a terminal, what is left
    out of --provider, --url and --user is asked for, and the URL can be checked."""
    from mailctl.cli import profile_questions
    from mailctl.config import Profile

    runtime = ctx.obj
    name = validation.profile_name(name)
    provider, url, user, asked = profile_questions.complete(runtime, provider, url, user, allow_http=allow_http)
    spec = providers.spec(validation.provider(provider))
    user = validation.login_user(user)
    if url is None:
        if spec.default_url is None:
            raise UsageError(f"--url is required for {spec.name} profiles (like {spec.url_hint})")
        url = spec.default_url
    url = validation.url(url, allow_http=allow_http)
    options = providers.checked_options(spec, provider_options)
    if ca_bundle is not None:
        if insecure:
            raise UsageError("--ca-bundle and --insecure contradict each other")
        if not ca_bundle.is_file():
            raise UsageError(f"CA bundle {ca_bundle} does not exist or is not a file")
        ca_bundle = ca_bundle.resolve()
    if pin or pin_sha256:
        pin_sha256 = _pin(runtime, url, pin=pin, given=pin_sha256, insecure=insecure, ca_bundle=ca_bundle)
    profile = Profile(
        name=name, provider=spec.name, url=url, user=user, ca_bundle=str(ca_bundle) if ca_bundle else None,
        insecure=insecure, pin_sha256=pin_sha256, options=options,
    )
    if asked:
        profile_questions.offer_check(runtime, profile)
    replaced = None
    with runtime.editing_config() as config:
        if name in config.names():
            if not replace:
                raise UsageError(f"profile {name!r} exists; pass --replace to overwrite it")
            replaced = config.get(name)
            profile.secret_store = replaced.secret_store
        config.put(profile)
        if default or not config.default_name:
            config.set_default(name)
        is_default = config.default_name == name
    if replaced is not None and (replaced.url, replaced.user) != (profile.url, profile.user):
        _forget_for_new_target(runtime, replaced)
    if insecure:
        runtime.out.warn(f"profile {name!r} will not verify TLS certificates")
    if spec.add_warning:
        runtime.out.warn(spec.add_warning)
    runtime.out.message(f"Added profile {name!r} ({spec.name}, {url})" + (" as the default" if is_default else ""))
    runtime.out.message(f"Next: mailctl -p {name} session login")


def _forget_for_new_target(runtime, old) -> None:
    """A profile that now names another server or user must not send the old secret
    there: it is forgotten (keyring entry, session and plaintext file alike)."""
    from mailctl.errors import KeyringUnavailable, NoKeyringBackend

    credentials = runtime.credentials(old)
    try:
        had = credentials.has_stored_secret() or credentials.session() is not None
        credentials.forget()
    except NoKeyringBackend:
        had = False
    except KeyringUnavailable as exc:
        runtime.out.warn(f"the profile now names another server or user, but its stored secret could not be "
                         f"removed: {exc.message}")
        return
    if had:
        runtime.out.message(f"Forgot the stored secret of profile {old.name!r}: it was for {old.user} on {old.url}; "
                            f"log in again with 'mailctl -p {old.name} session login'")


def _pin(runtime, url: str, *, pin: bool, given: Optional[str], insecure: bool, ca_bundle) -> str:
    from mailctl import tls

    if pin and given:
        raise UsageError("choose one of --pin and --pin-sha256")
    if insecure or ca_bundle:
        raise UsageError("a pinned certificate replaces --insecure and --ca-bundle; give only the pin")
    if not url.startswith("https://"):
        raise UsageError("certificate pinning needs an https:// URL")
    if given:
        return tls.parse_fingerprint(given)
    fingerprint = tls.fetch_fingerprint(url)
    runtime.out.message(
        f"Pinned the certificate of {url}\n  SHA-256 {tls.format_fingerprint(fingerprint)}\n"
        "Compare it with the certificate the panel shows; only this certificate will be accepted."
    )
    return fingerprint


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List profiles.

    In a pipe: name, provider, url, user, and 'default' or '-'; when a profile in
    config.toml cannot be used, a last field says what is wrong with it ('-' for the
    others)."""
    from mailctl.output import PROFILE_COLUMNS

    from mailctl.output import PROFILE_ERROR_COLUMN

    runtime = ctx.obj
    config = runtime.config
    rows = [_listed(config, name) for name in config.names()]
    # A profile this version cannot use is listed with what is wrong with it, in a last
    # column that is there only then (JSON rows always have "error").
    broken = any(row["error"] for row in rows)
    runtime.out.records(rows, PROFILE_COLUMNS + ((PROFILE_ERROR_COLUMN,) if broken else ()),
                        empty="No profiles yet: mailctl profile add NAME --provider ... --url ... --user ...")


def _listed(config, name: str) -> dict:
    from mailctl.config import OPTIONAL_KEYS

    default = name == config.default_name
    problem = config.problem(name)
    if problem is None:
        return {**config.get(name).to_json(default=default), "error": None}
    table = config.table(name)
    row = {"name": name, **{key: table.get(key) if isinstance(table.get(key), str) else None
                            for key in ("provider", "url", "user")}, "default": default}
    return {**row, **{key: None for key in OPTIONAL_KEYS}, "error": problem}


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Argument(help="Profile name (default: the selected profile).",
                                                 autocompletion=completers.profile_names)] = None,
) -> None:
    """Show one profile's settings."""
    from mailctl.output import profile_detail_columns

    runtime = ctx.obj
    profile = runtime.config.get(validation.profile_name(name)) if name else runtime.profile()
    runtime.out.record(profile.to_json(default=profile.name == runtime.config.default_name),
                       profile_detail_columns(profile.spec.profile_options))


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Profile name.", autocompletion=completers.profile_names)],
) -> None:
    """Remove a profile and forget its stored credentials."""
    from mailctl.errors import KeyringUnavailable, NoKeyringBackend

    from mailctl.cli import profile_removal

    runtime = ctx.obj
    name = validation.profile_name(name)
    profile_removal.confirm_if_default(runtime, name)
    with runtime.editing_config() as config:
        profile = profile_removal.as_stored(config, name)
        was_default = config.default_name == name
        config.remove(name)
        left = profile_removal.default_left(config, name, was_default)
    try:
        runtime.credentials(profile).forget()
    except NoKeyringBackend:
        pass  # no keyring on this machine: no secret of the profile can be in one
    except KeyringUnavailable as exc:
        runtime.out.warn(f"could not remove stored credentials: {exc.message}")
    runtime.out.message(f"Removed profile {name!r}" + (f"; {left}" if left else ""))


@app.command("use")
def use(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Profile name.", autocompletion=completers.profile_names)],
) -> None:
    """Make a profile the default."""
    runtime = ctx.obj
    name = validation.profile_name(name)
    with runtime.editing_config() as config:
        config.set_default(name)
    runtime.out.message(f"Default profile is now {name!r}")
