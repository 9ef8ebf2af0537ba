"""One notification as the outbox's Enter shows it: what it said in each form, and what became
of it, in the desk's language (the texts themselves as they were sent, in the recipient's)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from dispatcher.domain.callout import Position
from dispatcher.domain.outbox import shown_detail, shown_state
from dispatcher.i18n import translator
from dispatcher.reports.words import cell
from dispatcher.store.outbox import OutboxRecord
from dispatcher.tui.labels import name_of


def _fenced(text: str) -> str:
    """Text from a roster or a provider, shown as text (never as Markdown)."""
    return "```text\n" + text.replace("```", "ʼʼʼ") + "\n```"


def page_text(
    record: OutboxRecord, local: Callable[[datetime], datetime], zone: tzinfo, language: str
) -> str:
    """Markdown: the notification's texts, fenced, then a table of its delivery."""
    _ = translator(language).gettext
    words = [cell(w, language) for w in (record.provider_status, record.error_code)]
    error = " ".join(str(w) for w in (*words[1:], cell(shown_detail(record, zone), language)) if w)
    heading = [
        f"**{name_of(str(record.purpose), language)}**",
        record.channel,
        f"{record.contact_kind} {record.address}",
        Position(record.round, record.step).label(language),
    ] + ([_("DRILL")] if record.drill else [])
    lines = [" · ".join(heading), ""]
    for label, text in (
        (_("SMS text"), record.short_text),
        (_("Mail"), record.long_text),
        (_("Spoken text"), record.spoken_text),
    ):
        if text:
            lines += [f"### {label}", "", _fenced(text), ""]
    if not (record.short_text or record.long_text or record.spoken_text):
        nothing = _("no text was stored with this notification")
        lines += [f"_{nothing}_", ""]
    updated = f"{local(record.updated):%Y-%m-%d %H:%M:%S}" if record.updated else "—"
    rows = (
        (translator(language).pgettext("column", "state"), name_of(shown_state(record), language)),
        (_("provider's word"), words[0] or "—"),
        (_("sends"), str(record.attempt)),
        (_("provider id"), record.provider_id or "—"),
        (_("error"), error.replace("|", "/") or "—"),
        (_("queued at"), f"{local(record.created):%Y-%m-%d %H:%M:%S}"),
        (_("last change"), updated),
    )
    deliveries = _("Deliveries")
    lines += [f"### {deliveries}", "", "| | |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)
