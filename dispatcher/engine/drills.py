"""Running a live drill: its SR (marked a drill) registered with the scenario's chain through
`CalloutControl`, so whoever holds the engine pages the real people through the real channels;
and stopping it, which tells everyone already paged that the drill is over.
"""

from __future__ import annotations

from datetime import datetime

from dispatcher.domain.drills import Scenario
from dispatcher.domain.localtime import local
from dispatcher.domain.request_parts import Customer, IntakeChannel
from dispatcher.domain.requests import ServiceRequest
from dispatcher.engine.control import CalloutControl
from dispatcher.errors import DispatcherError
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.drills import DrillRecord, DrillRepository

CHANNEL = "drill"
ABORTED = "drill aborted"


def start_drill(
    control: CalloutControl, scenario: Scenario, at: datetime, actor: str
) -> DrillRecord:
    """Register the drill's SR and start its chain; the engine pages step 1 within a second.
    The SR is marked a drill, so every page says so (the channels add the mark)."""
    if scenario.chain not in control.roster.chains:
        raise DispatcherError(f"scenario {scenario.id}: the roster has no chain {scenario.chain!r}")

    def build(sr_id: str) -> ServiceRequest:
        return ServiceRequest(
            id=sr_id,
            received=at,
            category=scenario.category,
            summary=scenario.name,
            severity=scenario.severity,
            intake=IntakeChannel.PHONE,
            customer=Customer(scenario.customer),
            site=scenario.site,
            product=scenario.product,
            description=f"Drill of scenario {scenario.id}: not a real emergency.",
            criteria=scenario.criteria,
            drill=True,
        )

    request, _ = control.register(at, build, at, actor, CHANNEL, chain=scenario.chain)
    return DrillRepository(control.store).add(DrillRecord(request.id, scenario, at, actor))


def abort_drill(control: CalloutControl, sr_id: str, at: datetime, actor: str) -> DrillRecord:
    """Stop the drill's chain now; the engine tells everyone already paged that it is over."""
    drills = DrillRepository(control.store)
    record = drills.get(sr_id)
    if record.aborted is not None:
        aborted = local(record.aborted, control.zone())
        raise DispatcherError(f"drill {record.sr} was already aborted at {aborted:%H:%M %Z}")
    callout = CalloutRepository(control.store).get(record.sr)
    if callout is None or not callout.running:
        raise DispatcherError(
            f"drill {record.sr} is over ({callout.run.state.value}); there is nothing to abort"
            if callout
            else f"drill {record.sr} never started a chain; there is nothing to abort"
        )
    control.stop(record.sr, at, actor, reason=ABORTED)
    return drills.aborted(record.sr, at, actor)
