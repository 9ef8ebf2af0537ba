"""A night's call-outs end to end: the engine, the real channels, the loopback peers."""

from __future__ import annotations

from dispatcher.domain.callout import RunState
from dispatcher.domain.lifecycle import Status
from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.request_parts import Category
from dispatcher.plugins.contract import CalloutEventKind

CHEN, GAO, HE, JI, KONG, LU = (f"+121255501{n:02d}" for n in range(1, 7))
GAO_HOME = "+12125550112"


def in_order(kinds: list[str], *expected: str) -> bool:
    """`expected` appear in `kinds` in this order (others may stand between)."""
    position = 0
    for kind in kinds:
        if position < len(expected) and kind == expected[position]:
            position += 1
    return position == len(expected)


async def test_an_emergency_is_chased_until_an_sms_reply_acknowledges_it(night):
    sr = night.register()
    await night.engine.run_once()

    # Step 1: the branch case handler, the engineering GM and the product line's interface
    # person, by voice, SMS and email at once.
    assert len(night.calls_to(CHEN)) == len(night.calls_to(GAO)) == len(night.calls_to(HE)) == 1
    assert len(night.sms_to(CHEN)) == len(night.sms_to(GAO)) == len(night.sms_to(HE)) == 1
    assert len(night.mail_to("chen@example.org")) == len(night.mail_to("he@example.org")) == 1
    assert "Billing records lost" in night.sms_to(CHEN)[0]
    assert night.sms_to(JI) == [] and night.calls_to(LU) == []

    await night.peer.settle()  # the carrier delivers; calls ring out unanswered
    await night.pass_(minutes=5)
    assert night.sms_to(JI) == []  # still waiting on step 1

    await night.pass_(minutes=5)  # the ten minutes are up: step 2
    assert len(night.sms_to(JI)) == len(night.calls_to(KONG)) == 1
    code = next(r.ack_code for r in night.outbox(sr.id) if r.person == "ji.bd")
    night.peer.receive_sms(JI, f"ACK {code}")
    await night.pass_()

    run = night.control.callouts.get(sr.id).run
    assert run.state is RunState.ACKNOWLEDGED
    assert (run.acknowledged_by, run.acknowledged_via) == ("Ji Hua", "sms")
    assert night.control.requests.get(sr.id).status is Status.ACKNOWLEDGED

    await night.pass_()  # everyone else paged is told who took it, once, as they were reached
    updates = [r for r in night.outbox(sr.id) if r.purpose == "status_update"]
    assert sorted(r.person for r in updates) == ["chen.case", "gao.gm", "he.pl", "kong.tac"]
    assert {r.state for r in updates} <= {DeliveryState.SENT, DeliveryState.DELIVERED}
    assert "taken by Ji Hua" in night.sms_to(CHEN)[-1]
    sent = len(night.peer.messages) + len(night.peer.calls) + len(night.smtp.messages)
    await night.pass_(minutes=60)
    assert len(night.peer.messages) + len(night.peer.calls) + len(night.smtp.messages) == sent
    assert night.sms_to(LU) == []

    kinds = night.kinds(sr.id)
    assert in_order(
        kinds,
        "registered",
        "red_flag_opened",
        "callout_started",
        "dispatched",
        "step_reached",
        "page_sent",
        "page_delivered",
        "step_reached",
        "page_sent",
        "acknowledged",
    )
    pages = [
        e
        for e in night.control.requests.timeline(sr.id)
        if e.kind == "page_sent" and e.data["purpose"] == "page"
    ]
    assert len(pages) == 8 + 4
    notices = [e for e in night.control.requests.timeline(sr.id) if e.kind == "csq_notified"]
    assert notices[0].data["people"] == ["ma.csq"] and len(night.mail_to("ma@example.org")) == 1
    timeline = night.control.requests.timeline(sr.id)
    after = timeline[kinds.index("acknowledged") :]
    assert {e.data["purpose"] for e in after if e.kind == "page_sent"} == {"status_update"}
    told = [e.kind for e in night.observed]
    assert told[0] is CalloutEventKind.CHAIN_STARTED
    assert told.count(CalloutEventKind.STEP_REACHED) == 2
    acknowledged = told.index(CalloutEventKind.ACKNOWLEDGED)
    assert set(told[acknowledged + 1 :]) <= {CalloutEventKind.NOTIFICATION_SENT}


