"""Complaints (投诉) by their own rules.

A complaint is a request of category complaint (its lifecycle, owner and callback are the
request's) plus what the complaint process adds: what it is about, a deadline to respond to the
customer and one to resolve, the investigation, and the response given. A complaint from the
same customer about the same thing as an earlier one is a repeat: it is linked to the first
complaint of that chain and numbered, so repeats are counted rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from dispatcher.errors import DispatcherError, IllegalTransition

RESPOND_WITHIN = timedelta(hours=24)
RESOLVE_WITHIN = timedelta(days=7)


def subject_key(customer: str, about: str) -> tuple[str, str]:
    """Same customer, same thing: compared without case and extra spaces."""
    return (" ".join(customer.casefold().split()), " ".join(about.casefold().split()))


@dataclass(frozen=True)
class Complaint:
    sr: str
    received: datetime
    customer: str
    about: str  # what the customer complains of: "billing errors", "slow repair in Pudong"
    respond_by: datetime
    resolve_by: datetime
    investigation: str = ""
    response: str = ""
    responded_at: datetime | None = None
    repeat_of: str = ""  # the first complaint of the chain; "" for a first complaint
    repeat_number: int = 0  # 0 for a first complaint, 1 for its first repeat, ...

    @property
    def is_repeat(self) -> bool:
        return bool(self.repeat_of)

    @property
    def number(self) -> int:
        """Which complaint of its chain this is, the first being 1: the command line and the
        desk say "repeat 2" for the first repeat, the second complaint about one thing."""
        return self.repeat_number + 1

    @property
    def key(self) -> tuple[str, str]:
        return subject_key(self.customer, self.about)

    def responded_on_time(self) -> bool:
        return self.responded_at is not None and self.responded_at <= self.respond_by

    def investigate(self, note: str) -> Complaint:
        if not note.strip():
            raise DispatcherError(f"the investigation note of {self.sr} needs text")
        text = note.strip() if not self.investigation else f"{self.investigation}\n{note.strip()}"
        return replace(self, investigation=text)

    def respond(self, at: datetime, response: str) -> Complaint:
        if not response.strip():
            raise DispatcherError(f"the response to {self.sr} needs text")
        if self.responded_at is not None:
            raise IllegalTransition(
                f"{self.sr} was already answered at "
                f"{self.responded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            )
        return replace(self, response=response.strip(), responded_at=at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sr": self.sr,
            "received": self.received.isoformat(),
            "customer": self.customer,
            "about": self.about,
            "respond_by": self.respond_by.isoformat(),
            "resolve_by": self.resolve_by.isoformat(),
            "investigation": self.investigation,
            "response": self.response,
            "responded_at": self.responded_at.isoformat() if self.responded_at else None,
            "repeat_of": self.repeat_of,
            "repeat_number": self.repeat_number,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Complaint:
        return cls(
            sr=raw["sr"],
            received=datetime.fromisoformat(raw["received"]),
            customer=raw["customer"],
            about=raw["about"],
            respond_by=datetime.fromisoformat(raw["respond_by"]),
            resolve_by=datetime.fromisoformat(raw["resolve_by"]),
            investigation=raw.get("investigation", ""),
            response=raw.get("response", ""),
            responded_at=datetime.fromisoformat(raw["responded_at"])
            if raw.get("responded_at")
            else None,
            repeat_of=raw.get("repeat_of", ""),
            repeat_number=int(raw.get("repeat_number", 0)),
        )


def new_complaint(
    sr: str,
    received: datetime,
    customer: str,
    about: str,
    earlier: list[Complaint],
    respond_by: datetime | None = None,
    resolve_by: datetime | None = None,
) -> Complaint:
    """A complaint, linked to the first earlier one from the same customer about the same thing."""
    if not customer.strip():
        raise DispatcherError("a complaint needs the customer who complains")
    if not about.strip():
        raise DispatcherError("a complaint needs what it is about")
    respond_by = respond_by or received + RESPOND_WITHIN
    resolve_by = resolve_by or received + RESOLVE_WITHIN
    if respond_by < received or resolve_by < respond_by:
        raise DispatcherError(
            "a complaint's deadlines must follow it: received ≤ respond by ≤ resolve by"
        )
    key = subject_key(customer, about)
    chain = sorted(
        (c for c in earlier if c.key == key and c.received <= received),
        key=lambda c: (c.received, c.sr),
    )
    return Complaint(
        sr,
        received,
        customer.strip(),
        about.strip(),
        respond_by,
        resolve_by,
        repeat_of=chain[0].sr if chain else "",
        repeat_number=len(chain),
    )
