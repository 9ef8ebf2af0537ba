"""The drill report and the drill history, from the store, as Markdown or JSON.

`drill_report` gathers one drill's records (its scenario as run, the call-out's step log, the
outbox, the SR's timeline); `drill_history` lists every drill with its figures so the trend
shows whether the chain is getting better at waking people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dispatcher.domain.drill_judge import IN_PROGRESS, PASSED
from dispatcher.domain.drill_outcomes import DrillReport
from dispatcher.domain.drill_report import PAGING, build_report
from dispatcher.domain.oncall import Roster
from dispatcher.domain.outbox import RELAYED
from dispatcher.domain.text import columns
from dispatcher.i18n import N_, NC_, name_of, translator
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.shapes import said
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.drills import DrillRecord, DrillRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.requests import RequestRepository


def drill_report(store: Store, roster: Roster, sr_id: str, now: datetime) -> DrillReport:
    """One drill's report as of `now` (aware): a running drill's targets are judged only once
    decided."""
    drill = DrillRepository(store).get(sr_id)
    return _report(
        roster,
        drill,
        CalloutRepository(store),
        OutboxRepository(store),
        RequestRepository(store),
        now,
    )


def _report(
    roster: Roster,
    drill: DrillRecord,
    callouts: CalloutRepository,
    outbox: OutboxRepository,
    requests: RequestRepository,
    now: datetime,
) -> DrillReport:
    callout = callouts.get(drill.sr)
    scenario = drill.scenario
    return build_report(
        drill.sr,
        scenario.id,
        scenario.name,
        scenario.chain,
        scenario.targets,
        callout.run.started if callout else drill.started,
        callout.run.state.value if callout else "not started",
        drill.aborted,
        callout.steps_total if callout else 0,
        callout.steps if callout else (),
        outbox.for_sr(drill.sr),
        requests.timeline(drill.sr),
        roster.people,
        now,
    )


@dataclass(frozen=True)
class HistoryRow:
    report: DrillReport

    def to_dict(self) -> dict:
        r = self.report
        return {
            "drill": r.sr,
            "scenario": r.scenario,
            "started": r.started,
            "state": r.state,
            "aborted": r.aborted,
            "passed": None if r.verdict == IN_PROGRESS else r.passed,
            "verdict": r.verdict,
            "reach_rate": r.reach_rate,
            "seconds_to_first_ack": (
                r.first_ack_after.total_seconds() if r.first_ack_after is not None else None
            ),
            "people_paged": len(r.people),
            "acknowledged": len(r.acknowledgements),
        }


def drill_history(store: Store, roster: Roster, now: datetime) -> list[HistoryRow]:
    """Every drill, oldest first, with its figures as of `now`."""
    callouts, outbox, requests = (
        CalloutRepository(store),
        OutboxRepository(store),
        RequestRepository(store),
    )
    return [
        HistoryRow(_report(roster, drill, callouts, outbox, requests, now))
        for drill in DrillRepository(store).all()
    ]


def trend(rows: list[HistoryRow]) -> dict:
    """The last drill's figures against the average of the ones before it (same scenario or not)."""
    if len(rows) < 2:
        return {}
    last, earlier = rows[-1].report, [r.report for r in rows[:-1]]
    rates = [r.reach_rate for r in earlier if r.reach_rate is not None]
    times = [r.first_ack_after.total_seconds() for r in earlier if r.first_ack_after is not None]
    result: dict = {}
    if rates and last.reach_rate is not None:
        result["reach_rate"] = {"last": last.reach_rate, "before": sum(rates) / len(rates)}
    if times and last.first_ack_after is not None:
        result["seconds_to_first_ack"] = {
            "last": last.first_ack_after.total_seconds(),
            "before": sum(times) / len(times),
        }
    return result


# -- text ---------------------------------------------------------------------------------
# In the reader's language: the words from the catalogue, the verdicts, fixes and page results
# the domain composed re-said by `said`; ids, names, addresses and numbers as they are.

# The report's own words (its column heads and verdicts), looked up where they are shown.
WORDS = (
    N_("drill"),
    N_("started"),
    N_("scenario"),
    N_("state"),
    N_("reach"),
    N_("1st ack"),
    N_("result"),
    N_("pass"),
    N_("FAIL"),
    N_("PASSED"),
    N_("FAILED"),
    N_("in progress"),
    N_("IN PROGRESS"),
    N_("target"),
    N_("wanted"),
    N_("got"),
    N_("person"),
    N_("channel"),
    N_("address"),
    N_("acknowledged"),
    N_("no page sent"),
)


