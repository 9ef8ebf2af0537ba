"""On call (`o`): who holds each role now (with their phone and local time) and who takes
over at the handover time; every reachability gap of the coming days in red; the overrides
not yet ended, one added (`v`) or ended now (`e`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label, Static

from dispatcher.domain.rotation import Override
from dispatcher.errors import DispatcherError
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.oncall import OnCallView, read_on_call
from dispatcher.tui.data.operations import Operations
from dispatcher.tui.labels import name_of
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.screens.override import OverrideScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader


class OnCallScreen(DeskScreen):
    CSS_PATH = "oncall.tcss"
    SCOPE = "oncall"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, desk: DeskContext, language: str) -> None:
        super().__init__(desk, language)
        self.overrides: dict[str, Override] = {}

    def compose(self) -> ComposeResult:
        words = self.words
        yield DeskHeader(self.desk, words)
        yield Label(words["oncall.title"], classes="section")
        table: DataTable[str | Text] = DataTable(id="duties", cursor_type="row")
        table.add_columns(words["unit"], words["role"], words["now"], words["until"], words["next"])
        yield table
        yield Label(words["overrides"], classes="section")
        overrides: DataTable[str | Text] = DataTable(id="overrides", cursor_type="row")
        overrides.add_columns(
            "#", words["person"], words["covers"], words["from"], words["until"], words["reason"],
        )  # fmt: skip
        yield overrides
        yield Label(words["gaps"], classes="section")
        yield Static(id="gaps")
        yield Label(
            plain(words["unconfirmed"].format(days=self.desk.confirm_days)),
            classes="section",
            id="unconfirmed-title",
        )
        unconfirmed: DataTable[str] = DataTable(id="unconfirmed", cursor_type="row")
        unconfirmed.add_columns(words["person"], words["contact"], words["last_confirmed"])
        yield unconfirmed
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#duties", DataTable).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="oncall-read")
    def reload(self) -> None:
        self.from_worker(self.show, read_on_call(self.desk))

    def _names(self, view: OnCallView, ids: tuple[str, ...], now: bool = True) -> Text:
        """Names with their phone; those on call now with their own local time too."""
        text = Text()
        for number, person_id in enumerate(ids):
            person = view.people.get(person_id)
            if number:
                text.append(", ")
            if person is None:
                text.append(plain(person_id))
                continue
            name = person.name_zh if self.language == "zh" and person.name_zh else person.name
            text.append(plain(name))
            phone = view.phone(person_id)
            text.append(f" {phone}" if phone else f" ({self.words['no_phone']})",
                        style="" if phone else "bold red")  # fmt: skip
            if now:
                local = view.at.astimezone(ZoneInfo(person.timezone))
                text.append(f" {local:%H:%M}", style="dim")
        return text or Text(self.words["nobody"], style="bold red")

    def show(self, view: OnCallView) -> None:
        table = self.query_one("#duties", DataTable)
        table.clear()
        for duty in view.duties:
            following = duty.next
            table.add_row(
                plain(duty.unit),
                plain(name_of(duty.role, self.language)),
                self._names(view, duty.now.people),
                plain(f"{self.desk.local(duty.now.end):%m-%d %H:%M}"),
                self._next(view, following) if following else plain("—"),
            )
        self._show_overrides(view)
        gaps = Text()
        for gap in view.gaps:
            gaps.append_text(
                plain(
                    f"{gap.unit} {name_of(gap.role, self.language)}: "
                    f"{self.desk.local(gap.start):%m-%d %H:%M} → "
                    f"{self.desk.local(gap.end):%m-%d %H:%M}  {gap.reason}"
                    + (f" ({gap.dst_zone})" if gap.dst_zone else ""),
                    style="bold red",
                )
            )
            gaps.append("\n")
        self.query_one("#gaps", Static).update(gaps or Text(self.words["no_gaps"], style="green"))
        unconfirmed = self.query_one("#unconfirmed", DataTable)
        unconfirmed.clear()
        for row in view.unconfirmed:
            last = (
                plain(f"{self.desk.local(row.last_confirmed):%Y-%m-%d %H:%M} ({row.via})")
                if row.last_confirmed
                else Text(self.words["never"], style="yellow")
            )
            unconfirmed.add_row(
                plain(row.name), plain(f"{name_of(row.kind, self.language)} {row.address}"), last
            )

    def _next(self, view: OnCallView, following) -> Text:
        """Who takes over, from the handover time (the desk's clock)."""
        text = Text(f"{self.desk.local(following.start):%m-%d %H:%M} ", style="dim")
        return text + self._names(view, following.people, now=False)

    def _show_overrides(self, view: OnCallView) -> None:
        table = self.query_one("#overrides", DataTable)
        table.clear()
        self.overrides = {o.id: o for o in view.overrides}
        for o in view.overrides:
            scope = o.covers or ""
            if o.unit or o.role:
                scope += f" [{o.unit or ''} {name_of(o.role, self.language) if o.role else ''}]"
            table.add_row(
                plain(o.id),
                self._names(view, (o.person,), now=False),
                plain(scope.strip() or "—"),
                plain(f"{self.desk.local(o.start):%m-%d %H:%M}"),
                plain(f"{self.desk.local(o.end):%m-%d %H:%M}"),
                plain(o.reason),
                key=o.id,
            )

    def action_end_override(self) -> None:
        table = self.query_one("#overrides", DataTable)
        if not table.row_count:
            self.notify(self.words["no_overrides"], severity="warning")
            return
        override_id = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        self.end_override(str(override_id))

    @work(thread=True, group="oncall-write")
    def end_override(self, override_id: str) -> None:
        try:
            ended = OverrideRepository(self.desk.store).end(override_id, self.desk.now())
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.notify, f"{ended.id}: {self.words['override.end']}")
        self.reload()

    def action_add_override(self) -> None:
        def chosen(override: Override | None) -> None:
            if override is not None:
                self.save_override(override)

        self.app.push_screen(OverrideScreen(self.desk, self.language), chosen)

    @work(thread=True, group="oncall-write")
    def save_override(self, override: Override) -> None:
        try:
            stored = Operations(self.desk).add_override(override)
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.notify, f"{stored.id}: {self.words['override.added']}")
        self.reload()
