"""Text from outside stays text on the desk (promise 6): a request whose every field holds
terminal control sequences (old data, an import of before, a reply by SMS) is shown escaped,
in the Pilot and in a real terminal under tmux; the desk's forms refuse such text."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input

from dispatcher.domain.request_parts import Category, Customer, Reporter
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.text import UnsafeText
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.testing.hostile import HOSTILE
from dispatcher.testing.waiting import pilot_wait_for, wait_for
from dispatcher.tui.data.operations import Operations
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.screens.handover import HandoverScreen
from dispatcher.tui.screens.new_request import NewRequestScreen

from .conftest import NOW
from .tmux_pane import TMUX, Pane

EVERY = " ".join(HOSTILE.values())
# Sequences of the corpus that would act if they reached the terminal whole; Textual's own
# output (cursor moves, colours) never holds them.
ACTING = [
    "\x1b]0;PWNED",
    "\x1b]52;",
    "\x1b[2J",
    "\x1b[31mPWNED",
    "\x9b",
    "\x9d",
    "\u202e",
    "\u2067",
    "\x00",
    "\x7f",
    "\rPWNED",
]


def plant(store: Store) -> str:
    received = NOW - timedelta(minutes=10)

    def build(sr_id: str) -> ServiceRequest:
        return ServiceRequest(
            sr_id,
            received,
            Category.FAULT_SUPPORT,
            EVERY,
            description=EVERY,
            reporter=Reporter(EVERY),
            customer=Customer(EVERY),
            site=EVERY,
            product=EVERY,
        )

    repository = RequestRepository(store)
    sr, _ = repository.register(
        received, build, received, EVERY, EVERY, zone=ZoneInfo("Asia/Shanghai")
    )
    repository.change(sr.id, lambda r: r.note(received, EVERY, EVERY, EVERY))
    return sr.id


def frame(app) -> str:
    """What the desk would write to the terminal for the whole screen now."""
    update = app.screen._compositor.render_update(full=True)
    return update.render_segments(app.console)


def assert_nothing_acts(raw: str) -> None:
    acting = [s for s in ACTING if s in raw]
    assert not acting, f"reached the terminal whole: {acting}"


async def test_the_board_the_detail_and_the_handover_show_it_escaped(make_app, store, settle):
    plant(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        board = frame(app)
        assert_nothing_acts(board)
        assert "PWNED" in board and "\\u001b" in board

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        detail = frame(app)
        assert_nothing_acts(detail)
        assert "\\u001b]52;c;" in detail  # shown as text

        await pilot.press("escape", "h")
        await pilot_wait_for(
            pilot, lambda: isinstance(app.screen, HandoverScreen), what="the handover open"
        )
        await settle(pilot)
        assert_nothing_acts(frame(app))


async def test_a_control_character_pasted_into_a_form_is_refused_and_shown_escaped(
    make_app, store, settle
):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewRequestScreen)
        summary = app.screen.query_one("#summary", Input)
        summary.value = HOSTILE["OSC 52 clipboard, BEL"]
        await settle(pilot)
        assert summary.value == "\\u001b]52;c;UFdORUQgcm0gLXJmIH4=\\u0007PWNED"
        toasts = [n.message for n in app._notifications]
        assert any(t.startswith("summary: control character ESC") for t in toasts), toasts
        assert_nothing_acts(frame(app))
    assert RequestRepository(store).matching() == []  # nothing saved by itself


@pytest.mark.parametrize(("name", "text"), list(HOSTILE.items()), ids=list(HOSTILE))
def test_the_desk_s_forms_refuse_it_naming_the_field(desk, store, name, text):
    operations = Operations(desk)
    sr_id = plant(store)
    with pytest.raises(UnsafeText, match=r"^note: "):
        operations.note(sr_id, text)
    with pytest.raises(UnsafeText, match=r"^summary: "):
        operations.register(
            lambda new_id: ServiceRequest(new_id, NOW, Category.CONSULTATION, text), NOW, False
        )
    with pytest.raises(UnsafeText, match=r"^by: "):
        operations.acknowledge(sr_id, text)
    assert len(RequestRepository(store).matching()) == 1


@pytest.mark.slow
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)")
def test_in_a_real_terminal_no_sequence_from_the_data_reaches_it(tmp_path):
    root = Path(__file__).resolve().parents[2]
    with Store(tmp_path / "data") as store:
        plant(store)
    raw = tmp_path / "pane.raw"
    dispatcher = Path(sys.executable).with_name("dispatcher")
    command = [
        "env", "-u", "COLUMNS", "-u", "LINES", str(dispatcher), "desk",
        "--roster", "contacts.yaml", "--data", str(tmp_path / "data"),
        "--lang", "en", "--as", "csc-jiang-hong",
    ]  # fmt: skip
    desk = Pane(command, root)
    try:
        # everything the desk writes to its terminal, byte for byte
        subprocess.run(
            [*desk.tmux, "pipe-pane", "-o", "-t", desk.name, f"cat >> {raw}"], check=True
        )
        desk.wait_for("PWNED")
        desk.keys("Enter")
        desk.wait_for("\\u001b]52;c;")  # the detail, with the sequence shown as text
        desk.keys("Escape")
        desk.wait_for("1 open request ")  # the board again (an ESC then h at once is Alt+h)
        desk.keys("h")
        desk.wait_for("Shift handover")
        wait_for(
            lambda: "u001b]0;PWNED" in raw.read_text(errors="replace"),
            timeout=30,
            what="the handover written to the terminal",
        )
        title = subprocess.run(
            [*desk.tmux, "display-message", "-p", "-t", desk.name, "#{pane_title}"],
            capture_output=True,
            text=True,
        ).stdout
        assert "PWNED" not in title
        written = raw.read_bytes().decode("utf-8", errors="replace")
        assert "u001b]0;PWNED" in written  # it was drawn, escaped
        assert_nothing_acts(written)
    finally:
        desk.kill()
