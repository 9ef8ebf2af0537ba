"""A re-page falls back over the same routes as the first paging did, with a fallback of its
own: the number that worked is called again, a dead number is not texted just because it
was tried before, and the desk's relay names a number the dispatcher can phone.

Through the whole runtime: the engine, the real channels, the loopback Twilio peer and SMTP
server, on a manual clock at 03:00. The chain's step names DingTalk, not configured here.
"""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import PAGES, DeliveryState
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.roster import load_roster

from .conftest import NIGHT_ROSTER, billing_outage
from .test_chase import FAULT

GAO_MOBILE, GAO_HOME = "+12125550102", "+12125550112"
CHEN_MOBILE = "+12125550101"
DINGTALK_ONLY = """
  - id: dingtalk-only
    name: A group robot, not configured here
    steps:
      - targets: [{person: gao.gm}, {person: chen.case}]
        channels: [dingtalk]
        wait_minutes: 10
  - id: dingtalk-gao
    name: The same, for Gao Ming alone
    steps:
      - targets: [{person: gao.gm}]
        channels: [dingtalk]
        wait_minutes: 10
"""


def roster_with_dingtalk_chain(tmp_path):
    """The night's roster, a chain naming DingTalk, and Chen's mail before his mobile."""
    text = NIGHT_ROSTER.read_text().replace(
        '      - {kind: mobile, number: "+1 212 555 0101"}\n'
        "      - {kind: email, address: chen@example.org}\n",
        "      - {kind: email, address: chen@example.org}\n"
        '      - {kind: mobile, number: "+1 212 555 0101"}\n',
    )
    path = tmp_path / "night.yaml"
    path.write_text(text + DINGTALK_ONLY)
    return load_roster(path)


def ways(records, person: str, instance: str):
    return [
        (r.channel, r.address, r.state)
        for r in records
        if r.person == person and r.instance == instance and r.purpose in PAGES
    ]


def started(night, tmp_path, chain: str):
    """An engine and a control on the roster with the DingTalk chains, `chain` started."""
    roster = roster_with_dingtalk_chain(tmp_path)
    assert "dingtalk" not in night.engine.plugins.channels
    engine = Engine(
        night.store, roster, night.engine.plugins, night.clock, settings=EngineSettings()
    )
    control = CalloutControl(night.store, roster)
    now = night.clock.now()
    sr, _ = control.register(
        now,
        lambda sr_id: billing_outage(sr_id, now, **FAULT),
        now,
        "wang.fang",
        "phone",
        chain=chain,
    )
    return engine, control, sr


async def settle(engine) -> None:
    """Enough passes for every fallback to be queued and sent."""
    for _ in range(6):
        await engine.run_once()


async def test_a_repage_calls_the_number_that_worked_and_relays_a_phone_number(night, tmp_path):
    night.peer.reject(GAO_MOBILE)
    night.peer.reject(CHEN_MOBILE)
    night.smtp.refuse("chen@example.org")
    engine, control, sr = started(night, tmp_path, "dingtalk-only")
    await settle(engine)
    first = night.outbox(sr.id)
    gao = [
        ("voice", GAO_MOBILE, DeliveryState.FAILED),
        ("voice", GAO_HOME, DeliveryState.SENT),
    ]
    chen = [
        ("voice", CHEN_MOBILE, DeliveryState.FAILED),
        ("sms", CHEN_MOBILE, DeliveryState.FAILED),
        ("email", "chen@example.org", DeliveryState.FAILED),
        ("desk", CHEN_MOBILE, DeliveryState.SENT),  # a number to phone, not his mail
    ]
    assert ways(first, "gao.gm", "") == gao
    assert ways(first, "chen.case", "") == chen

    await night.clock.advance(timedelta(minutes=2))
    control.repage(sr.id, night.clock.now(), "wang.fang")
    await settle(engine)
    again = night.outbox(sr.id)
    assert ways(again, "gao.gm", ".1") == gao  # the home phone that worked is called again
    assert ways(again, "chen.case", ".1") == chen
    assert len(night.calls_to(GAO_HOME)) == 2 and night.sms_to(GAO_MOBILE) == []
    said = [e.text for e in control.requests.timeline(sr.id)]
    assert said.count("gao.gm: voice failed for good; voice +12125550112 next") == 2
    assert not [s for s in said if "desk chen@example.org" in s or f"desk {GAO_MOBILE}" in s]
    shown = CliRunner().invoke(cli, ["chain", "show", sr.id, "--data", str(night.store.data_dir)])
    assert f"gao.gm sms {GAO_MOBILE}" not in shown.output, shown.output

    # A dispatcher sends Chen's failed mail again through the desk: a number, by the same rule.
    mail = next(r for r in again if r.person == "chen.case" and r.channel == "email")
    relay = control.retry(mail.id, night.clock.now(), "wang.fang", channel="desk")
    assert (relay.channel, relay.address) == ("desk", CHEN_MOBILE)
    await engine.aclose()


async def test_the_relay_names_a_number_that_did_not_fail_for_good(night, tmp_path):
    """Gao's mobile is dead and his home phone busy for now: the desk is given the home
    phone to ring, not the dead mobile, while the call to it is retried."""
    night.peer.reject(GAO_MOBILE)
    night.peer.reject(GAO_HOME, code=20503, message="Service Unavailable", status=503)
    engine, _, sr = started(night, tmp_path, "dingtalk-gao")
    await settle(engine)
    tried = [(r.channel, r.address, r.failure) for r in night.outbox(sr.id)]
    assert tried[:3] == [
        ("voice", GAO_MOBILE, "permanent"),
        ("voice", GAO_HOME, "transient"),
        ("sms", GAO_MOBILE, "permanent"),
    ]
    (relay,) = [r for r in night.outbox(sr.id) if r.channel == "desk"]
    assert (relay.address, relay.state) == (GAO_HOME, DeliveryState.SENT)
    await engine.aclose()
