"""Lines the domain, the roster and the plugins compose in English, said in another language.

Problems found in a file, a proof's findings, what became of a page and a drill's verdicts are
built in English where they are found (they are also the JSON, the logs and the record). The
command line and the reports show them to a reader through `said(text, language)`: each shape
below is the English template the source formats, matched whole (a `{field}` matches any text,
a `{field!r}` a quoted one) and re-said from the catalogue. Fields keep what they matched
(ids, names, addresses, numbers, a provider's words), except the fields in `VALUES`, which
are domain values named by `name_of`; `position` and `targets`, a chain position and the
targets nobody covers, said by `phrase`; `records`, stored records each said on its own;
`kinds`, categories and their severities; and those in `NESTED`, each perhaps a line of a
shape of its own ("5 min 30 s", "SMTP_HOST is not set", "every Sunday 22:00–01:00
Asia/Shanghai"), else kept as it is (a provider's words). A field in `DIGITS` matches a
number only, one in `IDS` one word. A problem located in a file (`path:line[:column]: field: message`) keeps its
location and says its message. A line of no known shape is shown unchanged, so nothing is ever hidden.

A provider's own words (the `answer` a channel quotes: "Twilio refused (400): {answer}") are
never re-said, rearranged or partly translated, wherever they stand: a value field matches
only the domain's values (never a provider's "Unable" or "SMTP"), and no shape is taken whose
own words would be found inside a provider's answer (`refusals.cuts_into_answer`), so only our sentence
around them is said in another language.
"""

from __future__ import annotations

import re
from functools import cache

from dispatcher.i18n import N_, name_of, translator
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.refusals import (
    REFUSALS,
    THING,
    UNKNOWN_PROBLEM,
    cuts_into_answer,
    quoted_answer,
)

VALUES = frozenset(
    {
        "state",
        "role",
        "kind",
        "outcome",
        "how",
        "severity",
        "roles",
        "action",
        "weekday",
        "scope",
        "status",
    }
)
# Fields that are lines of a shape of their own (a duration, a reason, a recurrence, ...).
NESTED = frozenset(
    {"span", "wanted", "got", "why", "reason", "when", "who", "products", "sites", "limit", "what"}
    | {"place", "record"}  # a damaged file's line, a stored record (dispatcher.store)
)  # `why` is also a routing reason: `said` ends with `phrase`, which knows those
DIGITS = frozenset({"line", "seq", "number"})  # a number: "{file} line {line}"
IDS = frozenset({"first", "last"})  # an id, one word: "{first} to {last}" is a run of ids

