"""The built-in `desk` channel: the desk's own outbox, shown on screen, needing no credentials.

A notification sent through it becomes a record in the store's `desk_outbox` table; the
desk lists those records and the dispatcher relays them by hand, reading out the engine's
ready `sms_text` (which holds the code and the drill marker). A page put on the desk is sent,
not delivered: it is shown "on the desk, to relay" until the dispatcher marks it relayed
(`dispatcher.engine.relay`), and then it is delivered, by them. It reaches every kind of
contact method installed (the built-in ones and every kind a plugin declares), so a roster
without any provider configured still works end to end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dispatcher.domain.roster import BUILT_IN_KINDS
from dispatcher.plugins.contract import ChannelBase, DeliveryStatus, Notification, Receipt
from dispatcher.plugins.hookspecs import hookimpl

DESK_OUTBOX_TABLE = "desk_outbox"


class DeskChannel(ChannelBase):
    name = "desk"

    def __init__(self, store: Any, reaches: frozenset[str] = BUILT_IN_KINDS) -> None:
        self.store = store
        self.reaches = reaches

    async def send(self, notification: Notification) -> Receipt:
        table = self.store.live.table(DESK_OUTBOX_TABLE)
        with self.store.atomic(self.store.live):
            doc_id = table.insert(
                {
                    "notification_id": notification.id,
                    "sr_id": notification.sr_id,
                    "person_id": notification.recipient.id,
                    "person": notification.recipient.display_name,
                    "contact_kind": str(notification.contact.kind),
                    "address": notification.contact.address,
                    "text": notification.sms_text,
                    "purpose": notification.purpose.value,
                    "urgency": notification.urgency.value,
                    "ack_code": notification.ack_code,
                    "language": notification.language,
                    "drill": notification.drill,
                    "at": datetime.now(UTC).isoformat(),
                }
            )
        # On the desk is not delivered: the dispatcher relays it (`dispatcher.engine.relay`).
        return Receipt.accepted(self.name, f"desk-{doc_id}", DeliveryStatus.SENT)


class DeskPlugin:
    """Registered by the plugin manager beside the entry-point plugins."""

    def __init__(
        self, store: Any, kinds: Callable[[], frozenset[str]] = lambda: BUILT_IN_KINDS
    ) -> None:
        self.store = store
        self.kinds = kinds  # the kinds installed, known once every plugin declared its own

    @hookimpl
    def dispatcher_channels(self, register, settings) -> None:
        if self.store is None:
            register.disabled("desk", "needs an open data directory")
        else:
            register(DeskChannel(self.store, self.kinds()))
