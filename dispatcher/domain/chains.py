"""Escalation chains: ordered steps of whom to reach, through which channels, how long to wait.

A target is a person, or whoever holds a role for a unit when the step runs. The unit may be
a placeholder that the call-out engine fills from the service request:

- `$branch`: the branch or overseas site that covers the SR's site;
- `$bd`: the business division that owns the SR's product;
- `$product_line`: the product line of the SR's product.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dispatcher.domain.roster import Role

PLACEHOLDERS = frozenset({"$branch", "$bd", "$product_line"})


@dataclass(frozen=True)
class PersonTarget:
    person: str

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person}


@dataclass(frozen=True)
class RoleTarget:
    unit: str  # a unit id, a product line id, or one of PLACEHOLDERS
    role: Role

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "role": self.role.value}


Target = PersonTarget | RoleTarget


@dataclass(frozen=True)
class ChainStep:
    targets: tuple[Target, ...]
    channels: tuple[str, ...]  # channel names: voice, sms, email, desk, or a plugin's
    wait_minutes: int  # how long to wait for an acknowledgement before the next step
    lines: tuple[int, ...] = field(default=(), compare=False)  # each channel's line in the file

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": [t.to_dict() for t in self.targets],
            "channels": list(self.channels),
            "wait_minutes": self.wait_minutes,
        }


@dataclass(frozen=True)
class ChainSpec:
    id: str
    name: str
    steps: tuple[ChainStep, ...]
    repeat: int = 1  # how many times the whole chain runs before it is exhausted
    # Tell everyone already paged who acknowledged: None means on for emergencies only.
    status_updates: bool | None = None

    def tells_status(self, emergency: bool) -> bool:
        """Whether an acknowledgement sends status updates for a request of this kind."""
        return emergency if self.status_updates is None else self.status_updates

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "repeat": self.repeat,
            "status_updates": self.status_updates,
            "steps": [s.to_dict() for s in self.steps],
        }
