"""Only the people paged can acknowledge (promise 3): the engine against the loopback Twilio
peer, on a manual clock. The right code from elsewhere is suspicious; guesses are limited;
replies typed on a Chinese keyboard in full-width mode acknowledge."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.acks import CODE_DIGITS, GuessLimit, parse_reply
from dispatcher.domain.callout import RunState
from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.engine.control import CalloutControl
from dispatcher.plugins.delivery import PollResult, Receipt, Reply
from dispatcher.store import Store
from dispatcher.store.replies import REPLIES, STRIKES
from dispatcher.store.requests import period_of
from dispatcher.testing.hostile import HOSTILE, assert_inert

CHEN = "+12125550101"
STRANGER = "+12125550199"  # never paged by anyone


def code_of(night, sr_id: str, person: str) -> str:
    return next(r.ack_code for r in night.outbox(sr_id) if r.person == person)


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


async def test_the_right_code_from_a_number_never_paged_acknowledges_nothing(night):
    sr = night.register()
    await night.engine.tick()
    code = code_of(night, sr.id, "chen.case")
    assert len(code) == CODE_DIGITS

    night.peer.receive_sms(STRANGER, f"ACK {code}")
    await night.pass_()

    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING
    suspicious = [e for e in night.control.requests.timeline(sr.id) if e.kind == "suspicious_reply"]
    assert len(suspicious) == 1
    assert suspicious[0].data["sender"] == STRANGER and STRANGER in suspicious[0].text
    assert "acknowledged" not in night.kinds(sr.id)

    await night.pass_(minutes=11)  # the chain keeps chasing: step 2 is paged
    assert len(night.sms_to("+12125550104")) == 1

    night.peer.receive_sms(CHEN, code)  # the paged number: that acknowledges
    await night.pass_()
    run = night.control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by) == (RunState.ACKNOWLEDGED, "Chen Jie")


async def test_twenty_wrong_codes_from_one_number_are_ignored_past_the_limit(night):
    limit = GuessLimit()
    sr = night.register()
    await night.engine.tick()
    real = code_of(night, sr.id, "chen.case")
    wrong = [c for c in (str(100000 + n) for n in range(40)) if c != real][:20]
    for guess in wrong:
        night.peer.receive_sms(STRANGER, f"ACK {guess}")
    night.peer.receive_sms(STRANGER, f"ACK {real}")  # even a hit comes too late
    await night.pass_()

    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING
    kept = [r for r in night.store.live.table(REPLIES).all() if r["sender"] == STRANGER]
    assert len(kept) == limit.per_sender  # the rest were dropped unread, not stored
    strikes = [s for s in night.store.live.table(STRIKES).all() if STRANGER in s["key"]]
    assert strikes[0]["ignored"] == 21 - limit.per_sender and strikes[0]["ignored_until"]
    told = [e for e in night.control.requests.timeline(sr.id) if e.kind == "replies_ignored"]
    assert len(told) == 1 and STRANGER in told[0].text
    assert "suspicious_reply" not in night.kinds(sr.id)

    # Half an hour on, the sender is heard again (and still cannot acknowledge).
    await night.pass_(minutes=31)
    night.peer.receive_sms(STRANGER, f"ACK {real}")
    await night.pass_()
    assert "suspicious_reply" in night.kinds(sr.id)
    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING


async def test_failed_codes_from_paged_numbers_lock_the_requests_typed_codes(night):
    sr = night.register()
    await night.engine.tick()
    code = code_of(night, sr.id, "chen.case")
    # Three paged numbers (forged, say) guess ten times between them, none reaching its own
    # limit of five: the request's limit of ten is reached.
    guessers = ["+12125550102"] * 4 + ["+12125550103"] * 4 + [CHEN] * 2
    assert len(guessers) == GuessLimit().per_request
    for n, number in enumerate(guessers):
        night.peer.receive_sms(number, f"{200000 + n}")
    await night.pass_()
    assert "codes_locked" in night.kinds(sr.id)

    night.peer.receive_sms(CHEN, code)  # refused while locked; the desk is told
    await night.pass_()
    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING
    assert "reply_refused" in night.kinds(sr.id)


@pytest.mark.parametrize(
    "typed", ["{code}", "确认{code}", "收到 {code}!", " ok：{code} ", "{code}好"]
)
async def test_full_width_and_chinese_replies_from_the_paged_number_acknowledge(night, typed):
    sr = night.register()
    await night.engine.tick()
    code = code_of(night, sr.id, "chen.case")
    night.peer.receive_sms(CHEN, to_full_width(typed.format(code=code)))
    await night.pass_()
    assert night.control.callouts.get(sr.id).run.state is RunState.ACKNOWLEDGED


def test_replies_are_read_as_typed_and_nothing_else_is_a_code():
    assert parse_reply("１２３４") == "1234"
    assert parse_reply("确认１２３４") == "1234"
    assert parse_reply("ＡＣＫ　１２３４５６。") == "123456"
    assert parse_reply("Ack-123456") == parse_reply("okay 123456 ok") == "123456"
    assert parse_reply("not 123456, call me") is None
    assert parse_reply("123456 789012") is None
    assert parse_reply("") is None and parse_reply(None) is None


async def test_an_sms_body_with_control_sequences_is_kept_exact_and_shown_escaped(night):
    sr = night.register()
    await night.engine.tick()
    body = " ".join(HOSTILE.values())
    night.peer.receive_sms(CHEN, body)
    await night.pass_()

    [event] = [e for e in night.control.requests.timeline(sr.id) if e.kind == "reply_unmatched"]
    assert event.data["reply"] == body  # the record keeps what was sent
    runner = CliRunner()
    env = {"DISPATCHER_DATA": str(night.store.data_dir)}
    shown = runner.invoke(cli, ["sr", "show", sr.id], env=env)
    assert shown.exit_code == 0 and "PWNED" in shown.output
    assert_inert(shown.output)
    as_json = runner.invoke(cli, ["sr", "show", sr.id, "--json"], env=env).output
    assert_inert(as_json)
    timeline = json.loads(as_json)["timeline"]
    assert any(e["data"].get("reply") == body for e in timeline)


async def test_replies_move_to_the_archive_with_their_request(night):
    sr = night.register()
    await night.engine.tick()
    night.peer.receive_sms(STRANGER, f"ACK {code_of(night, sr.id, 'chen.case')}")
    await night.pass_()
    live = night.store.live.table(REPLIES)
    assert [d["outcome"] for d in live.all() if d["sr"] == sr.id] == ["suspicious"]

    at = night.clock.now()
    night.control.stop(sr.id, at, "wang.fang", "handled by phone")
    requests = night.control.requests
    requests.change(sr.id, lambda r: r.resolve(at, "wang.fang", "desk", "restarted"))
    requests.change(sr.id, lambda r: r.record_callback(at, "wang.fang", CallbackOutcome.REACHED, 5))
    requests.change(sr.id, lambda r: r.close(at, "wang.fang", "desk"))

    assert not [d for d in live.all() if d["sr"] == sr.id]
    archived = night.store.archive(period_of(sr.id)).table(REPLIES)
    assert [d["sender"] for d in archived.all() if d["sr"] == sr.id] == [STRANGER]


def test_codes_are_unique_among_live_notifications_and_those_not_queued_yet(tmp_path, monkeypatch):
    draws = iter([5, 5, 5, 6])
    monkeypatch.setattr("dispatcher.engine.codes.secrets.randbelow", lambda _n: next(draws))
    with Store(tmp_path / "data") as store:
        control = CalloutControl(store, None)
        at = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
        first = control.codes.ack_code("SR-20261124-0001", "a", at)
        # a second person of the same step, before the first one's pages are queued
        second = control.codes.ack_code("SR-20261124-0001", "b", at)
        assert (first, second) == ("100005", "100006")
        assert control.codes.ack_code("SR-20261124-0001", "a", at) == first  # the same, every page


async def test_a_sender_is_one_sender_however_its_number_is_written(night):
    """The guessing limit counts a paged number once, in half-width, full-width or spaced
    form: the same forms that `same_address` takes for the paged number."""
    sr = night.register()
    await night.engine.tick()
    real = code_of(night, sr.id, "chen.case")
    forms = [CHEN, to_full_width(CHEN), "+1 212 555 0101", "＋1 212 555 0101", CHEN]
    wrong = [c for c in (str(300000 + n) for n in range(20)) if c != real]
    for form, guess in zip(forms * 2, wrong, strict=False):
        night.peer.receive_sms(form, guess)
    await night.pass_()
    judged = [r for r in night.store.live.table(REPLIES).all() if r["outcome"] != "acknowledged"]
    assert len(judged) == GuessLimit().per_sender  # the sixth on, in any form, is ignored
    strikes = [s for s in night.store.live.table(STRIKES).all() if s["key"].startswith("sender|")]
    assert len(strikes) == 1 and strikes[0]["ignored"] == 10 - GuessLimit().per_sender


async def test_replies_without_a_code_are_no_guesses_and_mute_nobody(night):
    """Engineers answer pages in words ("on my way", "who else is on it?"): a reply holding no
    code cannot hit one, so it counts against neither its sender nor the request. Each is
    still shown on the timeline, and the code typed after them acknowledges."""
    sr = night.register()
    await night.engine.tick()
    code = code_of(night, sr.id, "chen.case")
    chatter = ["on my way", "calling the bridge", "who else is on it?", "5 min", "ok", "收到"]
    for text in chatter * 2:
        night.peer.receive_sms(CHEN, text)
    await night.pass_()
    assert night.kinds(sr.id).count("reply_unmatched") == len(chatter) * 2
    assert "replies_ignored" not in night.kinds(sr.id)
    assert "codes_locked" not in night.kinds(sr.id)

    night.peer.receive_sms(CHEN, f"ACK {code}")
    await night.pass_()
    assert night.control.callouts.get(sr.id).run.state is RunState.ACKNOWLEDGED


async def test_an_engineer_muted_by_mistypes_who_sends_the_right_code_is_shown_to_the_desk(night):
    """Five wrong codes mute the paged engineer; the right one after that acknowledges
    nothing, but the desk is told (once per reply) to phone them."""
    sr = night.register()
    await night.engine.tick()
    real = code_of(night, sr.id, "chen.case")
    wrong = [c for c in (str(300000 + n) for n in range(10)) if c != real][
        : GuessLimit().per_sender
    ]
    for guess in wrong:
        night.peer.receive_sms(CHEN, guess)
    await night.pass_()
    assert "replies_ignored" in night.kinds(sr.id)

    night.peer.receive_sms(CHEN, real)
    await night.pass_()
    await night.pass_()  # polled again: told once
    assert night.control.callouts.get(sr.id).run.state is RunState.RUNNING
    told = [e for e in night.control.requests.timeline(sr.id) if e.kind == "reply_refused"]
    assert len(told) == 1 and "phone them" in told[0].text and CHEN in told[0].text

    night.peer.receive_sms(CHEN, "ACK 999999")  # a wrong one while muted stays unread
    await night.pass_()
    assert (
        len([e for e in night.control.requests.timeline(sr.id) if e.kind == "reply_refused"]) == 1
    )


async def test_a_key_press_polled_while_its_calls_receipt_waits_acknowledges(night):
    """A key pressed on a call names the call by the provider's id its receipt holds: a poll
    that answers while that receipt still waits to be recorded waits for it, and the press
    acknowledges (it found no page, and was judged suspicious from an unpaged number)."""
    sr = night.register()
    night.engine.chaser.chase(night.clock.now())
    (page,) = night.control.outbox.sending_many([night.outbox(sr.id)[0].id], night.clock.now())
    pressed = Reply(page.channel, page.ack_code, "+15559990000", page.ack_code, "PROV-1")

    async def key_press_polled(name):
        return PollResult(replies=(pressed,))

    night.engine.sender.poll = key_press_polled
    recorded = asyncio.create_task(
        night.engine.recorder.receipt(
            page, Receipt.accepted(page.channel, "PROV-1"), night.clock.now()
        )
    )
    await asyncio.sleep(0)  # the call's send ended: its receipt handed over, not recorded
    await night.engine._poll(page.channel)
    await recorded

    assert night.control.callouts.get(sr.id).run.state is RunState.ACKNOWLEDGED
    assert "suspicious_reply" not in night.kinds(sr.id)
