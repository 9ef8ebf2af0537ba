"""The engine's rules one by one: throttles, duplicates, SLA clocks, Red Flags, retries, the lease."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.callout import RunState
from dispatcher.domain.outbox import DeliveryState, Purpose
from dispatcher.domain.request_parts import Category, Severity
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.lease import EngineLease
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.engine.thread import EngineThread
from dispatcher.errors import DispatcherError
from dispatcher.plugins.manager import PluginManager
from dispatcher.testing.waiting import wait_for

from .conftest import NIGHT_ROSTER

CHEN = "+12125550101"
FAULT = {"criteria": (), "severity": Severity.MINOR, "category": Category.FAULT_SUPPORT}


async def test_a_long_code_sends_one_text_a_second(night):
    engine = Engine(night.store, night.control.roster, night.engine.plugins, night.clock)
    for _ in range(3):
        night.register(**FAULT)
    await engine.run_once()
    assert len(night.sms_to(CHEN)) == 1
    await night.clock.advance(timedelta(seconds=1))
    await engine.run_once()
    assert len(night.sms_to(CHEN)) == 2
    assert len(night.mail_to("chen@example.org")) == 3  # mail is not held back


async def test_the_same_trigger_replayed_queues_nothing_and_pages_once(night):
    sr = night.register(**FAULT)
    await night.engine.run_once()
    (sms,) = [r for r in night.outbox(sr.id) if r.channel == "sms"]
    # A replay of the same page (a crash mid-commit, a second desk): the same key.
    [again] = night.control.outbox.enqueue(
        [replace(sms, id=0, state=DeliveryState.QUEUED, attempt=0, due=night.clock.now())]
    )
    assert again.id == sms.id
    await night.pass_(minutes=1)
    assert len(night.sms_to(CHEN)) == 1
    assert len([r for r in night.outbox(sr.id) if r.channel == "sms"]) == 1


async def test_sla_clocks_warn_near_breach_then_ring_at_the_breach(night):
    sr = night.register(**FAULT)  # minor: respond within an hour
    await night.engine.run_once()
    await night.pass_(minutes=45)
    assert "sla_near_breach" not in night.kinds(sr.id)
    await night.pass_(minutes=4)  # 49 minutes: more than 80 % used
    near = [e for e in night.control.requests.timeline(sr.id) if e.kind == "sla_near_breach"]
    assert [e.data["clock"] for e in near] == ["response"]
    assert any("SLA response near breach" in body for body in night.sms_to(CHEN))
    assert night.calls_to(CHEN) == []
    await night.pass_(minutes=12)
    assert "sla_breached" in night.kinds(sr.id)
    assert len(night.calls_to(CHEN)) == 1  # a breach rings
    await night.pass_(minutes=5)
    assert night.kinds(sr.id).count("sla_breached") == 1


async def test_a_resolved_request_stops_its_chain_and_csq_hears_the_red_flag_close(night):
    sr = night.register()
    await night.engine.run_once()
    night.control.requests.change(sr.id, lambda r: r.resolve(night.clock.now(), "li.wei", "phone"))
    await night.pass_(minutes=1)
    await night.pass_(minutes=1)
    run = night.control.callouts.get(sr.id)
    assert run.run.state is RunState.STOPPED and "resolved" in run.stopped_reason
    flags = [
        e.data["flag"] for e in night.control.requests.timeline(sr.id) if e.kind == "csq_notified"
    ]
    assert flags == ["opened", "closed"]
    assert any("Red Flag closed" in m["Subject"] for m in night.mail_to("ma@example.org"))


async def test_a_failed_text_is_sent_again_by_mail(night):
    night.peer.reject(CHEN)
    sr = night.register(**FAULT)
    await night.engine.run_once()
    (failed,) = [r for r in night.outbox(sr.id) if r.channel == "sms"]
    assert failed.state is DeliveryState.FAILED
    again = night.control.retry(failed.id, night.clock.now(), "wang.fang", channel="email")
    assert (again.channel, again.address) == ("email", "chen@example.org")
    await night.engine.run_once()
    assert night.control.outbox.get(again.id).state is DeliveryState.SENT
    assert len(night.mail_to("chen@example.org")) == 2
    try:
        night.control.retry(again.id, night.clock.now(), "wang.fang")
    except DispatcherError as error:
        assert "only a failed or cancelled one" in str(error)
    else:
        raise AssertionError("a sent notification was retried")


async def test_an_audit_reply_confirms_the_contact_method(night):
    from dispatcher.engine.audit import enqueue_audit
    from dispatcher.store.callouts import confirmations

    audit = enqueue_audit(
        night.control, [night.control.roster.people["chen.case"]], night.clock.now(), "wang.fang"
    )
    await night.engine.run_once()
    (text,) = night.sms_to(CHEN)
    code = next(r.ack_code for r in night.control.outbox.for_sr(audit))
    assert audit in text and code in text
    night.peer.receive_sms(CHEN, code)
    await night.pass_()
    confirmed = confirmations(night.store)
    assert ("chen.case", "sms", CHEN) in confirmed
    assert ("chen.case", "email", "chen@example.org") not in confirmed


def test_a_second_engine_on_the_same_data_is_refused(tmp_path):
    lease = EngineLease(tmp_path)
    assert lease.acquire("desk")
    try:
        result = CliRunner().invoke(
            cli, ["engine", "--roster", str(NIGHT_ROSTER), "--data", str(tmp_path)]
        )
    finally:
        lease.release()
    assert result.exit_code == 2
    assert "already runs: desk pid" in result.output


def test_the_desk_runs_the_engine_in_a_thread_of_its_own(tmp_path):
    from dispatcher.roster import load_roster
    from dispatcher.store import Store

    from .conftest import billing_outage

    store = Store(tmp_path)
    roster = load_roster(NIGHT_ROSTER)
    plugins = PluginManager(environ={}, store=store).load()  # no credentials: the desk relay
    thread = EngineThread(store, roster, plugins, settings=EngineSettings(idle_seconds=0.05))
    assert thread.start() and thread.running
    assert not EngineThread(store, roster, plugins).start()  # one engine per data directory
    try:
        control = CalloutControl(store, roster)
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        sr, _ = control.register(
            now, lambda sr_id: billing_outage(sr_id, now), now, "wang.fang", "phone"
        )

        def on_desk() -> list:  # pages sent to the desk, for a dispatcher to phone through
            store.refresh()  # (the Red Flag notice to CSQ goes there too, sooner or later)
            return [
                r
                for r in control.outbox.for_sr(sr.id)
                if r.state is DeliveryState.SENT and r.purpose == Purpose.PAGE
            ]

        wait_for(
            lambda: len(on_desk()) == 3,
            timeout=30,
            what="three pages on the desk",
            describe=lambda: repr(control.outbox.for_sr(sr.id)),
        )
        pages = on_desk()
        assert {r.person for r in pages} == {"chen.case", "gao.gm", "he.pl"}
        assert {r.channel for r in pages} == {"desk"}
    finally:
        thread.stop()
    assert not thread.running and EngineLease(tmp_path).holder() is None


async def test_a_closed_request_takes_its_chain_and_notifications_to_the_archive(night):
    from dispatcher.domain.lifecycle import CallbackOutcome
    from dispatcher.store.outbox import OUTBOX

    sr = night.register(**FAULT)
    await night.engine.run_once()
    sent = night.outbox(sr.id)
    at, actor = night.clock.now(), "wang.fang"
    night.control.acknowledge(sr.id, at, actor, by="Chen Jie")
    for change in (
        lambda r: r.resolve(at, actor),
        lambda r: r.record_callback(at, actor, CallbackOutcome.REACHED, 5),
        lambda r: r.close(at, actor),
    ):
        night.control.requests.change(sr.id, change)
    assert night.store.live.table(OUTBOX).all() == []
    assert night.store.live.table("callouts").all() == []
    assert night.outbox(sr.id) == sent  # still found, in the archive
    assert night.control.callouts.get(sr.id).run.state is RunState.ACKNOWLEDGED
