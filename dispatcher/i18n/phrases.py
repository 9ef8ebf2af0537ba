"""The English phrases the engine and the domain write into records, read in another language.

Timeline events, chain step logs and routing reasons are stored as English text (they are the
record, and the command line prints them). `phrase(text, language)` shows one in `language`:
each known shape below is matched whole and re-said from the catalogue, its parts named where
they are values (a role, a state, a step) and kept as they are where they are ids or names. A
text of no known shape is shown unchanged, so nothing recorded is ever hidden. Only texts the
desk itself writes go through here (`RECORDED_KINDS` of the timeline): a dispatcher's note or a
customer's words are shown as they were written, in whatever language.
"""

from __future__ import annotations

import re

from dispatcher.domain.timeline import ENGINE_EVENTS, EventKind
from dispatcher.i18n import N_, name_of, translator
from dispatcher.i18n.refusals import quoted_answer

# The timeline events whose text the engine or the desk composes (never a person's words).
# A note or a stop reason is a person's, never re-said; an acknowledgement's text is a note when
# one was given (`composed` tells); a reply's own words inside a composed text are kept as sent.
PEOPLES_WORDS = frozenset({EventKind.CALLOUT_ACKNOWLEDGED, EventKind.CALLOUT_STOPPED})
RECORDED_KINDS = (ENGINE_EVENTS - PEOPLES_WORDS) | {
    EventKind.DISPATCHED,
    EventKind.RED_FLAG_OPENED,
    EventKind.RED_FLAG_CLOSED,
    EventKind.RECORD_LOST,  # written by `dispatcher store repair`
}
_STEP = r"round (?P<round>\d+), step (?P<step>\d+)"
# Inside a text: a target nobody covers, a person no channel of a step reaches, a reason.
_REASON = r"gave up after \d+ attempts|its step is over|no retry before its step ends at [\d:]+"
_NOBODY = re.compile(
    r"[a-z_]+ of [\w$.-]+(?=, |$)|[\w.-]+ \(no contact method for [a-z, ]+\)|" + _REASON
)


# Kinds whose text is a person's words unless it is the one the engine or the domain writes
# in their place (`engine.control.acknowledge`, `domain.requests.callback`): its beginning.
COMPOSED_WHEN_NO_WORDS: dict[str, str] = {
    EventKind.ACKNOWLEDGED: "acknowledged by ",
    EventKind.CALLOUT_ACKNOWLEDGED: "acknowledged by ",
    EventKind.REOPENED: "dissatisfied callback (score ",
}


def composed(kind: str, text: str) -> bool:
    """Whether a timeline text of `kind` was composed by the desk or the engine (and so is said
    in the reader's language), not written by a person."""
    start = COMPOSED_WHEN_NO_WORDS.get(kind)  # a StrEnum member is found by its value
    return kind in RECORDED_KINDS or (start is not None and text.startswith(start))


def _values(text: str, language: str) -> str:
    return ", ".join(name_of(part.strip(), language) for part in text.split(","))


def _step(groups: dict[str, str], language: str) -> str:
    text = translator(language).gettext("round {round}, step {step}")
    return text.format(round=groups.pop("round"), step=groups.pop("step"))


