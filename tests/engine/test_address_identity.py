"""Only the address paged can acknowledge (PROMISES 3), by the rules of its own contact kind,
through the whole runtime: a third party's chat plugin whose identities are case-sensitive
(`LiWei` is not `liwei`, nor the full-width `ＬｉＷｅｉ`), and one whose kind declares that
case does not matter (`ContactKindSpec.canonical`), paged by the engine on a manual clock,
replies read back from a loopback HTTP peer."""

from __future__ import annotations

import json
from datetime import timedelta

import aiohttp
import pytest

from dispatcher.domain.callout import RunState
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.plugins import (
    ChannelBase,
    ContactKindSpec,
    DeliveryStatus,
    PluginManager,
    PollResult,
    Receipt,
    Reply,
    hookimpl,
    parse_ack_code,
)
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.testing.http_peer import Answer

from .conftest import billing_outage


def handle(address: str) -> str:
    """A chat handle: letters and digits, case-sensitive."""
    text = address.strip()
    if not text.isascii() or not text.isalnum():
        raise ValueError(f"{address!r} is not a chat handle")
    return text


# `chat` handles are case-sensitive: no canonical form, so only the exact handle matches.
CHAT = ContactKindSpec("chat", handle, example="LiWei", acknowledges=True)
# `pager` handles ignore case: the kind says so.
PAGER = ContactKindSpec(
    "pager", handle, example="HeLin", acknowledges=True, canonical=lambda a: a.casefold()
)


class RoomChannel(ChannelBase):
    """Posts a page to the person's room; reads each message posted there with its sender."""

    def __init__(self, kind: str, url: str) -> None:
        self.name = kind
        self.reaches = frozenset({kind})
        self.url = f"{url}/{kind}"
        self.rooms: set[str] = set()
        self.seen: set[str] = set()

    async def send(self, notification):
        room = notification.contact.address
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.url}/{room}", data=notification.sms_text.encode()) as answer,
        ):
            message = await answer.json(content_type=None)
        self.rooms.add(room)
        return Receipt.accepted(self.name, message["id"], DeliveryStatus.SENT)

    async def poll(self):
        replies = []
        async with aiohttp.ClientSession() as session:
            for room in sorted(self.rooms):
                async with session.get(f"{self.url}/{room}/json") as got:
                    lines = (await got.text()).splitlines()
                for message in map(json.loads, filter(None, lines)):
                    if message["id"] not in self.seen:
                        self.seen.add(message["id"])
                        text = message["message"]
                        replies.append(
                            Reply(
                                self.name,
                                parse_ack_code(text),
                                message["from"],
                                text,
                                message["id"],
                            )
                        )
        return PollResult(tuple(replies))


class RoomsPlugin:
    @hookimpl
    def dispatcher_contact_kinds(self, register):
        register(CHAT)
        register(PAGER)

    @hookimpl
    def dispatcher_channels(self, register, settings):
        url = settings.get("ROOMS_URL")
        register(RoomChannel("chat", url))
        register(RoomChannel("pager", url))


class _EntryPoint:
    name, value, dist = "rooms", "dispatcher_rooms", None

    def load(self):
        return RoomsPlugin()


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
  - id: li.wei
    name: Li Wei
    unit: br-sh
    roles: [case_handler]
    contacts: [{kind: chat, address: LiWei}]
  - id: he.lin
    name: He Lin
    unit: pl-billing
    roles: [product_line_interface]
    contacts: [{kind: pager, address: HeLin}]
rotations:
  - {id: case, unit: br-sh, role: case_handler, timezone: UTC, repeat: daily, start: 2026-11-02,
     handoffs: ["08:00"], people: [li.wei]}
  - {id: pl, unit: pl-billing, role: product_line_interface, timezone: UTC, repeat: daily,
     start: 2026-11-02, handoffs: ["08:00"], people: [he.lin]}
chains:
  - id: emergency
    name: Emergency call-out
    steps:
      - targets: [{unit: $branch, role: case_handler}]
        channels: [chat]
        wait_minutes: 10
      - targets: [{unit: $product_line, role: product_line_interface}]
        channels: [pager]
        wait_minutes: 10
