"""`roster check`'s verdict over one horizon: role gaps, chain holes, rotation overlaps and
overrides that cover nobody, each told once and grouped by how it recurs.

Everything is computed on the same horizon (one year by default, so both daylight-saving
seasons), so an anchor date never changes a verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from dispatcher.domain.coverage import CoverageReport, Gap, Overlap, check_coverage
from dispatcher.domain.coverage import rotation_overlaps as find_overlaps
from dispatcher.domain.oncall import Roster
from dispatcher.domain.proof import ChainProof, prove_chains
from dispatcher.domain.recurrence import runs
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override

YEAR = timedelta(days=365)


def one_year_from(start: datetime) -> datetime:
    """The same date and time a year later (28 February after a 29 February)."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return start + YEAR


@dataclass(frozen=True)
class RosterVerdict:
    start: datetime
    end: datetime
    coverage: CoverageReport
    chains: ChainProof
    overlaps: tuple[Overlap, ...]
    idle_overrides: tuple[Override, ...]  # overrides whose covered person is never on call
    zones: Mapping[tuple[str, Role], str]  # each pair's zone, its first rotation's

    @property
    def proven(self) -> bool:
        """Nothing to report: exit 0."""
        return self.chains.proven and not (
            self.coverage.gaps or self.overlaps or self.idle_overrides
        )

    def problems(self) -> list[str]:
        """One line per problem and recurrence, the way a person reads it."""
        lines = [f"GAP  {line}" for line in self._gap_lines()]
        if self.chains.emergencies_unrouted:
            lines.append("HOLE the roster has no 'emergency' chain: an emergency pages nobody")
        lines += [
            f"HOLE {line}" for hole in self.chains.holes for line in hole.describe(*self._span)
        ]
        lines += [
            f"OVERLAP rotations {o.first.id} and {o.second.id} ({o.role.value} of {o.unit}): "
            + line
            for o in self.overlaps
            for line in o.describe(*self._span)
        ]
        lines += [
            f"OVERRIDE {o.id}: {o.covers} is not on call from "
            f"{o.start.astimezone(UTC):%Y-%m-%d %H:%M} to {o.end.astimezone(UTC):%Y-%m-%d %H:%M} "
            f"UTC, so {o.person} covers nobody"
            for o in self.idle_overrides
        ]
        return lines

    def _gap_lines(self) -> list[str]:
        by_pair: dict[tuple[str, Role, str], list[Gap]] = {}
        for gap in self.coverage.gaps:
            by_pair.setdefault((gap.unit, gap.role, gap.reason), []).append(gap)
        lines = []
        for (unit, role, reason), found in by_pair.items():
            labels = {(g.start, g.end): g.dst_zone for g in found}
            intervals = [(g.start, g.end) for g in found]
            for run in runs(intervals, self.zones.get((unit, role), "UTC"), *self._span):
                zones = sorted({zone for i in run.intervals if (zone := labels[i])})
                dst = f" (daylight-saving change in {', '.join(zones)})" if zones else ""
                lines.append(f"{unit} {role.value}: {reason} — {run.describe()}{dst}")
        return lines

    @property
    def _span(self) -> tuple[datetime, datetime]:
        return self.start, self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "proven": self.proven,
            "problems": self.problems(),
            "coverage": self.coverage,
            "chains": self.chains,
            "overlaps": list(self.overlaps),
            "idle_overrides": list(self.idle_overrides),
        }


def check_roster(
    roster: Roster,
    start: datetime,
    end: datetime,
    reaches: Mapping[str, frozenset[str]],
    overrides: tuple[Override, ...] = (),
) -> RosterVerdict:
    """The whole verdict over [start, end); `overrides` are the run-time ones."""
    return RosterVerdict(
        start,
        end,
        check_coverage(roster, start, end, overrides),
        prove_chains(roster, start, end, reaches, overrides),
        tuple(find_overlaps(roster.rotations.values(), start, end)),
        tuple(idle_overrides(roster, overrides, start, end)),
        {(r.unit, r.role): r.timezone for r in reversed(roster.rotations.values())},
    )


def idle_overrides(
    roster: Roster, overrides: tuple[Override, ...], start: datetime, end: datetime
) -> list[Override]:
    """Overrides in [start, end) that cover someone who is on call at no instant of their
    window, for no unit and role they apply to (through a rotation or another override)."""
    every = roster.overrides + overrides
    holds: dict[str, set[tuple[str, Role]]] = {}  # who can hold which pairs
    for rotation in roster.rotations.values():
        for slot in rotation.slots:
            for person in slot:
                holds.setdefault(person, set()).add((rotation.unit, rotation.role))
    for override in every:
        if override.covers is None and override.unit and override.role:
            holds.setdefault(override.person, set()).add((override.unit, override.role))
    for _ in every:  # a coverer can hold whatever the person they cover holds
        grown = False
        for o in every:
            if o.covers is not None and not holds.get(o.covers, set()) <= holds.get(
                o.person, set()
            ):
                holds.setdefault(o.person, set()).update(holds[o.covers])
                grown = True
        if not grown:
            break
    plain = replace(roster, overrides=())  # each override is weighed against the others
    idle = []
    for override in every:
        if override.covers is None or override.end <= start or override.start >= end:
            continue
        # Without it and the other covers of the same person, which it would stack with.
        others = tuple(o for o in every if o.covers != override.covers)
        covered = any(
            override.covers in span.people
            for unit, role in holds.get(override.covers, ())
            if override.applies_to(unit, role)
            for span in plain.timeline(unit, role, override.start, override.end, others)
        )
        if not covered:
            idle.append(override)
    return idle
