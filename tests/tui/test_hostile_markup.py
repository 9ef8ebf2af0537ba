"""Square brackets in data are text on every screen of the desk (promise 6).

A summary "Billing [/] down", an override's reason, a note, a paged engineer's reply
"OK [/] 10 min", a roster's names: Textual reads a `str` handed to most widgets as content
markup, where "[/]" raises `MarkupError` (the desk, and the engine it runs, stop), "[b]" turns
bold and "[@click=app.quit]" is a live action. Here every field a screen shows holds such
text; every screen is opened; the text must show as typed and nothing may read it as markup
(Textual's and Rich's markup parsers are watched for it)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Input, RichLog, Static

from dispatcher.domain.requests import (
    CallbackOutcome,
    Category,
    Customer,
    Reporter,
    ServiceRequest,
    Severity,
)
from dispatcher.domain.rotation import Override
from dispatcher.engine.clock import ManualClock
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.logfile import log_path
from dispatcher.plugins.contract import Reply
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.app import DeskApp
from dispatcher.tui.context import DeskContext
from dispatcher.tui.screens.callbacks import CallbackQueueScreen
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.screens.drill import DrillScreen
from dispatcher.tui.screens.handover import HandoverScreen
from dispatcher.tui.screens.history import HistoryScreen
from dispatcher.tui.screens.log import LogScreen
from dispatcher.tui.screens.oncall import OnCallScreen
from dispatcher.tui.screens.outbox import OutboxScreen
from dispatcher.tui.screens.reports import ReportsScreen
from dispatcher.tui.widgets.virtual_table import VirtualTable

from .conftest import NOW, ROOT

# Every form Textual's markup takes: a bare close, a style, an action, a link.
MARK = "[/][b][@click=app.quit][link=x]"


def hostile(field: str) -> str:
    return f"{field}{MARK}"


@pytest.fixture
def markup_read(monkeypatch):
    """Every text a markup parser was handed that holds `MARK`'s action: data read as markup."""
    read: list[str] = []
    text_from_markup = Text.from_markup.__func__  # type: ignore[attr-defined]
    content_from_markup = Content.from_markup.__func__  # type: ignore[attr-defined]

    def watch_text(cls, text, *args, **kwargs):
        if "@click=app.quit" in str(text):
            read.append(str(text))
        return text_from_markup(cls, text, *args, **kwargs)

    def watch_content(cls, markup, **variables):
        if "@click=app.quit" in str(markup):
            read.append(str(markup))
        return content_from_markup(cls, markup, **variables)

    monkeypatch.setattr(Text, "from_markup", classmethod(watch_text))
    monkeypatch.setattr(Content, "from_markup", classmethod(watch_content))
    return read


@pytest.fixture
def hostile_roster(tmp_path):
    """The sample roster with every unit's, person's, product line's and chain's name hostile."""
    text = (ROOT / "contacts.yaml").read_text(encoding="utf-8")
    text = re.sub(
        r"^(\s+)name: (.+?)\s*$",
        lambda m: f'{m.group(1)}name: "{m.group(2)}{MARK}"',
        text,
        flags=re.M,
    )
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    return load_roster(path)


@pytest.fixture
async def planted(store, hostile_roster):
    """A paged emergency with every text field hostile, a note, a reply that acknowledged it,
    a resolved request waiting for its callback, an override and a log line."""
    received = NOW - timedelta(minutes=10)
    requests = RequestRepository(store)

    def build(summary: str, category=Category.FAULT_SUPPORT, severity=Severity.CRITICAL):
        def made(sr_id: str) -> ServiceRequest:
            return ServiceRequest(
                sr_id,
                received,
                category,
                summary,
                description=hostile("description"),
                severity=severity,
                reporter=Reporter(hostile("reporter")),
                customer=Customer(hostile("customer")),
                site=hostile("site"),
                product="msc-9000",
                criteria=("1",),
            )

        return made

    zone = ZoneInfo("Asia/Shanghai")
    sr, _ = requests.register(
        received, build(hostile("summary")), received, "desk", "phone", zone=zone
    )
    requests.change(sr.id, lambda r: r.note(received, "desk", hostile("note"), "phone"))
    CalloutControl(store, hostile_roster).start(sr.id, received, "desk")
    clock = ManualClock(NOW)
    engine = Engine(store, hostile_roster, PluginManager(store=store), clock)
    await engine.run_once()
    [paged, *_] = OutboxRepository(store).for_sr(sr.id)
    code = OutboxRepository(store).codes_for(sr.id)[paged.person]
    # words with no code first (shown to the desk), then the code that acknowledges
    engine.outcomes.reply(Reply(paged.channel, None, paged.address, f"OK {MARK} 10 min", "r0"), NOW)
    engine.outcomes.reply(Reply(paged.channel, code, paged.address, f"{code} {MARK}", "r1"), NOW)
    await engine.aclose()

    other, _ = requests.register(
        received,
        build(hostile("resolved"), Category.CONSULTATION, Severity.MINOR),
        received,
        "desk",
        "phone",
        zone=zone,
    )
    requests.change(other.id, lambda r: r.resolve(received + timedelta(minutes=1), "desk"))
    done, _ = requests.register(
        received,
        build(hostile("closed"), Category.CONSULTATION),
        received,
        "desk",
        "phone",
        zone=zone,
    )
    requests.change(done.id, lambda r: r.resolve(received, "desk"))
    requests.change(
        done.id, lambda r: r.record_callback(received, "desk", CallbackOutcome.REACHED, 4)
    )
    requests.change(done.id, lambda r: r.close(received, "desk"))

    OverrideRepository(store).add(
        Override(
            id="",
            person="sh-emily-chen",
            start=NOW - timedelta(hours=1),
            end=NOW + timedelta(hours=8),
            covers="sh-li-na",
            reason=hostile("reason"),
            created_by="desk",
        )
    )
    log = log_path(store.data_dir)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"2026-11-24 18:29:00 INFO reply on sms: {hostile('log')}\n", encoding="utf-8")
    return sr


