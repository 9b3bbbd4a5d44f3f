"""The emulated world and every provider's state classes, in one import.

The classes live in one module per provider (`<provider>_state.py`, shared parts in
statebase); the World that composes them (from the registry) in world.py. This module
re-exports them so `from mailctl.emulator.state import DAMailbox, World` keeps working.
"""

from __future__ import annotations

from .cpanel_state import CpanelAccount, CpanelMailbox, CpanelState, DeletedMailbox
from .directadmin_state import DAAutoresponder, DAMailbox, DAUser, DAVacation, DirectAdminState
from .mailboxorg_state import MailboxOrgState, MboAccount, MboMailbox, MboSession
from .statebase import DEMO_DOMAIN, DEMO_SECRET, DEMO_USER, MAILBOX_SECRET, MB, MailDomains
from .whm_state import WhmState, WhmUser
from .world import World, default_world

__all__ = [
    "DEMO_DOMAIN", "DEMO_SECRET", "DEMO_USER", "MAILBOX_SECRET", "MB",
    "CpanelAccount", "CpanelMailbox", "CpanelState", "DAAutoresponder", "DAMailbox", "DAUser",
    "DAVacation", "DeletedMailbox", "DirectAdminState", "MailDomains", "MailboxOrgState",
    "MboAccount", "MboMailbox", "MboSession", "WhmState", "WhmUser", "World", "default_world",
]
