"""The chain chases until someone answers: rounds, steps and escalations each page; a passing
failure is retried at its backoff times; a hanging provider holds up nobody else.

Through the whole runtime: the engine, the real sms, voice and email channels, the loopback
Twilio peer and SMTP servers, on a manual clock at 03:00.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest

from dispatcher.domain.callout import RunState
from dispatcher.domain.outbox import DEFAULT_LIMITS, DeliveryState, Limit, RetryPolicy
from dispatcher.domain.request_parts import Category, Severity
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins.manager import PluginManager
from dispatcher.testing.smtp_server import SilentServer

from .conftest import billing_outage

CHEN, GAO, JI = "+12125550101", "+12125550102", "+12125550104"
FAULT = {"criteria": (), "severity": Severity.MINOR, "category": Category.FAULT_SUPPORT}


def start(night, chain: str, **changes):
    now = night.clock.now()
    sr, _ = night.control.register(
        now,
        lambda sr_id: billing_outage(sr_id, now, **{**FAULT, **changes}),
        now,
        "wang.fang",
        "phone",
        chain=chain,
    )
    return sr


def engine_for(night, environ=None, **settings) -> Engine:
    """An engine like the fixture's, with its own settings (and environment)."""
    plugins = night.engine.plugins
    if environ is not None:
        plugins = PluginManager(environ=environ, store=night.store).load()
    settings.setdefault(
        "limits", {**DEFAULT_LIMITS, "channel:sms": Limit(30, timedelta(seconds=1))}
    )
    return Engine(
        night.store,
        night.control.roster,
        plugins,
        night.clock,
        settings=EngineSettings(**settings),
        poll_seconds=3600,  # one poll at the start: scripted peer failures hit sends only
    )


async def test_three_rounds_with_nobody_answering_send_exactly_three_texts(night):
    sr = start(night, "sms-thrice")
    await night.engine.run_once()
    for _ in range(3):
        await night.pass_(minutes=1)
    assert len(night.sms_to(CHEN)) == 3
    assert night.control.callouts.get(sr.id).run.state is RunState.EXHAUSTED
    texts = [r for r in night.outbox(sr.id) if r.channel == "sms"]
    assert [(r.round, r.state) for r in texts] == [(n, DeliveryState.SENT) for n in range(3)]
    assert len({r.key for r in texts}) == 3


async def test_a_person_named_in_two_consecutive_steps_is_paged_in_both(night):
    sr = start(night, "twice-named")
    await night.engine.run_once()
    await night.pass_(minutes=1)
    assert len(night.sms_to(CHEN)) == 2
    assert [r.step for r in night.outbox(sr.id) if r.person == "chen.case"] == [0, 1]


async def test_an_acknowledgement_tells_each_other_person_paged_who_took_it(night):
    sr = start(night, "twice-named")  # not an emergency: this chain asks for status updates
    await night.engine.run_once()
    await night.pass_(minutes=1)
    code = next(r.ack_code for r in night.outbox(sr.id) if r.person == "he.pl")
    night.peer.receive_sms("+12125550103", code)
    await night.pass_()
    await night.pass_()
    (update,) = [r for r in night.outbox(sr.id) if r.purpose == "status_update"]
    assert (update.person, update.channel, update.state) == ("chen.case", "sms", DeliveryState.SENT)
    assert night.sms_to(CHEN)[-1].startswith(f"{sr.id} taken by He Lin.")
    assert len(night.sms_to("+12125550103")) == 1  # not told of their own acknowledgement


def test_status_updates_are_on_for_emergencies_unless_a_chain_says_otherwise(night):
    chains = night.control.roster.chains
    assert chains["emergency"].tells_status(True) and not chains["fault"].tells_status(False)
    assert chains["twice-named"].tells_status(False)
    off = replace(chains["emergency"], status_updates=False)
    assert not off.tells_status(True)


async def test_a_dispatchers_escalation_into_a_new_round_and_a_repage_page_again(night):
    sr = start(night, "sms-thrice")
    await night.engine.run_once()
    night.control.escalate(sr.id, night.clock.now(), "wang.fang")  # round 2, at once
    await night.engine.run_once()
    night.control.repage(sr.id, night.clock.now(), "wang.fang")
    await night.engine.run_once()
    night.control.repage(sr.id, night.clock.now(), "wang.fang")
    await night.engine.run_once()
    assert len(night.sms_to(CHEN)) == 4
    assert {r.state for r in night.outbox(sr.id)} == {DeliveryState.SENT}


async def test_a_provider_failing_twice_delivers_on_the_third_attempt_at_the_backoff_times(night):
    engine = engine_for(night, retry=RetryPolicy(random=lambda: 0.5))  # jitter: +10 %
    await engine.run_once()  # its one poll
    night.peer.fail_next(500, count=2)
    sr = start(night, "sms-thrice")
    t0 = night.clock.now()
    await engine.run_once()
    (text,) = night.outbox(sr.id)
    assert (text.state, text.due) == (DeliveryState.QUEUED, t0 + timedelta(seconds=16.5))
    await night.clock.advance(timedelta(seconds=16.4))
    await engine.run_once()
    assert night.control.outbox.get(text.id).attempt == 1  # not before its time
    await night.clock.advance(timedelta(seconds=0.1))
    await engine.run_once()
    second = night.control.outbox.get(text.id)
    assert second.attempt == 2 and second.due == t0 + timedelta(seconds=16.5 + 33)
    await night.clock.advance(timedelta(seconds=33))
    await engine.run_once()
    sent = night.control.outbox.get(text.id)
    assert (sent.state, sent.attempt) == (DeliveryState.SENT, 3)
    assert sent.updated == t0 + timedelta(seconds=49.5)
    assert len(night.sms_to(CHEN)) == 1
    first = next(e for e in night.control.requests.timeline(sr.id) if e.data.get("transient"))
    assert "retry at 11:00:16" in first.text and "500" in first.text  # the CSC's zone
    await engine.aclose()


