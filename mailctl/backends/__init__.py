"""Backends: one module per provider behind base.Backend, the only place that knows a
wire format. Which module is a provider's is said by its spec (mailctl/providers/), so
only the backend a command uses is imported and `mailctl --help` never pays for
requests or a provider's parser."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailctl.backends.base import Backend


def backend_class(provider: str) -> "type[Backend]":
    from mailctl.providers import spec

    return spec(provider).backend_class()