"""


@pytest.fixture
async def engine(tmp_path, controllable_clock, http_peer, monkeypatch):
    from dispatcher.plugins import manager as manager_module

    real = manager_module.entry_points
    monkeypatch.setattr(
        manager_module, "entry_points", lambda group: [*real(group=group), _EntryPoint()]
    )
    ids = iter(range(1, 1000))
    http_peer.respond_with(
        lambda request: (
            Answer(200, {"id": f"page-{next(ids)}"}) if request.method == "POST" else None
        )
    )
    (tmp_path / "contacts.yaml").write_text(ROSTER)
    store = Store(tmp_path / "data")
    plugins = PluginManager(environ={"ROOMS_URL": http_peer.url}, store=store).load()
    roster = load_roster(tmp_path / "contacts.yaml", plugins.contact_kinds())
    engine = Engine(store, roster, plugins, controllable_clock)
    yield engine
    await engine.aclose()
    store.close()


async def later(engine, minutes: float = 0) -> None:
    await engine.clock.advance(timedelta(minutes=minutes, seconds=3))
    await engine.run_once()


async def emergency(engine):
    """A billing outage registered now, its first step paged."""
    control = CalloutControl(engine.store, engine.roster)
    now = engine.clock.now()
    sr, _ = control.register(
        now, lambda sr_id: billing_outage(sr_id, now), now, "wang.fang", "phone"
    )
    await engine.run_once()
    return control, sr


def say(http_peer, room: str, *messages: tuple[str, str]) -> None:
    """What the room holds: (sender, text) messages, each with its own id."""
    http_peer.serve(
        room + "/json",
        "\n".join(
            json.dumps({"id": f"{room}-{n}", "from": sender, "message": text})
            for n, (sender, text) in enumerate(messages)
        ),
    )


async def test_only_the_exact_handle_paged_acknowledges_a_case_sensitive_kind(engine, http_peer):
    control, sr = await emergency(engine)
    (page,) = control.outbox.for_sr(sr.id)
    assert (page.contact_kind, page.address) == ("chat", "LiWei")
    code = page.ack_code

    # Strangers in the room, with look-alike handles, send the right code: nothing stops.
    say(http_peer, "/chat/LiWei", ("liwei", f"ACK {code}"), ("ＬｉＷｅｉ", f"ACK {code}"))
    await later(engine)
    assert control.callouts.get(sr.id).run.state is RunState.RUNNING
    kinds = [e.kind for e in control.requests.timeline(sr.id)]
    assert "acknowledged" not in kinds and kinds.count("suspicious_reply") == 2

    # Li Wei himself, in any spacing around his handle, acknowledges.
    say(
        http_peer,
        "/chat/LiWei",
        ("liwei", f"ACK {code}"),
        ("ＬｉＷｅｉ", f"ACK {code}"),
        (" LiWei ", f"ACK {code}"),
    )
    await later(engine)
    run = control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by, run.acknowledged_via) == (
        RunState.ACKNOWLEDGED,
        "Li Wei",
        "chat",
    )


async def test_a_kind_that_declares_its_canonical_form_is_matched_by_it(engine, http_peer):
    control, sr = await emergency(engine)
    await later(engine, minutes=10)  # step 2: He Lin's pager
    (page,) = [r for r in control.outbox.for_sr(sr.id) if r.contact_kind == "pager"]
    say(http_peer, "/pager/HeLin", ("ＨｅＬｉｎ", f"ACK {page.ack_code}"))
    await later(engine)
    assert control.callouts.get(sr.id).run.state is RunState.RUNNING  # no width folding
    say(
        http_peer,
        "/pager/HeLin",
        ("ＨｅＬｉｎ", f"ACK {page.ack_code}"),
        ("helin", f"ok {page.ack_code}"),
    )
    await later(engine)
    run = control.callouts.get(sr.id).run
    assert (run.state, run.acknowledged_by) == (RunState.ACKNOWLEDGED, "He Lin")
