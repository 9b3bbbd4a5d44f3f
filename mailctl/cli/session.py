"""`mailctl session ...`: verify and store a profile's secret, check it, forget it."""

from typing import Annotated, Optional

import typer

from mailctl.errors import MailctlError, UsageError

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # plain help: see app.py

STORES = ("keyring", "plaintext")


@app.command("login")
def login(
    ctx: typer.Context,
    secret_stdin: Annotated[
        bool, typer.Option("--secret-stdin", help="Read the secret from the first line of stdin.")
    ] = False,
    store: Annotated[
        Optional[str],
        typer.Option("--store", metavar="keyring|plaintext",
                     help="Where to keep the secret; plaintext is a mode-0600 file, for hosts without a keyring."),
    ] = None,
) -> None:
    """Check the profile's password / token / API key with the server, then store it."""
    from mailctl.credentials import STORE_ENV, _first_line, prompt_hidden
    from mailctl.models import SessionInfo
    from mailctl.output import SESSION_COLUMNS

    runtime = ctx.obj
    if store is not None and store not in STORES:
        raise UsageError(f"--store must be one of {', '.join(STORES)}")
    profile = runtime.profile()
    credentials = runtime.credentials(profile)
    # Where the secret will go is settled, and checked, before it is asked for: a secret
    # typed for a store that does not exist would only be thrown away.
    credentials.chosen_store = store
    record = _store_to_record(runtime, profile, store)
    if credentials.keyring_missing():
        # Only where nothing chose the keyring on purpose (--store, the environment).
        chose_keyring = store is not None or bool(runtime.env.environ.get(STORE_ENV))
        record = _offer_plaintext(runtime, credentials, asking=not secret_stdin and not chose_keyring)
    credentials.check_store()
    if secret_stdin:
        secret = _first_line(runtime.env.read_stdin_line(), "secret on stdin")
    else:
        secret = prompt_hidden(runtime.env, f"Secret for {profile.user} on {profile.url}", confirm=False,
                               remedy="pipe it in with --secret-stdin, or set MAILCTL_SECRET for each run")
    runtime.register_secret(secret)
    backend = runtime.backend(profile)
    backend.login(secret)
    credentials.store_secret(secret)
    # The store is recorded in the config only once the server accepted the secret: a
    # failed login leaves the config as it was.
    if record is not None:
        _record_store(runtime, profile, *record)
    where = "a plaintext file (mode 0600)" if credentials.store == "plaintext" else "the OS keyring"
    runtime.out.message(f"Logged in to {profile.url} as {profile.user}; secret stored in {where}")
    info = SessionInfo(profile.name, profile.provider, profile.user, profile.url, credentials.source, True,
                       "active" if credentials.session() else None)
    if runtime.out.json:
        runtime.out.record(info.to_json(), SESSION_COLUMNS)


def _store_to_record(runtime, profile, store: str | None) -> "tuple[str, str] | None":
    """("profile", STORE) when --store differs from what the config says for this profile."""
    configured = profile.secret_store or runtime.config.secret_store or "keyring"
    return ("profile", store) if store is not None and store != configured else None


def _offer_plaintext(runtime, credentials, *, asking: bool) -> "tuple[str, str]":
    """No OS keyring here: on a terminal, offer plaintext files for every profile (the
    config's default, so the next profile is not asked again); else say how to choose."""
    from mailctl import prompts
    from mailctl.errors import Declined, NoKeyringBackend
    from mailctl.credentials import REMEDY

    if not asking or not runtime.env.can_prompt:
        raise NoKeyringBackend(f"no usable OS keyring found, so the secret could not be kept; {REMEDY}")
    where = credentials.plaintext_dir
    runtime.out.message("There is no usable OS keyring on this machine (a headless server?).")
    if not prompts.yes_no(runtime.env, f"Keep the secrets of every profile in plaintext files only you can read "
                                       f"(mode 0600, in {where})?"):
        raise Declined(f"not confirmed; nothing was stored. To log in without an OS keyring: {REMEDY}")
    credentials.chosen_store = "plaintext"
    return ("default", "plaintext")


