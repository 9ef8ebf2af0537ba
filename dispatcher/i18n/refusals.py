"""More shapes of lines composed in English below the command line (see `shapes.py`): the
roster's problems, the YAML parser's own problem texts, refusals raised by the engine, the
store and the reports, and the store's damage, its check and its repair.
`tests/i18n/test_raised_messages.py` finds every literal message raised under `dispatcher/`
and fails on one no shape says in Chinese.

Two kinds of field are said here: `thing`, the kind of record a roster id names ("person",
"rotation": `THINGS`), and `problem`, a YAML parser's problem text, said by its shape when it
has one, else by a generic line (the location before it is kept)."""

from __future__ import annotations

import re
from functools import cache

from dispatcher.i18n import N_, NC_

THING = "thing"  # the message context of the kinds of roster record
THINGS = (
    NC_("thing", "unit"),
    NC_("thing", "product"),
    NC_("thing", "person"),
    NC_("thing", "rotation"),
    NC_("thing", "override"),
    NC_("thing", "chain"),
    NC_("thing", "scenario"),
    NC_("thing", "criterion"),
)
# A YAML problem no shape below knows (PyYAML and libyaml word them; the location is kept).
UNKNOWN_PROBLEM = N_("the YAML syntax is wrong here")

REFUSALS = (
    # the roster's own problems (dispatcher.roster)
    N_("missing (required)"),
    N_("unknown person {person!r}"),
    N_("unknown product {product!r}"),
    N_("the file is empty; a roster needs units and people"),
    N_("not UTF-8 text; save the roster as UTF-8"),
    N_("expected a mapping, got {what}"),
    N_("expected a list, got {what}"),
    N_("expected text, got {what}"),
    N_("expected true or false, got {what}"),
    N_("{value!r} is not a valid id (letters, digits, '-', '_', '.')"),
    N_("{what} is not one of: {choices}"),
    N_("{what} is not a duration such as 15m, 4h, 1h30m or 7d"),
    N_("{what} is not a date (YYYY-MM-DD)"),
    N_("{what} is not a time of day (HH:MM, 24-hour)"),
    N_("{value!r} is not a valid phone number (international form, starting with +)"),
    N_("{person!r} does not hold the role {role!r} (add it to their roles)"),
    N_("{what} is not a contact kind (mobile, voice, email or a plugin's)"),
    N_("kind {kind}: no installed plugin provides it"),
    N_("kind {kind}: {reason}"),
    N_("{address!r} is not a valid email address ({reason})"),
    N_("expected an extension of 1 to 30 digits in quotes, got {value!r}"),
    N_("a chain needs at least one step"),
    N_("a rotation needs at least one handoff"),
    N_("the rotation is empty: it names no one"),
    N_("not valid YAML: {problem}"),
    N_("nothing"),
    N_("a mapping"),
    N_("a number ({value})"),
    N_("expected a whole number ≥ {minimum}, got {got}"),
    N_("expected a whole number from {minimum} to {maximum}, got {got}"),
    N_("{what} is not a date and time with a UTC offset (2026-12-24T20:00+08:00)"),
    N_("unknown key (expected one of: {choices})"),
    N_("duplicate {thing} id {value!r} (first defined on line {line})"),
    N_("unknown unit {unit!r} (expected a unit or product line id)"),
    N_("unknown unit {unit!r} (expected a unit or product line id or a placeholder ({known}))"),
    N_("{value!r} is not a known IANA time zone (e.g. Asia/Shanghai)"),
    N_("only the unit of kind csc has a zone (a person's is their timezone)"),
    N_(
        "no unit of kind csc: its zone (e.g. Asia/Shanghai) is the zone of every local date, "
        "SR ids and report days included"
    ),
    N_(
        "missing (required): the CSC's IANA time zone, e.g. Asia/Shanghai, the zone of every "
        "local date (SR ids, report days, archive months, shifts)"
    ),
    N_("only a unit of kind bd has product lines"),
    N_("only a unit of kind bd adds emergency criteria"),
    N_("only a branch or an overseas site covers sites"),
    N_("targets must not shrink: response ≤ restore ≤ resolve"),
    N_("{value!r} is a base criterion id; a BD adds its own, e.g. 'CN-1'"),
    N_("{product!r} is not a product of this BD"),
    N_("a contact of kind {name} has a number, not an address"),
    N_("a contact of kind {name} has an address, not a number"),
    N_("a contact of kind {name} has no extension"),
    N_("kind {name}: the validator of plugin {plugin} returned no address"),
    N_("kind {name}: the validator of plugin {plugin} failed ({reason})"),
    N_("expected a phone number in quotes, such as '+1 212 555 0100', got {what}"),
    N_(
        "a mobile number cannot have an extension (SMS cannot dial {extension}); "
        "list it as kind: voice"
    ),
    N_("{value!r} is not a mobile number, so it cannot receive SMS; list it as kind: voice"),
    N_("the number's extension {extension} differs from ext {ext}"),
    N_("missing (required for repeat: cycle)"),
    N_("only a rotation with repeat: cycle has cycle_days"),
    N_("{value!r} repeats a handoff, so two shifts would overlap"),
    N_("{value!r} is not a daily handoff; write '08:00'"),
    N_("{value!r} is not a weekly handoff; write 'mon 08:00'"),
    N_("{value!r} is not a cycle handoff; write '08:00' or 'day 2 08:00' (day 1..{days})"),
    N_(
        "overlaps rotation {rotation!r} for the same unit and role {when}; put people on call "
        "together in one slot instead"
    ),
    N_("{when} (daylight-saving change in {zones})"),
    N_("the override is empty: 'to' must be after 'from'"),
    N_("the override is empty: --to must be after --from"),
    N_("an override without 'covers' adds a person to a role: give both 'unit' and 'role'"),
    N_("a step needs at least one of its {key}"),
    N_("the roster has no chain {chain!r} (its chains: {known})"),
    N_("the roster has no chain {chain!r}"),
    N_("unknown product {product!r} (not in {path})"),
    N_("no branch or overseas site in {path} covers {site!r}"),
    N_("a drill is an emergency drill: give at least one criterion"),
    N_("{what} is not a share such as 0.9 or 100%"),
    N_("{what} is not an emergency criterion (base 1-12; this product's: {known})"),
    N_("scenario {id}: {path} has no chain '{chain}'"),
    N_("scenario {id}: the roster has no chain '{chain}'"),
    # the YAML parser's problems (PyYAML, libyaml; dispatcher.roster.reader)
    N_("mapping values are not allowed in this context"),
    N_("mapping values are not allowed here"),
    N_("found character that cannot start any token"),
    N_("did not find expected ',' or {bracket}"),  # ']' or '}'
    N_("did not find expected '-' indicator"),
    N_("did not find expected key"),
    N_("did not find expected node content"),
    N_("could not find expected ':'"),
    N_("found undefined alias"),
    N_("second occurrence"),
    N_("found unexpected end of stream"),
    N_("found unknown escape character"),
    N_("control characters are not allowed"),
    N_("found unknown directive name"),
    N_("but found another document"),
    N_("exceeded maximum nesting depth"),
    N_("found duplicate key {key} (first on line {line})"),
    N_("{value!r} is not a valid {type}"),
    # typed text, the CSC's zone (dispatcher.domain.text, store.zone, domain.oncall)
    N_("{field}: control character {name} ({code}) at position {position} is not allowed"),
    N_("{field}: control character ({code}) at position {position} is not allowed"),
    N_(
        "{path}: the recorded CSC zone {zone!r} is not a known IANA zone; run `dispatcher "
        "store check`"
    ),
    N_(
        "{path}: the CSC's time zone is unknown, so no local date can be taken: this "
        "store has recorded none yet; use the roster (--roster) once, whose csc unit "
        "names it, or record it with `dispatcher store zone ZONE`"
    ),
    N_(
        "CSC zone {zone} refused: the local dates of {path} are in {recorded}, and a "
        "store keeps one zone (correct the roster's csc zone)"
    ),
    N_(
        "{path}: the unit of kind csc has no zone, so no local date can be known (add "
        "e.g. zone: Asia/Shanghai to it)"
    ),
    # refusals of the engine, the store and the reports
    N_("--to must be after --from"),
    N_("cannot read the roster ({reason})"),
    N_("cannot read the scenarios ({reason})"),
    N_("cannot read: {reason}"),
    N_("nobody to audit: no contact method any channel reaches"),
    N_("notification {id} is {state}; only a failed or cancelled one can be sent again"),
    N_("no channel '{channel}' (known: {known})"),
    N_("drill {sr} is over ({state}); there is nothing to abort"),
    N_("drill {sr} never started a chain; there is nothing to abort"),
    N_("{path}: not a regular file ({what}); give a file"),
    N_("{path}: larger than {count} MB; not read"),
    N_("cannot write {path}: {reason}"),
    N_(
        "cannot write {path}: it is {what}, not a regular file; give the path of a file (or "
        "leave out --output for standard output)"
    ),
    N_("a symbolic link"),
    N_("a directory"),
    N_("a device"),
    N_("a pipe"),
    N_("a socket"),
    N_("not a regular file"),
    N_("{path}: already exists; name a new directory with --into"),
    N_("{path}: changed while it was checked; nothing was imported"),
    # an import file's problems (dispatcher.store.transfer, import_schema), after FILE:LINE: field:
    # the store's damage, its check and its repair (dispatcher.store.damage, check, repair)
    N_("{file} line {line}"),
    N_("not a journal line"),
    N_("checksum mismatch"),
    N_("not JSON"),
    N_("not a commit"),
    N_("not a valid commit"),
    N_("missing, though journals follow it"),
    N_("newer than the snapshot (generation {generation})"),
    N_("newer than the snapshot"),
    N_("truncated: {count} of {size} bytes"),
    N_("bad header"),
    N_("unreadable body"),
    N_("another generation or size"),
    N_(
        "the store is damaged at {place}: {reason}; what it held is not shown and writes are "
        "refused; run `dispatcher store repair`"
    ),
    N_(
        "the store is damaged at {place}: {reason} and {count} more place(s); what it held is "
        "not shown and writes are refused; run `dispatcher store repair`"
    ),
    N_("the store is damaged at {place}; run `dispatcher store repair`"),
    N_("the store is damaged at {place} (and {count} more); run `dispatcher store repair`"),
    N_("{sr} event {seq}"),
    N_("{table} document {number}"),
    N_("names {sr}, which is not in the store"),
    N_("{key} is at {count} but number {number} exists: an id would be handed out twice"),
    N_("{record} holds id {value}"),
    N_("{sr} belongs to archive/{period}"),
    N_("{sr} is also in {label}"),
    N_("the timeline of {sr} lacks events {runs}"),
    N_("{record} has no request"),
    N_("{record} holds another event"),
    N_("{record}: {field}: must be {what}, not {value}"),  # a document of the wrong shape
    N_("{record}: must be an object, not {value}"),
    N_("counter {key}"),
    N_("no request id is left for {day}: {last}, the last id of the day, is taken"),
    N_("no planned service id is left for {day}: {last}, the last id of the day, is taken"),
    N_("{key} is at {count}, its end: no more ids of that day can be handed out"),
    N_("{id} is past {last}, the last id of a day"),
    N_(
        "{key} handed out {what}, which no partition holds: lost (or never saved, if a crash "
        "came between numbering and saving)"
    ),
    N_("lost: {what}: handed out by the counters, held by no partition"),
    N_("{first} to {last}"),
    N_("{place}: {sr}: {reason}; run `dispatcher store check`"),
    N_("(record): cannot be read"),
    N_("{time} is later than now"),
    N_("{time} is {day} at the CSC ({zone}), not {date}, the day its id {sr} names"),
    N_("{time} is before the request was received ({received})"),
    N_("{time} is before the Red Flag opened ({opened})"),
    N_("only an emergency (a request with criteria) has a Red Flag"),
    N_("null, but the request is {status}: resolving it closed its Red Flag"),
    N_("a whole number from 0"),
    N_("a whole number from 0 to {count}"),
    N_("non-empty text"),
    N_("lost: {place}: {reason}; kept in {table}"),
    N_("cannot save to {path}: {reason}; the change was not saved"),
    N_("cannot read {path}: {reason}"),
    N_("cannot open {path}: {reason}"),
    N_("cannot lock {path}: {reason}"),
    N_("cannot create data directory {path}: {reason}"),
    N_("cannot compact {path}: {reason}; nothing was lost"),
    N_("cannot repair {path}: {reason}; its last line is torn"),
    N_("no space left on device"),  # the system's reasons, as `store.journal.reason` words them
    N_("file too large"),
    N_("disk quota exceeded"),
    N_("permission denied"),
    N_("read-only file system"),
    N_("no such file or directory"),
    N_("input/output error"),
    N_("too many open files"),
    N_("is a directory"),
    N_("not a directory"),
    N_("operation not permitted"),
    N_("file exists"),
    N_("file name too long"),
    N_("too many levels of symbolic links"),
    N_("not UTF-8 text"),  # a settings file in another encoding (`dispatcher.preferences`)
    # what a channel says of its provider (plugins/*): `answer` is the provider's own words
    N_("Twilio refused ({code}): {answer}"),
    N_("cannot reach Twilio: {answer}"),
    N_("DingTalk refused (HTTP {code}): {answer}"),
    N_("cannot reach DingTalk: {answer}"),
    N_("webhook refused (HTTP {code}): {answer}"),
    N_("push refused (HTTP {code}): {answer}"),
    N_("mailbox refused ({code}): {answer}"),
    N_("login refused ({code}): {answer}"),
    N_("mail server refused ({code}): {answer}"),
    N_("unexpected answer from Twilio: {answer}"),
    N_("TLS with {host} failed: {answer}"),
    N_("cannot reach {host}:{port}: {answer}"),
    N_("{host}:{port} cannot be used: {answer}"),
    N_("{number}: {why}"),  # a provider's error code before what the channel said of it
)

