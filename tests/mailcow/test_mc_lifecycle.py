"""pop show / pop set on mailcow, at the backend (the commands are not in the CLI yet):
`GET get/mailbox/<address>` and `POST edit/mailbox` with quota (MiB) and `active`."""

from __future__ import annotations

import io
import os

import pytest

from mailctl.errors import NotFound, ProviderRefused
from mailctl.models import MailboxChange
from mailctl.validation import address

MB = 1024 * 1024
SALES = address("sales@example.com")


@pytest.fixture
def backend(cli, logged_in):
    from mailctl.cli.runtime import Runtime
    from mailctl.environment import Environment

    runtime = Runtime(Environment(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                  environ=dict(os.environ)))
    yield runtime.backend()
    runtime.close()


def test_show(backend, wire):
    box = backend.get_mailbox(SALES)
    assert (box.address, box.quota_mb, box.usage_bytes, box.suspended) == ("sales@example.com", 500,
                                                                            int(230.25 * MB), False)
    assert wire.calls() == ["GET get/mailbox/sales@example.com"]


def test_show_missing(backend, wire):
    with pytest.raises(NotFound, match="no mailbox ghost@example.com"):
        backend.get_mailbox(address("ghost@example.com"))
    with pytest.raises(NotFound, match="domain nope.example"):
        backend.get_mailbox(address("a@nope.example"))


def test_set_quota_sends_mib(backend, wire, mc):
    box = backend.change_mailbox(SALES, MailboxChange(quota_mb=700))
    assert box.quota_mb == 700 and mc.mailbox("sales@example.com").quota_bytes == 700 * MB
    assert wire.bodies("edit/mailbox") == [{"items": ["sales@example.com"], "attr": {"quota": 700}}]
    assert backend.change_mailbox(SALES, MailboxChange(quota_mb=0)).quota_mb is None
    assert mc.mailbox("sales@example.com").quota_bytes == 0


@pytest.mark.parametrize("change, active, restrictions", [
    (MailboxChange(suspend_login=True), 2, ("login",)),
    (MailboxChange(suspend_incoming=True), 0, ("login", "incoming")),
    (MailboxChange(suspend_login=True, suspend_incoming=True), 0, ("login", "incoming")),
])
def test_suspend(backend, mc, change, active, restrictions):
    box = backend.change_mailbox(SALES, change)
    assert mc.mailbox("sales@example.com").active == active
    assert box.restrictions == restrictions and box.suspended


def test_unsuspend(backend, mc):
    mc.mailbox("sales@example.com").active = 0
    backend.change_mailbox(SALES, MailboxChange(suspend_incoming=False))
    assert mc.mailbox("sales@example.com").active == 2  # login stays off: only incoming was lifted
    box = backend.change_mailbox(SALES, MailboxChange(suspend_login=False))
    assert mc.mailbox("sales@example.com").active == 1 and box.suspended is False


def test_login_on_with_incoming_off_cannot_be_expressed(backend, mc, wire):
    mc.mailbox("sales@example.com").active = 0
    with pytest.raises(ProviderRefused, match="active 0"):
        backend.change_mailbox(SALES, MailboxChange(suspend_login=False))
    assert mc.mailbox("sales@example.com").active == 0 and wire.bodies("edit/mailbox") == []


def test_set_refused_and_missing(backend, mc):
    with pytest.raises(ProviderRefused, match="mailbox_quota_exceeded"):
        backend.change_mailbox(SALES, MailboxChange(quota_mb=20000))
    assert mc.mailbox("sales@example.com").quota_bytes == 500 * MB
    with pytest.raises(NotFound):
        backend.change_mailbox(address("ghost@example.com"), MailboxChange(quota_mb=1))


def test_a_lost_answer_is_settled_by_reading(backend, emu, mc, wire):
    emu.add_fault(kind="500", path="/api/v1/edit/mailbox", when="after")
    box = backend.change_mailbox(SALES, MailboxChange(quota_mb=600, suspend_login=True))
    assert (box.quota_mb, box.restrictions) == (600, ("login",))
    assert len(wire.bodies("edit/mailbox")) == 1


def test_the_read_only_key_is_exit_4(cli, emu, read_only, mc):
    from mailctl.cli.runtime import Runtime
    from mailctl.environment import Environment
    from mailctl.errors import AuthError

    runtime = Runtime(Environment(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                  environ=dict(os.environ)))
    try:
        with pytest.raises(AuthError, match="read-only"):
            runtime.backend().change_mailbox(SALES, MailboxChange(quota_mb=1))
    finally:
        runtime.close()
    assert mc.mailbox("sales@example.com").quota_bytes == 500 * MB


def test_the_spec_declares_both_suspension_kinds_and_checks_send_nothing(backend, emu):
    backend.check_change(MailboxChange(quota_mb=5, suspend_login=True, suspend_incoming=False))
    assert not backend.spec.supports("account passwd")
    assert emu.requests == []
