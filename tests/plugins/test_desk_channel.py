"""The built-in desk channel."""

from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import DeliveryStatus, PluginManager
from dispatcher.plugins.desk import DESK_OUTBOX_TABLE
from dispatcher.store import Store
from dispatcher.testing.builders import sample_notification


async def test_the_desk_channel_records_the_notification_in_the_store(tmp_path):
    with Store(tmp_path) as store:
        desk = PluginManager(environ={}, store=store).channels["desk"]
        receipt = await desk.send(sample_notification(drill=True))

        (record,) = store.live.table(DESK_OUTBOX_TABLE).all()
    assert receipt.ok and receipt.status is DeliveryStatus.SENT  # on the desk: not delivered yet
    assert desk.reaches == frozenset(ContactKind) | {"push"}  # and the template's kind
    assert (record["person_id"], record["ack_code"], record["drill"]) == ("li.wei", "4821", True)


def test_without_a_store_the_desk_channel_says_why_it_is_off():
    (info,) = [c for c in PluginManager(environ={}).channel_infos if c.name == "desk"]

    assert (info.enabled, info.reason) == (False, "needs an open data directory")
