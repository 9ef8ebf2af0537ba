"""What a notification says, in the recipient's language: a page, an SLA warning, a CSQ notice.

Each message has three forms: `short` fits one SMS beside "Reply 1234 to acknowledge" and a
drill mark; `long` is an email body; `spoken` is read out twice on a call. The engine adds
the code and the drill mark to every form (`dispatcher.engine.compose`), so the texts here
never do. Every word comes from the catalogue (`dispatcher.i18n`); values (severity, SLA
clock) are named in the language too, so a Chinese page carries no English word but ids,
names and product names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from dispatcher.domain.requests import ServiceRequest
from dispatcher.i18n import name_of, translator
from dispatcher.i18n.phrases import phrase

SHORT_LIMIT = 110  # leaves room in one SMS for the reply instruction and a drill mark


@dataclass(frozen=True)
class Message:
    short: str
    long: str
    spoken: str


def _cut(text: str, limit: int = SHORT_LIMIT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def drill_words(sr: ServiceRequest, text: str, language: str) -> str:
    """A drill's own text (a built-in scenario's summary, made-up customer and description,
    which the product wrote: `dispatcher.domain.drills`) in `language`; a real request's
    text as it was typed."""
    return phrase(text, language) if sr.drill and text else text


def _where(sr: ServiceRequest, language: str) -> str:
    parts = [drill_words(sr, sr.customer.name, language), sr.site, sr.product]
    return translator(language).gettext(", ").join(p for p in parts if p)


def page(sr: ServiceRequest, language: str, step_label: str) -> Message:
    """The call-out page: what is wrong, where, and that someone must own it.

    `step_label` is where the chain stands, already in `language` (`Position.label`).
    """
    _ = translator(language).gettext
    summary, customer = (
        drill_words(sr, sr.summary, language),
        drill_words(sr, sr.customer.name, language),
    )
    what = _("EMERGENCY") if sr.is_emergency else _("Service request")
    severity = name_of(sr.severity, language)
    vip = (
        _(" (VIP {kind})").format(kind=name_of(sr.customer.vip, language))
        if sr.customer.vip
        else ""
    )
    short = _cut(
        _("{sr} {what} {severity}: {summary} ({where})").format(
            sr=sr.id, what=what, severity=severity, summary=summary, where=_where(sr, language)
        )
    )
    long = _(
        "{what} {sr}\n"
        "Summary: {summary}\n"
        "Customer: {customer}{vip}\n"
        "Site: {site}  Product: {product}  Severity: {severity}\n"
        "Emergency criteria: {criteria}\n"
        "Call-out: {step}\n"
        "Acknowledge with the code below, or call the CSC desk, to own this request."
    ).format(
        what=what,
        sr=sr.id,
        summary=summary,
        customer=customer or "-",
        vip=vip,
        site=sr.site or "-",
        product=sr.product or "-",
        severity=severity,
        criteria=", ".join(sr.criteria) or "-",
        step=step_label,
    )
    spoken = _(
        "{what} for {customer}. {summary}. Please acknowledge and call the service centre desk."
    ).format(what=what, customer=customer or _("a customer"), summary=summary)
    return Message(short, long, spoken)


def drill_over(sr: ServiceRequest, language: str, reason: str) -> Message:
    """Sent to everyone already paged when a drill ends early: nothing more to do."""
    _ = translator(language).gettext
    text = _("{sr} The drill is over. No action needed.").format(sr=sr.id)
    return Message(text, text + "\n" + _("Reason: {reason}").format(reason=reason), text)


def status_update(sr: ServiceRequest, language: str, by: str) -> Message:
    """Sent to everyone else already paged when someone acknowledged: the site is covered."""
    _ = translator(language).gettext
    text = _cut(_("{sr} taken by {by}. You need not act or come.").format(sr=sr.id, by=by))
    summary = _("Summary: {summary}").format(summary=drill_words(sr, sr.summary, language))
    return Message(text, f"{text}\n{summary}", text)


def sla_warning(
    sr: ServiceRequest, language: str, clock: str, breached: bool, deadline: datetime
) -> Message:
    """An SLA clock near its deadline, or past it, to the people who own the request."""
    _ = translator(language).gettext
    state = _("BREACHED") if breached else _("near breach")
    short = _cut(
        _("{sr} SLA {clock} {state} (due {due} UTC): {summary}").format(
            sr=sr.id,
            clock=name_of(clock, language),
            state=state,
            due=f"{deadline.astimezone(UTC):%Y-%m-%d %H:%M}",  # as the text says: UTC
            summary=sr.summary,
        )
    )
    customer = _("Customer: {customer}").format(customer=sr.customer.name or "-")
    return Message(short, f"{short}\n{customer}", short)


def red_flag_notice(sr: ServiceRequest, language: str, opened: bool) -> Message:
    """CSQ's notice that a Red Flag opened (an emergency) or closed (its SR resolved)."""
    _ = translator(language).gettext
    state = _("Red Flag opened") if opened else _("Red Flag closed")
    short = _cut(_("{sr} {state}: {summary}").format(sr=sr.id, state=state, summary=sr.summary))
    criteria = _("Emergency criteria: {criteria}").format(criteria=", ".join(sr.criteria))
    return Message(short, f"{short}\n{criteria}", short)


def reachability_check(audit_id: str, language: str) -> Message:
    """The audit's "are you reachable" message; acknowledging it confirms the contact method."""
    _ = translator(language).gettext
    text = _("{audit} Reachability check from the CSC desk: please acknowledge this message.")
    text = text.format(audit=audit_id)
    return Message(
        text,
        text + "\n" + _("No other action is needed."),
        _("This is a reachability check from the service centre desk. Please acknowledge."),
    )
