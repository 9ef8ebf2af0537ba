"""The desk's words, by key, and the names of the domain's values, from the one catalogue.

`labels(language)` gives a dict of words (English source text, Chinese from
`dispatcher.i18n`); `name_of(value, language)` names an enum value (a status, a category, a
role). Terms keep the Chinese the CSC uses (回访, 紧急事件, 总接口人 ...).
"""

from __future__ import annotations

from functools import cache

from dispatcher.i18n import N_, name_of, translator

__all__ = ["EN", "labels", "name_of"]

EN = {
    "title": N_("dispatcher — night desk"),
    "id": N_("SR"),
    "age": N_("Age"),
    "category": N_("Category"),
    "severity": N_("Severity"),
    "customer": N_("Customer"),
    "site": N_("Site"),
    "owner": N_("Owner/level"),
    "status": N_("Status"),
    "sla": N_("SLA due"),
    "callout": N_("Call-out"),
    "summary": N_("Summary"),
    "received": N_("Received"),
    "level": N_("Level"),
    "shown": N_("shown"),
    "search": N_("Search: id, customer, site, summary…"),
    "searching": N_("Search"),
    "filter": N_("Filter"),
    "filter.all": N_("all"),
    "filter.emergency": N_("emergencies"),
    "filter.late": N_("SLA late or near"),
    "filter.unowned": N_("nobody acknowledged"),
    "filter.drill": N_("drills"),
    "loading": N_("Reading the store…"),
    "nothing": N_("No open requests."),
    "planned": N_("Planned work tonight"),
    "local": N_("local"),
    "shift": N_("shift"),
    "engine": N_("engine"),
    "engine.here": N_("this desk"),
    "engine.none": N_("nobody (timers wait)"),
    "engine.starting": N_("starting on this desk…"),
    "channels": N_("channels"),
    "drill.banner": N_("DRILL RUNNING — every message is marked as a drill"),
    "store.damaged": N_("STORE DAMAGED — changes cannot be saved"),
    "new.title": N_("New service request"),
    "new.summary": N_("Summary (one line)"),
    "new.description": N_("Description"),
    "new.category": N_("Category"),
    "new.severity": N_("Severity"),
    "new.severity.auto": N_("auto: critical for an emergency, else minor"),
    "new.intake": N_("Came in by"),
    "new.reporter": N_("Reporter"),
    "new.reporter_phone": N_("Phone"),
    "new.reporter_email": N_("Email"),
    "new.customer": N_("Customer (operator / enterprise)"),
    "new.vip": N_("VIP"),
    "new.vip.none": N_("not a VIP"),
    "new.site": N_("Site"),
    "new.product": N_("Product"),
    "new.none": N_("(none)"),
    "new.owner_unit": N_("Owner unit"),
    "new.owner_person": N_("Owner person"),
    "new.level": N_("Level"),
    "new.criteria": N_("Emergency checklist (any one makes it an emergency)"),
    "new.start_chain": N_("Start the call-out chain on save"),
    "new.save": N_("Save (ctrl+s)"),
    "new.cancel": N_("Cancel (esc)"),
    "new.preview": N_("Routing and call-out preview"),
    "new.emergency": N_("EMERGENCY — the chain starts on save; Red Flag for CSQ"),
    "new.not_emergency": N_("not an emergency"),
    "new.summary_needed": N_("A summary is needed."),
    "new.saved": N_("registered"),
    "handler": N_("Handler"),
    "chain": N_("Chain"),
    "nobody": N_("NOBODY"),
    "skipped": N_("skipped at once"),
    "step": N_("step"),
    "wait": N_("wait"),
    "min": N_("min"),
    "no_chain": N_("no chain: nobody is paged"),
    "detail.title": N_("Request"),
    "timeline": N_("Timeline"),
    "progress": N_("Call-out progress"),
    "clocks": N_("SLA clocks"),
    "when": N_("When"),
    "who": N_("Who"),
    "what": N_("What"),
    "channel": N_("Channel"),
    "address": N_("Address"),
    "state": N_("State"),
    "person": N_("Person"),
    "no_callout": N_("no call-out"),
    "badge.emergency": N_("EMERGENCY"),
    "reporter": N_("Reporter"),
    "product": N_("Product"),
    "criteria": N_("Criteria"),
    "description": N_("Description"),
    "red_flag": N_("Red Flag"),
    "drill": N_("DRILL"),
    "ack.who": N_("Who confirmed by phone? (person id or name)"),
    "note.text": N_("Note"),
    "reassign.unit": N_("Owner unit, then a space and the person (optional)"),
    "resolve.text": N_("How was it resolved?"),
    "callback.prompt": N_("Callback (回访): {outcomes}, then a score 1-5 (optional)"),
    "done": N_("done"),
    "oncall.title": N_("On call"),
    "unit": N_("Unit"),
    "role": N_("Role"),
    "now": N_("Now"),
    "until": N_("Until"),
    "unconfirmed": N_("Phones not confirmed by an acknowledgement in {days} days (roster audit)"),
    "contact": N_("Contact method"),
    "last_confirmed": N_("Last confirmed"),
    "never": N_("never"),
    "next": N_("Next"),
    "gaps": N_("Reachability gaps, next 7 days"),
    "no_gaps": N_("No gaps: every required role is reachable by phone for the next 7 days."),
    "override.title": N_("Override for tonight"),
    "override.person": N_("Person taking over"),
    "override.covers": N_("Covers (person id; empty: an extra holder of the unit and role)"),
    "override.unit": N_("Unit"),
    "override.role": N_("Role"),
    "override.until": N_("Until (HH:MM local)"),
    "override.reason": N_("Reason"),
    "override.added": N_("override added"),
    "outbox.title": N_("Outbox"),
    "created": N_("Created"),
    "purpose": N_("Purpose"),
    "attempt": N_("Try"),
    "detail": N_("Detail"),
    "retry.channel": N_("Send by which channel?"),
    "quit.title": N_("Quit the desk?"),
    "quit.body": N_(
        "This desk runs the engine. These chains will stop being chased until an engine runs again:"
    ),
    "quit.yes": N_("Quit"),
    "quit.no": N_("Stay"),
    "keys.title": N_("Keys"),
    "key": N_("Key"),
    "does": N_("Does"),
    "ok": N_("OK"),
    "cancel": N_("Cancel"),
    "error": N_("Error"),
    "yes": N_("yes"),
    "no": N_("no"),
    "acknowledged_by": N_("acknowledged by"),
    # the shift's actions: handover, lifecycle, history, confirmations, help's groups
    "handover.title": N_("Shift handover"),
    "handover.building": N_("Building the handover…"),
    "checking": N_("checking…"),
    "start.done": N_("work started"),
    "restore.text": N_("How was service restored?"),
    "reopen.text": N_("Why reopen it?"),
    "declare.text": N_("Emergency criteria (1-12 or the product's own, separated by spaces)"),
    "close.reason": N_("Closed without a callback after {attempts} unanswered tries: why?"),
    "close.needs": N_(
        "It was never called back: record a callback first ({attempts} of {needed} tries made)"
    ),
    "level.confirm": N_("Raise {sr} from {level} to {next}?"),
    "level.body": N_(
        "The owner becomes {owner}; the call-out pages step {step} of {chain}, the step for "
        "{owner}."
    ),
    "level.next": N_(
        "The owner becomes {owner}; {chain} has no step for {owner}, so the call-out pages "
        "its next step, step {step}."
    ),
    "level.nobody": N_(
        "The owner becomes {owner}; nobody is paged: step {step} of {chain} has no one on call now."
    ),
    "level.last": N_(
        "The owner becomes {owner}; nobody new is paged: {chain} has no step for {owner} and "
        "none after the step it is on, which goes on waiting."
    ),
    "level.nochain": N_(
        "The owner becomes {owner}; nobody is paged: no call-out chain is routed for {next}."
    ),
    "level.yes": N_("Raise and page"),
    "level.no": N_("Keep {level}"),
    "unknown.person": N_("'{name}' is not in the roster: pick a name from the list"),
    "ambiguous.person": N_("'{name}' names more than one person ({ids}): pick one from the list"),
    "unknown.unit": N_("'{unit}' is not a unit of the roster: pick one from the list"),
    "unknown.person_of_unit": N_("'{name}' is not in {unit}"),
    "readonly": N_("CLOSED — read only"),
    "history.title": N_("History"),
    "history.search": N_("Search closed requests: id, customer, phone, text… (Enter)"),
    "history.found": N_("{count} closed requests found"),
    "history.none": N_("No closed request matches."),
    "history.ready": N_("Type, then Enter: the archive is searched newest month first"),
    "history.searching": N_("Searching the archive…"),
    "text": N_("Text"),
    "deliveries": N_("Deliveries"),
    "summary.needed": N_("A summary is needed: type one line saying what is wrong."),
    "emergency.needs": N_(
        "An emergency needs {fields}: the chain and the Red Flag depend on them."
    ),
    "phone.invalid": N_(
        "{phone} is not a phone number: type it with + and the country code, or as a number "
        "of {region}."
    ),
    "new.saving": N_("Saving… the form closes once the request is saved."),
    "new.saving.switch": N_("Saving… the language switches once the request is saved."),
    "discard.title": N_("Throw away this request?"),
    "discard.body": N_("What you typed is lost."),
    "discard.yes": N_("Throw away"),
    "discard.no": N_("Keep typing"),
    "no_data": N_("no data"),
    "this_shift": N_("this shift"),
    "today": N_("today so far"),
    "override.end": N_("Override ended"),
    "overrides": N_("Overrides"),
    "phone": N_("Phone"),
    "from": N_("From"),
    "reason": N_("Reason"),
    "no_phone": N_("no phone"),
    "language.ask.title": N_("Save the new request before switching the language?"),
    "language.ask.body": N_(
        "The form is half typed and would lose what you typed. Save it and switch, or keep "
        "typing (the Escape key on the form cancels it)."
    ),
    "language.ask.yes": N_("Save, then switch"),
    "language.ask.no": N_("Keep typing"),
    "covers": N_("Covers"),
    "no_overrides": N_("No override to end."),
    "override.until.zone": N_("Until (HH:MM in {zone}, the covered person's time)"),
    "scope.app": N_("Everywhere"),
    "scope.board": N_("Board"),
    "scope.detail": N_("Request"),
    "scope.oncall": N_("On call"),
    "scope.outbox": N_("Outbox"),
    "scope.callbacks": N_("Callback queue (回访)"),
    "scope.callback": N_("Callback call (回访)"),
    "scope.handover": N_("Handover"),
    "scope.reports": N_("Reports"),
    "scope.drill": N_("Drills"),
    "scope.form": N_("New request"),
    "scope.view": N_("Report view"),
    "scope.log": N_("Log"),
    "scope.history": N_("History"),
}


@cache
def labels(language: str) -> dict[str, str]:
    """Every word of the desk in `language` ("en" or "zh"; another shows English)."""
    _ = translator(language).gettext
    return {key: _(text) for key, text in EN.items()}
