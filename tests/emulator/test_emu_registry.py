"""The provider registry: routing, World composition, fault provider names."""

from __future__ import annotations

import pytest

from mailctl.emulator import Fault, World, default_world
from mailctl.emulator import registry


@pytest.mark.parametrize("path, provider, module", [
    ("/CMD_API_POP", "directadmin", "directadmin"),
    ("/execute/Email/list_pops", "cpanel", "cpanel"),
    ("/json-api/cpanel", "cpanel", "cpanel_api2"),
    ("/json-api/listaccts", "whm", "whm"),
    ("/json-api/cpanelish", "whm", "whm"),  # a longer prefix matches whole segments only
    ("/v1/", "mailboxorg", "mailboxorg"),
    ("/v1", "mailboxorg", "mailboxorg"),
])
def test_routes(path, provider, module):
    name, handler = registry.route(path)
    assert name == provider
    assert handler.__module__ == f"mailctl.emulator.{module}"


def test_unrouted_path():
    assert registry.route("/nothing") == (None, None)


def test_world_has_one_state_per_app():
    world = default_world()
    assert set(world.providers) == set(registry.NAMES)
    for app in registry.APPS:
        assert isinstance(getattr(world, app.name), registry.state_class(app))
    assert set(world.to_dict()) == set(registry.NAMES)


def test_world_fills_in_missing_providers_and_refuses_unknown_ones():
    world = World(directadmin=default_world().directadmin)
    assert world.cpanel.addresses() == [] and world.directadmin.has_mailbox("info@example.com")
    with pytest.raises(TypeError):
        World(nosuchpanel=object())


def test_fault_providers_come_from_the_registry():
    for name in registry.NAMES:
        Fault(kind="500", provider=name)
    with pytest.raises(ValueError):
        Fault(kind="500", provider="nosuchpanel")
