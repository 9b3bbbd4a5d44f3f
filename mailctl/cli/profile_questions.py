"""`profile add` on a terminal without --provider, --url or --user: ask for them (as
`gh auth login` does), then offer to check that the URL answers before it is saved.
Without a terminal, or with --no-input, a missing option stays an error naming it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from mailctl import providers, prompts, validation
from mailctl.errors import UsageError

if TYPE_CHECKING:
    from mailctl.cli.runtime import Runtime
    from mailctl.config import Profile


def complete(runtime: "Runtime", provider: Optional[str], url: Optional[str], user: Optional[str], *,
             allow_http: bool) -> tuple[str, Optional[str], str, bool]:
    """(provider, url, user, asked): what the command line gave, the rest asked for on a
    terminal. `url` stays None where the provider has a fixed one and none was given."""
    needs_url = url is None and (provider is None or providers.spec(validation.provider(provider)).default_url is None)
    missing = [option for option, absent in (("--provider", provider is None), ("--url", needs_url),
                                             ("--user", user is None)) if absent]
    if not missing:
        return provider, url, user, False
    if not runtime.env.can_prompt:
        if missing == ["--url"]:
            return provider, url, user, False  # add() says what such a URL looks like
        verb = "is" if len(missing) == 1 else "are"
        raise UsageError(f"{_joined(missing)} {verb} required (not asking: {prompts.why_not_asking(runtime.env)})")
    env = runtime.env
    asked_provider = provider is None
    if asked_provider:
        provider = prompts.ask(env, f"Provider ({', '.join(providers.NAMES)})", validation.provider)
    spec = providers.spec(validation.provider(provider))
    if url is None and (asked_provider or spec.default_url is None):
        like = "" if spec.default_url else f" (like {spec.url_hint})"
        url = prompts.ask(env, f"URL of the {spec.label} API{like}",
                          lambda text: validation.url(text, allow_http=allow_http), default=spec.default_url)
    if user is None:
        user = prompts.ask(env, f"User name on {url or spec.default_url}", validation.login_user)
    return provider, url, user, True


def offer_check(runtime: "Runtime", profile: "Profile") -> None:
    """Ask whether to check that the URL answers now (one request, no secret sent); when
    it does not, ask whether to save the profile all the same."""
    from mailctl.errors import Declined, TransportError

    if not prompts.yes_no(runtime.env, f"Check now that {profile.url} answers?", default=True):
        return
    try:
        response = runtime.transport(profile).request("GET", "/")
    except TransportError as error:
        runtime.out.warn(f"{profile.url} did not answer: {error.message}")
        if not prompts.yes_no(runtime.env, f"Save profile {profile.name!r} anyway?"):
            raise Declined("not saved; nothing was changed") from None
        return
    runtime.out.message(f"{profile.url} answered (HTTP {response.status_code}); the secret is checked by "
                        f"'mailctl -p {profile.name} session login'")


def _joined(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " and " + options[-1]
