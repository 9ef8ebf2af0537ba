"""A code acknowledges only the call-out that paged it, through a channel that can vouch for
its sender, and a reply is "seen before" only from the same sender (promise 3): the engine
against the loopback Twilio peer, on a manual clock."""

from __future__ import annotations

from dispatcher.domain.callout import RunState
from dispatcher.domain.outbox import PAGES
from dispatcher.plugins.contract import Reply

CHEN = "+12125550101"
STRANGER = "+12125550199"  # never paged by anyone


def page_to(night, sr_id: str, person: str, channel: str = "sms"):
    return next(
        r
        for r in night.outbox(sr_id)
        if r.person == person and r.channel == channel and r.purpose in PAGES and r.attempt > 0
    )


async def test_a_code_of_an_ended_call_out_does_not_stop_a_later_one_that_never_paged_them(night):
    """The L1 engineer's late answer to the 03:00 page must not end the L2 chase that followed
    (a dispatcher stopped the first chain and started another at step 2, which pages BD and
    TAC, not them)."""
    sr = night.register()
    await night.engine.tick()
    await night.pass_()
    code = page_to(night, sr.id, "chen.case").ack_code
    night.control.stop(sr.id, night.clock.now(), "lu.duty", "wrong chain")
    await night.pass_()
    night.control.start(sr.id, night.clock.now(), "lu.duty", step=1)
    await night.pass_()
    later = night.control.callouts.get(sr.id)
    assert later.run.state is RunState.RUNNING
    assert "chen.case" not in {p for step in later.steps for p in step.people}

    night.peer.receive_sms(CHEN, f"ACK {code}")
    await night.pass_()

    run = night.control.callouts.get(sr.id).run
    assert run.state is RunState.RUNNING, (run.state, run.acknowledged_by)
    late = [e for e in night.control.requests.timeline(sr.id) if e.kind == "late_acknowledgement"]
    assert len(late) == 1 and "an earlier call-out" in late[0].text
    assert late[0].data["by"] == "Chen Jie"
    await night.pass_(minutes=11)  # and the later call-out keeps chasing
    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING


async def test_the_same_person_paged_again_by_a_later_call_out_acknowledges_it(night):
    sr = night.register()
    await night.engine.tick()
    await night.pass_()
    night.control.stop(sr.id, night.clock.now(), "lu.duty", "started again")
    await night.pass_()
    night.control.start(sr.id, night.clock.now(), "lu.duty")  # step 1 again: Chen paged again
    await night.pass_()

    night.peer.receive_sms(CHEN, page_to(night, sr.id, "chen.case").ack_code)
    await night.pass_()

    run = night.control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by) == (RunState.ACKNOWLEDGED, "Chen Jie")


async def test_a_reply_through_a_channel_that_cannot_vouch_for_the_sender_acknowledges_nothing(
    night,
):
    """A plugin that lets its users choose what it reports as the sender cannot stop a chain
    by naming a paged phone: only the channel that paged, or one reaching that kind of
    address, binds a reply to a page."""
    sr = night.register()
    await night.engine.tick()
    await night.pass_()
    page = page_to(night, sr.id, "chen.case")

    night.engine.outcomes.reply(
        Reply("chatapp", page.ack_code, CHEN, "ok", "chat-msg-1"), night.clock.now()
    )

    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING
    suspicious = [e for e in night.control.requests.timeline(sr.id) if e.kind == "suspicious_reply"]
    assert len(suspicious) == 1 and "chatapp" in suspicious[0].text

    night.engine.outcomes.reply(  # an SMS from that very phone: SMS reaches mobiles
        Reply("sms", page.ack_code, CHEN, page.ack_code, "SM-chen-1"), night.clock.now()
    )
    run = night.control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by, run.acknowledged_via) == (
        RunState.ACKNOWLEDGED,
        "Chen Jie",
        "sms",
    )


async def test_a_stranger_s_reply_under_the_same_provider_id_does_not_hide_the_paged_one(night):
    sr = night.register()
    await night.engine.tick()
    await night.pass_()
    code = page_to(night, sr.id, "chen.case").ack_code
    now = night.clock.now()

    night.engine.outcomes.reply(Reply("sms", code, STRANGER, code, "SMSAME"), now)
    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING
    night.engine.outcomes.reply(Reply("sms", code, CHEN, code, "SMSAME"), now)
    night.engine.outcomes.reply(Reply("sms", code, CHEN, code, "SMSAME"), now)  # polled again

    run = night.control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by) == (RunState.ACKNOWLEDGED, "Chen Jie")
    assert night.kinds(sr.id).count("suspicious_reply") == 1
