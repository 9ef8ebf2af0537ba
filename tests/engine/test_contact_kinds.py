"""Open contact kinds through the whole runtime: a third party's `ntfy` plugin declares the
kind with a validator, the roster lists each person's ntfy topic, the engine pages the topic
when a step names the channel, a reply posted to the topic acknowledges, and the audit, the
drill report and the roster commands show the topic, never a phone number for the push."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import aiohttp
import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.callout import RunState
from dispatcher.domain.drills import builtin_scenarios
from dispatcher.domain.reachability import unconfirmed
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import start_drill
from dispatcher.engine.runtime import Engine
from dispatcher.plugins import (
    ChannelBase,
    ContactKindSpec,
    DeliveryStatus,
    Failure,
    PluginManager,
    PollResult,
    Receipt,
    Reply,
    hookimpl,
    parse_ack_code,
)
from dispatcher.reports.drill import drill_report, report_markdown
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.reachability import contact_standings
from dispatcher.testing.http_peer import Answer

from .conftest import billing_outage

CHEN_MOBILE = "+12125550101"

# -- the third party's plugin: an ntfy channel, one topic per person -------------------------

TOPIC = re.compile(r"[-_a-z0-9]{1,64}")


def ntfy_topic(address: str) -> str:
    """ntfy's topic names, folded to lower case: what the channel posts to and polls."""
    topic = address.strip().lower()
    if not TOPIC.fullmatch(topic):
        raise ValueError(f"{address!r} is not an ntfy topic (1 to 64 letters, digits, - or _)")
    return topic


# A person answers on their topic, so the audit expects each topic confirmed.
NTFY = ContactKindSpec(
    "ntfy", ntfy_topic, example="csc-li-wei", description="an ntfy topic", acknowledges=True
)


class NtfyChannel(ChannelBase):
    """POSTs a page to the person's topic; reads replies posted to the topics it paged."""

    name = "ntfy"
    reaches = frozenset({NTFY.name})

    def __init__(self, url: str) -> None:
        self.url = url
        self.paged: set[str] = set()
        self.seen: set[str] = set()  # message ids: its own pages and replies reported

    async def send(self, notification):
        topic = notification.contact.address
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.url}/{topic}", data=notification.sms_text.encode()) as answer,
        ):
            if answer.status >= 300:
                failure = Failure.for_http_status(answer.status)
                return Receipt.failed(self.name, failure, f"HTTP {answer.status}")
            message = await answer.json(content_type=None)
        self.paged.add(topic)
        self.seen.add(message["id"])
        return Receipt.accepted(self.name, message["id"], DeliveryStatus.SENT)

    async def poll(self):
        replies = []
        async with aiohttp.ClientSession() as session:
            for topic in sorted(self.paged):
                async with session.get(f"{self.url}/{topic}/json", params={"poll": "1"}) as got:
                    lines = (await got.text()).splitlines()
                for message in map(json.loads, filter(None, lines)):
                    if message["id"] in self.seen:
                        continue
                    self.seen.add(message["id"])
                    text = message["message"]
                    replies.append(
                        Reply(self.name, parse_ack_code(text), topic, text, message["id"])
                    )
        return PollResult(tuple(replies))


class NtfyPlugin:
    @hookimpl
    def dispatcher_contact_kinds(self, register):
        register(NTFY)

    @hookimpl
    def dispatcher_channels(self, register, settings):
        url = settings.get("NTFY_URL")
        if url is None:
            register.disabled("ntfy", "NTFY_URL is not set")
        else:
            register(NtfyChannel(url))


class _EntryPoint:
    name, value, dist = "ntfy", "dispatcher_ntfy", None

    def load(self):
        return NtfyPlugin()


@pytest.fixture
def ntfy_installed(monkeypatch):
    """The ntfy plugin installed beside the real ones, as its entry point would install it."""
    from dispatcher.plugins import manager as manager_module

    real = manager_module.entry_points
    monkeypatch.setattr(
        manager_module, "entry_points", lambda group: [*real(group=group), _EntryPoint()]
    )


# -- a roster whose case handler is reached by ntfy first ------------------------------------

ROSTER = """
units:
  - {id: csc, kind: csc, zone: Asia/Shanghai, name: Customer Service Centre}
  - {id: br-sh, kind: branch, name: Shanghai Branch, sites: [Shanghai]}
  - id: bd-bss
    kind: bd
    name: Business Support BD
    product_lines:
      - id: pl-billing
        name: Billing
        products: [{id: ocs-9000, name: OCS-9000 Online Charging}]
people:
  - id: chen.case
    name: Chen Jie
    unit: br-sh
    roles: [case_handler]
    contacts:
      - {kind: mobile, number: "+1 212 555 0101"}
      - {kind: ntfy, address: " CSC-Chen "}
  - id: he.pl
    name: He Lin
    unit: pl-billing
    roles: [product_line_interface]
    contacts:
      - {kind: ntfy, address: csc-he}
rotations:
  - {id: case, unit: br-sh, role: case_handler, timezone: UTC, repeat: daily, start: 2026-11-02,
     handoffs: ["08:00"], people: [chen.case]}
  - {id: pl, unit: pl-billing, role: product_line_interface, timezone: UTC, repeat: daily,
     start: 2026-11-02, handoffs: ["08:00"], people: [he.pl]}
chains:
  - id: emergency
    name: Emergency call-out
    steps:
      - targets: [{unit: $branch, role: case_handler}]
        channels: [ntfy]
        wait_minutes: 10
      - targets: [{unit: $product_line, role: product_line_interface}]
        channels: [ntfy]
        wait_minutes: 10
"""


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "contacts.yaml"
    path.write_text(ROSTER)
    return path


