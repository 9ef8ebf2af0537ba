"""A person's routes in a step, one rule for the engine and every view of it: the step's own
enabled channels; then only the built-in voice, sms and email; then the desk's relay, last
and always. A plugin's channel no step names pages nobody; a fallback that fails never holds
the person: their next route is paged at once while its retry goes on.

Through the whole runtime: the engine, the real channels, the loopback SMTP server, an
unreachable DingTalk robot and a third party's channel, on a manual clock at 03:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import PAGES, DeliveryState, RetryPolicy
from dispatcher.domain.request_parts import Category, Level
from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import ChannelBase, Receipt
from dispatcher.plugins.contract import DeliveryStatus
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.testing import free_port
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.preview import RequestDraft, chain_preview

from .conftest import NIGHT_ROSTER
from .test_chase import engine_for, start
from .test_plugin_faults import install  # noqa: F401 (a fixture)

STEP_ONE = {"chen.case", "gao.gm", "he.pl"}  # the emergency chain's first step at 03:00


def unreachable_dingtalk() -> dict[str, str]:
    """A DingTalk robot configured (so its channel is enabled) where nothing listens."""
    return {
        "DINGTALK_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/robot/send?access_token=abc123",
        "DINGTALK_SECRET": "SECabcdef123456",
    }


def pages(night, sr_id: str):
    """The request's pages (a Red Flag notice to CSQ goes beside them)."""
    return [r for r in night.outbox(sr_id) if r.purpose in PAGES]


class Recorder(ChannelBase):
    """A third party's channel reaching mobiles: it keeps every notification it is given."""

    name = "recorder"
    reaches = frozenset({ContactKind.MOBILE})

    def __init__(self) -> None:
        self.sent: list = []

    async def send(self, notification):
        self.sent.append(notification)
        return Receipt(ok=True, status=DeliveryStatus.SENT, provider_id=str(len(self.sent)))


async def test_dingtalk_down_and_no_twilio_puts_each_emergency_page_on_the_desk(night):
    engine = engine_for(night, unreachable_dingtalk())
    assert "dingtalk" in engine.plugins.channels  # enabled: a robot is configured
    sr = night.register()
    await engine.run_once()
    paged = pages(night, sr.id)
    assert {(r.person, r.channel) for r in paged} == {(p, "desk") for p in STEP_ONE}
    assert all(r.state is DeliveryState.SENT and r.ack_code for r in paged)  # on the desk
    (step,) = night.control.callouts.get(sr.id).steps
    assert step.channels == ("desk",)  # the step's log names what was really used
    await night.clock.advance(timedelta(minutes=1))
    await engine.run_once()
    assert {r.channel for r in night.outbox(sr.id)} == {"desk"}  # the notice to CSQ too
    shown = CliRunner().invoke(cli, ["outbox", "--data", str(night.store.data_dir)])
    assert shown.output.count("on the desk, to relay") >= len(STEP_ONE), shown.output
    chain = CliRunner().invoke(cli, ["chain", "show", sr.id, "--data", str(night.store.data_dir)])
    assert "dingtalk" not in chain.output and "retry at" not in chain.output, chain.output
    assert "round 1, step 1 (start): chen.case, gao.gm, he.pl by desk" in chain.output
    await engine.aclose()


async def test_a_third_party_channel_no_step_names_gets_no_page(night, install):  # noqa: F811
    recorder = Recorder()
    install("recorder", recorder)
    engine = engine_for(night, {})  # no provider at all: the recorder is the only channel
    assert "recorder" in engine.plugins.channels
    emergency = night.register()
    drill = night.register(drill=True)
    await engine.run_once()
    assert recorder.sent == []
    for sr in (emergency, drill):
        assert {r.channel for r in night.outbox(sr.id)} == {"desk"}
    await engine.aclose()


async def test_a_fallback_failing_for_a_passing_reason_puts_the_relay_copy_up_at_once(
    night, smtp_settings
):
    # No Twilio: a step by sms pages Chen by mail, the first built-in channel reaching him.
    engine = engine_for(night, smtp_settings, retry=RetryPolicy(random=lambda: 0.5))
    night.smtp.defer("chen@example.org")  # 451: try later
    sr = start(night, "sms-thrice")
    t0 = night.clock.now()
    await engine.run_once()
    mail, relay = night.outbox(sr.id)
    assert (mail.channel, mail.state, mail.due) == (
        "email",
        DeliveryState.QUEUED,  # retried meanwhile
        t0 + timedelta(seconds=16.5),
    )
    assert (relay.channel, relay.state, relay.due) == ("desk", DeliveryState.QUEUED, t0)
    assert relay.ack_code == mail.ack_code
    assert "which failed and is retried" in relay.detail
    said = [e.text for e in night.control.requests.timeline(sr.id)]
    assert "chen.case: email failed; desk +12125550101 next" in said  # read out by phone
    await engine.run_once()  # the next pass, no time later: on the desk
    assert night.control.outbox.get(relay.id).state is DeliveryState.SENT
    await night.clock.advance(timedelta(seconds=16.5))
    await engine.run_once()  # the retry fails again: no second copy on the desk
    assert [r.channel for r in night.outbox(sr.id)] == ["email", "desk"]
    assert night.control.outbox.get(mail.id).attempt == 2
    await engine.aclose()


