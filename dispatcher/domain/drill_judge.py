"""Judging a drill: each pass target (`DrillTargets`) held against what the drill measured,
decided only once it can no longer go either way (PROMISES 2: nothing is claimed that did
not happen). No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from dispatcher.domain.drills import DrillTargets

PASSED, FAILED, IN_PROGRESS = "passed", "failed", "in progress"  # a target's or a drill's verdict


@dataclass(frozen=True)
class TargetResult:
    """One target against what the drill measured. `decided` is False while the drill runs
    and the target could still go either way: then `passed` means nothing yet and the
    verdict is "in progress" (PROMISES 2: nothing is claimed that did not happen)."""

    name: str  # "acknowledged_within", "acknowledged_by_step", "reach_rate"
    wanted: str
    got: str
    passed: bool
    decided: bool = True

    @property
    def verdict(self) -> str:
        """ "passed", "failed" or "in progress"."""
        if not self.decided:
            return IN_PROGRESS
        return PASSED if self.passed else FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.name,
            "wanted": self.wanted,
            "got": self.got,
            "passed": self.passed if self.decided else None,
            "verdict": self.verdict,
        }


def judge(
    targets: DrillTargets,
    first_ack_after: timedelta | None,
    first_ack_step: int | None,
    reach_rate: float | None,
    elapsed: timedelta | None = None,
) -> list[TargetResult]:
    """Each target the scenario sets, against what the drill measured. `elapsed` is the time
    since the drill started while its chain still runs, None once it is over (acknowledged,
    exhausted, stopped or aborted). A target is decided once nothing still to come can change
    it: the first acknowledgement came, its time has passed, or the drill is over; the reach
    rate only when the drill is over (a later step pages more people)."""
    over = elapsed is None
    results = []
    if targets.acknowledged_within is not None:
        window = targets.acknowledged_within
        decided = over or first_ack_after is not None or (elapsed is not None and elapsed > window)
        results.append(
            TargetResult(
                "acknowledged_within",
                f"first acknowledgement within {_duration(window)}",
                _got(
                    first_ack_after is None,
                    decided,
                    f"after {_duration(first_ack_after or window)}",
                ),
                first_ack_after is not None and first_ack_after <= window,
                decided,
            )
        )
    if targets.acknowledged_by_step is not None:
        decided = over or first_ack_step is not None
        results.append(
            TargetResult(
                "acknowledged_by_step",
                f"acknowledged at step {targets.acknowledged_by_step} or before",
                _got(first_ack_step is None, decided, f"at step {first_ack_step}"),
                first_ack_step is not None and first_ack_step <= targets.acknowledged_by_step,
                decided,
            )
        )
    if targets.reach_rate is not None:
        results.append(
            TargetResult(
                "reach_rate",
                f"at least {targets.reach_rate:.0%} of the people paged acknowledge",
                "nobody paged" if reach_rate is None else f"{reach_rate:.0%}",
                reach_rate is not None and reach_rate >= targets.reach_rate,
                over,
            )
        )
    return results


def _got(missing: bool, decided: bool, measured: str) -> str:
    """What the drill showed for a target: the figure, "never" once it can no longer come,
    "not yet" while it still can."""
    if not missing:
        return measured
    return "never" if decided else "not yet"


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
