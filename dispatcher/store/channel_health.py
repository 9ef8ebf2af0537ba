"""What the engine learnt of each channel's health from its sends, for every desk to read.

The engine holder records a channel's faults in a row (a `send` that raised, returned
something other than a `Receipt`, or outlived its time bound) and the last one; the desk's
header shows a channel with `UNHEALTHY_AFTER` or more as unhealthy, whatever its own
`check()` says, until a send through it succeeds again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tinydb import Query

from dispatcher.store import Store

CHANNEL_HEALTH = "channel_health"


@dataclass(frozen=True)
class ChannelFaults:
    channel: str
    in_a_row: int
    last: str  # the last fault, one line naming the channel
    at: datetime
    unhealthy: bool


def record_faults(
    store: Store, channel: str, in_a_row: int, last: str, at: datetime, unhealthy: bool
) -> None:
    """One commit: the channel's faults in a row as the engine now counts them."""
    with store.atomic(store.live):
        store.live.table(CHANNEL_HEALTH).upsert(
            {
                "channel": channel,
                "in_a_row": in_a_row,
                "last": last,
                "at": at.isoformat(),
                "unhealthy": unhealthy,
            },
            Query().channel == channel,
        )


def channel_faults(store: Store) -> dict[str, ChannelFaults]:
    """Each channel's faults as last recorded, by channel name."""
    return {
        d["channel"]: ChannelFaults(
            d["channel"],
            d["in_a_row"],
            d["last"],
            datetime.fromisoformat(d["at"]),
            bool(d["unhealthy"]),
        )
        for d in store.live.table(CHANNEL_HEALTH).all()
    }
