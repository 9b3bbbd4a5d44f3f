"""WHM's state: its users (root and resellers), their tokens and token ACLs. The cPanel
accounts they reach live in the cPanel state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .statebase import (
    DEMO_SECRET,
    build_map,
    dump_map,
)


@dataclass
class WhmUser:
    password: str
    tokens: list[str] = field(default_factory=list)
    role: str = "root"  # root reaches every account; a reseller only the accounts it owns
    # token -> the ACLs it is limited to (a token not listed has every privilege)
    token_acls: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class WhmState:
    users: dict[str, WhmUser] = field(default_factory=dict)

    def add_user(self, name: str, password: str, token: str | None = None,
                 role: str = "reseller", acls: list[str] | None = None) -> WhmUser:
        """A WHM user; `acls` limits its `token` (e.g. ["list-accts"]) as WHM's token ACLs do."""
        self.users[name] = WhmUser(password, [token] if token else [], role)
        if token and acls is not None:
            self.users[name].token_acls[token] = list(acls)
        return self.users[name]

    def add_token(self, user: str, token: str, acls: list[str] | None = None) -> None:
        self.users[user].tokens.append(token)
        if acls is not None:
            self.users[user].token_acls[token] = list(acls)

    def to_dict(self) -> dict[str, Any]:
        return {"users": dump_map(self.users)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WhmState:
        return cls(users=build_map(WhmUser, data.get("users", {})))


def default_state() -> WhmState:
    """WHM user `root`, password and token `demo-secret`."""
    whm = WhmState()
    whm.add_user("root", DEMO_SECRET, token=DEMO_SECRET, role="root")
    return whm
