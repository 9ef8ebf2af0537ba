"""Only a page's code, handed to a provider for that person's address, acknowledges (promise
3): a notice to CSQ carries no code, and a code only a notice holds (one stored by an earlier
version), sent or failed, stops nothing; the timeline says what came of the reply.

Through the whole runtime: the engine, the loopback Twilio peer and SMTP server, a manual
clock at 03:00.
"""

from __future__ import annotations

import re

import pytest

from dispatcher.domain.callout import RunState
from dispatcher.domain.outbox import PAGES, DeliveryState, Purpose
from dispatcher.store.outbox import OUTBOX

CSQ = "+12125550107"  # Ma Qing, CSQ on call: told of the Red Flag, never paged
CHEN = "+12125550101"


def notices_to_csq(night, sr_id: str):
    return [r for r in night.outbox(sr_id) if r.person == "ma.csq"]


async def test_a_red_flag_notice_carries_no_code_and_its_reader_cannot_stop_the_chain(night):
    sr = night.register()
    await night.engine.tick()
    await night.pass_()
    told = notices_to_csq(night, sr.id)
    assert told and all(r.purpose == Purpose.NOTICE for r in told)
    assert [r.ack_code for r in told] == [""] * len(told)
    (text,) = night.sms_to(CSQ)
    assert not re.search(r"\b\d{6}\b", text) and "acknowledge" not in text.lower(), text

    chen = next(r for r in night.outbox(sr.id) if r.person == "chen.case" and r.purpose in PAGES)
    night.peer.receive_sms(CSQ, f"ACK {chen.ack_code}")  # another's page code: suspicious
    await night.pass_()
    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING
    assert "suspicious_reply" in night.kinds(sr.id)


@pytest.mark.parametrize("notice_failed", [False, True])
async def test_a_code_only_a_notice_holds_acknowledges_nothing(night, notice_failed):
    """A notice stored with a code (as an earlier version wrote them), sent or failed: its
    reader answering with it from the very number it went to acknowledges nothing."""
    if notice_failed:
        night.peer.reject(CSQ)
    sr = night.register()
    await night.engine.tick()
    await night.pass_()
    sms = next(r for r in notices_to_csq(night, sr.id) if r.channel == "sms")
    assert sms.state is (DeliveryState.FAILED if notice_failed else DeliveryState.SENT)
    code = "684155"
    assert not night.control.outbox.by_ack_code(code)
    night.store.live.table(OUTBOX).update({"ack_code": code}, doc_ids=[sms.id])

    night.peer.receive_sms(CSQ, f"ACK {code}")
    await night.pass_()

    run = night.control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by) == (RunState.RUNNING, "")
    assert night.control.requests.get(sr.id).status.value != "acknowledged"
    kinds = night.kinds(sr.id)
    assert "callout_acknowledged" not in kinds and "acknowledged" not in kinds
    unmatched = [e for e in night.control.requests.timeline(sr.id) if e.kind == "reply_unmatched"]
    assert len(unmatched) == 1 and CSQ in unmatched[0].text

    night.peer.receive_sms(
        CHEN, next(r.ack_code for r in night.outbox(sr.id) if r.person == "chen.case")
    )
    await night.pass_()  # the paged engineer's own code still acknowledges
    run = night.control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by) == (RunState.ACKNOWLEDGED, "Chen Jie")


async def test_a_status_update_carries_no_code(night):
    sr = night.register()
    await night.engine.tick()
    await night.pass_()
    chen = next(r.ack_code for r in night.outbox(sr.id) if r.person == "chen.case")
    night.peer.receive_sms(CHEN, chen)
    await night.pass_()
    assert night.control.callouts.get(sr.id).run.state is RunState.ACKNOWLEDGED
    told = [r for r in night.outbox(sr.id) if r.purpose == Purpose.STATUS_UPDATE]
    assert told and [r.ack_code for r in told] == [""] * len(told)


async def test_a_notice_call_offers_no_key_and_a_page_call_does(night):
    """The SLA breach rings the owner: that call asks for no key press, as its page did."""
    sr = night.register()
    await night.engine.tick()
    await night.pass_(minutes=16)  # the 15-minute response clock has run out
    await night.pass_()
    calls = {r.provider_id: r for r in night.outbox(sr.id) if r.channel == "voice"}
    breach = [r for r in calls.values() if r.topic == "sla:response:breach"]
    assert breach and all(r.state is not DeliveryState.QUEUED for r in breach), breach
    for sid, record in calls.items():
        if record.attempt:
            twiml = night.peer.calls[sid]["_twiml"]
            assert ("<Gather" in twiml) is (record.purpose in PAGES), (record.purpose, twiml)
