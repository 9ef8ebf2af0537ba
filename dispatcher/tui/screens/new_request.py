"""New request (`n`): every field of an SR, the emergency checklist, and a live preview of the
routing and of whom the chain will call. Keyboard first: Tab moves, space ticks, ctrl+s saves.
The summary has the focus from the first key (nothing typed right after `n` is lost); Escape
asks before throwing away what was typed; an emergency needs its site, customer and product.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from enum import Enum

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static
from textual.worker import get_current_worker

from dispatcher.domain.emergency import criteria_for
from dispatcher.domain.request_parts import (
    Category,
    Customer,
    IntakeChannel,
    Level,
    Owner,
    Reporter,
    Severity,
    VipKind,
)
from dispatcher.domain.requests import ServiceRequest
from dispatcher.errors import DispatcherError
from dispatcher.i18n.shapes import said
from dispatcher.roster.phones import csc_region, e164
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.names import check_person, check_unit, person_choices, unit_ids
from dispatcher.tui.data.operations import Operations
from dispatcher.tui.data.preview import RequestDraft, chain_preview
from dispatcher.tui.labels import name_of
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader
from dispatcher.tui.worker_results import close_with

EMERGENCY_NEEDS = ("site", "customer", "product")


class NewRequestScreen(DeskScreen[str | None]):
    CSS_PATH = "new_request.tcss"
    SCOPE = "form"
    BINDINGS = bindings_for(SCOPE)

    def __init__(
        self, desk: DeskContext, language: str, typed_ahead: Callable[[], str] | None = None
    ) -> None:
        super().__init__(desk, language)
        self.saving = False
        self.typed_ahead = typed_ahead  # what was typed after `n`, before this form was up
        self.untouched: tuple[object, ...] = ()  # every field's value as the form opened
        self.then_switch = False  # once saved, the desk switches its language (ctrl+l)

    def in_language(self, language: str) -> DeskScreen:
        """The form, untouched, in `language` (nothing typed ahead is taken again)."""
        return type(self)(self.desk, language)

    # -- layout ------------------------------------------------------------------------------

    def _select(
        self, enum: type[Enum], default: Enum | None = None, blank: str | None = None, id: str = ""
    ) -> Select[str]:
        options = [(plain(name_of(member, self.language)), member.value) for member in enum]
        if blank is not None:
            return Select(options, prompt=blank, allow_blank=True, id=id)
        assert default is not None  # a select with no blank line starts on its default
        return Select(options, value=default.value, allow_blank=False, id=id)

    def compose(self) -> ComposeResult:
        words, roster = self.words, self.desk.roster
        sites = sorted({site for unit in roster.units.values() for site in unit.sites})
        products = [(plain(f"{p.id} — {p.name}"), p.id) for p in roster.products.values()]
        yield DeskHeader(self.desk, words)
        with Horizontal():
            with VerticalScroll(id="form"):
                yield Label(words["new.title"], classes="form-title")
                yield Label(words["new.summary"])
                yield Input(id="summary")
                with Horizontal(classes="row"):
                    yield self._field(
                        "new.category",
                        self._select(Category, Category.FAULT_SUPPORT, id="category"),
                    )
                    yield self._field(
                        "new.intake", self._select(IntakeChannel, IntakeChannel.PHONE, id="intake")
                    )
                    yield self._field("new.level", self._select(Level, Level.L1, id="level"))
                with Horizontal(classes="row"):
                    yield self._field(
                        "new.site",
                        Select([(plain(s), s) for s in sites], prompt=words["new.none"], id="site"),
                    )
                    yield self._field(
                        "new.product", Select(products, prompt=words["new.none"], id="product")
                    )
                    yield self._field(
                        "new.severity",
                        self._select(Severity, blank=words["new.severity.auto"], id="severity"),
                    )
                with Horizontal(classes="row"):
                    yield self._field("new.customer", Input(id="customer"))
                    yield self._field(
                        "new.vip", self._select(VipKind, blank=words["new.vip.none"], id="vip")
                    )
                with Horizontal(classes="row"):
                    yield self._field("new.reporter", Input(id="reporter"))
                    yield self._field("new.reporter_phone", Input(id="reporter_phone"))
                    yield self._field("new.reporter_email", Input(id="reporter_email"))
                yield Label(words["new.criteria"])
                yield SelectionList[str](*self._criteria_options(""), id="criteria")
                yield Label(words["new.description"])
                yield Input(id="description")
                with Horizontal(classes="row"):
                    yield self._field("new.owner_unit", self._named("owner_unit", unit_ids(roster)))
                    yield self._field(
                        "new.owner_person", self._named("owner_person", person_choices(roster))
                    )
                yield Checkbox(words["new.start_chain"], value=True, id="start_chain")
                yield Static(id="form-error")
            with VerticalScroll(id="preview-pane"):
                yield Label(words["new.preview"], classes="form-title")
                yield Static(id="emergency")
                yield Static(id="preview")
        yield DeskFooter()

    @staticmethod
    def _named(id: str, choices: list[str]) -> Input:
        """A field for a roster name: typing completes it (→ takes the completion)."""
        return Input(id=id, suggester=SuggestFromList(choices, case_sensitive=False))

    def _field(self, word: str, widget) -> Vertical:
        return Vertical(Label(self.words[word]), widget, classes="field")

    def _criteria_options(
        self, product: str, kept: Collection[str] = ()
    ) -> list[tuple[Text, str, bool]]:
        """The criteria a request for `product` may name, those in `kept` ticked."""
        extra = self.desk.roster.criteria.get(product, ()) if product else ()
        return [
            (plain(f"{c.id:>4}  {c.text(self.language)}"), c.id, c.id in kept)
            for c in criteria_for(extra)
        ]

    def on_mount(self) -> None:
        # Tab goes field to field: the scrolling panes are never a stop of their own (the
        # form scrolls to the field in focus), whatever the length of the preview.
        for pane in self.query(VerticalScroll):
            pane.can_focus = False
        self.query_one("#criteria", SelectionList).highlighted = 0
        self.untouched = self.values()
        summary = self.query_one("#summary", Input)
        summary.focus()
        if self.typed_ahead is not None:
            summary.insert_text_at_cursor(self.typed_ahead())
        self.update_preview()

    def on_key(self, event) -> None:
        """A key that reaches the form while nothing has the focus yet goes to the summary."""
        if self.focused is None and event.is_printable and event.character:
            summary = self.query_one("#summary", Input)
            summary.focus()
            summary.insert_text_at_cursor(event.character)
            event.stop()

    # -- reading the form --------------------------------------------------------------------

    def _value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return "" if widget.is_blank() else str(widget.value)
        assert isinstance(widget, Input)  # the form's text fields are selects and inputs
        return widget.value.strip()

    def draft(self) -> RequestDraft:
        return RequestDraft(
            category=Category(self._value("#category")),
            level=Level(self._value("#level")),
            site=self._value("#site"),
            product=self._value("#product"),
            criteria=tuple(self.query_one("#criteria", SelectionList).selected),
        )

    @on(Input.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def form_changed(self, event) -> None:
        if isinstance(event, Select.Changed) and event.select.id == "product":
            self._reload_criteria()
        self.update_preview()

    def _reload_criteria(self) -> None:
        criteria = self.query_one("#criteria", SelectionList)
        kept = set(criteria.selected)
        criteria.clear_options()
        criteria.add_options(self._criteria_options(self._value("#product"), kept))
        criteria.highlighted = 0

    def update_preview(self) -> None:
        draft = self.draft()
        emergency = self.query_one("#emergency", Static)
        emergency.update(
            plain(
                self.words["new.emergency"] if draft.emergency else self.words["new.not_emergency"]
            )
        )
        emergency.set_class(draft.emergency, "-emergency")
        self.compute_preview(draft)

    @work(thread=True, exclusive=True, group="preview")
    def compute_preview(self, draft: RequestDraft) -> None:
        text = chain_preview(self.desk, draft, self.desk.now(), self.language)
        # A preview superseded while it was computed (the form changed again) is never shown:
        # an older one may finish after a newer one and would put back what the form was.
        if not get_current_worker().is_cancelled:
            self.from_worker(self._show_preview, text)

    def _show_preview(self, text: Text) -> None:
        """On the UI thread: the form may be still mounting, or closed while this was computed."""
        for preview in self.query("#preview").results(Static):
            preview.update(text)

    # -- saving ------------------------------------------------------------------------------

    def _refuse(self, message: str, focus: str) -> None:
        """Say in one line what is missing, where the eye is (a notice) and in the form."""
        self.query_one("#form-error", Static).update(plain(message))
        self.notify(message, severity="error")
        self.query_one(f"#{focus}").focus()

    def action_save(self) -> None:
        if self.saving:  # the save under way closes the form
            self.notify(self.words["new.saving"])
            return
        summary = self._value("#summary")
        if not summary:
            self._refuse(self.words["summary.needed"], "summary")
            return
        draft = self.draft()
        missing = [name for name in EMERGENCY_NEEDS if not self._value(f"#{name}")]
        if draft.emergency and missing:
            fields = ", ".join(self.words[f"new.{name}"] for name in missing)
            self._refuse(self.words["emergency.needs"].format(fields=fields), missing[0])
            return
        owner = self.checked_owner()
        if owner is None:
            return
        phone = self._value("#reporter_phone")
        region = csc_region(self.desk.roster)
        if phone and e164(phone, region) is None:  # stored as E.164, as the command line does
            message = self.words["phone.invalid"].format(phone=phone, region=region or "+")
            self._refuse(message, "reporter_phone")
            return
        self.saving = True
        received = self.desk.now()
        severity = self._value("#severity") or ("critical" if draft.emergency else "minor")
        values = {
            name: self._value(f"#{name}")
            for name in (
                "intake",
                "reporter",
                "reporter_phone",
                "reporter_email",
                "customer",
                "vip",
                "description",
            )
        }

        def build(sr_id: str) -> ServiceRequest:
            return ServiceRequest(
                id=sr_id,
                received=received,
                category=draft.category,
                summary=summary,
                severity=Severity(severity),
                intake=IntakeChannel(values["intake"]),
                reporter=Reporter(
                    values["reporter"],
                    e164(values["reporter_phone"], region) or "",
                    values["reporter_email"],
                ),
                customer=Customer(
                    values["customer"], VipKind(values["vip"]) if values["vip"] else None
                ),
                site=draft.site,
                product=draft.product,
                description=values["description"],
                criteria=draft.criteria,
                owner=owner,
                level=draft.level,
            )

        start = draft.emergency or self.query_one("#start_chain", Checkbox).value
        self.register(build, received, start)

    def checked_owner(self) -> Owner | None:
        """The owner as the roster names it (ids), each name checked as `sr new` checks
        `--owner-unit` and `--owner-person`; None after refusing the first field that names
        nobody, the focus on it."""
        roster, words = self.desk.roster, self.words
        checks = (
            ("owner_unit", lambda typed: check_unit(roster, typed, words)),
            ("owner_person", lambda typed: check_person(roster, typed, words).id),
        )
        found = []
        for field, check in checks:
            typed = self._value(f"#{field}")
            try:
                found.append(check(typed) if typed else "")
            except DispatcherError as refused:
                self._refuse(f"{words[f'new.{field}']}: {refused}", field)
                return None
        return Owner(*found)

    @work(thread=True, exclusive=True, group="save")
    def register(self, build, received, start_chain: bool) -> None:
        """Save the request; the dispatcher hears how it went even if the form is gone."""
        try:
            sr = Operations(self.desk).register(build, received, start_chain)
        except DispatcherError as error:
            message = said(str(error), self.language)  # a refusal composed in English
            self.app.call_from_thread(self.notify, message, severity="error")
            self.from_worker(self._failed, message)
            return
        self.app.call_from_thread(self.notify, f"{sr.id} {self.words['new.saved']}")
        self.from_worker(self._saved, sr.id)

    def _failed(self, message: str) -> None:
        self.saving = self.then_switch = False  # refused: the form says why; the language stays
        self.query_one("#form-error", Static).update(plain(message))

    def _saved(self, sr_id: str) -> None:
        close_with(self, sr_id)  # a question opened while it saved closes with the form
        if self.then_switch:
            self.app.call_later(self.app.run_action, "switch_language")

    def values(self) -> tuple[object, ...]:
        """What every field of the form holds now (a select's choice, the ticked criteria):
        any of them changed counts as typed (Escape and ctrl+l ask first), a list chosen as
        much as a text typed."""
        found: list[object] = []
        for field in self.query("*").results():
            if isinstance(field, SelectionList):
                found.append(tuple(field.selected))
            elif isinstance(field, (Input, Select, Checkbox)):
                found.append(field.value)
        return tuple(found)

    def typed(self) -> bool:
        """Whether the dispatcher changed anything since the form opened (`KeepsTyping`)."""
        return self.values() != self.untouched

    def save_then_switch(self) -> None:
        """ctrl+l on a half-typed form, answered "save first", or while it saves: saved, the
        desk switches."""
        self.then_switch = True
        if self.saving:
            self.notify(self.words["new.saving.switch"])
            return
        self.action_save()
        if not self.saving:  # refused: the form says why; the language stays
            self.then_switch = False

    def action_cancel(self) -> None:
        """Leave; when something was typed, only after the dispatcher says to throw it away;
        while it saves, not at all (the form closes once saved)."""
        if self.saving:
            self.notify(self.words["new.saving"])
            return
        if not self.typed():
            self.dismiss(None)
            return
        words = self.words

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                words["discard.title"],
                words["discard.body"],
                [],
                words["discard.yes"],
                words["discard.no"],
            ),
            answered,
        )
