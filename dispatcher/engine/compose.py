"""What every channel must carry, composed once by the engine: the ready texts of a
notification in the recipient's language, each holding the acknowledgement code (where the
purpose takes one) and the drill marker (a drill's every message says so, PRODUCT.md
"Drills"). A channel delivers these texts as they are: the desk relays `sms_text`, the SMS
channel sends it, the email channel sends `subject` and `body`, the voice channel speaks
`spoken_text`; no channel adds a code or a marker of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from dispatcher.domain.messages import Message
from dispatcher.domain.roster import ContactKind, ContactMethod, Person
from dispatcher.plugins.contract import Notification, Purpose, Urgency
from dispatcher.store.outbox import OutboxRecord

# The purposes whose reader answers with the code: a page to own the request, an audit or a
# test to prove the contact method works.
TAKES_A_CODE = frozenset({Purpose.PAGE, Purpose.REPAGE, Purpose.AUDIT, Purpose.TEST})

WORDS = {
    "en": {
        "mark": "[DRILL] ",
        "reply": "Reply {code} to acknowledge",
        "banner": "*** DRILL - not a real emergency ***\n\n",
        "request": "Service request",
        "code": "Acknowledgement code",
        "say_drill": "This is a drill.",
        "say_code": "Your acknowledgement code is {digits}.",
        "sep": " ",
        "colon": ": ",
    },
    "zh": {
        "mark": "【演练】",
        "reply": "回复 {code} 确认",
        "banner": "*** 演练,并非真实事件 ***\n\n",
        "request": "服务请求",
        "code": "确认码",
        "say_drill": "这是演练。",
        "say_code": "确认码 {digits}。",
        "sep": "",
        "colon": ":",
    },
}


@dataclass(frozen=True)
class ReadyTexts:
    """A notification's texts as channels send them (`Notification` has the same fields)."""

    sms_text: str
    subject: str
    body: str
    spoken_text: str

    def fields(self) -> dict[str, str]:
        """The texts as `Notification` keyword arguments."""
        return asdict(self)


def compose(
    message: Message, *, sr_id: str, purpose: Purpose, ack_code: str, drill: bool, language: str
) -> ReadyTexts:
    """The ready texts of `message` (its short, long and spoken forms) for one reader.

    The code is in every text when `purpose` takes one (`TAKES_A_CODE`); the drill marker is
    in every text when `drill`. Unknown languages fall back to English.
    """
    words = WORDS.get(language, WORDS["en"])
    coded = purpose in TAKES_A_CODE and bool(ack_code)
    mark = words["mark"] if drill else ""
    short = " ".join(message.short.split())
    sms = f"{mark}{short}"
    if coded:
        sms += " " + words["reply"].format(code=ack_code)
    body = (words["banner"] if drill else "") + message.long
    body += f"\n\n{words['request']}{words['colon']}{sr_id}\n"
    if coded:
        body += f"{words['code']}{words['colon']}{ack_code}\n"
    spoken = [words["say_drill"]] if drill else []
    spoken.append(message.spoken)
    if coded:
        spoken.append(words["say_code"].format(digits=" ".join(ack_code)))
    return ReadyTexts(
        sms_text=sms,
        subject=f"{mark}{short}",
        body=body,
        spoken_text=words["sep"].join(spoken),
    )


def notification_for(record: OutboxRecord, people: Mapping[str, Person]) -> Notification:
    """What a channel is handed for an outbox record, its texts composed for the reader."""
    person = people.get(record.person) or Person(record.person, record.person, "")
    purpose = _member(Purpose, record.purpose, Purpose.NOTICE)
    texts = compose(
        Message(record.short_text, record.long_text, record.spoken_text),
        sr_id=record.sr,
        purpose=purpose,
        ack_code=record.ack_code,
        drill=record.drill,
        language=record.language,
    )
    return Notification(
        id=str(record.id),
        recipient=person,
        contact=ContactMethod(ContactKind(record.contact_kind), record.address),
        sr_id=record.sr,
        purpose=purpose,
        urgency=_member(Urgency, record.urgency, Urgency.NORMAL),
        ack_code=record.ack_code,
        drill=record.drill,
        language=record.language,
        **texts.fields(),
    )


def _member(kind, value: str, default):
    """`kind(value)`, or `default` for a value a record from an older version holds."""
    try:
        return kind(value)
    except ValueError:
        return default
