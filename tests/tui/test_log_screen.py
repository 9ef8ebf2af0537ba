"""The desk's log screen: the end of the log file, new lines as the engine writes them."""

from dispatcher.logfile import log_path
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.log import LogScreen


def shown(app) -> list[str]:
    return [strip.text for strip in app.screen.query_one("#log").lines]


async def wait_for_text(pilot, app, text):
    await pilot_wait_for(
        pilot,
        lambda: any(text in line for line in shown(app)),
        what=f"{text!r} shown",
        describe=lambda: f"shown: {shown(app)}",
    )


async def test_l_shows_the_log_and_what_is_written_next(make_app, settle, desk):
    path = log_path(desk.store.data_dir)
    path.parent.mkdir(parents=True)
    path.write_text(
        "2026-11-24T18:26:00Z INFO 7 dispatcher.engine.outcomes: SR-1 page_sent: sms to chen\n"
        "2026-11-24T18:27:00Z INFO 7 dispatcher.engine.outcomes: SR-1 reply \x1b[2J from +1\n",
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen) and app.screen.title == "Log"
        await wait_for_text(pilot, app, "SR-1 page_sent: sms to chen")
        assert any("SR-1 reply \\u001b[2J from +1" in line for line in shown(app))
        assert not any("\x1b" in line for line in shown(app))

        with path.open("a", encoding="utf-8") as log:
            log.write("2026-11-24T18:29:00Z INFO 7 dispatcher.plugins.manager: SR-1 acknowledged\n")
        await wait_for_text(pilot, app, "SR-1 acknowledged")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_without_a_log_it_says_so_in_chinese(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert app.screen.title == "日志"
        await wait_for_text(pilot, app, "尚无日志")
        assert "返回" in {b.binding.description for b in app.active_bindings.values()}