def _record_store(runtime, profile, scope: str, store: str) -> None:
    with runtime.editing_config() as config:
        saved = config.get(profile.name)
        if scope == "default":
            config.set_secret_store(store)
            saved.secret_store = None  # this profile follows the default it just set
        else:
            saved.secret_store = store
        config.put(saved)
    if scope == "default":
        runtime.out.message(f'Secrets of every profile now go to plaintext files: secret_store = "{store}" is set '
                            f"at the top of {runtime.config_path}")


@app.command("logout")
def logout(ctx: typer.Context) -> None:
    """End the provider session (if any) and forget the stored secret."""
    runtime = ctx.obj
    profile = runtime.profile()
    credentials = runtime.credentials(profile)
    had_secret = credentials.has_stored_secret() or credentials.session() is not None
    try:
        runtime.backend(profile).logout()
    except MailctlError as exc:
        runtime.out.warn(f"could not end the session on the server ({exc.message}); forgetting it locally")
    credentials.forget()
    runtime.out.message(
        f"Forgot the credentials of profile {profile.name!r}" if had_secret
        else f"No stored credentials for profile {profile.name!r}"
    )


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Check that the stored credentials still work (exit 4 if they don't).

    In a pipe: profile, provider, url, user (the order of profile list), then where the
    secret came from, authenticated (yes or no) and the provider session; with several
    profiles, a last field holds the error of a profile that could not log in."""
    from mailctl.models import SessionInfo
    from mailctl.output import SESSION_COLUMNS

    runtime = ctx.obj
    if runtime.several_profiles:
        _status_of_several(runtime)
        return
    profile = runtime.profile()
    backend = runtime.backend(profile)
    session_state = backend.status()
    info = SessionInfo(profile.name, profile.provider, profile.user, profile.url,
                       backend.ctx.credentials.source, True, session_state)
    runtime.out.record(info.to_json(), SESSION_COLUMNS)


def _status_of_several(runtime) -> None:
    """Each profile, its provider and whether its secret works, checked at once and never
    prompting; a profile whose check fails is a row saying so (and exit 6)."""
    from mailctl.cli import fleet
    from mailctl.errors import PartialFailure
    from mailctl.models import SessionInfo
    from mailctl.output import SESSION_COLUMNS, SESSION_ERROR_COLUMN

    profiles = runtime.selected_profiles()
    failed = []

    def check(profile) -> list[dict]:
        credentials = runtime.credentials(profile)
        info = SessionInfo(profile.name, profile.provider, profile.user, profile.url, None, False, None)
        try:
            source = credentials.source
            backend = runtime.backend(profile)
            state = backend.status()
        except MailctlError as exc:
            from mailctl.cli import hints

            hints.add_to(exc, runtime, ("session", "status"), profile)
            failed.append(profile.name)
            row = info.to_json()
            row.update(secret_source=_source_or_none(credentials), error=exc.message, error_code=exc.code)
            return [row]
        row = SessionInfo(profile.name, profile.provider, profile.user, profile.url, source, True, state).to_json()
        return [{**row, "error": None, "error_code": None}]

    rows, _ = fleet.across(runtime, profiles, check)
    for name, error in runtime.unusable_profiles.items():  # one a newer version wrote, say
        failed.append(name)
        table = runtime.config.table(name)
        provider, user, url = (table.get(key) if isinstance(table.get(key), str) else None
                               for key in ("provider", "user", "url"))
        rows.append({**SessionInfo(name, provider, user, url, None, False, None).to_json(),
                     "error": getattr(error, "reason", error.message), "error_code": error.code})
    runtime.out.records(rows, SESSION_COLUMNS + (SESSION_ERROR_COLUMN,))
    if failed:
        total = len(profiles) + len(runtime.unusable_profiles)
        raise PartialFailure(f"{len(failed)} of {total} profiles could not log in: {', '.join(failed)}")


def _source_or_none(credentials):
    try:
        return credentials.source
    except MailctlError:
        return None
