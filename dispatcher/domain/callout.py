"""A call-out run: one SR's progress through its chain, without I/O.

A chain is a list of steps, repeated a set number of rounds. Each step pages its targets and
waits for an acknowledgement; when the wait ends unanswered the next step starts, and after the
last step of the last round the run is *exhausted*. A step whose targets resolve to nobody is
skipped at once. An acknowledgement ends the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from dispatcher.domain.roster import ContactMethod, Person
from dispatcher.i18n import translator


class StepSpec(Protocol):
    """A step as a run walks it (the roster's frozen `ChainStep`): read-only."""

    @property
    def channels(self) -> Sequence[str]: ...
    @property
    def wait_minutes(self) -> float: ...


class ChainShape(Protocol):
    """A chain as a run walks it (the roster's frozen `ChainSpec`): read-only."""

    @property
    def steps(self) -> Sequence[StepSpec]: ...
    @property
    def repeat(self) -> int:
        """Rounds in all, at least 1."""


class RunState(StrEnum):
    RUNNING = "running"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"
    STOPPED = "stopped"  # stopped by hand (a drill aborted, an SR resolved without an ack)


class ReachedBy(StrEnum):
    """How a run reached a step (the store's step log and run keep it as `how`)."""

    START = "start"  # the chain started there
    TIMER = "timer"  # the previous step's wait ran out
    ESCALATED = "escalated"  # a dispatcher moved the chain on, or a raised level aimed it there
    REPAGED = "repaged"  # a dispatcher paged the step again
    SKIPPED = "skipped"  # the previous step reached nobody and was skipped at once


@dataclass(frozen=True)
class Position:
    round: int  # 0-based
    step: int  # 0-based

    def label(self, language: str = "en") -> str:
        """ "round 2, step 1", or 第 2 轮第 1 步 in Chinese."""
        text = translator(language).gettext("round {round}, step {step}")
        return text.format(round=self.round + 1, step=self.step + 1)


@dataclass(frozen=True)
class CalloutRun:
    sr: str
    chain: str
    started: datetime
    position: Position
    step_started: datetime
    step_deadline: datetime
    state: RunState = RunState.RUNNING
    drill: bool = False
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = None
    acknowledged_via: str = ""

    @property
    def running(self) -> bool:
        return self.state is RunState.RUNNING


def start_run(
    sr: str, chain_id: str, chain: ChainShape, at: datetime, drill: bool = False, step: int = 0
) -> CalloutRun:
    """A run from `step` (0-based) of its first round: the first step, unless a raised level
    starts the chain at the step aimed at the level's unit."""
    first = Position(0, step)
    return CalloutRun(sr, chain_id, at, first, at, at + _wait(chain, first), drill=drill)


def _wait(chain: ChainShape, position: Position) -> timedelta:
    return timedelta(minutes=chain.steps[position.step].wait_minutes)


def next_position(chain: ChainShape, position: Position) -> Position | None:
    """The step after this one, into the next round if need be; None after the very last."""
    if position.step + 1 < len(chain.steps):
        return Position(position.round, position.step + 1)
    if position.round + 1 < max(1, chain.repeat):
        return Position(position.round + 1, 0)
    return None


def advance(run: CalloutRun, chain: ChainShape, at: datetime) -> CalloutRun:
    """Move to the next step now (its wait ended, a dispatcher escalated, or it was empty)."""
    if not run.running:
        return run
    following = next_position(chain, run.position)
    if following is None:
        return replace(run, state=RunState.EXHAUSTED, step_deadline=at)
    return replace(
        run, position=following, step_started=at, step_deadline=at + _wait(chain, following)
    )


def move_to(run: CalloutRun, chain: ChainShape, step: int, at: datetime) -> CalloutRun:
    """Move to `step` (0-based) of the current round now, with its full wait from now: a
    dispatcher raised the level and the chain aims that step at the level's unit."""
    if not run.running:
        return run
    position = Position(run.position.round, step)
    return replace(
        run, position=position, step_started=at, step_deadline=at + _wait(chain, position)
    )


def acknowledge(run: CalloutRun, at: datetime, by: str, via: str) -> CalloutRun:
    if not run.running:
        return run
    return replace(
        run,
        state=RunState.ACKNOWLEDGED,
        acknowledged_by=by,
        acknowledged_at=at,
        acknowledged_via=via,
    )


def stop(run: CalloutRun) -> CalloutRun:
    return replace(run, state=RunState.STOPPED) if run.running else run


def repage(run: CalloutRun, chain: ChainShape, at: datetime) -> CalloutRun:
    """Page the current step again, with its full wait from now."""
    if not run.running:
        return run
    return replace(run, step_started=at, step_deadline=at + _wait(chain, run.position))


@dataclass(frozen=True)
class Route:
    """One way to page a person: a channel and the contact method it uses."""

    person: str
    channel: str
    contact: ContactMethod


@dataclass
class PersonRoutes:
    """Every way to page one person in one step, in the order to try them.

    The step's own channels come first (all of them are used at once, one contact each);
    after a permanent failure the next route not yet tried takes its place at once.
    """

    person: Person
    ordered: list[Route]
    tried: set[Route] = field(default_factory=set)

    def first_wave(self, step_channels: Sequence[str]) -> list[Route]:
        wave: list[Route] = []
        for channel in step_channels:
            route = next(
                (r for r in self.ordered if r.channel == channel and r not in self.tried), None
            )
            if route is not None:
                wave.append(route)
                self.tried.add(route)
        return wave

    def replacement(self, failed: Route) -> Route | None:
        """The route to use at once when `failed` failed permanently."""
        self.tried.add(failed)
        for route in self.ordered:
            if route not in self.tried:
                self.tried.add(route)
                return route
        return None


# The one rule for a person's routes in a step (`routes_for`), used by the engine and by every
# view of what it will do (`roster check`, the dry runs, `chain show`, the desk's preview):
# the step's own enabled channels first; then, for a person none of them can page (or after
# they fail for good), only the built-in person-to-person channels, in this order: the phone,
# then text, then mail; then the desk's manual relay, last and always. A plugin's channel
# (DingTalk, WeCom, a webhook, any third party's) is used only when a step names it: a group
# robot reads no replies, and a chain that never names a channel never pages through it.
# The desk's relay is read out by a dispatcher on the phone: its routes take the person's
# phone numbers first (`relay_contacts`), their other addresses only where they have none.
FALLBACK_ORDER = ("voice", "sms", "email")
MANUAL_CHANNEL = "desk"


def fallback_channels(step_channels: Sequence[str], enabled: Iterable[str]) -> tuple[str, ...]:
    """The channels a step falls back to, in order, after its own: each of `FALLBACK_ORDER`
    enabled here and not named by the step, then the desk's relay (when enabled and not
    named). `enabled`: the names of the channels enabled here."""
    here = set(enabled)
    built_in = (c for c in FALLBACK_ORDER if c in here and c not in step_channels)
    relay = (
        (MANUAL_CHANNEL,) if MANUAL_CHANNEL in here and MANUAL_CHANNEL not in step_channels else ()
    )
    return (*built_in, *relay)


def routes_for(
    person: Person, step_channels: Sequence[str], reaches: Mapping[str, frozenset[str]]
) -> PersonRoutes:
    """All routes for a person, in the order to try them: the step's enabled channels, then
    `fallback_channels` (see `FALLBACK_ORDER` for the rule). `reaches`: each enabled
    channel -> the contact kinds it reaches."""
    channels = [*step_channels, *fallback_channels(step_channels, reaches)]
    ordered = [
        Route(person.id, channel, contact)
        for channel in channels
        if channel in reaches
        for contact in (relay_contacts(person) if channel == MANUAL_CHANNEL else person.contacts)
        if contact.kind in reaches[channel]
    ]
    return PersonRoutes(person, ordered)


def relay_contacts(person: Person) -> list[ContactMethod]:
    """A person's contact methods in the order the desk's relay takes them: phone numbers
    (mobile, then voice, as the roster lists them) first, for the dispatcher phones; a mail
    or a plugin's address only for a person with no number."""
    return sorted(person.contacts, key=lambda contact: not contact.reaches_by_phone)


def first_routes(
    person: Person, step_channels: Sequence[str], reaches: Mapping[str, frozenset[str]]
) -> list[Route]:
    """The routes a step pages a person by at once: one contact through each of the step's
    channels that reaches them; when none does (no credentials here, say), their first
    fallback route, the desk's relay at worst; [] when nothing reaches them."""
    ways = routes_for(person, step_channels, reaches)
    return ways.first_wave(step_channels) or ways.ordered[:1]


def channels_used(
    people: Iterable[Person], step_channels: Sequence[str], reaches: Mapping[str, frozenset[str]]
) -> tuple[str, ...]:
    """The channels a step really pages `people` by at once (`first_routes`), in the order
    of `routes_for`: what a view of the step names, rather than the channels it asks for."""
    used = {r.channel for p in people for r in first_routes(p, step_channels, reaches)}
    order = [*step_channels, *fallback_channels(step_channels, reaches)]
    return tuple(c for c in dict.fromkeys(order) if c in used)


def unreachable(
    people: Iterable[Person],
    reaches: Mapping[str, frozenset[str]],
    step_channels: Sequence[str],
) -> list[Person]:
    """People this step cannot page at all through the enabled channels."""
    return [p for p in people if not routes_for(p, step_channels, reaches).ordered]
