"""Every notice is a notification: with only the desk's own channel (no provider configured),
the Red Flag notice to CSQ and the SLA notices to the owner are records on the desk's outbox,
and every page there carries its code (and a drill's its marker)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatcher.domain.request_parts import Category, Severity
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.plugins.desk import DESK_OUTBOX_TABLE
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.store import Store

from .conftest import NIGHT_ROSTER, billing_outage


@pytest.fixture
async def desk_only(tmp_path, controllable_clock):
    store = Store(tmp_path / "data")
    roster = load_roster(NIGHT_ROSTER)
    plugins = PluginManager(environ={}, store=store).load()
    assert set(plugins.channels) == {"desk"}
    engine = Engine(store, roster, plugins, controllable_clock)
    yield store, CalloutControl(store, roster), engine, controllable_clock
    await engine.aclose()
    store.close()


def relayed(store, **match) -> list[dict]:
    return [
        d
        for d in store.live.table(DESK_OUTBOX_TABLE).all()
        if all(d.get(k) == v for k, v in match.items())
    ]


async def test_the_red_flag_notice_and_an_sla_breach_are_on_the_desks_outbox(desk_only):
    store, control, engine, clock = desk_only
    now = clock.now()
    control.register(now, lambda sr_id: billing_outage(sr_id, now), now, "wang.fang", "phone")
    await engine.run_once()
    await engine.run_once()
    (csq,) = relayed(store, person_id="ma.csq")
    assert csq["purpose"] == "notice" and "Red Flag opened" in csq["text"]
    pages = relayed(store, purpose="page")
    assert {p["person_id"] for p in pages} == {"chen.case", "gao.gm", "he.pl"}
    assert all(f"Reply {p['ack_code']} to acknowledge" in p["text"] for p in pages)

    # A minor fault to a chain nobody answers: its one-hour response clock breaches.
    fault = {"criteria": (), "severity": Severity.MINOR, "category": Category.FAULT_SUPPORT}
    minor, _ = control.register(
        now, lambda sr_id: billing_outage(sr_id, now, **fault), now, "wang.fang", "phone"
    )
    for _ in range(13):
        await clock.advance(timedelta(minutes=5))
        await engine.run_once()
    notices = relayed(store, sr_id=minor.id, purpose="notice")
    assert [("near breach" in n["text"], "BREACHED" in n["text"]) for n in notices] == [
        (True, False),
        (False, True),
    ]
    assert {n["person_id"] for n in notices} == {"chen.case"}
    assert relayed(store, sr_id=minor.id, purpose="notice", urgency="high") == notices[1:]


async def test_every_drill_page_on_the_desk_holds_its_code_and_marker(desk_only):
    store, control, engine, clock = desk_only
    now = clock.now()
    sr, _ = control.register(
        now, lambda sr_id: billing_outage(sr_id, now, drill=True), now, "wang.fang", "drill"
    )
    await engine.run_once()
    pages = relayed(store, sr_id=sr.id, purpose="page")
    assert pages and all(
        p["text"].startswith("[DRILL] ") and p["ack_code"] in p["text"] for p in pages
    )