async def test_a_key_press_acknowledges(night):
    sr = night.register()
    await night.engine.run_once()
    (call,) = night.calls_to(GAO)
    status, answer = await night.peer.press_key(call["sid"], "1")
    assert status == 200 and "Acknowledged" in answer
    await night.pass_()
    run = night.control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by, run.acknowledged_via) == (
        RunState.ACKNOWLEDGED,
        "Gao Ming",
        "voice",
    )


async def test_an_unanswered_chain_is_exhausted_and_says_so(night):
    sr = night.register()
    await night.engine.run_once()
    for _ in range(2 * 3):  # two rounds of three steps
        await night.pass_(minutes=15)
    run = night.control.callouts.get(sr.id)
    assert run.run.state is RunState.EXHAUSTED and not run.seen
    assert [(s.round, s.step) for s in run.steps] == [(r, s) for r in range(2) for s in range(3)]
    assert "callout_exhausted" in night.kinds(sr.id)
    assert len(night.calls_to(LU)) == 2  # the duty manager, once a round
    assert [e.kind for e in night.observed].count(CalloutEventKind.EXHAUSTED) == 1


async def test_a_step_that_reaches_nobody_is_skipped_at_once(night):
    # Beijing has no branch in this roster: the $branch targets of step 1 resolve to nobody,
    # but the product line's interface person is still paged; the fault chain's only step,
    # the branch case handler, reaches nobody at all.
    sr = night.register(site="Beijing", criteria=(), category=Category.FAULT_SUPPORT)
    await night.engine.run_once()
    run = night.control.callouts.get(sr.id)
    assert run.steps[0].skipped and "case_handler of $branch" in run.steps[0].nobody_for
    assert run.run.state is RunState.EXHAUSTED
    assert "step_skipped" in night.kinds(sr.id)
    assert night.outbox(sr.id) == []


async def test_an_sms_that_fails_for_good_becomes_a_call_at_once(night):
    night.peer.reject(CHEN)  # the carrier refuses the number
    sr = night.register(criteria=())  # a fault, not an emergency: SMS and email
    await night.engine.run_once()
    await night.engine.run_once()  # the fallback is due at once
    records = {(r.channel, r.address): r for r in night.outbox(sr.id)}
    assert records[("sms", CHEN)].state is DeliveryState.FAILED
    assert records[("sms", CHEN)].failure == "permanent"
    # At once a call to the same number, which the carrier refuses too; then the desk's
    # manual relay, the last way left. The mail went all along.
    call = records[("voice", CHEN)]
    assert call.attempt == 1 and call.state is DeliveryState.FAILED
    assert call.id > records[("sms", CHEN)].id
    await night.engine.run_once()
    relay = {(r.channel, r.address): r for r in night.outbox(sr.id)}[("desk", CHEN)]
    assert relay.state is DeliveryState.DELIVERED
    assert len(night.mail_to("chen@example.org")) == 1
    kinds = night.kinds(sr.id)
    assert in_order(kinds, "step_reached", "page_failed", "page_failed")


async def test_a_dispatcher_escalates_and_repages_by_hand(night):
    sr = night.register()
    await night.engine.run_once()
    now = night.clock.now()
    night.control.escalate(sr.id, now, "wang.fang")
    await night.engine.run_once()
    assert len(night.sms_to(JI)) == 1
    night.control.repage(sr.id, night.clock.now(), "wang.fang")
    await night.engine.run_once()
    assert len(night.sms_to(JI)) == 2  # a re-page is not held back as a duplicate
    run = night.control.callouts.get(sr.id)
    assert [s.how for s in run.steps] == ["start", "escalated", "repaged"]
    assert in_order(
        night.kinds(sr.id), "callout_escalated", "step_reached", "callout_repaged", "step_reached"
    )


async def test_acknowledging_at_the_desk_cancels_what_was_still_queued(night):
    sr = night.register()
    night.control.acknowledge(sr.id, night.clock.now(), "wang.fang", by="Chen Jie (phone)")
    await night.engine.run_once()
    assert night.peer.calls == {}
    assert night.sms_to(CHEN) == night.sms_to(GAO) == night.sms_to(HE) == []
    assert {r.state for r in night.outbox(sr.id) if r.purpose == "page"} <= {
        DeliveryState.CANCELLED
    }
    assert night.control.callouts.get(sr.id).run.state is RunState.ACKNOWLEDGED