async def test_a_passing_failure_is_final_when_its_step_ends_and_shown(night):
    engine = engine_for(night, retry=RetryPolicy(random=lambda: 0.5))
    await engine.run_once()
    night.peer.fail_next(503, count=10)
    sr = start(night, "sms-thrice")
    await engine.run_once()
    for seconds in (16.5, 33):
        await night.clock.advance(timedelta(seconds=seconds))
        await engine.run_once()
    (text,) = night.outbox(sr.id)
    assert text.state is DeliveryState.FAILED and text.failure == "transient"
    assert "no retry before its step ends at 11:01:00" in text.detail
    assert any(
        e.kind == "page_failed" and "no retry before" in e.text
        for e in night.control.requests.timeline(sr.id)
    )
    await engine.aclose()


MAIL_BOUND = 10.0  # seconds: the send timeout of a mail to a server that never answers


@pytest.fixture
def silent_mail():
    with SilentServer() as server:
        yield server


async def test_a_mail_server_that_never_answers_holds_up_no_text_call_or_timer(
    night, night_environ, silent_mail
):
    environ = {**night_environ, "SMTP_HOST": silent_mail.host, "SMTP_PORT": str(silent_mail.port)}
    # The mail hangs until its 10 s bound; a pass or a text that waited on it would take that
    # long. The bounds below (5 s) leave room for a loaded machine and still tell the two apart.
    engine = engine_for(night, environ, send_timeouts={"email": MAIL_BOUND})
    sr = start(night, "all-at-once")
    began = time.monotonic()
    await engine.tick()
    assert time.monotonic() - began < MAIL_BOUND / 2  # the pass never waited on a send

    def step_one_out() -> bool:
        night.store.refresh()
        states = {(r.channel, r.state) for r in night.outbox(sr.id)}
        return {("sms", DeliveryState.SENT), ("voice", DeliveryState.SENT)} <= states

    while not step_one_out() or engine.sends_in_flight > 1:
        assert time.monotonic() - began < MAIL_BOUND / 2, "texts and calls waited on the mail"
        await engine.settle(timeout=0.02)
    mails = [r for r in night.outbox(sr.id) if r.channel == "email"]
    assert [r.state for r in mails] == [DeliveryState.SENDING]  # still hanging
    assert engine.sends_in_flight == 1 and silent_mail.accepted >= 1

    await night.clock.advance(timedelta(minutes=2))
    began = time.monotonic()
    await engine.tick()  # step 2 fires on time, the mail still hanging
    assert time.monotonic() - began < MAIL_BOUND / 2
    run = night.control.callouts.get(sr.id).run
    assert (run.position.step, run.step_started) == (1, night.clock.now())
    await engine.settle()
    assert len(night.sms_to(JI)) == 1
    (mail,) = [r for r in night.outbox(sr.id) if r.channel == "email"]
    assert mail.state is DeliveryState.FAILED  # its step is over: no retry
    assert f"send timed out after {MAIL_BOUND:g} s" in mail.detail and mail.error_code == "timeout"
    await engine.aclose()


async def test_chain_show_tells_per_contact_method_what_was_sent_delayed_and_failed(night):
    from click.testing import CliRunner

    from dispatcher.cli import cli

    engine = engine_for(night, limits=DEFAULT_LIMITS)  # a long code: one text a second
    await engine.run_once()
    night.peer.reject("+12125550103", code=21211)  # He Lin's mobile: not a valid number
    sr = start(night, "twice-named")
    await engine.run_once()
    await night.clock.advance(timedelta(minutes=1))
    await engine.run_once()  # step 2: Chen's text goes, He's waits its second
    shown = CliRunner().invoke(cli, ["chain", "show", sr.id, "--data", str(night.store.data_dir)])
    lines = [line.strip() for line in shown.output.splitlines()]
    # the pages' times in the CSC's zone (Shanghai), as their steps' lines are
    assert "chen.case sms +12125550101: sent 11:00:00 (queued)" in lines
    assert "chen.case sms +12125550101: sent 11:01:00 (queued)" in lines
    assert (
        "he.pl sms +12125550103: delayed until 11:01:01 by the sms provider's rate (1 per 1 s)"
        in lines
    )
    await night.clock.advance(timedelta(seconds=1))
    await engine.run_once()
    shown = CliRunner().invoke(cli, ["chain", "show", sr.id, "--data", str(night.store.data_dir)])
    failed = [line for line in shown.output.splitlines() if "he.pl sms" in line]
    assert len(failed) == 1 and "failed 11:01:01: 21211" in failed[0]
    await engine.aclose()


async def test_a_request_that_cannot_be_chased_holds_up_no_other(night):
    broken = start(night, "sms-thrice")
    with night.store.atomic(night.store.live):  # its chain left the roster
        record = night.control.callouts.get(broken.id)
        night.control.callouts.save(replace(record, run=replace(record.run, chain="gone")))
    fine = start(night, "twice-named")
    await night.engine.run_once()
    assert len(night.sms_to(CHEN)) == 1
    assert [r.sr for r in night.control.outbox.all()] == [fine.id]
    assert night.control.callouts.get(broken.id).needs_paging  # tried again next pass
