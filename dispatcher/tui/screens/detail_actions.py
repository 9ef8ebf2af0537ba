"""The detail screen's actions: every lifecycle move the command line has, each run in a
worker through `Operations` (one commit each), names and units checked against the roster
with completion, and a confirmation before a level is raised. A closed request is read only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import work

from dispatcher.domain.lifecycle import CALLBACK_ATTEMPTS, CallbackOutcome, Status
from dispatcher.errors import DispatcherError
from dispatcher.i18n import N_, name_of, translator
from dispatcher.tui.data.detail import RequestView
from dispatcher.tui.data.names import check_owner, check_person, owner_choices, person_choices
from dispatcher.tui.data.operations import LevelPlan, Operations
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.screens.prompt import PromptScreen

T = TypeVar("T")
READ_ONLY_ALLOWED = {"pop_screen"}  # what a closed request still offers: going back


def level_body(plan: LevelPlan) -> str:
    """The label that says what raising the level pages (see `LevelPlan`)."""
    if plan.paged:
        return "level.body" if plan.aimed else "level.next"
    if plan.at_end:
        return "level.last"
    return "level.nochain" if plan.step is None else "level.nobody"


class DetailActions(DeskScreen[None]):
    """The base of `DetailScreen`, which provides `sr_id`, `view` and `reload`."""

    sr_id: str
    view: RequestView | None
    reload: Callable[[], object]  # a worker: show the request as it now stands

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A closed request (found in history) is read only: no action but back."""
        view = self.view
        if view is not None and view.sr.status is Status.CLOSED:
            return action in READ_ONLY_ALLOWED
        return True

    @work(thread=True, group="detail-action")
    def perform(self, done: str, change: Callable[[Operations], object]) -> None:
        try:
            change(Operations(self.desk))
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        done = translator(self.language).gettext(done)
        self.app.call_from_thread(self.notify, f"{self.sr_id}: {done}")
        self.reload()

    def _ask(
        self,
        question: str,
        then: Callable[[str], object],
        value: str = "",
        choices: list[str] | None = None,
    ) -> None:
        def answered(answer: str | None) -> None:
            if answer:
                then(answer)

        self.app.push_screen(PromptScreen(question, value, choices), answered)

    def _checked(self, check: Callable[[], T]) -> T | None:
        """The checked value, or None after saying in one line what is wrong."""
        try:
            return check()
        except DispatcherError as error:
            self.notify(str(error), severity="error")
            return None

    # -- the call-out ------------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        roster = self.desk.roster

        def acknowledge(answer: str) -> None:
            person = self._checked(lambda: check_person(roster, answer, self.words))
            if person is not None:
                by = person.display_name
                done = translator(self.language).gettext(N_("acknowledged by {who}"))
                self.perform(done.format(who=by), lambda ops: ops.acknowledge(self.sr_id, by))

        self._ask(self.words["ack.who"], acknowledge, choices=person_choices(roster))

    def action_escalate(self) -> None:
        self.perform(N_("escalated"), lambda ops: ops.escalate(self.sr_id))

    def action_repage(self) -> None:
        self.perform(N_("re-paged"), lambda ops: ops.repage(self.sr_id))

    def action_start_chain(self) -> None:
        self.perform(N_("chain started"), lambda ops: ops.start_chain(self.sr_id))

    # -- the request -------------------------------------------------------------------------

    def action_note(self) -> None:
        self._ask(
            self.words["note.text"],
            lambda text: self.perform(N_("note"), lambda ops: ops.note(self.sr_id, text)),
        )

    def action_reassign(self) -> None:
        roster = self.desk.roster

        def reassign(answer: str) -> None:
            owner = self._checked(lambda: check_owner(roster, answer, self.words))
            if owner is not None:
                self.perform(
                    N_("reassigned"),
                    lambda ops: ops.reassign(self.sr_id, owner.unit, owner.person),
                )

        self._ask(self.words["reassign.unit"], reassign, choices=owner_choices(roster))

    def action_raise_level(self) -> None:
        """Names the new level, the new owner and whom the call-out pages, then asks."""
        self.plan_level()

    @work(thread=True, exclusive=True, group="detail-level")
    def plan_level(self) -> None:
        try:
            plan = Operations(self.desk).level_plan(self.sr_id)
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.from_worker(self.confirm_level, plan)

    def confirm_level(self, plan: LevelPlan) -> None:
        words = self.words
        levels = {"level": plan.level.value, "next": plan.next.value}
        body = level_body(plan)

        def answered(yes: bool | None) -> None:
            if yes:
                self.perform(
                    f"{plan.level.value} → {plan.next.value}",
                    lambda ops: ops.raise_level(plan),
                )

        self.app.push_screen(
            ConfirmScreen(
                words["level.confirm"].format(sr=plan.sr, **levels),
                words[body].format(
                    owner=plan.owner.unit or "—",
                    step=(plan.step or 0) + 1,
                    chain=plan.chain or "—",
                    **levels,
                ),
                list(plan.paged),
                words["level.yes"],
                words["level.no"].format(**levels),
                danger=False,
            ),
            answered,
        )

    def action_start_work(self) -> None:
        self.perform(self.words["start.done"], lambda ops: ops.start_work(self.sr_id))

    def action_restore(self) -> None:
        self._ask(
            self.words["restore.text"],
            lambda text: self.perform(N_("restored"), lambda ops: ops.restore(self.sr_id, text)),
        )

    def action_declare(self) -> None:
        def declare(answer: str) -> None:
            criteria = tuple(c.upper() for c in answer.replace(",", " ").split())
            done = translator(self.language).gettext(N_("emergency ({criteria})"))
            self.perform(
                done.format(criteria=", ".join(criteria)),
                lambda ops: ops.declare(self.sr_id, criteria),
            )

        self._ask(self.words["declare.text"], declare)

    def action_resolve(self) -> None:
        self._ask(
            self.words["resolve.text"],
            lambda text: self.perform(N_("resolved"), lambda ops: ops.resolve(self.sr_id, text)),
        )

    def action_callback(self) -> None:
        def callback(answer: str) -> None:
            outcome, _, score = answer.strip().partition(" ")
            named = {name_of(o, self.language): o for o in CallbackOutcome}
            try:
                parsed = named.get(outcome) or CallbackOutcome(outcome.lower())
                number = int(score) if score.strip() else None
            except ValueError:
                self.notify(f"{answer!r}: {prompt}", severity="error")
                return
            self.perform(N_("callback"), lambda ops: ops.callback(self.sr_id, parsed, number))

        outcomes = "|".join(name_of(o, self.language) for o in CallbackOutcome)
        prompt = self.words["callback.prompt"].format(outcomes=outcomes)
        self._ask(prompt, callback)

    def action_reopen(self) -> None:
        self._ask(
            self.words["reopen.text"],
            lambda reason: self.perform(N_("reopened"), lambda ops: ops.reopen(self.sr_id, reason)),
        )

    def action_close_request(self) -> None:
        """After a reached callback it closes; after the unanswered tries the closure rule
        asks for, it asks why none was possible; before that it says what is missing."""
        view = self.view
        if view is None or view.sr.status is not Status.RESOLVED:
            self.perform(N_("closed"), lambda ops: ops.close(self.sr_id))
            return
        attempts = view.sr.callback_attempts
        if attempts < CALLBACK_ATTEMPTS:
            self.notify(
                self.words["close.needs"].format(attempts=attempts, needed=CALLBACK_ATTEMPTS),
                severity="warning",
            )
            return
        self._ask(
            self.words["close.reason"].format(attempts=attempts),
            lambda reason: self.perform(
                N_("closed without a callback"), lambda ops: ops.close(self.sr_id, reason)
            ),
        )