SHAPES = (
    # what became of a page (dispatcher.domain.outbox.describe)
    N_("delivered {time}"),
    N_("sent {time}"),
    N_("sent {time} ({status})"),
    N_("on the desk, to relay since {time}"),
    N_("relayed by {who} at {time}"),
    N_("relayed by {who}"),
    N_("notification {id} is not on the desk to relay: {channel} {state}"),
    N_("being handed to the provider"),
    N_("retry at {time} after: {why}"),
    N_("delayed until {time} by {why}"),
    N_("queued for {time}"),
    N_("{state} {time}: {why}"),
    N_("the {channel} provider's rate ({limit})"),
    N_("not sent: the chain is {state}"),
    N_("the limit of {count} {scope} per {seconds} s to {name}"),
    N_("{state} {time}: no reason given"),
    # a drill's verdicts and fixes (dispatcher.domain.drill_report)
    N_("acknowledged by {channel}"),
    N_("acknowledged"),
    N_("being paged"),
    N_("paged, waiting for an answer"),
    N_("not reached: wrong number {address} (carrier rejected it)"),
    N_("not reached: every page failed"),
    N_("not reached: no page went out before the chain ended"),
    N_("not reached: no answer"),
    N_("reached, never acknowledged"),
    N_("{position}: nobody on call for {target}: fill that rotation"),
    N_(
        "{name}: {address} is a wrong number (the carrier rejected it, {reason}): correct it in the roster"
    ),
    N_("{name}: {address} cannot take SMS ({reason}): make it kind: voice and add a mobile"),
    N_("{name}: {channel} to {address} failed ({reason})"),
    N_("{name}: {channel} to {address} failed (no reason given)"),
    N_("{name} has no mobile number: SMS cannot reach them; add one"),
    N_(
        "{name} was paged but never acknowledged: check they know to reply with the code or press 1"
    ),
    N_(
        "target missed: {wanted} (got {got}); nothing wrong found in the roster or the "
        "numbers: ask the people paged why they did not answer"
    ),
    N_("first acknowledgement within {span}"),
    N_("after {span}"),
    N_("never"),
    N_("not yet"),
    N_("acknowledged at step {step} or before"),
    N_("at step {step}"),
    N_("at least {rate} of the people paged acknowledge"),
    N_("nobody paged"),
    N_("{minutes} min {seconds} s"),
    N_("{minutes} min"),
    N_("{seconds} s"),
    # the chain check (dispatcher.plugins.chain_check)
    N_("{count} step channels are not installed here"),
    N_("{channel}: no such channel"),
    N_("{channel}: no such channel; did you mean {nearest}?"),
    N_("channel {name} is disabled here: {why}"),
    N_(
        "no provider channel is enabled here: every step falls back to the desk's relay "
        "(pages shown on the desk, read out by the dispatcher)"
    ),
    N_("{steps}: no channel of the step is enabled here; its pages go through the desk's relay"),
    N_(
        "{steps}: no channel of the step is enabled here; its pages go by {channels}, "
        "then the desk's relay"
    ),
    # a plugin that did not load in time (dispatcher.plugins.deadline)
    N_("{what} did not answer within {seconds} s"),
    # a channel's settings (dispatcher.plugins.contract)
    N_("{names} is not set"),
    N_("{names} are not set"),
    # a rate limit (dispatcher.plugins.info.describe_limit)
    N_("{count} per {seconds} s"),
    # a provider's error code before the channel's line (`dispatcher.domain.outbox.describe`)
    N_("{number} {why}"),
    # records asked for and moves refused (dispatcher.domain, dispatcher.store, the engine)
    N_("no request {sr}"),
    N_("no drill {sr} (drill list shows them)"),
    N_("no complaint {sr}"),
    N_("no planned service {id}"),
    N_("no notification {id} in the outbox"),
    N_("no person {person!r} in {path}"),
    N_("no unit {unit!r} in {path}"),
    N_("no product {product!r} in {path}"),
    N_("no override {id!r}"),
    N_("no drill scenario {id!r} (known: {known})"),
    N_("drill {sr} was already aborted at {time}"),
    N_("'{sr}' is not a request id like SR-20261124-0042"),
    N_("unknown emergency criterion '{criterion}' (base criteria are 1-12)"),
    N_("unknown emergency criterion '{criterion}' (base 1-12; this product's: {known})"),
    N_("cannot {action} {sr}: it is {state}"),
    N_("cannot {action} {sr}: it is already closed"),
    N_("cannot escalate {sr}: it is already at {level}"),
    N_("cannot close {sr} without a callback: {count} of {total} callback attempts made"),
    N_("cannot acknowledge {sr}: it is {state} and no chain is running"),
    N_("the chain of {sr} is {state}, not running"),
    N_("the chain of {sr} is already running ({position})"),
    N_("a note needs text"),
    N_("the investigation note of {sr} needs text"),
    N_("the response to {sr} needs text"),
    N_("{sr} was already answered at {time}"),
    N_("a complaint needs the customer who complains"),
    N_("a complaint needs what it is about"),
    N_("a complaint's deadlines must follow it: received ≤ respond by ≤ resolve by"),
    N_("{id}: the window must end after it starts"),
    N_("cancelling {id} needs a reason"),
    N_("{id} has no satisfaction callback waiting: {reason}"),
    N_("callback score must be 1 to 5, not {score}"),
    N_("a satisfaction score needs a reached customer"),
    N_("'{id}' is not a planned service id like PS-20261125-01"),
    N_("cannot record a callback for {sr}: it is {state}, and callbacks follow resolution"),
    N_("only a dissatisfied callback (score 1 to {score}) reopens {sr}"),
    N_("reopening {sr} needs a reason"),
    N_("cannot escalate {sr}: it is {state}"),
    N_("cannot reassign {sr}: it is closed"),
    N_("cannot change the criteria of {sr}: it is closed"),
    N_("{sr} already has criteria {criteria}"),
    N_("'{sr}' does not name a real date"),
    N_("'{sr}' has a number out of range"),
    N_("stopping the chain of {sr} needs a reason"),
    N_("no chain applies to {sr}: {why}"),
    N_("{path} has no chain '{chain}'"),
    N_("cannot start a chain for {sr}: it is {state}"),
    N_("{sr} has no call-out chain"),
    N_("this needs a roster (--roster)"),
    N_("running chain '{chain}' needs a roster (--roster)"),
    N_("routing {sr} needs a roster (--roster)"),
    N_("{person} has no contact method that {channel} reaches"),
    N_("notification {id} cannot go from {state} to {status}"),
    N_("a complaint is a request of category complaint, not {kind}"),
    N_("{sr} is a {kind} request, not a complaint"),
    N_("{sr} already has its complaint record"),
    N_("override {id} has already ended"),
    N_("{name} must be a whole number of 1 or more, not {value}"),
    N_("{name} must be a number of seconds above 0, not {value}"),
    N_("{path}: no data directory there"),
    N_("{path}: cannot read: {reason}"),
    # the desk's remembered language and theme (dispatcher.preferences)
    N_("{path}: cannot be read: {reason}"),
    N_("{path}: cannot be saved: {reason}"),
    N_("not a theme name"),
    N_("repair of {path}"),
    N_("recovered {count} records into {path}"),
    N_("recovered {count} record into {path}"),
    N_("lost: {place} ({reason}); it held {records}"),
    N_("lost: {place} ({reason}); what it held cannot be read"),
    N_("lost: {sr} event {seq}: marked as lost in its timeline"),
    N_("lost: {record}: its request record is lost; its {count} events are kept in {table}"),
    N_("lost: {record}: its request record is lost; its event is kept in {table}"),
    N_(
        "lost: counters: rebuilt from the ids present, but what {place} held cannot be read: "
        "compare new ids with the requests named lost"
    ),
    N_("cannot repair into {path}: {reason}; no copy was made"),
    N_(
        "no new id can be handed out: what the store held at {place} cannot be read, so the "
        "day counters cannot be checked; run `dispatcher store repair`"
    ),
    N_(
        "{place}: left by an interrupted compaction; no record is in it alone, and the next compaction replaces it"
    ),
    N_(
        "{count} losses; the damaged directory is untouched. Check the copy with "
        "`dispatcher store check --data {target}`, then put it in place of {source}"
    ),
    N_(
        "{count} loss; the damaged directory is untouched. Check the copy with "
        "`dispatcher store check --data {target}`, then put it in place of {source}"
    ),
    N_("longer than {count} bytes"),
    # a typed value refused (dispatcher.domain.text.check)
    N_("{field}: not UTF-8 text"),
    N_("{field}: control character {char} ({code}) at position {index} is not allowed"),
    N_("{field}: control character ({code}) at position {index} is not allowed"),
    N_("not UTF-8 text ({reason})"),
    N_("not JSON ({reason} at column {column})"),
    N_("{id} is also on line {line}"),
    N_("{id} is already in the store"),
    N_("{id} is in the store with other contents"),
    N_("must be text, not {what}"),
    N_("must be text, a number, true, false or null, not {what}"),
    N_("must be text, a number, true, false, null or a list of them, not {what}"),
    N_("must not be empty"),
    N_("too short"),
    N_("longer than {count} characters"),
    N_("not in the expected form"),
    N_("must be one of {choices}"),
    N_("must be an ISO 8601 time like 2026-11-24T03:10:00+08:00"),
    N_("not an ISO 8601 time"),
    N_("has no UTC offset"),
    N_("must be true or false, not {what}"),
    N_("must be a whole number from 0 to {count}"),
    N_("expected a whole number from {minimum} to {maximum}, got {got}"),
    N_("{got} is longer than {count} days"),
    N_("must be an object, not {what}"),
    N_("unknown field {name}"),
    N_("missing"),
    N_("must be a list, not {what}"),
    N_("more than {count} items"),
    N_("must be a request id like SR-20261124-0042"),
    N_("null"),
    N_("a boolean"),
    N_("a number"),
    N_("text"),
    N_("a list"),
    N_("an object"),
    # what the roster reader found instead (dispatcher.roster.nodes.describe)
    N_("a number ({value})"),
    N_("a mapping"),
    N_("nothing"),
    # the roster's proof (dispatcher.domain.verdict, proof, coverage, recurrence)
    N_("HOLE the roster has no 'emergency' chain: an emergency pages nobody"),
    N_("GAP  {unit} {role}: {reason} — {when}"),
    N_("GAP  {unit} {role}: {reason} — {when} (daylight-saving change in {zones})"),
    N_("HOLE {who}: step {step} reaches nobody — {when}"),
    N_("HOLE {who}: step {step} reaches nobody ({targets}) — {when}"),
    N_("HOLE {who}: step {step} reaches nobody — {when} (daylight-saving change in {zones})"),
    N_(
        "HOLE {who}: step {step} reaches nobody ({targets}) — {when} (daylight-saving change "
        "in {zones})"
    ),
    N_("no one on call"),
    N_("no one on call has a phone number"),
    N_("{chain} chain, {products} at {sites}"),
    N_("{chain} chain, {products} at {sites} ({kinds})"),
    N_("every product"),
    N_("every site"),
    N_("from {start} to {end} {zone}"),
    N_("on {date} {clock} {zone}"),
    N_("every day {clock} {zone}"),
    N_("every day {clock} {zone}, from {since}"),
    N_("every day {clock} {zone}, to {until}"),
    N_("every day {clock} {zone}, from {since} to {until}"),
    N_("every {weekday} {clock} {zone}"),
    N_("every {weekday} {clock} {zone}, from {since}"),
    N_("every {weekday} {clock} {zone}, to {until}"),
    N_("every {weekday} {clock} {zone}, from {since} to {until}"),
    *REFUSALS,  # the roster's problems and more refusals (dispatcher.i18n.refusals)
)

