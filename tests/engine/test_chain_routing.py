"""Routing through the whole runtime: an emergency for a product not handed over (bill-one,
L1 from the BD) at a Shanghai site pages the Shanghai branch at step 1, beside the BD's
product line, through the real channels and the loopback peers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dispatcher.domain.outbox import DEFAULT_LIMITS, Limit
from dispatcher.domain.roster import ContactKind, Role
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.store import Store

from .conftest import billing_outage

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


@pytest.fixture
async def sample_engine(tmp_path, controllable_clock, twilio_peer, smtp_server, night_environ):
    store = Store(tmp_path / "data")
    roster = load_roster(SAMPLE)
    plugins = PluginManager(environ=night_environ, store=store).load()
    limits = {**DEFAULT_LIMITS, "channel:sms": Limit(30, timedelta(seconds=1))}
    engine = Engine(
        store, roster, plugins, controllable_clock, settings=EngineSettings(limits=limits)
    )
    yield roster, CalloutControl(store, roster), engine
    await engine.aclose()
    store.close()


def mobile(person) -> str:
    return next(c.address for c in person.contacts if c.kind is ContactKind.MOBILE)


async def test_bill_one_at_shanghai_pages_the_branch_case_handler_and_gm_at_step_1(
    sample_engine, controllable_clock, twilio_peer
):
    roster, control, engine = sample_engine
    now = controllable_clock.now()
    assert not roster.products["bill-one"].handed_over
    sr, routing = control.register(
        now,
        lambda sr_id: billing_outage(sr_id, now, site="Shanghai", product="bill-one"),
        now,
        "wang.fang",
        "phone",
    )
    assert routing.chain == "emergency" and routing.handler == "bd-access"
    await engine.tick()

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
