"""The new-request form's preview: who handles the request and whom its chain will call, in
which order, by which channels — the same routing, and the same channels, the engine will
use (`callout.channels_used` over the channels enabled here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from dispatcher.domain.callout import channels_used
from dispatcher.domain.request_parts import Category, Level
from dispatcher.domain.routing import describe_target, preview, route
from dispatcher.i18n.phrases import phrase
from dispatcher.tui.context import DeskContext
from dispatcher.tui.labels import labels


@dataclass(frozen=True)
class RequestDraft:
    category: Category
    level: Level
    site: str
    product: str
    criteria: tuple[str, ...]

    @property
    def emergency(self) -> bool:
        return bool(self.criteria)


def chain_preview(desk: DeskContext, draft: RequestDraft, at: datetime, language: str) -> Text:
    words, roster = labels(language), desk.roster
    routing = route(roster, draft.category, draft.level, draft.site, draft.product, draft.emergency)
    text = Text()
    text.append(f"{words['handler']}: ", style="bold")
    text.append(f"{routing.handler or '—'} ({routing.level.value})\n")
    text.append(f"{phrase(routing.why, language)}\n\n", style="italic")
    if routing.chain is None:
        text.append(words["no_chain"], style="yellow")
        return text
    chain = roster.chains[routing.chain]
    text.append(f"{words['chain']}: ", style="bold")
    text.append(f"{chain.name} ×{chain.repeat}\n")
    overrides, reaches = desk.overrides(), desk.reaches()
    for step in preview(roster, chain, at, draft.site, draft.product, overrides):
        text.append(f"{words['step']} {step.number} ", style="bold")
        used = channels_used(step.people, step.channels, reaches)  # none: it reaches nobody
        if used:
            text.append(f"[{', '.join(used)}] ")
        else:  # as the engine, the dry runs and chain show say it
            text.append(f"{words['nobody']}: {words['skipped']} ", style="bold red")
        text.append(f"{words['wait']} {step.wait_minutes} {words['min']}\n")
        for person in step.people:
            local = at.astimezone(ZoneInfo(person.timezone))
            name = person.name_zh if language == "zh" and person.name_zh else person.name
            text.append(f" • {name}  {person.unit}  {local:%H:%M} {local.tzname()}\n")
        for target in step.nobody_for:
            text.append(
                f" • {words['nobody']}: {phrase(describe_target(target), language)}\n",
                style="bold red",
            )
        if step.skipped:
            text.append(f" → {words['skipped']}\n", style="red")
    return text