def shown(screen) -> str:
    """Every text the screen's widgets hold, as a reader would see it (cells, lines, log)."""
    parts: list[str] = []
    for table in screen.query(DataTable):
        for row in range(table.row_count):
            parts += [getattr(cell, "plain", str(cell)) for cell in table.get_row_at(row)]
    for virtual in screen.query(VirtualTable):
        for row in virtual.rows:
            cells, _ = virtual.render_row(row)
            parts += [getattr(cell, "plain", str(cell)) for cell in cells]
    for static in screen.query(Static):
        parts.append(str(static.render()))
    for log in screen.query(RichLog):
        parts += [line.text for line in log.lines]
    return "\n".join(parts)


def assert_shown(name: str, text: str, fields: list[str]) -> None:
    for field in fields:
        found = re.search(re.escape(field) + r"[^\n]*?" + re.escape(MARK), text)
        assert found, f"{name}: {field}…{MARK} not shown as typed in:\n{text[-4000:]}"


SCREENS = {
    "board": None,
    "detail": lambda app, sr: DetailScreen(app.desk, "en", sr),
    "on call": lambda app, sr: OnCallScreen(app.desk, "en"),
    "outbox": lambda app, sr: OutboxScreen(app.desk, "en"),
    "callbacks": lambda app, sr: CallbackQueueScreen(app.desk, "en"),
    "handover": lambda app, sr: HandoverScreen(app.desk, "en"),
    "reports": lambda app, sr: ReportsScreen(app.desk, "en"),
    "drills": lambda app, sr: DrillScreen(app.desk, "en"),
    "history": lambda app, sr: HistoryScreen(app.desk, "en", "closed"),
    "log": lambda app, sr: LogScreen(app.desk, "en"),
}

# What each screen shows of the planted data, as typed.
EXPECTED = {
    "board": ["summary", "customer", "site"],
    "detail": ["summary", "customer", "site", "reporter", "description", "note", "OK "],
    "on call": ["reason", "Li Na", "Emily Chen"],
    "outbox": ["Yang Fan", "He Ping"],
    "callbacks": ["resolved", "customer"],
    "handover": [],  # Markdown: never content markup
    "reports": [],
    "drills": ["Core Network"],
    "history": ["closed", "customer"],
    "log": ["log"],
}


@pytest.mark.parametrize("name", list(SCREENS))
async def test_every_screen_shows_markup_in_data_as_typed(
    store, hostile_roster, planted, markup_read, settle, name
):
    desk = DeskContext(store, hostile_roster, "night-desk", clock=ManualClock(NOW))
    app = DeskApp(desk, "en")
    app.NOTIFICATION_TIMEOUT = 3600
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        make = SCREENS[name]
        if make is not None:
            app.push_screen(make(app, planted.id))
            await settle(pilot)
            if name == "history":  # a search runs when typed
                await pilot.press("enter")
                await settle(pilot)
            if name == "drills":  # the first scenario's dry run
                await pilot.press("enter")
                await settle(pilot)
        assert_shown(name, shown(app.screen), EXPECTED[name])
        if name == "outbox":  # a page's texts, opened from its row
            await pilot.press("enter")
            await settle(pilot)
            assert_shown("page", shown(app.screen), ["Yang Fan", "summary"])
        app.notify(hostile("toast"))  # a toast quotes data too
        await settle(pilot)
        assert app.is_running
    assert markup_read == [], f"{name}: data read as markup: {markup_read[:3]}"


async def test_the_override_form_lists_roster_names_as_typed(
    store, hostile_roster, markup_read, settle
):
    desk = DeskContext(store, hostile_roster, "night-desk", clock=ManualClock(NOW))
    app = DeskApp(desk, "en")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(OnCallScreen(desk, "en"))
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter")  # the person list opens, every name drawn
        await settle(pilot)
        app.screen.query_one("#until", Input).value = hostile("until")
        assert app.is_running
    assert markup_read == []
