"""The desk's log screen: the end of the log file, new lines as the engine writes them."""

from pathlib import Path

from dispatcher.logfile import log_path
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.log import LogScreen
from dispatcher.tui.widgets.desk_header import DeskHeader


def shown(app) -> str:
    """The log's text: its rows joined, so a line wrapped over several rows reads whole."""
    return "".join(strip.text for strip in app.screen.query_one("#log").lines)


def write_log(desk, text: str) -> Path:
    """The desk's log file holding `text`; its path."""
    path = log_path(desk.store.data_dir)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


async def open_log(pilot, settle) -> None:
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)


async def wait_for_text(pilot, app, text):
    await pilot_wait_for(
        pilot,
        lambda: text in shown(app),
        what=f"{text!r} shown",
        describe=lambda: f"shown: {shown(app)}",
    )


async def test_l_shows_the_log_and_what_is_written_next(make_app, settle, desk):
    path = write_log(
        desk,
        "2026-11-24T18:26:00Z INFO 7 dispatcher.engine.outcomes: SR-1 page_sent: sms to chen\n"
        "2026-11-24T18:27:00Z INFO 7 dispatcher.engine.outcomes: SR-1 reply \x1b[2J from +1\n",
    )
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_log(pilot, settle)
        assert isinstance(app.screen, LogScreen) and app.screen.title == "Log"
        await wait_for_text(pilot, app, "SR-1 page_sent: sms to chen")
        assert "SR-1 reply \\u001b[2J from +1" in shown(app)
        assert "\x1b" not in shown(app)

        with path.open("a", encoding="utf-8") as log:
            log.write("2026-11-24T18:29:00Z INFO 7 dispatcher.plugins.manager: SR-1 acknowledged\n")
        await wait_for_text(pilot, app, "SR-1 acknowledged")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_without_a_log_it_says_so_in_chinese(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_log(pilot, settle)
        assert app.screen.title == "日志"
        await wait_for_text(pilot, app, "尚无日志")
        assert "返回" in {b.binding.description for b in app.active_bindings.values()}


async def test_at_80_columns_the_log_has_the_desk_header_and_long_lines_wrap(
    make_app, settle, desk
):
    tail_words = "delivery reported by the provider at the end of a long line"
    write_log(
        desk,
        f"2026-11-24T18:26:00Z WARNING 7 dispatcher.engine.outcomes: SR-1 page_failed: {tail_words}\n",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot, settle)
        await wait_for_text(pilot, app, "SR-1 page_failed")
        assert app.screen.query(DeskHeader)  # the clock, the shift, the engine, the channels
        assert tail_words in shown(app)  # wrapped, not cut at column 80
