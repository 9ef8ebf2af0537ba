"""The desk in a real terminal: `dispatcher desk` on the sample roster inside tmux, driven by
keys sent to the pane as a dispatcher would: an emergency registered, and a whole night, from
the emergency to its closure, a drill, and the handover that tells the morning about both.
Every step waits for what the screen shows, never for a fixed time."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dispatcher.reports.drill import drill_report
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.drills import DrillRepository
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.testing.waiting import wait_for

from .tmux_pane import TMUX, Pane

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)"),
]


@pytest.fixture
def pane(tmp_path):
    opened: list[Pane] = []

    def open_desk() -> Pane:
        dispatcher = Path(sys.executable).with_name("dispatcher")
        # without a terminal of its own, tmux hands the pane COLUMNS=80 LINES=24: drop them
        command = [
            "env",
            "-u",
            "COLUMNS",
            "-u",
            "LINES",
            str(dispatcher),
            "desk",
            "--roster",
            "contacts.yaml",
            "--data",
            str(tmp_path / "data"),
            "--lang",
            "en",
            "--as",
            "csc-jiang-hong",  # a dispatcher of the sample roster: the desk opens for no one else
        ]
        opened.append(Pane(command, ROOT))
        return opened[-1]

    yield open_desk
    for each in opened:
        each.kill()


def test_an_emergency_registered_in_a_real_terminal(pane, tmp_path):
    desk = pane()
    desk.wait_for("0 open requests")
    screen = register_emergency(desk, "Core network down in Shanghai", "China Example", [])
    assert "Core network down" in screen
    with Store(tmp_path / "data") as store:
        [sr] = RequestRepository(store).matching(RequestFilter())
    assert (sr.criteria, sr.site, sr.product) == (("1",), "Shanghai", "msc-9000")
    assert f"! {sr.id}" in screen
    desk.wait_for("engine: this desk")  # it started once the board had painted
    desk.wait_for("1.1/3 → ")  # this desk's engine paged the first step of the chain
    desk.keys("q")
    desk.wait_for("These chains will stop being chased")  # it asks, naming the chain
    assert sr.id in desk.text()
    desk.keys("y")
    wait_for(lambda: not desk.alive(), timeout=30, what="the desk quit")


def register_emergency(desk: Pane, summary: str, customer: str, down: list[str]) -> str:
    """The new-request form filled by keyboard, each field echoed before the next key group;
    `down` moves the checklist's cursor to the criterion ticked. Returns the board after saving.

    Every text field and the checklist come before the lists: a list that closes hands its
    field the focus back a moment later, so after each list the test waits for the form's
    footer (the field focused again) before its next key, and no Tab follows the last list."""
    desk.keys("n")
    desk.wait_for("Emergency checklist")
    desk.enter_text(summary)  # the summary has the focus from the first key
    desk.tab(7, to_text_field=True)  # category, intake, level, site, product, severity → customer
    desk.enter_text(customer)
    desk.tab(5, to_text_field=False)  # vip, reporter, phone, email → the checklist
    desk.keys(*down, "Space")
    desk.wait_for("EMERGENCY")
    desk.keys(*["BTab"] * 8, "Enter")  # back to the site list, opened
    desk.wait_for("Tianjin")
    desk.choose("Shanghai", "L1 from br-shanghai")  # the preview follows the form
    desk.keys("Tab", "Enter")  # the product list
    desk.wait_for("ims-core — IMS Core")
    desk.choose("msc", "pl-core")  # the preview: the product's line is paged at step 3
    desk.wait_for("msc-9000 — MSC 9000")
    desk.keys("C-s")
    return desk.wait_for("1 emergency ·")


def paged(data: Path, sr_id: str) -> list[str]:
    """The people the chain's first step reached, as the store has it."""

    def first_step() -> list[str]:
        with Store(data) as store:
            record = CalloutRepository(store).get(sr_id)
        return list(record.steps[0].people) if record is not None and record.steps else []

    return wait_for(first_step, timeout=30, what=f"the chain of {sr_id} paged someone")


def body(screen: str) -> list[str]:
    return screen.splitlines()[2:]


def scroll_until(desk: Pane, wanted: str, pages: int = 12) -> str:
    """Page Down through a long screen until `wanted` shows (each page waited for)."""
    for _ in range(pages):
        screen = desk.text()
        if wanted in screen:
            return screen
        desk.keys("PageDown")
        # the header's clock ticks: the page has moved when the lines below it have
        desk.wait_until(lambda now, before=screen: body(now) != body(before), "the next page")
    return desk.wait_for(wanted, timeout=1)