# (pattern, message, how each named part is said: values by name_of, the rest as written)
PHRASES: tuple[tuple[re.Pattern[str], str, frozenset[str]], ...] = tuple(
    (re.compile(pattern), message, frozenset(values))
    for pattern, message, values in (
        (r"emergency criteria (?P<criteria>[\d, ]+)", N_("emergency criteria {criteria}"), ()),
        (r"call-out chain (?P<chain>\S+)", N_("call-out chain {chain}"), ()),
        (
            r"this event was lost to damage at (?P<file>\S+) line (?P<line>\d+)",
            N_("this event was lost to damage at {file} line {line}"),
            (),
        ),
        (
            r"this event was lost to damage at an earlier write",
            N_("this event was lost to damage at an earlier write"),
            (),
        ),
        (_STEP + r" \((?P<how>[a-z]+)\)", N_("{step} ({how})"), ("how",)),
        (
            _STEP + r" \(escalated: (?P<level>L\d), step for (?P<unit>\S+)\)",
            N_("{step} (escalated to {level}: the step for {unit})"),
            (),
        ),
        (
            _STEP + r": paging (?P<people>.+) by (?P<channels>[a-z, ]+)",
            N_("{step}: paging {people} by {channels}"),
            (),
        ),
        (
            _STEP + r" reaches nobody \((?P<who>.*)\): skipped",
            N_("{step} reaches nobody ({who}): skipped"),
            (),
        ),
        (_STEP, N_("{step}"), ()),
        (
            r"Red Flag opened: told nobody \(no CSQ on call\)",
            N_("Red Flag opened: told nobody (no CSQ on call)"),
            (),
        ),
        (
            r"Red Flag closed: told nobody \(no CSQ on call\)",
            N_("Red Flag closed: told nobody (no CSQ on call)"),
            (),
        ),
        (r"Red Flag opened: told (?P<who>.+)", N_("Red Flag opened: told {who}"), ()),
        (r"Red Flag closed: told (?P<who>.+)", N_("Red Flag closed: told {who}"), ()),
        (r"(?P<channel>[a-z]+) to (?P<who>[\w.-]+)", N_("{channel} to {who}"), ()),
        (  # a provider's words, then why the engine gives up (engine.outcomes._no_retry)
            r"(?P<channel>[a-z]+) to (?P<who>[\w.-]+): (?P<detail>.+) \((?P<why>gave up after "
            r"\d+ attempts|its step is over|no retry before its step ends at [\d:]+)\)",
            N_("{channel} to {who}: {detail} ({why})"),
            (),
        ),
        (r"gave up after (?P<count>\d+) attempts", N_("gave up after {count} attempts"), ()),
        (r"its step is over", N_("its step is over"), ()),
        (
            r"no retry before its step ends at (?P<time>[\d:]+)",
            N_("no retry before its step ends at {time}"),
            (),
        ),
        (
            r"instead of (?P<channel>[a-z]+) (?P<address>\S+), which failed permanently",
            N_("instead of {channel} {address}, which failed permanently"),
            (),
        ),
        (
            r"(?P<channel>[a-z]+) to (?P<who>[\w.-]+): (?P<detail>.+)",
            N_("{channel} to {who}: {detail}"),
            (),
        ),
        (r"retry at (?P<time>[\d:]+)", N_("retry at {time}"), ()),
        (
            r"(?P<who>[\w.-]+): (?P<channel>[a-z]+) failed for good",
            N_("{who}: {channel} failed for good"),
            (),
        ),
        (
            r"instead of (?P<channel>[a-z]+) (?P<address>\S+), which failed and is retried",
            N_("instead of {channel} {address}, which failed and is retried"),
            (),
        ),
        (r"(?P<who>[\w.-]+): (?P<channel>[a-z]+) failed", N_("{who}: {channel} failed"), ()),
        (r"(?P<channel>[a-z]+) (?P<address>\S+) next", N_("{channel} {address} next"), ()),
        (r"nobody for (?P<targets>.+)", N_("nobody for {targets}"), ()),
        (
            r"chain (?P<chain>\S+) ran out after (?P<rounds>\d+) round\(s\) without an "
            r"acknowledgement",
            N_("chain {chain} ran out after {rounds} round(s) without an acknowledgement"),
            (),
        ),
        (
            r"(?P<sr>\S+) SLA (?P<clock>[a-z]+) near breach \(due (?P<due>[^)]+) UTC\): "
            r"(?P<summary>.*)",
            N_("{sr} SLA {clock} near breach (due {due} UTC): {summary}"),
            ("clock",),
        ),
        (
            r"(?P<sr>\S+) SLA (?P<clock>[a-z]+) BREACHED \(due (?P<due>[^)]+) UTC\): "
            r"(?P<summary>.*)",
            N_("{sr} SLA {clock} BREACHED (due {due} UTC): {summary}"),
            ("clock",),
        ),
        (
            r"(?P<sender>\S+) sent the code paged to (?P<person>\S+) \((?P<address>[^)]*)\) by "
            r"(?P<channel>[a-z]+): not a paged address, nothing acknowledged",
            N_(
                "{sender} sent the code paged to {person} ({address}) by {channel}: not a paged "
                "address, nothing acknowledged"
            ),
            (),
        ),
        (
            r"(?P<sender>\S+) sent a code while typed codes are refused: nothing acknowledged",
            N_("{sender} sent a code while typed codes are refused: nothing acknowledged"),
            (),
        ),
        (r"acknowledge by the desk", N_("acknowledge by the desk"), ()),
        (
            r"(?P<sender>\S+) sent the code paged to it while its replies are ignored \(until "
            r"(?P<until>[^)]+)\): nothing acknowledged",
            N_(
                "{sender} sent the code paged to it while its replies are ignored (until "
                "{until}): nothing acknowledged"
            ),
            (),
        ),
        (
            r"phone them and acknowledge by the desk",
            N_("phone them and acknowledge by the desk"),
            (),
        ),
        (
            r"(?P<sender>\S+) replied by (?P<channel>[a-z]+) with no code of this request: "
            r"(?P<said>.*)",
            N_("{sender} replied by {channel} with no code of this request: {said}"),
            (),
        ),
        (
            r"(?P<sender>\S+) sent (?P<count>\d+) replies by (?P<channel>[a-z]+) that "
            r"acknowledged nothing",
            N_("{sender} sent {count} replies by {channel} that acknowledged nothing"),
            (),
        ),
        (
            r"its replies are ignored until (?P<until>.+)",
            N_("its replies are ignored until {until}"),
            (),
        ),
        (
            r"(?P<count>\d+) replies failed against this request",
            N_("{count} replies failed against this request"),
            (),
        ),
        (
            r"codes typed by text are refused until (?P<until>.+) \(a key press on the call or "
            r"the desk still acknowledges\)",
            N_(
                "codes typed by text are refused until {until} (a key press on the call or the "
                "desk still acknowledges)"
            ),
            (),
        ),
        (
            r"(?P<channel>[a-z]+) (?P<state>queued|sent|delivered|answered|busy|no_answer|failed)",
            N_("{channel}: {state}"),
            ("state",),
        ),
        (r"acknowledged by (?P<who>.+)", N_("acknowledged by {who}"), ()),
        (
            r"dissatisfied callback \(score (?P<score>\d)\)",
            N_("dissatisfied callback (score {score})"),
            (),
        ),
        (
            r"(?P<who>\S+) acknowledged by (?P<channel>[a-z]+)",
            N_("{who} acknowledged by {channel}"),
            (),
        ),
        (
            r"(?P<who>.+) answered by (?P<channel>[a-z]+) a page of an earlier call-out: the "
            r"call-out under way goes on",
            N_(
                "{who} answered by {channel} a page of an earlier call-out: the call-out under "
                "way goes on"
            ),
            (),
        ),
        (r"(?P<role>[a-z_]+) of (?P<unit>\S+)", N_("{role} of {unit}"), ("role",)),
        (
            r"(?P<person>[\w.-]+) \(no contact method for (?P<channels>[a-z, ]+)\)",
            N_("{person} (no contact method for {channels})"),
            (),
        ),
        (r"no site given", N_("no site given"), ()),
        (
            r"(?P<product>.+) down in (?P<site>.+) \((?P<line>[^()]+)\)",
            N_("{product} down in {site} ({line})"),
            (),
        ),
        (r"(?P<product>.+) down \((?P<line>[^()]+)\)", N_("{product} down ({line})"), ()),
        # what a built-in drill scenario's request says (dispatcher.domain.drills, engine.drills)
        (r"Drill Telecom \(fictional\)", N_("Drill Telecom (fictional)"), ()),
        (
            r"Drill of scenario (?P<scenario>\S+): not a real emergency\.",
            N_("Drill of scenario {scenario}: not a real emergency."),
            (),
        ),
        (
            r"(?P<category>[a-z_]+) is handled by the CSC",
            N_("{category} is handled by the CSC"),
            ("category",),
        ),
        (
            r"technical consultation needs a product of the roster",
            N_("technical consultation needs a product of the roster"),
            (),
        ),
        (
            r"technical consultation goes to product line (?P<line>\S+)",
            N_("technical consultation goes to product line {line}"),
            (),
        ),
        (r"L2 support is the TAC", N_("L2 support is the TAC"), ()),
        (
            r"L3 support needs a product of the roster",
            N_("L3 support needs a product of the roster"),
            (),
        ),
        (
            r"L3 support is (?P<bd>\S+), the product's business division",
            N_("L3 support is {bd}, the product's business division"),
            (),
        ),
        (
            r"(?P<product>\S+) is not handed over \(未移交\): L1 from (?P<bd>\S+)",
            N_("{product} is not handed over (未移交): L1 from {bd}"),
            (),
        ),
        (
            r"the roster has no '(?P<chain>[^']+)' chain, so nobody is paged",
            N_("the roster has no '{chain}' chain, so nobody is paged"),
            (),
        ),
        (
            r"an emergency: the emergency chain, every channel at once",
            N_("an emergency: the emergency chain, every channel at once"),
            (),
        ),
        (
            r"the (?P<chain>\S+) chain for a (?P<severity>[a-z]+) request",
            N_("the {chain} chain for a {severity} request"),
            ("severity",),
        ),
        (r"no branch covers site '(?P<site>.+)'", N_("no branch covers site '{site}'"), ()),
        (
            r"(?P<level>L\d) from (?P<unit>\S+), which covers (?P<site>.+)",
            N_("{level} from {unit}, which covers {site}"),
            (),
        ),
    )
)