@pytest.fixture
async def engine(tmp_path, roster_file, controllable_clock, http_peer, ntfy_installed):
    """An engine with the ntfy channel pointed at the HTTP peer, on the manual clock."""
    ids = iter(range(1, 1000))
    http_peer.respond_with(
        lambda request: (
            Answer(200, {"id": f"page-{next(ids)}"}) if request.method == "POST" else None
        )
    )
    store = Store(tmp_path / "data")
    plugins = PluginManager(environ={"NTFY_URL": http_peer.url}, store=store).load()
    roster = load_roster(roster_file, plugins.contact_kinds())
    engine = Engine(store, roster, plugins, controllable_clock)
    yield engine
    await engine.aclose()
    store.close()


async def later(engine, minutes: float = 0) -> None:
    await engine.clock.advance(timedelta(minutes=minutes, seconds=3))
    await engine.run_once()


def posts_to(http_peer, topic: str) -> list[str]:
    return [
        r.body.decode() for r in http_peer.requests if r.method == "POST" and r.route == f"/{topic}"
    ]


async def test_an_emergency_pages_the_ntfy_topic_and_a_reply_there_acknowledges(
    engine, http_peer, tmp_path, roster_file
):
    chen = engine.roster.person("chen.case")
    assert [(c.kind, c.address) for c in chen.contacts] == [
        ("mobile", CHEN_MOBILE),
        ("ntfy", "csc-chen"),  # as the kind's validator normalised it
    ]
    control = CalloutControl(engine.store, engine.roster)
    now = engine.clock.now()
    sr, _ = control.register(
        now, lambda sr_id: billing_outage(sr_id, now), now, "wang.fang", "phone"
    )
    await engine.run_once()

    (page,) = posts_to(http_peer, "csc-chen")
    assert page.startswith(sr.id) and "Billing records lost" in page
    (record,) = control.outbox.for_sr(sr.id)
    assert (record.channel, record.contact_kind, record.address) == ("ntfy", "ntfy", "csc-chen")

    # Chen posts the code to his topic; the next poll reads it.
    http_peer.serve(
        "/csc-chen/json",
        json.dumps({"id": "reply-1", "event": "message", "message": f"ACK {record.ack_code}"}),
    )
    await later(engine)
    run = control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by, run.acknowledged_via) == (
        RunState.ACKNOWLEDGED,
        "Chen Jie",
        "ntfy",
    )

    shown = CliRunner().invoke(cli, ["chain", "show", sr.id, "--data", str(tmp_path / "data")])
    assert "chen.case ntfy csc-chen: " in shown.output and CHEN_MOBILE not in shown.output

    # The acknowledgement confirms the topic, not the phone.
    rows = {
        r.kind: r for r in contact_standings(engine.store, engine.roster) if r.person == "chen.case"
    }
    assert (rows["ntfy"].address, rows["ntfy"].via) == ("csc-chen", "ntfy")
    assert rows["ntfy"].last_confirmed is not None and rows["mobile"].last_confirmed is None
    stale = unconfirmed(rows.values(), 30, engine.clock.now(), engine.roster.answering_kinds)
    assert [(r.kind, r.address) for r in stale] == [("mobile", CHEN_MOBILE)]

    # The audit report on the command line says the same, reading the roster with the kind.
    result = CliRunner().invoke(
        cli,
        [
            "roster",
            "audit",
            "--report",
            "--roster",
            str(roster_file),
            "--data",
            str(tmp_path / "data"),
        ],
    )
    (ntfy_line,) = [line for line in result.output.splitlines() if "csc-chen" in line]
    assert "csc-chen" in ntfy_line and "confirmed" in ntfy_line and "by ntfy" in ntfy_line
    lines = result.output.splitlines()
    assert next(line for line in lines if CHEN_MOBILE in line).endswith(
        "never confirmed  UNCONFIRMED"
    )
    # He Lin's topic was never answered: it counts, as a phone would.
    assert next(line for line in lines if "csc-he" in line).endswith("UNCONFIRMED")
    assert lines[-1] == "2 of 3 contact method(s) not confirmed within 30 days"
    assert result.exit_code == 1


