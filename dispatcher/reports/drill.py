"""The drill report and the drill history, from the store, as Markdown or JSON.

`drill_report` gathers one drill's records (its scenario as run, the call-out's step log, the
outbox, the SR's timeline); `drill_history` lists every drill with its figures so the trend
shows whether the chain is getting better at waking people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dispatcher.domain.drill_outcomes import DrillReport
from dispatcher.domain.drill_report import build_report
from dispatcher.domain.oncall import Roster
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.drills import DrillRecord, DrillRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.requests import RequestRepository


def drill_report(store: Store, roster: Roster, sr_id: str) -> DrillReport:
    drill = DrillRepository(store).get(sr_id)
    return _report(
        roster, drill, CalloutRepository(store), OutboxRepository(store), RequestRepository(store)
    )


def _report(
    roster: Roster,
    drill: DrillRecord,
    callouts: CalloutRepository,
    outbox: OutboxRepository,
    requests: RequestRepository,
) -> DrillReport:
    callout = callouts.get(drill.sr)
    scenario = drill.scenario
    return build_report(
        drill.sr,
        scenario.id,
        scenario.name,
        scenario.chain,
        scenario.targets,
        callout.started if callout else drill.started,
        callout.state.value if callout else "not started",
        drill.aborted,
        callout.steps_total if callout else 0,
        callout.steps if callout else (),
        outbox.for_sr(drill.sr),
        requests.timeline(drill.sr),
        roster.people,
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
            "passed": r.passed,
            "reach_rate": r.reach_rate,
            "seconds_to_first_ack": (
                r.first_ack_after.total_seconds() if r.first_ack_after is not None else None
            ),
            "people_paged": len(r.people),
            "acknowledged": len(r.acknowledgements),
        }


def drill_history(store: Store, roster: Roster) -> list[HistoryRow]:
    """Every drill, oldest first, with its figures."""
    callouts, outbox, requests = (
        CalloutRepository(store),
        OutboxRepository(store),
        RequestRepository(store),
    )
    return [
        HistoryRow(_report(roster, drill, callouts, outbox, requests))
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


def history_text(rows: list[HistoryRow]) -> str:
    lines = [
        f"{'drill':<17} {'started':<20} {'scenario':<22} {'state':<12} "
        f"{'reach':>6} {'1st ack':>10}  result"
    ]
    for row in rows:
        r = row.report
        lines.append(
            f"{r.sr:<17} {_when(r.started):<20} {r.scenario:<22} {_state(r):<12} "
            f"{_rate(r.reach_rate):>6} {_long(r.first_ack_after):>10}  "
            f"{'pass' if r.passed else 'FAIL'}"
        )
    change = trend(rows)
    if "reach_rate" in change:
        lines.append(
            f"trend: reach rate {_rate(change['reach_rate']['last'])} "
            f"(before: {_rate(change['reach_rate']['before'])} on average)"
        )
    if "seconds_to_first_ack" in change:
        last = timedelta(seconds=change["seconds_to_first_ack"]["last"])
        before = timedelta(seconds=change["seconds_to_first_ack"]["before"])
        faster = "faster" if last < before else "slower" if last > before else "as fast"
        lines.append(
            f"trend: first acknowledgement after {_long(last)} "
            f"({faster} than the {_long(before)} before, on average)"
        )
    return "\n".join(lines)


def report_markdown(report: DrillReport) -> str:
    r = report
    verdict = "PASSED" if r.passed else "FAILED"
    lines = [
        f"# Drill {r.sr}: {r.scenario_name}",
        "",
        f"Scenario `{r.scenario}`, chain `{r.chain}`, started {_when(r.started)}; "
        f"call-out {_state(r)}" + (f" (aborted {_when(r.aborted)})" if r.aborted else "") + ".",
        "",
        f"**{verdict}**",
        "",
        "| target | wanted | got | result |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {t.name} | {t.wanted} | {t.got} | {'pass' if t.passed else 'FAIL'} |" for t in r.results
    ]
    paged = r.people
    acknowledged = sum(p.acknowledged_at is not None for p in paged)
    lines += [
        "",
        f"Reach rate: {_rate(r.reach_rate)} ({acknowledged} of {len(paged)} people "
        f"paged acknowledged); first acknowledgement: "
        + (f"after {_long(r.first_ack_after)}." if r.first_ack_after is not None else "none."),
        "",
        "## Acknowledgements",
        "",
    ]
    lines += [
        f"- {a.name} by {a.via or 'an unknown way'} at {_when(a.at)} "
        f"({_long(a.after)} after the start)"
        for a in r.acknowledgements
    ] or ["- nobody acknowledged"]
    for step in r.steps:
        lines += [
            "",
            f"## {step.label.capitalize()}: {_when(step.at)}"
            + (f", {step.how}" if step.how else "")
            + f", by {', '.join(step.channels)}",
            "",
        ]
        if step.people:
            first = step.first_ack_after
            lines.append(
                f"Reach rate {_rate(step.reach_rate)}; first acknowledgement "
                + (f"{_long(first)} after the step began." if first is not None else "none.")
                + "\n"
            )
        for target in step.nobody_for:
            lines.append(f"Nobody on call for {target}.")
        if step.people:
            lines += [
                "| person | channel | address | result | acknowledged |",
                "| --- | --- | --- | --- | --- |",
            ]
        for person in step.people:
            ack = (
                f"by {person.acknowledged_via} after {_long(person.time_to_ack)}"
                if person.acknowledged_at
                else "never"
            )
            for page in person.pages or ():
                lines.append(
                    f"| {person.name} | {page.channel} | {page.address} | "
                    f"{_page_result(page)} | {ack} |"
                )
            if not person.pages:
                lines.append(f"| {person.name} | | | no page sent | {ack} |")
            lines.append(
                f"| | | | **{person.verdict}**"
                + ("; told the drill is over" if person.told_over else "")
                + " | |"
            )
    lines += ["", "## What to fix", ""]
    lines += [f"- {fix}" for fix in r.fixes] or ["- nothing found in the roster or the numbers"]
    return "\n".join(lines) + "\n"


def _page_result(page) -> str:
    if page.failed:
        reason = " ".join(x for x in (page.error_code, page.detail) if x)
        return f"failed ({reason})" if reason else "failed"
    if page.state in ("queued", "cancelled") and page.detail:  # delayed, or never sent: why
        return f"{page.state} ({page.detail})"
    status = (
        f" ({page.provider_status})"
        if page.provider_status and page.provider_status != page.state
        else ""
    )
    return page.state + status


def _state(report: DrillReport) -> str:
    return "aborted" if report.aborted else report.state


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if at else ""


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _long(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