def phrase(text: str, language: str) -> str:
    """`text` (an English phrase the engine or domain wrote) in `language`; unchanged if unknown."""
    if language == "en":
        return text
    if "; " in text:  # clauses joined by the domain, each said on its own
        clauses = text.split("; ")
        said = [phrase(part, language) for part in clauses]
        if said == clauses:  # none is ours (a provider's words): kept as written
            return text
        # inside a provider's quoted words, a "; " is theirs unless a phrase of ours follows
        quoted, joiner = quoted_answer(text), translator(language).gettext("; ")
        joined, at = said[0], len(clauses[0])
        for clause, spoken in zip(clauses[1:], said[1:], strict=True):
            theirs = (
                quoted is not None
                and at >= quoted.end()
                and not any(pattern.fullmatch(clause) for pattern, _, _ in PHRASES)
            )
            joined += ("; " if theirs else joiner) + spoken
            at += len("; ") + len(clause)
        return joined
    for pattern, message, values in PHRASES:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        groups = {k: v for k, v in found.groupdict().items() if v is not None}
        parts = {"step": _step(groups, language)} if "round" in groups else {}
        for name, value in groups.items():
            if name in values:
                value = _values(value, language)
            elif value.startswith("$"):  # a roster placeholder: the request's own unit
                value = name_of(value[1:], language)
            elif name == "targets":  # "case_handler of br-x, duty_manager of csc"
                value = ", ".join(phrase(part, language) for part in value.split(", "))
            elif name in ("why", "who"):  # a reason of our own; who a step reaches not
                value = _NOBODY.sub(lambda part: phrase(part.group(), language), value)
            parts[name] = value
        return translator(language).gettext(message).format(**parts)
    # a provider's words followed by the engine's reason ("… (gave up after 3 attempts)")
    return re.sub(_REASON, lambda part: phrase(part.group(), language), text)