def test_a_whole_night_in_a_real_terminal(pane, tmp_path):
    """An emergency from registration to closure, a drill acknowledged from the desk, and the
    handover naming the emergency, its Red Flag opened and closed, and the drill's reach rate."""
    data = tmp_path / "data"
    desk = pane()
    desk.wait_for("0 open requests")
    # registered by the phone desk beside it (the form itself: the test above); this desk
    # shows it within its two-second read
    registered = subprocess.run(
        [str(Path(sys.executable).with_name("dispatcher")), "sr", "new", "--data", str(data),
         "--roster", "contacts.yaml", "--summary", "Billing lost for the whole province",
         "--category", "fault_support", "--site", "Shanghai", "--product", "msc-9000",
         "--customer", "Bank of Example", "--criterion", "7", "--as", "phone-desk"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert registered.returncode == 0, registered.stderr
    desk.wait_for("1 emergency ·")
    with Store(data) as store:
        [sr] = RequestRepository(store).matching(RequestFilter())
    assert sr.is_emergency and sr.red_flag is not None

    desk.keys("Enter")  # the emergency, pinned on top
    desk.wait_for("Call-out progress")
    [person, *_] = paged(data, sr.id)
    desk.keys("a")
    desk.wait_for("Who confirmed by phone?")
    desk.type(person)
    desk.keys("Enter")
    desk.wait_for("Status: acknowledged")

    desk.keys("l")  # up a level: the desk names the new owner and asks first
    desk.wait_for(f"Raise {sr.id} from L1 to L2?")
    desk.keys("y")
    desk.wait_for("Level: L2")
    desk.wait_for("Owner/level: tac")

    desk.keys("w")
    desk.wait_for("Status: in progress")
    desk.keys("t")
    desk.wait_for("How was service restored?")
    desk.type("billing rerouted to the standby node")
    desk.keys("Enter")
    desk.wait_for("Status: restored")
    desk.keys("v")
    desk.wait_for("How was it resolved?")
    desk.type("lost records recovered from the mediation buffer")
    desk.keys("Enter")
    desk.wait_for("Status: resolved")
    desk.keys("c")
    desk.wait_for("Callback (回访)")
    desk.type("reached 5")
    desk.keys("Enter")
    desk.wait_for("Status: callback")
    desk.keys("x")
    desk.wait_for("CLOSED — read only")
    desk.keys("Escape")
    desk.wait_for("0 open requests")

    desk.keys("d")  # a drill of the chain, live, acknowledged from the desk
    desk.wait_for("dry run, nothing sent")
    desk.keys("s")
    desk.wait_for("LIVE?")
    desk.keys("y")
    desk.wait_for("DRILL RUNNING")
    with Store(data) as store:
        [drill] = DrillRepository(store).all()
    [drilled, *_] = paged(data, drill.sr)
    desk.keys("Escape")
    desk.wait_for(f"{drill.sr} D")
    desk.keys("Enter")
    desk.wait_for("Call-out progress")
    desk.keys("a")
    desk.wait_for("Who confirmed by phone?")
    desk.type(drilled)
    desk.keys("Enter")
    desk.wait_for("Status: acknowledged")
    desk.keys("Escape")
    desk.wait_gone("DRILL RUNNING")

    with Store(data) as store:
        report = drill_report(
            store, load_roster(ROOT / "contacts.yaml"), drill.sr, datetime.now(UTC)
        )
    assert report.state == "acknowledged" and report.acknowledgements
    assert (
        report.acknowledgements[0].person == drilled and report.acknowledgements[0].via == "phone"
    )

    desk.keys("h")
    screen = desk.wait_for("Requests touched in the shift")
    assert sr.id in screen
    screen = scroll_until(desk, "Red Flags opened or closed in the shift")
    flags = scroll_until(desk, f"│ {sr.id}")
    assert "closed" in flags
    screen = scroll_until(desk, "Drills run in the shift")
    screen = scroll_until(desk, drill.sr)
    assert f"{report.reach_rate:.0%}" in screen and "acknowledged" in screen
    desk.keys("Escape")
    desk.wait_for("0 open requests")
    desk.keys("q")


@pytest.mark.parametrize(
    ("keys", "shown"),
    [
        (["?"], "Everywhere"),  # the keys screen, not a search for "?"
        (["n", "x"], "▊  x "),  # the new-request form, "x" in its summary
    ],
)
def test_keys_typed_as_the_desk_opens_are_the_boards(pane, tmp_path, keys, shown):
    """Keys typed while the desk is still starting (the terminal holds them until it reads)
    are the board's keys: none lands in the search field hidden until `/`, which filtered
    the board down to nothing, emergencies included, with no sign why."""
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("dispatcher")),
            "sr",
            "new",
            "--data",
            str(tmp_path / "data"),
            "--roster",
            "contacts.yaml",
            "--summary",
            "Core network down",
            "--category",
            "fault_support",
            "--site",
            "Shanghai",
            "--product",
            "msc-9000",
            "--customer",
            "China Example",
            "--criterion",
            "1",
        ],
        cwd=ROOT,
        env={**os.environ, "DISPATCHER_AS": "csc-jiang-hong"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    desk = pane()
    desk.keys(*keys)  # at once, before the board has painted
    desk.wait_for(shown)
    desk.keys("Escape")
    if keys[0] == "n":  # the form asks before throwing "x" away
        desk.wait_for("Throw away this request?")
        desk.keys("y")
    screen = desk.wait_for("1 emergency ·")
    counts = next(line for line in screen.splitlines() if "1 emergency ·" in line)
    assert "shown" not in counts, counts  # not filtered
    assert "Core network down" in screen