_FIELD = re.compile(r"\{(\w+)(![rs])?\}")
_ID = re.compile(r"[a-z][a-z_-]*[\d.][\w.-]*")  # an id in a value's place, never a word
_LOCATED = re.compile(r"(?P<where>\S+?:\d+(?::\d+)?: (?:\S+: )?)(?P<message>.+)")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each shape as a pattern, the one with most fixed text first (the most specific)."""
    built = []
    for shape in SHAPES:
        parts, at = [], 0
        for found in _FIELD.finditer(shape):
            parts.append(re.escape(shape[at : found.start()]))
            name, conversion = found.group(1), found.group(2)
            if conversion:  # a quoted text
                parts.append(f"(?P<{name}>'[^']*'|\"[^\"]*\")")
            elif name in DIGITS:
                parts.append(f"(?P<{name}>\\d+)")
            elif name in IDS:
                parts.append(f"(?P<{name}>[^\\s,;:]+)")
            elif name in VALUES:  # a value's name: words
                parts.append(f"(?P<{name}>[\\w ,-]+?)")
            else:
                parts.append(f"(?P<{name}>.+?)")
            at = found.end()
        parts.append(re.escape(shape[at:]))
        built.append((re.compile("".join(parts), re.S), shape))
    return tuple(sorted(built, key=lambda item: -len(_FIELD.sub("", item[1]))))


def _kinds(text: str, language: str) -> str:
    category, _, severities = text.partition(": ")
    named = ", ".join(name_of(s, language) for s in severities.split(", ") if s)
    return f"{name_of(category, language)}: {named}" if named else name_of(category, language)


def _values_known(fields: dict[str, str], language: str) -> bool:
    """Whether each value field holds the domain's values, so that a shape matches by its
    values and not by chance (a provider's "Unable to create record: …" is not "{state}
    {time}: {why}") or an id of ours (lowercase, with a digit or a dot); a contact kind may
    be a plugin's."""
    for name, value in fields.items():
        if name in VALUES and name != "kind":
            for part in value.split(","):
                part = part.strip()
                if part[:1] in "'\"":  # a `{field!r}`: the data's own text, quoted
                    continue
                if name_of(part, language) == part.replace("_", " ") and not _ID.fullmatch(part):
                    return False
    return True


def said(text: str, language: str) -> str:
    """`text` (an English line of a known shape) in `language`; unchanged when unknown."""
    if language == "en" or not text:
        return text
    located = _LOCATED.fullmatch(text)  # `path:line[:column]: field: message`
    if located:
        message = said(located.group("message"), language)
        if message != located.group("message"):
            return located.group("where") + message
    quoted = quoted_answer(text)
    for pattern, shape in _patterns():
        found = pattern.fullmatch(text)
        if found is None or cuts_into_answer(found, quoted):
            continue
        if not _values_known(found.groupdict(), language):
            continue  # "the override is empty: …" is not "{state} {time}: {why}"
        fields = {}
        for name, value in found.groupdict().items():
            if name == THING:
                value = translator(language).pgettext(THING, value)
            elif name == "problem":  # a YAML parser's words: said by shape, else in general
                known = said(value, language)
                value = known if known != value else translator(language).gettext(UNKNOWN_PROBLEM)
            elif name in VALUES:
                value = ", ".join(name_of(part.strip(), language) for part in value.split(","))
            elif name == "position":
                value = phrase(value, language)
            elif name in NESTED:
                value = said(value, language)
            elif name == "records":  # "SR-20261124-0002, SR-20261124-0002 event 1"
                value = ", ".join(said(part, language) for part in value.split(", "))
            elif name == "targets":  # "case_handler of br-x, duty_manager of csc"
                value = ", ".join(phrase(part, language) for part in value.split(", "))
            elif name == "kinds":  # "fault_support: critical, major; complaint: minor"
                value = "; ".join(_kinds(part, language) for part in value.split("; "))
            fields[name] = value
        message = _FIELD.sub(lambda m: "{" + m.group(1) + "}", translator(language).gettext(shape))
        return message.format(**fields)
    return phrase(text, language)
