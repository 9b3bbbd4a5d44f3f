"""`mailctl session ...`: verify and store a profile's secret, check it, forget it."""

from __future__ import annotations

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
    from mailctl.credentials import _first_line, prompt_hidden
    from mailctl.models import SessionInfo
    from mailctl.output import SESSION_COLUMNS

    runtime = ctx.obj
    if store is not None and store not in STORES:
        raise UsageError(f"--store must be one of {', '.join(STORES)}")
    profile = runtime.profile()
    # The new store is used for this login, and recorded in the config only once the
    # server accepted the secret: a failed login leaves the profile as it was.
    store_changed = store is not None and (profile.secret_store or "keyring") != store
    if store_changed:
        profile.secret_store = "plaintext" if store == "plaintext" else None
    credentials = runtime.credentials(profile)
    if secret_stdin:
        secret = _first_line(runtime.env.read_stdin_line(), "secret on stdin")
    else:
        secret = prompt_hidden(runtime.env, f"Secret for {profile.user} on {profile.url}", confirm=False)
    runtime.register_secret(secret)
    # Find out before talking to the server whether the secret could be kept at all.
    credentials.has_stored_secret()
    backend = runtime.backend(profile)
    backend.login(secret)
    credentials.store_secret(secret)
    if store_changed:
        with runtime.editing_config() as config:
            saved = config.get(profile.name)
            saved.secret_store = profile.secret_store
            config.put(saved)
    where = "a plaintext file (mode 0600)" if profile.secret_store == "plaintext" else "the OS keyring"
    runtime.out.message(f"Logged in to {profile.url} as {profile.user}; secret stored in {where}")
    info = SessionInfo(profile.name, profile.provider, profile.user, profile.url, credentials.source, True,
                       "active" if credentials.session() else None)
    if runtime.out.json:
        runtime.out.record(info.to_json(), SESSION_COLUMNS)


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
    """Check that the stored credentials still work (exit 4 if they don't)."""
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
            failed.append(profile.name)
            row = info.to_json()
            row.update(secret_source=_source_or_none(credentials), error=exc.message, error_code=exc.code)
            return [row]
        row = SessionInfo(profile.name, profile.provider, profile.user, profile.url, source, True, state).to_json()
        return [{**row, "error": None, "error_code": None}]

    rows, _ = fleet.across(runtime, profiles, check)
    runtime.out.records(rows, SESSION_COLUMNS + (SESSION_ERROR_COLUMN,))
    if failed:
        raise PartialFailure(f"{len(failed)} of {len(profiles)} profiles could not log in: {', '.join(failed)}")


def _source_or_none(credentials):
    try:
        return credentials.source
    except MailctlError:
        return None
