"""The reachability audit: an "are you reachable" message to every contact method of the
people asked about; each acknowledgement proves its method works (`store.callouts.confirm`).

Like the commands of `engine.control`, it only queues notifications, in one commit; the engine
holder sends them. The codes are the control's (`CalloutControl.codes`), one per person,
under the audit's id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from dispatcher.domain import messages
from dispatcher.domain.callout import MANUAL_CHANNEL
from dispatcher.domain.localtime import local_day
from dispatcher.domain.outbox import Purpose, Urgency
from dispatcher.domain.roster import ContactKind, Person
from dispatcher.engine.control import CalloutControl
from dispatcher.errors import DispatcherError
from dispatcher.store.outbox import OutboxRecord
from dispatcher.store.zone import csc_zone

# The channel an audit prefers for a built-in kind: a text, a call, a mail.
AUDIT_CHANNELS: dict[str, str] = {
    ContactKind.MOBILE: "sms",
    ContactKind.VOICE: "voice",
    ContactKind.EMAIL: "email",
}


def enqueue_audit(
    control: CalloutControl, people: Iterable[Person], at: datetime, actor: str
) -> str:
    """Queue the audit of `people`'s contact methods, each through the channel that tests it
    (`audit_channel`); returns the audit's id (AUDIT-YYYYMMDD-N). Raises DispatcherError when
    no channel reaches any of their contact methods."""
    day = local_day(at, csc_zone(control.store, control.roster_zone, record=True))
    audit_id = f"AUDIT-{day:%Y%m%d}-{control.store.next_sequence(f'audit:{day:%Y%m%d}')}"
    records = []
    for person in people:
        code = control.codes.ack_code(audit_id, person.id, at)
        text = messages.reachability_check(audit_id, person.language)
        for contact in person.contacts:
            channel = audit_channel(control.reaches, contact.kind)
            if channel is None:
                continue
            records.append(
                OutboxRecord(
                    sr=audit_id,
                    person=person.id,
                    channel=channel,
                    contact_kind=contact.kind,
                    address=contact.address,
                    ack_code=code,
                    purpose=Purpose.AUDIT,
                    urgency=Urgency.LOW,
                    created=at,
                    due=at,
                    detail=f"audit by {actor}",
                    short_text=text.short,
                    long_text=text.long,
                    spoken_text=text.spoken,
                    language=person.language,
                )
            )
    if not records:
        raise DispatcherError("nobody to audit: no contact method any channel reaches")
    control.outbox.enqueue(records)
    return audit_id


def audit_channel(reaches: Mapping[str, frozenset[str]], kind: str) -> str | None:
    """The channel that tests a contact method: a text for a mobile, a call for a landline,
    a mail for a mail address; for a plugin's kind, a channel of a plugin that reaches it;
    the desk's relay only when nothing else does. `reaches`: channel -> the kinds it reaches."""
    preferred = AUDIT_CHANNELS.get(kind)
    if preferred is not None and kind in reaches.get(preferred, frozenset()):
        return preferred
    reaching = sorted(name for name, kinds in reaches.items() if kind in kinds)
    return next(
        (name for name in reaching if name != MANUAL_CHANNEL), reaching[0] if reaching else None
    )