async def test_a_drill_report_shows_the_topic_that_reached_the_person(engine, http_peer):
    control = CalloutControl(engine.store, engine.roster)
    (scenario,) = builtin_scenarios(engine.roster)
    drill = start_drill(control, scenario, engine.clock.now(), "wang.fang")
    await engine.run_once()
    (page,) = posts_to(http_peer, "csc-chen")
    assert page.startswith("[DRILL] ")
    code = next(r.ack_code for r in control.outbox.for_sr(drill.sr))
    http_peer.serve(
        "/csc-chen/json", json.dumps({"id": "reply-9", "event": "message", "message": code})
    )
    await later(engine)

    report = drill_report(engine.store, engine.roster, drill.sr, engine.clock.now())
    (chen,) = report.people
    assert chen.verdict == "acknowledged by ntfy"
    assert [(p.channel, p.address) for p in chen.pages] == [("ntfy", "csc-chen")]
    assert "| Chen Jie | ntfy | csc-chen |" in report_markdown(report)
    assert CHEN_MOBILE not in report_markdown(report)


async def test_without_the_channel_configured_the_desk_relays_to_the_topic(
    tmp_path, roster_file, controllable_clock, ntfy_installed
):
    """The plugin is installed (its kind declared) but NTFY_URL is unset: the step's channel is
    off, so the desk's relay carries the page, addressed to the person's topic."""
    store = Store(tmp_path / "data")
    plugins = PluginManager(environ={}, store=store).load()
    assert "ntfy" not in plugins.channels and "ntfy" in plugins.channels["desk"].reaches
    roster = load_roster(roster_file, plugins.contact_kinds())
    engine = Engine(store, roster, plugins, controllable_clock)
    try:
        control = CalloutControl(store, roster)
        now = controllable_clock.now()
        sr, _ = control.register(
            now, lambda sr_id: billing_outage(sr_id, now), now, "wang.fang", "phone"
        )
        await engine.run_once()
        await later(engine, minutes=10)  # step 2: He Lin has only a topic
        pages = {r.person: r for r in control.outbox.for_sr(sr.id) if r.purpose == "page"}
        assert pages["he.pl"].channel == "desk" and pages["he.pl"].address == "csc-he"
        assert pages["he.pl"].contact_kind == "ntfy"
    finally:
        await engine.aclose()
        store.close()


def test_roster_check_names_a_kind_no_plugin_provides(roster_file, tmp_path):
    """Without the ntfy plugin the roster is invalid: exit 2, one line per contact method."""
    result = CliRunner().invoke(
        cli, ["roster", "check", str(roster_file), "--data", str(tmp_path / "data")]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "ntfy" in line]
    assert lines == [
        f"{roster_file}:19:16: people[0].contacts[1].kind: kind ntfy: no installed plugin provides it",
        f"{roster_file}:25:16: people[1].contacts[0].kind: kind ntfy: no installed plugin provides it",
    ]


def test_roster_check_accepts_the_kind_once_installed_and_refuses_a_bad_topic(
    roster_file, tmp_path, ntfy_installed
):
    data = ["--data", str(tmp_path / "data")]
    proven = CliRunner().invoke(cli, ["roster", "check", str(roster_file), *data])
    assert proven.exit_code in (0, 1), proven.output  # valid: proven, or gaps named

    roster_file.write_text(ROSTER.replace("csc-he", "he lin's phone"))
    refused = CliRunner().invoke(cli, ["roster", "check", str(roster_file), *data])
    assert refused.exit_code == 2
    assert (
        f"{roster_file}:25:31: people[1].contacts[0].address: kind ntfy: "
        '"he lin\'s phone" is not an ntfy topic (1 to 64 letters, digits, - or _)'
    ) in refused.output


async def test_the_audit_asks_through_the_topic_and_an_answer_there_confirms_it(
    engine, http_peer, tmp_path, roster_file
):
    data = ["--roster", str(roster_file), "--data", str(tmp_path / "data")]
    env = {"NTFY_URL": http_peer.url}
    asked = CliRunner().invoke(cli, ["roster", "audit", "--people", "he.pl", *data], env=env)
    assert asked.exit_code == 0, asked.output
    audit_id = asked.output.split()[0]
    engine.store.refresh()
    (message,) = CalloutControl(engine.store, engine.roster).outbox.for_sr(audit_id)
    assert (message.channel, message.contact_kind, message.address) == ("ntfy", "ntfy", "csc-he")

    # The command queued it at the wall clock's time: the engine's clock catches up with it.
    await later(engine, minutes=max(0, (message.due - engine.clock.now()).total_seconds() / 60))
    (question,) = posts_to(http_peer, "csc-he")
    assert audit_id in question
    http_peer.serve(
        "/csc-he/json",
        json.dumps({"id": "he-1", "event": "message", "message": message.ack_code}),
    )
    await later(engine)

    report = CliRunner().invoke(cli, ["roster", "audit", "--report", "--people", "he.pl", *data])
    (line,) = [line for line in report.output.splitlines() if "csc-he" in line]
    assert "by ntfy" in line and "UNCONFIRMED" not in line and report.exit_code == 0
