"""An override for tonight: someone takes over from now until a time of the morning, typed
in the covered person's own zone (the person taking over's, when nobody is covered): 08:00
for Shanghai staff is 08:00 in Shanghai, whatever zone the desk shows."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override, override_zone
from dispatcher.tui.context import DeskContext
from dispatcher.tui.labels import labels, name_of
from dispatcher.tui.plain import plain

MORNING = "08:00"


def until_local(now: datetime, hhmm: str, zone: tzinfo | None = None) -> datetime:
    """The next time a clock of `zone` (default: `now`'s) shows `hhmm` after `now` (tomorrow
    if already past)."""
    if zone is not None:
        now = now.astimezone(zone)
    wanted = time.fromisoformat(hhmm)
    end = now.replace(hour=wanted.hour, minute=wanted.minute, second=0, microsecond=0)
    return end if end > now else end + timedelta(days=1)


class OverrideScreen(ModalScreen[Override | None]):
    CSS_PATH = "dialog.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "dismiss_none",
            "Cancel",
            id="override.cancel",
            tooltip="Close without adding an override",
        ),
        Binding("ctrl+s", "save", "Save", id="override.save", tooltip="Add the override"),
    ]

    def __init__(self, desk: DeskContext, language: str) -> None:
        super().__init__()
        self.desk = desk
        self.language = language
        self.words = labels(language)

    def compose(self) -> ComposeResult:
        words, roster = self.words, self.desk.roster
        people = [(plain(f"{p.name} ({p.id})"), p.id) for p in roster.people.values()]
        units = [(plain(u), u) for u in [*roster.units, *roster.product_lines]]
        with Vertical(classes="dialog"):
            yield Label(words["override.title"], classes="danger")
            yield Label(words["override.person"])
            yield Select(people, id="person", prompt="—")
            yield Label(words["override.covers"])
            yield Select(people, id="covers", prompt="—")
            yield Label(words["override.unit"])
            yield Select(units, id="unit", prompt="—")
            yield Label(words["override.role"])
            yield Select(
                [(plain(name_of(r, self.language)), r.value) for r in Role], id="role", prompt="—"
            )
            yield Label(words["override.until"], id="until-label")
            yield Input(MORNING, id="until")
            yield Label(words["override.reason"])
            yield Input(id="reason")
            yield Static(id="override-error", classes="danger")

    def _value(self, selector: str) -> str | None:
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return None if widget.is_blank() else str(widget.value)
        assert isinstance(widget, Input)  # the form's fields are selects and inputs
        return widget.value.strip() or None

    def zone(self) -> tzinfo:
        """The window's zone (`override_zone`): the covered person's, else the person taking
        over's, else the CSC's."""
        people = self.desk.roster.people
        return override_zone(
            people, self._value("#person") or "", self._value("#covers"), self.desk.zone
        )

    @on(Select.Changed)
    def chosen(self) -> None:
        zone = self.zone()
        self.query_one("#until-label", Label).update(
            plain(self.words["override.until.zone"].format(zone=str(zone)))
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        person, covers = self._value("#person"), self._value("#covers")
        unit, role = self._value("#unit"), self._value("#role")
        error = self.query_one("#override-error", Static)
        if person is None or (covers is None and (unit is None or role is None)):
            error.update(plain(f"{self.words['override.person']}; {self.words['override.covers']}"))
            return
        now = self.desk.local(self.desk.now())
        try:
            end = until_local(now, self._value("#until") or MORNING, self.zone())
        except ValueError:
            error.update(plain(f"{self.words['override.until']}: {self._value('#until')}"))
            return
        self.dismiss(
            Override(
                id="",
                person=person,
                start=now,
                end=end,
                covers=covers,
                unit=unit,
                role=Role(role) if role else None,
                reason=self._value("#reason") or "",
                created_by=self.desk.actor,
            )
        )

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
