"""The backend registry: provider name -> module. Only the backend a command uses is
imported, so `mailctl --help` never pays for requests or a provider's parser.

A new provider is one module defining `Backend` (a subclass of base.Backend) and one line
here."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mailctl.errors import NotImplementedYet

if TYPE_CHECKING:
    from mailctl.backends.base import Backend

REGISTRY: dict[str, str] = {
    "directadmin": "mailctl.backends.directadmin",
    "cpanel": "mailctl.backends.cpanel",
    "whm": "mailctl.backends.whm",
    "mailboxorg": "mailctl.backends.mailboxorg",
}


def backend_class(provider: str) -> "type[Backend]":
    module_name = REGISTRY[provider]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise NotImplementedYet(f"the {provider} backend is not implemented yet", provider=provider) from None
    return module.Backend