async def test_a_step_channel_failing_for_a_passing_reason_is_retried_not_replaced(
    night, smtp_settings
):
    """Issue 12's rule for a step's own channel holds: retried until its wait ends."""
    engine = engine_for(night, smtp_settings, retry=RetryPolicy(random=lambda: 0.5))
    night.smtp.defer("chen@example.org")
    sr = start(night, "fault")  # sms, email: Chen's mail is the step's own channel
    await engine.run_once()
    (mail,) = night.outbox(sr.id)
    assert (mail.channel, mail.state) == ("email", DeliveryState.QUEUED)
    await engine.aclose()


@pytest.mark.parametrize("zh", [False, True])
def test_the_dry_run_and_the_check_name_the_channels_the_engine_then_uses(
    tmp_path, monkeypatch, smtp_settings, zh
):
    for name, value in smtp_settings.items():
        monkeypatch.setenv(name, value)
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPATCHER_LANG", "zh" if zh else "en")
    roster = tmp_path / "night.yaml"  # without the chain naming channels not installed here
    roster.write_text(NIGHT_ROSTER.read_text().split("  - id: broken-plugins")[0])
    data = ["--data", str(tmp_path / "d")]
    checked = CliRunner().invoke(cli, ["roster", "check", str(roster), *data])
    dry = CliRunner().invoke(
        cli,
        [
            *("sr", "new", "--summary", "x", "--category", "fault_support"),
            *("--site", "Shanghai", "--product", "ocs-9000", "--criterion", "7"),
            *("--roster", str(roster), "--received", "2026-11-25T03:00+08:00", "--dry-run"),
        ],
    )
    if zh:
        assert "其呼叫依次经 email,最后由值班台转达" in checked.output, checked.output
        return
    assert (
        "emergency step 3, sms-thrice step 1, twice-named step 1, twice-named step 2, all-at-once step 2: "
        "no channel of the step is enabled here; its pages go by email, then the desk's relay"
    ) in checked.output, checked.output
    assert "step 1: Chen Jie, Gao Ming, He Lin by email, desk, then wait 10 min" in dry.output
    assert "step 3: Lu Yan by desk, then wait 15 min" in dry.output, dry.output
    desk = DeskContext(Store(tmp_path / "desk"), load_roster(roster), "wang.fang")
    draft = RequestDraft(Category.FAULT_SUPPORT, Level.L1, "Shanghai", "ocs-9000", ("7",))
    at = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 03:00 in Shanghai
    preview = chain_preview(desk, draft, at, "en").plain
    assert "1 [email, desk]" in preview and "3 [desk]" in preview, preview
    desk.store.close()


async def test_the_engine_pages_by_the_channels_the_views_named(night, smtp_settings):
    engine = engine_for(night, smtp_settings)  # as the views above: mail, no Twilio
    sr = night.register()
    await engine.run_once()
    assert {(r.person, r.channel) for r in pages(night, sr.id)} == {
        ("chen.case", "email"),
        ("gao.gm", "desk"),  # no mail address: the desk's relay
        ("he.pl", "email"),
    }
    (step,) = night.control.callouts.get(sr.id).steps
    assert step.channels == ("email", "desk")
    thrice = start(night, "sms-thrice")
    await engine.run_once()
    assert [r.channel for r in night.outbox(thrice.id)] == ["email"]  # "by email, then …"
    await engine.aclose()


async def test_a_red_flag_notice_no_way_delivers_reaches_the_desk_to_relay(night):
    """Ma Qing's text and mail are refused for good, and so is a call: the notice to CSQ is
    put on the desk to be read out, never lost to a dead number."""
    night.peer.reject("+12125550107")  # messages and calls
    night.smtp.refuse("ma@example.org")
    sr = night.register()
    for _ in range(4):
        await night.engine.run_once()
    told = [r for r in night.outbox(sr.id) if r.person == "ma.csq"]
    assert [(r.channel, r.state) for r in told] == [
        ("sms", DeliveryState.FAILED),
        ("email", DeliveryState.FAILED),
        ("voice", DeliveryState.FAILED),
        ("desk", DeliveryState.SENT),
    ]
    relay = told[-1]
    assert relay.topic == "red_flag:opened" and relay.purpose == "notice"
    assert "Red Flag opened" in relay.long_text
    said = [e.text for e in night.control.requests.timeline(sr.id)]
    assert "ma.csq: voice failed for good; desk +12125550107 next" in said


async def test_a_notice_one_way_delivered_is_not_sent_again(night):
    night.smtp.refuse("ma@example.org")  # the mail fails; the text goes
    sr = night.register()
    for _ in range(3):
        await night.engine.run_once()
    told = [r for r in night.outbox(sr.id) if r.person == "ma.csq"]
    assert sorted((r.channel, r.state) for r in told) == [
        ("email", DeliveryState.FAILED),
        ("sms", DeliveryState.SENT),
    ]
