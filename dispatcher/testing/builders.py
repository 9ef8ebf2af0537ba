"""Notifications for channel tests, with every field filled the way the engine fills it."""

from __future__ import annotations

from itertools import count

from dispatcher.domain.roster import ContactKind, ContactMethod, Person
from dispatcher.plugins.contract import Notification

_ids = count(1)


def sample_notification(
    address: str = "+15551230001",
    kind: ContactKind = ContactKind.MOBILE,
    *,
    language: str = "en",
    drill: bool = False,
    ack_code: str = "4821",
    short_text: str | None = None,
    long_text: str | None = None,
    spoken_text: str | None = None,
    sr_id: str = "SR-20261124-0007",
) -> Notification:
    """A notification to one contact method of a fictional on-call engineer."""
    zh = language == "zh"
    person = Person(
        id="li.wei",
        name="Li Wei",
        name_zh="李伟",
        unit="bd-core",
        language=language,
        contacts=(ContactMethod(kind, address),),
    )
    default_short = f"{sr_id} 紧急:核心网中断" if zh else f"{sr_id} EMERGENCY: core network down"
    return Notification(
        id=f"n-{next(_ids)}",
        recipient=person,
        contact=person.contacts[0],
        sr_id=sr_id,
        short_text=short_text or default_short,
        long_text=long_text
        or (
            "核心网全部处理能力丢失,请立即处理。"
            if zh
            else "The core network lost all call processing. Please call the desk."
        ),
        spoken_text=spoken_text
        or ("紧急事件,核心网中断。" if zh else "Emergency. The core network is down."),
        ack_code=ack_code,
        language=language,
        drill=drill,
    )
