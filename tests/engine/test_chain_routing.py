"""Routing through the whole runtime: an emergency for a product not handed over (bill-one,
L1 from the BD) at a Shanghai site pages the Shanghai branch at step 1, beside the BD's
product line, through the real channels and the loopback peers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dispatcher.domain.outbox import DEFAULT_LIMITS, Limit
from dispatcher.domain.roster import ContactKind, Role
from dispatcher.domain.rotation import Override
from dispatcher.engine.clock import ManualClock
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store import Store

from .conftest import billing_outage

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


@pytest.fixture
async def engine_for(tmp_path, controllable_clock, twilio_peer, smtp_server, night_environ):
    """Build an engine on a roster file, with the real channels pointed at the peers."""
    made = []

    def make(path: Path, clock=controllable_clock):
        store = Store(tmp_path / "data")
        roster = load_roster(path)
        plugins = PluginManager(environ=night_environ, store=store).load()
        limits = {**DEFAULT_LIMITS, "channel:sms": Limit(30, timedelta(seconds=1))}
        engine = Engine(store, roster, plugins, clock, settings=EngineSettings(limits=limits))
        made.append((engine, store))
        return roster, CalloutControl(store, roster), engine

    yield make
    for engine, store in made:
        await engine.aclose()
        store.close()


@pytest.fixture
def sample_engine(engine_for):
    return engine_for(SAMPLE)


def register(control, clock, **changes):
    now = clock.now()
    return control.register(
        now, lambda sr_id: billing_outage(sr_id, now, **changes), now, "wang.fang", "phone"
    )


def mobile(person) -> str:
    return next(c.address for c in person.contacts if c.kind is ContactKind.MOBILE)


async def test_bill_one_at_shanghai_pages_the_branch_case_handler_and_gm_at_step_1(
    sample_engine, controllable_clock, twilio_peer
):
    roster, control, engine = sample_engine
    now = controllable_clock.now()
    assert not roster.products["bill-one"].handed_over
    sr, routing = register(control, controllable_clock, site="Shanghai", product="bill-one")
    assert routing.chain == "emergency" and routing.handler == "bd-access"
    await engine.run_once()

    [case_handler] = roster.on_call("br-shanghai", Role.CASE_HANDLER, now)
    [gm] = roster.on_call("br-shanghai", Role.ENGINEERING_GM, now)
    [line] = roster.on_call("pl-oss", Role.PRODUCT_LINE_INTERFACE, now)
    assert (case_handler.unit, gm.unit, line.unit) == ("br-shanghai", "br-shanghai", "pl-oss")
    called = {c["to"] for c in twilio_peer.calls.values()}
    texted = {m["to"] for m in twilio_peer.messages.values() if m["direction"] == "outbound-api"}
    for person in (case_handler, gm, line):
        assert mobile(person) in called and mobile(person) in texted, person.id

    [step] = control.callouts.get(sr.id).steps
    assert set(step.people) == {case_handler.id, gm.id, line.id}
    assert step.nobody_for == () and not step.skipped


async def test_a_desk_phone_extension_is_dialled_once_the_engines_call_connects(
    engine_for, controllable_clock, twilio_peer, tmp_path
):
    # Emily Chen (on call at 03:00 UTC) is reached by voice at her desk, extension 77.
    path = tmp_path / "contacts.yaml"
    path.write_text(
        SAMPLE.read_text().replace(
            '      - {kind: mobile, number: "+1 646 555 0102"}',
            '      - {kind: voice, number: "+1 212 555 0190 ext. 77"}\n'
            '      - {kind: mobile, number: "+1 646 555 0102"}',
        )
    )
    roster, control, engine = engine_for(path)
    assert [
        p.id for p in roster.on_call("br-shanghai", Role.CASE_HANDLER, controllable_clock.now())
    ] == ["sh-emily-chen"]
    register(control, controllable_clock, site="Shanghai", product="msc-9000")
    await engine.run_once()

    [call] = [c for c in twilio_peer.calls.values() if c["to"] == "+12125550190"]
    assert call["_send_digits"] == "ww77"
    texted = {m["to"] for m in twilio_peer.messages.values()}
    assert "+16465550102" in texted  # her mobile still gets the text


async def test_a_cover_added_at_run_time_stacks_on_the_files_cover(engine_for, twilio_peer):
    # The file: Emily Chen covers Li Na on Christmas Eve night (12:00-24:00 UTC). At run time
    # Wang Qiang covers Emily 14:00-15:00 UTC: at 14:30 the engine pages Wang Qiang.
    at = datetime(2026, 12, 24, 14, 30, tzinfo=UTC)
    roster, control, engine = engine_for(SAMPLE, ManualClock(at))
    assert [o.id for o in roster.overrides] == ["xmas-cover"]
    OverrideRepository(control.store).add(
        Override("", "sh-wang-qiang", at.replace(minute=0), at.replace(hour=15), "sh-emily-chen")
    )
    sr, _ = register(control, ManualClock(at), site="Shanghai", product="msc-9000")
    await engine.run_once()

    [step] = control.callouts.get(sr.id).steps
    assert "sh-wang-qiang" in step.people
    assert not {"sh-li-na", "sh-emily-chen"} & set(step.people)
    wang = mobile(roster.people["sh-wang-qiang"])
    assert wang in {c["to"] for c in twilio_peer.calls.values()}
