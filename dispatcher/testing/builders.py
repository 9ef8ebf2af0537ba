"""Notifications for channel tests, with every field filled the way the engine fills it."""

from __future__ import annotations

from itertools import count

from dispatcher.domain.messages import Message
from dispatcher.domain.roster import ContactKind, ContactMethod, Person
from dispatcher.engine.compose import TAKES_A_CODE, compose
from dispatcher.plugins.contract import Notification, Purpose, Urgency

_ids = count(1)


def sample_notification(
    address: str = "+15551230001",
    kind: str = ContactKind.MOBILE,
    *,
    language: str = "en",
    drill: bool = False,
    ack_code: str = "4821",
    short_text: str | None = None,
    long_text: str | None = None,
    spoken_text: str | None = None,
    sr_id: str = "SR-20261124-0007",
    purpose: Purpose = Purpose.PAGE,
) -> Notification:
    """A notification to one contact method of a fictional on-call engineer, its ready texts
    composed by the engine from the short, long and spoken message given (or defaults)."""
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
    message = Message(
        short_text or default_short,
        long_text
        or (
            "核心网全部处理能力丢失,请立即处理。"
            if zh
            else "The core network lost all call processing. Please call the desk."
        ),
        spoken_text or ("紧急事件,核心网中断。" if zh else "Emergency. The core network is down."),
    )
    texts = compose(
        message, sr_id=sr_id, purpose=purpose, ack_code=ack_code, drill=drill, language=language
    )
    return Notification(
        id=f"n-{next(_ids)}",
        recipient=person,
        contact=person.contacts[0],
        sr_id=sr_id,
        purpose=purpose,
        urgency=Urgency.EMERGENCY if purpose in (Purpose.PAGE, Purpose.REPAGE) else Urgency.LOW,
        ack_code=ack_code if purpose in TAKES_A_CODE else "",  # as the engine hands it
        drill=drill,
        language=language,
        **texts.fields(),
    )