ANSWER = "answer"  # a provider's own words, quoted by a channel's line above


def quoted_answer(text: str) -> re.Match[str] | None:
    """Where `text` quotes a provider through a channel's line: the match of the channel's
    words before the answer ("Twilio refused (400): "), the answer starting at its end; None
    when it quotes none. Nothing from there on is ours to say in another language."""
    return _channel_heads().search(text)


def cuts_into_answer(found: re.Match[str], quoted: re.Match[str] | None) -> bool:
    """Whether a shape's match cuts into a provider's answer or the channel's line quoting it
    (`quoted`): a shape's own words (the text between its fields, the last excepted, which
    closes our sentence around the answer) found inside the answer, or a field that ends
    inside the channel's words before it ("21211 Twilio refused (400)" is not "{state}
    {time}")."""
    if quoted is None:
        return False
    head, answer_from = quoted.start(), quoted.end()
    if ANSWER in found.re.groupindex and found.start(ANSWER) == answer_from:
        return False  # the channel's line itself
    starts = [found.start(name) for name in found.re.groupindex]
    ends = [found.end(name) for name in found.re.groupindex]
    between = zip([0, *ends[:-1]], starts, strict=True)  # our words before each field
    if any(end > start and start >= answer_from for start, end in between):
        return True
    return any(start <= head < end < answer_from for start, end in zip(starts, ends, strict=True))


@cache
def _channel_heads() -> re.Pattern[str]:
    """What comes before `{answer}` in each channel's line, its fields any text but ":"."""
    heads = []
    for shape in REFUSALS:
        head, found, _ = shape.partition("{" + ANSWER + "}")
        if found:
            parts = re.split(r"\{\w+\}", head)
            heads.append("[^:]+?".join(re.escape(part) for part in parts))
    return re.compile("|".join(f"(?:{head})" for head in heads))