def _words(language: str) -> dict[str, str]:
    return {word: translator(language).gettext(word) for word in WORDS}


TARGET = "target"  # the message context of the drill targets' names (their JSON keys)
TARGETS = (
    NC_("target", "acknowledged_within"),
    NC_("target", "acknowledged_by_step"),
    NC_("target", "reach_rate"),
)


def history_text(rows: list[HistoryRow], language: str = "en") -> str:
    _, w = translator(language).gettext, _words(language)
    lines = [
        f"{_fit(w['drill'], 17)} {_fit(w['started'], 23)} {_fit(w['scenario'], 22)} "
        f"{_fit(w['state'], 12)} {_fit(w['reach'], 6, right=True)} "
        f"{_fit(w['1st ack'], 10, right=True)}  {w['result']}"
    ]
    for row in rows:
        r = row.report
        lines.append(
            f"{r.sr:<17} {_when(r.started):<23} {r.scenario:<22} {_fit(_state(r, language), 12)} "
            f"{_rate(r.reach_rate):>6} {_fit(_long(r.first_ack_after, language), 10, right=True)}  "
            f"{_verdict(r.verdict, w, short=True)}"
        )
    change = trend(rows)
    if "reach_rate" in change:
        lines.append(
            _("trend: reach rate {last} (before: {before} on average)").format(
                last=_rate(change["reach_rate"]["last"]),
                before=_rate(change["reach_rate"]["before"]),
            )
        )
    if "seconds_to_first_ack" in change:
        last = timedelta(seconds=change["seconds_to_first_ack"]["last"])
        before = timedelta(seconds=change["seconds_to_first_ack"]["before"])
        if last < before:
            text = _(
                "trend: first acknowledgement after {last} (faster than the {before} before, on average)"
            )
        elif last > before:
            text = _(
                "trend: first acknowledgement after {last} (slower than the {before} before, on average)"
            )
        else:
            text = _(
                "trend: first acknowledgement after {last} (as fast as the {before} before, on average)"
            )
        lines.append(text.format(last=_long(last, language), before=_long(before, language)))
    return "\n".join(lines)


