"""The desk application: the screens, the app-wide keys, and the header's status."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.widgets import Input

from dispatcher.domain.text import UnsafeText, check, escape_line, first_unsafe
from dispatcher.engine.thread import EngineThread
from dispatcher.i18n.shapes import said
from dispatcher.preferences import Preferences, PreferencesError
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.journal import reason
from dispatcher.tui import collector
from dispatcher.tui.commands import bindings_for, localize
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.status import (
    CHECK_SECONDS,
    ChannelHealth,
    DeskStatus,
    channel_health,
    drill_running,
    on_shift,
    overdue,
)
from dispatcher.tui.labels import labels
from dispatcher.tui.palette import DeskCommands
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.confirm_quit import ConfirmQuitScreen
from dispatcher.tui.screens.desk_screen import DeskScreen, KeepsTyping
from dispatcher.tui.screens.later import later
from dispatcher.tui.widgets.desk_header import DeskHeader
from dispatcher.tui.worker_results import WorkerResults

STATUS_SECONDS = 5.0
HEALTH_SECONDS = 300.0
HEALTH_BOUND = CHECK_SECONDS + 3.0  # loading the plugins, then the slowest check
NIGHT_THEMES = ("textual-dark", "nord", "gruvbox", "tokyo-night")


class DeskApp(WorkerResults, App):
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {DeskCommands}

    def __init__(
        self,
        desk: DeskContext,
        language: str = "en",
        engine: EngineThread | None = None,
        preferences_path: Path | None = None,
    ) -> None:
        """`preferences_path`: where the language and theme are remembered (None: nowhere)."""
        super().__init__()
        localize(self, language)
        self.desk = desk
        self.engine = engine  # run here when no other process holds the lease
        self.language = language
        self.status = DeskStatus()
        self.title = labels(language)["title"]
        self.preferences_path = preferences_path
        self.preferences_problem = ""
        self.started_work = False  # the engine and channel checks (see `start_work`)
        try:
            saved = Preferences.read(preferences_path) if preferences_path else Preferences()
        except PreferencesError as error:
            saved, self.preferences_problem = Preferences(), str(error)
        self.preferences = saved.changed(language=language)
        self.theme = saved.theme if saved.theme in self.available_themes else NIGHT_THEMES[0]

    def notify(self, message: str, *args, **kwargs) -> None:
        """Every toast, as text: its message often quotes data (an id, a provider's error).
        A refusal the domain, the store or the lifecycle composed in English is said in the
        desk's language (`dispatcher.i18n.shapes`)."""
        kwargs["markup"] = False
        super().notify(escape_line(said(str(message), self.language)), *args, **kwargs)

    def on_input_changed(self, event: Input.Changed) -> None:
        """A control character typed or pasted into any field is refused: shown escaped in
        the field (never sent raw to the terminal) and named in a toast."""
        if first_unsafe(event.value) is None:
            return
        try:
            check(event.value, event.input.id or "field")
        except UnsafeText as refused:
            self.notify(str(refused), severity="error")
        event.input.value = escape_line(event.value)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, lambda theme: self.remember(theme=theme.name))
        if self.preferences_problem:
            self.notify(self.preferences_problem, severity="warning")
        self.push_screen(BoardScreen(self.desk, self.language))
        # The engine (its plugins, then a look at every open request) and the channel checks
        # start once the board has painted its rows, or after STATUS_SECONDS if it has not:
        # at launch they would share the one interpreter with the board's first read. A
        # takeover of the engine waits as long (the status is read every STATUS_SECONDS).
        self.set_timer(STATUS_SECONDS, self.start_work)
        self.set_interval(STATUS_SECONDS, self.read_status)
        self.set_interval(HEALTH_SECONDS, self.check_channels)

    def on_board_screen_shown(self, _: BoardScreen.Shown) -> None:
        self.start_work()

    def start_work(self) -> None:
        """Once: the first status read (which starts this desk's engine when no other process
        runs one) and the first channel checks."""
        if not self.started_work:
            self.started_work = True
            collector.resume()  # launch is over: see `dispatcher.tui.collector`
            self.read_status()
            self.check_channels()

    # -- status for every screen's header ------------------------------------------------------

    @property
    def runs_engine(self) -> bool:
        return self.engine is not None and self.engine.running

    @work(thread=True, exclusive=True, group="status")
    def read_status(self) -> None:
        """The header's status; a desk that can run the engine takes it over as soon as
        nobody holds it (its holder quit or died), so the timers never wait for a restart."""
        desk, words = self.desk, labels(self.language)
        running = self.runs_engine
        holder = None if running else desk.lease().holder()  # one probe a read
        if running:
            engine = words["engine.here"]
        elif holder is None and self.engine is not None:
            self.from_worker(self.take_engine, self.engine)
            engine = words["engine.starting"]  # the header never waits for the engine
        else:
            engine = holder.describe(desk.zone, self.language) if holder else words["engine.none"]
        self.from_worker(
            self.show_status,
            shift=tuple(on_shift(desk.roster, desk.now(), self.language)),
            engine=engine,
            drill=drill_running(desk.store),
            damage=said(desk.store.damage_warning() or "", self.language),
        )

    @work(thread=True, group="engine")
    def take_engine(self, engine: EngineThread) -> None:
        """Start this desk's engine (it loads the plugins first), then say so in the header.
        `EngineThread.start` serialises concurrent starts; False when another process won."""
        engine.start()
        self.from_worker(self.read_status)

    @work(thread=True, exclusive=True, group="health")
    def check_channels(self) -> None:
        """Each channel's health as its check ends; a check that never ends still shows,
        as not answering, once its bound has passed (see `health_overdue`)."""
        self.from_worker(self.set_timer, HEALTH_BOUND, self.health_overdue)

        def heard(found: tuple[ChannelHealth, ...]) -> None:
            self.from_worker(self.show_status, channels=found)

        channel_health(self.desk.store, progress=heard)

    def health_overdue(self) -> None:
        channels = self.status.channels
        if channels is None or any(h.ok is None for h in channels):
            self.show_status(channels=overdue(channels, HEALTH_BOUND))

    def still_shown(self) -> bool:
        """The desk's own workers hand back their results until it begins to quit."""
        return self.is_running

    def show_status(self, **changes: Any) -> None:
        """The header's status with `changes` (`DeskStatus` fields), made here on the UI thread
        from the status as it stands: a status read and a channel check each change their own
        fields, and neither puts back what the other had found while it ran."""
        status = self.status = replace(self.status, **changes)  # a mounting header reads it
        for screen in self.screen_stack:
            for header in screen.query(DeskHeader):
                if header.is_mounted:
                    header.show(status)

    # -- app-wide actions --------------------------------------------------------------------

    def action_show_keys(self) -> None:
        self.push_screen(later("keys")(self.language, getattr(self.screen, "SCOPE", "board")))

    def action_next_theme(self) -> None:
        current = NIGHT_THEMES.index(self.theme) if self.theme in NIGHT_THEMES else -1
        self.theme = NIGHT_THEMES[(current + 1) % len(NIGHT_THEMES)]

    def action_switch_language(self) -> None:
        """Every screen again in the other language, the dispatcher staying where they are
        (a dialog open is closed). A form changed since it opened is not rebuilt: the desk
        first asks to save it (then switches) or to keep typing (Escape cancels the form)."""
        typing = [s for s in self.screen_stack if isinstance(s, KeepsTyping) and s.typed()]
        if typing and typing[-1].saving:  # nothing to ask: the switch follows the save
            typing[-1].save_then_switch()
            return
        if typing:
            self.ask_to_save_first(typing[-1])
            return
        self.language = "en" if self.language == "zh" else "zh"
        localize(self, self.language)
        self.title = labels(self.language)["title"]
        stack = [s for s in self.screen_stack[1:] if isinstance(s, DeskScreen)]
        while len(self.screen_stack) > 2:
            self.pop_screen()
        remade = [s.in_language(self.language) for s in stack]
        self.switch_screen(remade[0] if remade else BoardScreen(self.desk, self.language))
        for screen in remade[1:]:
            self.push_screen(screen)
        self.read_status()
        self.remember(language=self.language)

    def ask_to_save_first(self, form: KeepsTyping) -> None:
        """ctrl+l on a half-typed form: "save, then switch" or "keep typing" (README)."""
        words = labels(self.language)

        def answered(save: bool | None) -> None:
            if save and form in self.screen_stack:
                form.save_then_switch()

        if self.screen is not form:  # a dialog over the form: the question replaces it
            self.pop_screen()
        self.push_screen(
            ConfirmScreen(
                words["language.ask.title"],
                words["language.ask.body"],
                [],
                words["language.ask.yes"],
                words["language.ask.no"],
                danger=False,
            ),
            answered,
        )

    def remember(self, **changes: str) -> None:
        """Keep a changed language or theme for the next run (see `dispatcher.preferences`)."""
        wanted = self.preferences.changed(**changes)
        if wanted != self.preferences and self.preferences_path is not None:
            self.preferences = wanted
            self.save_preferences(wanted)

    @work(thread=True, exclusive=True, group="preferences")
    def save_preferences(self, preferences: Preferences) -> None:
        try:
            preferences.write(self.preferences_path)
        except OSError as error:
            problem = f"{self.preferences_path}: cannot be saved: {reason(error)}"
            self.call_from_thread(self.notify, problem, severity="warning")

    def action_quit_desk(self) -> None:
        """Quit; while this desk runs the engine and chains run, ask first, naming them."""
        if not self.runs_engine:
            self.exit()
            return
        self.list_running_chains()

    @work(thread=True, exclusive=True, group="quit")
    def list_running_chains(self) -> None:
        running = [
            f"{c.sr}  {c.run.chain}  {c.position_label()}"
            for c in CalloutRepository(self.desk.store).running()
        ]
        self.from_worker(self.confirm_quit, running)

    def confirm_quit(self, running: list[str]) -> None:
        if not running:
            self.exit()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(ConfirmQuitScreen(self.language, running), answered)
