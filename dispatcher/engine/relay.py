"""A dispatcher relays a page left on the desk: they phoned the person and read it out.

The desk channel (`dispatcher.plugins.desk`) only puts a page on the desk: it is sent, on
the desk to relay (`ON_DESK`), and nobody has it yet. Once the dispatcher says they relayed
it, it is delivered, by them: its provider status is `RELAYED`, its detail names them, and
the request's timeline says so. Any process may record it (the desk, `dispatcher outbox
relay`), as for every other command: it is one commit through the store.
"""

from __future__ import annotations

from datetime import datetime

from dispatcher.domain.outbox import RELAY_CHANNEL, RELAYED, DeliveryState, shown_state
from dispatcher.domain.timeline import EventKind
from dispatcher.engine.control import CalloutControl
from dispatcher.errors import IllegalTransition
from dispatcher.store.outbox import OutboxRecord


def relay(control: CalloutControl, notification_id: int, at: datetime, actor: str) -> OutboxRecord:
    """Record that `actor` (a named dispatcher) relayed page `notification_id`: delivered at
    `at`. Raises `NotFound` for no such notification, `IllegalTransition` for one that is
    not on the desk waiting to be relayed (another channel's, not sent yet, relayed already)."""
    store = control.store
    with store.atomic(store.live):
        record = control.outbox.get(notification_id)
        if record.channel != RELAY_CHANNEL or record.state is not DeliveryState.SENT:
            raise IllegalTransition(
                f"notification {notification_id} is not on the desk to relay: "
                f"{record.channel} {shown_state(record)}"
            )
        moved = control.outbox.move(
            notification_id,
            DeliveryState.DELIVERED,
            at,
            provider_status=RELAYED,
            detail=f"relayed by {actor}",
        )
        control.requests.change(
            record.sr,
            lambda sr: sr.record(
                at,
                actor,
                EventKind.PAGE_DELIVERED,
                f"{RELAY_CHANNEL} relayed by {actor} to {record.person}",
                RELAY_CHANNEL,
                person=record.person,
                address=record.address,
                notification=record.id,
                purpose=str(record.purpose),
            ),
        )
    return moved