def report_markdown(report: DrillReport, language: str = "en") -> str:
    """The drill's report as Markdown in `language` ("en" or "zh"), figure for figure the same."""
    _, w = translator(language).gettext, _words(language)
    r = report
    aborted = " " + _("(aborted {at})").format(at=_when(r.aborted)) if r.aborted else ""
    lines = [
        _("# Drill {sr}: {name}").format(sr=r.sr, name=phrase(r.scenario_name, language)),
        "",
        _(
            "Scenario `{scenario}`, chain `{chain}`, started {started}; call-out {state}{aborted}."
        ).format(
            scenario=r.scenario,
            chain=r.chain,
            started=_when(r.started),
            state=_state(r, language),
            aborted=aborted,
        ),
        "",
        f"**{_verdict(r.verdict, w)}**",
        "",
        f"| {w['target']} | {w['wanted']} | {w['got']} | {w['result']} |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {_target(t.name, language)} | {said(t.wanted, language)} | {said(t.got, language)} | "
        f"{_verdict(t.verdict, w, short=True)} |"
        for t in r.results
    ]
    paged = r.people
    acknowledged = sum(p.acknowledged_at is not None for p in paged)
    first = (
        _("after {span}.").format(span=_long(r.first_ack_after, language))
        if r.first_ack_after is not None
        else _("none.")
    )
    lines += [
        "",
        _(
            "Reach rate: {rate} ({acknowledged} of {paged} people paged acknowledged); "
            "first acknowledgement: {first}"
        ).format(
            rate=_rate(r.reach_rate), acknowledged=acknowledged, paged=len(paged), first=first
        ),
        "",
        _("## Acknowledgements"),
        "",
    ]
    lines += [
        "- "
        + _("{name} by {via} at {at} ({after} after the start)").format(
            name=a.name,
            via=a.via or _("an unknown way"),
            at=_when(a.at),
            after=_long(a.after, language),
        )
        for a in r.acknowledgements
    ] or ["- " + _("nobody acknowledged")]
    for step in r.steps:
        heading = phrase(step.label, language)
        heading = heading[:1].upper() + heading[1:]
        how = f", {name_of(step.how, language)}" if step.how else ""
        by = (  # a step that paged nobody (in a log of old too) used no channel
            ", " + _("by {channels}").format(channels=", ".join(step.channels))
            if step.channels and step.people
            else ""
        )
        lines += ["", f"## {heading}: {_when(step.at)}{how}{by}", ""]
        if step.people:
            first_after = step.first_ack_after
            lines.append(
                _("Reach rate {rate}; first acknowledgement {first}").format(
                    rate=_rate(step.reach_rate),
                    first=_("{span} after the step began.").format(
                        span=_long(first_after, language)
                    )
                    if first_after is not None
                    else _("none."),
                )
                + "\n"
            )
        for target in step.nobody_for:
            lines.append(_("Nobody on call for {who}.").format(who=phrase(target, language)))
        if step.people:
            lines += [
                f"| {w['person']} | {w['channel']} | {w['address']} | {w['result']} "
                f"| {w['acknowledged']} |",
                "| --- | --- | --- | --- | --- |",
            ]
        for person in step.people:
            ack = (
                _("by {channel} after {span}").format(
                    channel=person.acknowledged_via, span=_long(person.time_to_ack, language)
                )
                if person.acknowledged_at
                else (_("not yet") if person.verdict in PAGING else _("never"))
            )
            for page in person.pages or ():
                lines.append(
                    f"| {person.name} | {page.channel} | {page.address} | "
                    f"{_page_result(page, language)} | {ack} |"
                )
            if not person.pages:
                lines.append(f"| {person.name} | | | {w['no page sent']} | {ack} |")
            told = "; " + _("told the drill is over") if person.told_over else ""
            lines.append(f"| | | | **{said(person.verdict, language)}**{told} | |")
    lines += ["", _("## What to fix"), ""]
    lines += [f"- {said(fix, language)}" for fix in r.fixes] or [
        "- " + _("nothing found in the roster or the numbers")
    ]
    return "\n".join(lines) + "\n"


def _fit(text: str, width: int, right: bool = False) -> str:
    """`text` padded to `width` terminal columns (a Han character takes two)."""
    pad = " " * max(0, width - columns(text))
    return pad + text if right else text + pad


def _verdict(verdict: str, w: dict[str, str], short: bool = False) -> str:
    """A drill's or a target's verdict in the report's words: pass/FAIL in tables, PASSED/FAILED
    as the heading, "in progress" while it is not decided."""
    if verdict == IN_PROGRESS:
        return w["in progress"] if short else w["IN PROGRESS"]
    if verdict == PASSED:
        return w["pass"] if short else w["PASSED"]
    return w["FAIL"] if short else w["FAILED"]


def _target(name: str, language: str) -> str:
    return translator(language).pgettext(TARGET, name)


def _page_result(page, language: str) -> str:
    _ = translator(language).gettext
    state = name_of(page.shown_state, language)
    if page.on_desk:  # sent to the desk: nobody has it until a dispatcher relays it
        return state
    if page.provider_status == RELAYED:  # delivered by the dispatcher the detail names
        return _("{state} ({reason})").format(state=state, reason=said(page.detail, language))
    if page.failed:
        reason = " ".join(x for x in (page.error_code, said(page.detail, language)) if x)
        return _("{state} ({reason})").format(state=state, reason=reason) if reason else state
    if page.state in ("queued", "cancelled") and page.detail:  # delayed, or never sent: why
        detail = said(page.detail, language)
        return _("{state} ({reason})").format(state=state, reason=detail)
    if page.provider_status and page.provider_status != page.state:
        status = name_of(page.provider_status, language)
        return _("{state} ({reason})").format(state=state, reason=status)
    return state


def _state(report: DrillReport, language: str) -> str:
    return name_of("aborted" if report.aborted else report.state, language)


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if at else ""


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _long(value: timedelta | None, language: str = "en") -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    minutes, seconds = divmod(seconds, 60)
    _ = translator(language).gettext
    if minutes:
        return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=seconds)
    return _("{seconds} s").format(seconds=seconds)
