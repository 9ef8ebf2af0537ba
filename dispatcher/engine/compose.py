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
from dispatcher.domain.roster import ContactMethod, Person
from dispatcher.i18n import translator
from dispatcher.plugins.contract import Notification, Purpose, Urgency
from dispatcher.plugins.sizes import SPOKEN_LIMIT, cut, fit_sms
from dispatcher.store.outbox import OutboxRecord

# The purposes whose reader answers with the code: a page to own the request, an audit or a
# test to prove the contact method works.
TAKES_A_CODE = frozenset({Purpose.PAGE, Purpose.REPAGE, Purpose.AUDIT, Purpose.TEST})


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
    in every text when `drill`; every word is the catalogue's (an unknown language reads
    English). The SMS takes at most `sizes.SMS_MAX_PARTS` parts and the spoken message at most
    `sizes.SPOKEN_LIMIT` characters, cut before the code, which is always kept.
    """
    _ = translator(language).gettext
    coded = purpose in TAKES_A_CODE and bool(ack_code)
    mark = _("[DRILL] ") if drill else ""
    short = " ".join(message.short.split())
    reply = " " + _("Reply {code} to acknowledge").format(code=ack_code) if coded else ""
    body = (_("*** DRILL - not a real emergency ***") + "\n\n" if drill else "") + message.long
    labelled = _("{label}: {value}")
    body += "\n\n" + labelled.format(label=_("Service request"), value=sr_id) + "\n"
    if coded:
        body += labelled.format(label=_("Acknowledgement code"), value=ack_code) + "\n"
    spoken = cut(message.spoken, SPOKEN_LIMIT)
    if drill:
        spoken = _("{first} {then}").format(first=_("This is a drill."), then=spoken)
    if coded:
        said = _("Your acknowledgement code is {digits}.").format(digits=" ".join(ack_code))
        spoken = _("{first} {then}").format(first=spoken, then=said)
    return ReadyTexts(
        sms_text=fit_sms(f"{mark}{short}", reply),  # at most SMS_MAX_PARTS, the code kept
        subject=f"{mark}{short}",
        body=body,
        spoken_text=spoken,
    )


def notification_for(record: OutboxRecord, people: Mapping[str, Person]) -> Notification:
    """What a channel is handed for an outbox record, its texts composed for the reader.
    Its `ack_code` is "" unless the purpose takes one (`TAKES_A_CODE`): a channel that reads
    replies itself (a call's key press) offers to acknowledge only when there is a code."""
    person = people.get(record.person) or Person(record.person, record.person, "")
    purpose = _member(Purpose, record.purpose, Purpose.NOTICE)
    code = record.ack_code if purpose in TAKES_A_CODE else ""
    texts = compose(
        Message(record.short_text, record.long_text, record.spoken_text),
        sr_id=record.sr,
        purpose=purpose,
        ack_code=code,
        drill=record.drill,
        language=record.language,
    )
    return Notification(
        id=str(record.id),
        recipient=person,
        contact=ContactMethod(record.contact_kind, record.address),
        sr_id=record.sr,
        purpose=purpose,
        urgency=_member(Urgency, record.urgency, Urgency.NORMAL),
        ack_code=code,
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
